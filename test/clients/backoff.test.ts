import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ExponentialBackoff,
  retryBackoff,
  retryBackoffMs,
  SeededBackoff,
} from '../../src/clients/backoff.js';
import { Rng } from '../../src/sim/rng.js';

/** The two formulas the clients had before they shared one, kept to show nothing changed. */
const producerBefore = (initial: number, max: number, attempts: number, jitter: number) => {
  if (max <= initial) return max;
  const expMax = Math.log(max / Math.max(initial, 1)) / Math.log(2);
  const term = initial * 2 ** Math.min(attempts - 1, expMax);
  return Math.min(max, Math.floor(term * (1 + 0.2 * (2 * jitter - 1))));
};

describe("ExponentialBackoff (Kafka's common.utils), shared by the producer and the consumer", () => {
  it('grows ×2 from the initial interval within ±20 %, capped at the maximum; no exponential range: the initial one, min max', () => {
    const b = new ExponentialBackoff(100, 2, 1_000, 0.2);
    expect(b.backoff(0, 0.5)).toBe(100);
    expect(b.backoff(1, 0.5)).toBe(200);
    expect(b.backoff(3, 0.5)).toBe(800);
    expect(b.backoff(4, 0.5)).toBe(1_000);
    expect(b.backoff(0, 0)).toBe(80);
    expect(b.backoff(0, 0.999999)).toBe(119);
    expect(b.jittered).toBe(true);
    const flat = new ExponentialBackoff(500, 2, 200, 0.2);
    expect(flat.jittered).toBe(false);
    expect(flat.backoff(7, 0.9)).toBe(200); // initialInterval = min(max, initial)
    expect(new ExponentialBackoff(100, 2, 1_000, 0).backoff(2, 0.9)).toBe(400);
  });

  it("the producer's retryBackoffMs gives what its own formula gave, to the millisecond (attempts counted from 1)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 10, 50, 100, 250, 1_000),
        fc.constantFrom(1, 100, 1_000, 5_000, 32_000),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        (initial, max, attempts, jitter) => {
          const config = { 'retry.backoff.ms': initial, 'retry.backoff.max.ms': max };
          // The same up to float rounding at a whole-millisecond boundary: Kafka's
          // nextDouble(0.8, 1.2) is 0.8 + r × 0.4, the old formula 1 + 0.2 × (2r − 1).
          // (Regression: an exact comparison failed once, 3999 against 4000.)
          const now = retryBackoffMs(config, attempts, jitter);
          const before = producerBefore(initial, max, attempts, jitter);
          expect(Math.abs(now - before)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("the consumer's SeededBackoff draws from its stream only when there is a range, as rng.floatBetween(0.8, 1.2) did", () => {
    const policy = retryBackoff({ 'retry.backoff.ms': 100, 'retry.backoff.max.ms': 1_000 });
    const seeded = new SeededBackoff(policy, new Rng('s'));
    const mirror = new Rng('s');
    for (let attempts = 0; attempts < 10; attempts++) {
      const term = 100 * 2 ** Math.min(attempts, Math.log(10) / Math.log(2));
      expect(seeded.backoff(attempts)).toBe(
        Math.min(Math.floor(mirror.floatBetween(0.8, 1.2) * term), 1_000),
      );
    }
    const rng = new Rng('t');
    const flat = new SeededBackoff(
      retryBackoff({ 'retry.backoff.ms': 100, 'retry.backoff.max.ms': 100 }),
      rng,
    );
    expect(flat.backoff(3)).toBe(100);
    expect(rng.next()).toBe(new Rng('t').next()); // no draw was taken
  });
});
