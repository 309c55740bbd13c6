import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../src/cli/check-options.js';
import {
  parseCount,
  parseSeedRange,
  parseShard,
  type Sweep,
  sweepSeeds,
  sweepSize,
  UsageError,
  WHOLE,
} from '../../src/cli/check-seeds.js';

const runs = { numRuns: Number(process.env.FC_RUNS ?? 300) };
const range = (first: number, last: number): number[] =>
  Array.from({ length: last - first + 1 }, (_, k) => first + k);

describe('check: seed ranges', () => {
  it('parses A..B and N back to the numbers written, for any A <= B', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 1_000_000 }), (a, b, n) => {
        const [first, last] = a <= b ? [a, b] : [b, a];
        expect(parseSeedRange(`${first}..${last}`)).toEqual({ first, last });
        expect(parseCount(String(n))).toEqual({ first: 1, last: n });
      }),
      runs,
    );
  });

  it('refuses anything else with a usage error', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const valid = /^[0-9]+\.\.[0-9]+$/.test(text);
        if (!valid) expect(() => parseSeedRange(text)).toThrow(UsageError);
      }),
      runs,
    );
    for (const bad of [
      '5..2',
      '1..',
      '..3',
      '-1..3',
      '1.5..3',
      '1..2..3',
      '1...3',
      '',
      '9007199254740993..9007199254740994',
    ])
      expect(() => parseSeedRange(bad), bad).toThrow(UsageError);
    for (const bad of ['0', '-3', '1.5', 'ten', '', '1e3'])
      expect(() => parseCount(bad), bad).toThrow(UsageError);
    for (const bad of ['0/3', '4/3', '1/0', '1', '1/2/3', 'a/b', '-1/3'])
      expect(() => parseShard(bad), bad).toThrow(UsageError);
    expect(parseShard('3/3')).toEqual({ index: 3, total: 3 });
  });
});

describe('check: shards', () => {
  const sweepArbitrary = fc
    .record({
      first: fc.integer({ min: 0, max: 1_000 }),
      size: fc.integer({ min: 1, max: 300 }),
      total: fc.integer({ min: 1, max: 12 }),
    })
    .map(({ first, size, total }) => ({ first, last: first + size - 1, total }));

  it('split the sweep into disjoint slices whose union is the whole sweep', () => {
    fc.assert(
      fc.property(sweepArbitrary, ({ first, last, total }) => {
        const seen: number[] = [];
        for (let index = 1; index <= total; index++) {
          const shard: Sweep = { first, last, shard: { index, total } };
          const seeds = sweepSeeds(shard);
          expect(seeds.length).toBe(sweepSize(shard));
          // Each shard keeps the positions congruent to index-1 modulo total, in order.
          for (const seed of seeds) expect((seed - first) % total).toBe(index - 1);
          expect(seeds).toEqual([...seeds].sort((a, b) => a - b));
          seen.push(...seeds);
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.sort((a, b) => a - b)).toEqual(range(first, last));
        // Shards differ in size by at most one.
        const sizes = Array.from({ length: total }, (_, i) =>
          sweepSize({ first, last, shard: { index: i + 1, total } }),
        );
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
      runs,
    );
  });

  it('the whole sweep is one shard of one', () => {
    expect(sweepSeeds({ first: 3, last: 7, shard: WHOLE })).toEqual([3, 4, 5, 6, 7]);
  });
});

describe('check: flags', () => {
  it('defaults to seeds 1..100, the given workers, shrinking, reports/', () => {
    expect(checkPlan({}, 3)).toEqual({
      sweep: { first: 1, last: 100, shard: WHOLE },
      workers: 3,
      json: false,
      failFast: false,
      reportDir: 'reports',
      shrink: true,
    });
  });

  it('converts every flag', () => {
    const plan = checkPlan(
      {
        seeds: '10..19',
        shard: '2/5',
        workers: '4',
        junit: 'j.xml',
        json: true,
        failFast: true,
        timeBudget: '90s',
        reportDir: 'out',
        shrink: false,
      },
      1,
    );
    expect(plan).toEqual({
      sweep: { first: 10, last: 19, shard: { index: 2, total: 5 } },
      workers: 4,
      junit: 'j.xml',
      json: true,
      failFast: true,
      budgetMs: 90_000,
      reportDir: 'out',
      shrink: false,
    });
    expect(sweepSeeds(plan.sweep)).toEqual([11, 16]);
  });

  it('refuses bad values and contradictions', () => {
    for (const options of [
      { seeds: '1..3', count: '3' },
      { workers: '0' },
      { workers: '1.5' },
      { workers: '257' },
      { timeBudget: '5' },
      { timeBudget: '0s' },
      { timeBudget: 'soon' },
      { count: 'x' },
    ])
      expect(() => checkPlan(options, 2), JSON.stringify(options)).toThrow(UsageError);
  });
});
