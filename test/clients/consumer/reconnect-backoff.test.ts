import { describe, expect, it } from 'vitest';
import {
  ExponentialBackoff as KafkaExponentialBackoff,
  SeededBackoff,
} from '../../../src/clients/backoff.js';
import { ClusterConnectionStates } from '../../../src/clients/consumer/network.js';
import { Rng } from '../../../src/sim/rng.js';
import { MILLISECOND } from '../../../src/sim/time.js';

/** ExponentialBackoff(initial, 2, max, 0.2) drawing its jitter from `rng` (src/clients/backoff.ts). */
class ExponentialBackoff extends SeededBackoff {
  constructor(initialMs: number, maxMs: number, rng: Rng) {
    super(new KafkaExponentialBackoff(initialMs, 2, maxMs, 0.2), rng);
  }
}

/** reconnect.backoff.ms 50, reconnect.backoff.max.ms 1000: Kafka 3.8's defaults. */
const states = (seed: string | number = 1) =>
  new ClusterConnectionStates(new ExponentialBackoff(50, 1_000, new Rng(seed)));

/** The reconnect backoff after each of `failures` connection attempts that failed, ms. */
function backoffs(c: ClusterConnectionStates, node: number, failures: number, start = 0): number[] {
  const out: number[] = [];
  let now = start;
  for (let i = 0; i < failures; i++) {
    c.connecting(node, now);
    c.disconnected(node, now);
    const delay = c.connectionDelay(node, now);
    out.push(delay / MILLISECOND);
    now += delay;
  }
  return out;
}

describe('ExponentialBackoff (reconnect.backoff.ms ×2, jitter 0.2, reconnect.backoff.max.ms)', () => {
  it('grows ×2 per attempt within ±20 % and is capped at the maximum', () => {
    const b = new ExponentialBackoff(50, 1_000, new Rng('growth'));
    for (let round = 0; round < 50; round++)
      for (let attempts = 0; attempts < 12; attempts++) {
        const value = b.backoff(attempts);
        const term = Math.min(50 * 2 ** attempts, 1_000);
        expect(Number.isInteger(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(Math.floor(0.8 * term));
        expect(value).toBeLessThanOrEqual(Math.min(1.2 * term, 1_000));
      }
  });

  it('draws its jitter from the seeded stream: one seed, one sequence', () => {
    const draw = (seed: string) => {
      const b = new ExponentialBackoff(50, 1_000, new Rng(seed));
      return Array.from({ length: 20 }, (_, i) => b.backoff(i % 6));
    };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
  });

  it('is constant without room to grow (max <= initial), as Kafka', () => {
    expect(new ExponentialBackoff(50, 50, new Rng(1)).backoff(7)).toBe(50);
    expect(new ExponentialBackoff(500, 100, new Rng(1)).backoff(0)).toBe(100);
  });
});

describe('ClusterConnectionStates', () => {
  it('lets a node never tried connect at once', () => {
    const c = states();
    expect(c.canConnect(1, 0)).toBe(true);
    expect(c.isBlackedOut(1, 0)).toBe(false);
    expect(c.connectionDelay(1, 0)).toBe(0);
  });

  it('blacks a node out for the reconnect backoff after a disconnect, in whole microseconds', () => {
    const c = states();
    c.connecting(1, 1_000);
    expect(c.canConnect(1, 1_000)).toBe(false); // connecting, not disconnected
    expect(c.connectionDelay(1, 1_000)).toBe(Number.POSITIVE_INFINITY);
    c.disconnected(1, 2_000);
    const delay = c.connectionDelay(1, 2_000);
    expect(Number.isInteger(delay)).toBe(true);
    expect(delay).toBeGreaterThanOrEqual(40 * MILLISECOND);
    expect(delay).toBeLessThanOrEqual(60 * MILLISECOND);
    expect(c.isBlackedOut(1, 2_000 + delay - 1)).toBe(true);
    expect(c.canConnect(1, 2_000 + delay - 1)).toBe(false);
    expect(c.connectionDelay(1, 2_000 + delay - 1)).toBe(1);
    expect(c.isBlackedOut(1, 2_000 + delay)).toBe(false);
    expect(c.canConnect(1, 2_000 + delay)).toBe(true);
    expect(c.connectionDelay(1, 2_000 + delay)).toBe(0);
  });

  it('doubles the backoff with each failed attempt, up to reconnect.backoff.max.ms', () => {
    const got = backoffs(states('grow'), 1, 10);
    got.forEach((value, attempt) => {
      const term = Math.min(50 * 2 ** attempt, 1_000);
      expect(value).toBeGreaterThanOrEqual(Math.floor(0.8 * term));
      expect(value).toBeLessThanOrEqual(Math.min(1.2 * term, 1_000));
    });
    // Capped: from the fifth failure on (50 × 2^5 > 1000) every wait is in [800, 1000] ms.
    for (const value of got.slice(5)) {
      expect(value).toBeGreaterThanOrEqual(800);
      expect(value).toBeLessThanOrEqual(1_000);
    }
    // Ten failures against a dead broker take seconds, not milliseconds.
    expect(got.reduce((a, b) => a + b, 0)).toBeGreaterThan(5_000);
  });

  it('resets the backoff once a connection is ready again', () => {
    const c = states('reset');
    const before = backoffs(c, 1, 6);
    expect(before.at(-1)).toBeGreaterThanOrEqual(800);
    const now = 60 * 1_000_000;
    c.connecting(1, now);
    c.ready(1);
    expect(c.isReady(1)).toBe(true);
    expect(c.failedAttempts(1)).toBe(0);
    const after = backoffs(c, 1, 2, now);
    expect(after[0]).toBeGreaterThanOrEqual(40);
    expect(after[0]).toBeLessThanOrEqual(60);
    expect(after[1]).toBeGreaterThanOrEqual(80);
    expect(after[1]).toBeLessThanOrEqual(120);
  });

  it('keeps one backoff per node', () => {
    const c = states('nodes');
    backoffs(c, 1, 6);
    expect(c.failedAttempts(1)).toBe(6);
    expect(c.failedAttempts(2)).toBe(0);
    expect(c.canConnect(2, 0)).toBe(true);
  });
});
