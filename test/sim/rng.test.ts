import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/sim/rng.js';

const draws = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.next());

describe('Rng', () => {
  it("draws exactly seedrandom's Alea stream for its seed", () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const reference = seedrandom.alea(seed);
        const rng = new Rng(seed);
        for (let i = 0; i < 20; i++) expect(rng.next()).toBe(reference());
      }),
    );
  });

  it('gives the same stream for the same seed, and numbers and strings agree', () => {
    expect(draws(new Rng(7), 10)).toEqual(draws(new Rng('7'), 10));
    expect(draws(new Rng(7), 10)).not.toEqual(draws(new Rng(8), 10));
  });

  it('forks by name: a child does not depend on how much the parent or a sibling drew', () => {
    const quiet = new Rng(1);
    const busy = new Rng(1);
    draws(busy, 1000);
    busy.fork('consumer').next();
    expect(draws(busy.fork('network'), 5)).toEqual(draws(quiet.fork('network'), 5));
    expect(draws(quiet.fork('network'), 5)).not.toEqual(draws(quiet.fork('disk'), 5));
    expect(quiet.fork('a').fork('b').seed).toBe('1/a/b');
  });

  it('keeps every helper in its range', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.nat(1000), (seed, min, span) => {
        const rng = new Rng(seed);
        const max = min + span;
        const i = rng.intBetween(min, max);
        expect(Number.isInteger(i) && i >= min && i <= max).toBe(true);
        const b = rng.below(span + 1);
        expect(b >= 0 && b <= span).toBe(true);
        const f = rng.floatBetween(min, max + 1);
        expect(f >= min && f < max + 1).toBe(true);
        expect(rng.exponential(10)).toBeGreaterThanOrEqual(0);
        expect(rng.pareto(5, 1.5)).toBeGreaterThanOrEqual(5);
        expect(Number.isFinite(rng.normal())).toBe(true);
      }),
    );
  });

  it('reaches both ends of intBetween', () => {
    const rng = new Rng('ends');
    const seen = new Set(Array.from({ length: 200 }, () => rng.intBetween(1, 3)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });

  it('shuffles into a permutation and picks members', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer(), { minLength: 1, maxLength: 30 }), (seed, items) => {
        const rng = new Rng(seed);
        const shuffled = rng.shuffled(items);
        expect([...shuffled].sort((a, b) => a - b)).toEqual([...items].sort((a, b) => a - b));
        expect(items).toContain(rng.pick(items));
      }),
    );
    expect(() => new Rng(1).pick([])).toThrow(/empty/);
  });

  it('has the chance it is asked for', () => {
    const rng = new Rng('chance');
    const hits = Array.from({ length: 10_000 }, () => rng.chance(0.3)).filter(Boolean).length;
    expect(hits).toBeGreaterThan(2_800);
    expect(hits).toBeLessThan(3_200);
    expect(rng.chance(0)).toBe(false);
  });
});
