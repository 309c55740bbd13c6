import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTo, getOrInsert, pushTo } from '../../src/checks/maps.js';

const pairs = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 5 })));

describe('checks/maps', () => {
  it('pushTo keeps every value under its key, in arrival order', () => {
    fc.assert(
      fc.property(pairs, (entries) => {
        const map = new Map<string, number[]>();
        for (const [k, v] of entries) pushTo(map, k, v);
        for (const k of ['a', 'b', 'c']) {
          const expected = entries.filter(([key]) => key === k).map(([, v]) => v);
          expect(map.get(k)).toEqual(expected.length === 0 ? undefined : expected);
        }
      }),
    );
  });

  it('addTo keeps each distinct value once under its key, in first-arrival order', () => {
    fc.assert(
      fc.property(pairs, (entries) => {
        const map = new Map<string, Set<number>>();
        for (const [k, v] of entries) addTo(map, k, v);
        for (const k of ['a', 'b', 'c']) {
          const expected = [...new Set(entries.filter(([key]) => key === k).map(([, v]) => v))];
          expect(map.has(k) ? [...(map.get(k) as Set<number>)] : []).toEqual(expected);
          expect(map.has(k)).toBe(expected.length > 0);
        }
      }),
    );
  });

  it('getOrInsert makes a value only for a missing key', () => {
    const map = new Map<string, number>([['a', 1]]);
    let made = 0;
    expect(getOrInsert(map, 'a', () => ++made)).toBe(1);
    expect(getOrInsert(map, 'b', () => ++made)).toBe(1);
    expect(getOrInsert(map, 'b', () => ++made)).toBe(1);
    expect(made).toBe(1);
  });
});
