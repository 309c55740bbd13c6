import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY, type LatencyDistribution, latencySampler } from '../../src/sim/latency.js';
import { Rng } from '../../src/sim/rng.js';

const sample = (dist: LatencyDistribution, n: number, seed = 1): number[] => {
  const sampler = latencySampler(dist);
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => sampler(rng));
};
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('latency distributions', () => {
  it('give whole, non-negative microseconds within their bounds', () => {
    const dist = fc.oneof(
      fc.record({ kind: fc.constant('constant' as const), value: fc.nat(10_000) }),
      fc
        .tuple(fc.nat(10_000), fc.nat(10_000))
        .map(([a, b]) => ({ kind: 'uniform' as const, min: Math.min(a, b), max: Math.max(a, b) })),
      fc.record({
        kind: fc.constant('exponential' as const),
        mean: fc.nat(10_000),
        min: fc.nat(500),
        max: fc.nat(50_000),
      }),
      fc.record({
        kind: fc.constant('lognormal' as const),
        median: fc.nat(10_000),
        sigma: fc.double({ min: 0, max: 2, noNaN: true }),
        max: fc.nat(50_000),
      }),
      fc.record({
        kind: fc.constant('pareto' as const),
        min: fc.nat(1_000),
        alpha: fc.double({ min: 0.5, max: 3, noNaN: true }),
        max: fc.nat(50_000),
      }),
    );
    fc.assert(
      fc.property(dist, fc.integer(), (d: LatencyDistribution, seed) => {
        for (const v of sample(d, 50, seed)) {
          expect(Number.isInteger(v) && v >= 0).toBe(true);
          if ('max' in d && d.max !== undefined) expect(v).toBeLessThanOrEqual(d.max);
          if (d.kind === 'uniform') expect(v >= d.min && v <= d.max).toBe(true);
          if (d.kind === 'constant') expect(v).toBe(d.value);
        }
      }),
    );
  });

  it('have the shape they claim', () => {
    expect(mean(sample({ kind: 'exponential', mean: 1000 }, 20_000))).toBeGreaterThan(950);
    expect(mean(sample({ kind: 'exponential', mean: 1000 }, 20_000))).toBeLessThan(1050);
    const logn = sample({ kind: 'lognormal', median: 1000, sigma: 1 }, 20_000).sort((a, b) => a - b);
    expect(logn[10_000]).toBeGreaterThan(950);
    expect(logn[10_000]).toBeLessThan(1050);
    // a long tail: the 99th percentile is far above the median
    expect(logn[19_800] as number).toBeGreaterThan(8_000);
    const pareto = sample({ kind: 'pareto', min: 100, alpha: 1.2 }, 20_000);
    expect(Math.min(...pareto)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...pareto)).toBeGreaterThan(10_000);
    const def = sample(DEFAULT_LATENCY, 10_000);
    expect(Math.min(...def)).toBeGreaterThanOrEqual(200);
  });

  it('reject bad parameters, naming the field', () => {
    expect(() => latencySampler({ kind: 'uniform', min: 5, max: 1 })).toThrow(/max must be >= min/);
    expect(() => latencySampler({ kind: 'constant', value: -1 })).toThrow(/value/);
    expect(() => latencySampler({ kind: 'exponential', mean: Number.NaN })).toThrow(/mean/);
    expect(() => latencySampler({ kind: 'pareto', min: 1, alpha: 0 })).toThrow(/alpha/);
    expect(() => latencySampler({ kind: 'gaussian' } as unknown as LatencyDistribution)).toThrow(
      /unknown latency/,
    );
  });
});
