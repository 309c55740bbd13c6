import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeTopicOrder38 } from '../../../src/kafka/admin/describe.js';
import {
  JAVA_INTEGER,
  JAVA_STRING,
  javaHashMapOrder,
  javaStringHashCode,
} from '../../../src/kafka/admin/java-hash-map.js';

/** Sixteen names with one hashCode ("Aa" and "BB" hash alike): they share a bucket, which turns into a tree. */
const collidingNames = Array.from({ length: 16 }, (_, m) => {
  let name = 't';
  for (let bit = 0; bit < 4; bit++) name += (m >> bit) & 1 ? 'BB' : 'Aa';
  return name;
});

describe('java.util.HashMap iteration order', () => {
  it('computes String.hashCode as Java does (values printed by a JVM)', () => {
    expect(javaStringHashCode('orders')).toBe(-1008770331);
    expect(javaStringHashCode('__consumer_offsets')).toBe(-970371369);
    expect(javaStringHashCode('')).toBe(0);
    expect(javaStringHashCode('AaAa')).toBe(2031744);
    expect(javaStringHashCode('BBBB')).toBe(2031744);
  });

  // Expected orders printed by OpenJDK 17 for TopicCommand's path: sorted names into
  // new HashMap<>(n), then its entries into another new HashMap<>(n).
  it('orders described topics as a JVM does', () => {
    expect(
      describeTopicOrder38([
        'orders',
        'payments',
        't',
        '__consumer_offsets',
        'events.v1',
        'events_v2',
        'a',
        'b',
        'c',
        'topic-10',
        'topic-2',
      ]),
    ).toEqual([
      'a',
      'b',
      'c',
      't',
      'payments',
      'orders',
      'events.v1',
      'topic-2',
      'topic-10',
      '__consumer_offsets',
      'events_v2',
    ]);
    expect(describeTopicOrder38(['t3', 't1', 't2'])).toEqual(['t1', 't2', 't3']);
    expect(describeTopicOrder38(['alpha', 'beta', 'gamma', 'delta'])).toEqual([
      'delta',
      'beta',
      'gamma',
      'alpha',
    ]);
  });

  it('follows a bucket turned into a red-black tree: root first, then each entry behind its parent', () => {
    expect(describeTopicOrder38(collidingNames)).toEqual([
      'tAaAaBBBB',
      'tAaAaAaAa',
      'tAaAaAaBB',
      'tAaAaBBAa',
      'tAaBBAaAa',
      'tAaBBAaBB',
      'tAaBBBBAa',
      'tAaBBBBBB',
      'tBBAaAaAa',
      'tBBAaAaBB',
      'tBBAaBBAa',
      'tBBAaBBBB',
      'tBBBBAaAa',
      'tBBBBAaBB',
      'tBBBBBBAa',
      'tBBBBBBBB',
    ]);
  });

  it('spreads 70 topics over a table that grew to 128 buckets, as a JVM does', () => {
    const names = Array.from({ length: 70 }, (_, i) => `topic-${i}`);
    expect(describeTopicOrder38(names).map((name) => Number(name.slice(6)))).toEqual([
      6, 7, 8, 9, 50, 0, 51, 1, 52, 2, 53, 10, 3, 54, 11, 4, 55, 12, 5, 56, 46, 47, 48, 49, 40, 41, 42, 43,
      44, 45, 35, 36, 37, 38, 39, 30, 31, 32, 33, 34, 24, 68, 25, 69, 26, 27, 28, 29, 60, 61, 62, 63, 20, 64,
      21, 65, 22, 66, 23, 67, 13, 57, 14, 58, 15, 59, 16, 17, 18, 19,
    ]);
  });

  it('walks small tables by bucket, entries of one bucket in insertion order', () => {
    // Integer keys hash to themselves: 16 and 0 share bucket 0 of a 16-slot table.
    expect(javaHashMapOrder([16, 3, 0, 1], JAVA_INTEGER)).toEqual([16, 0, 1, 3]);
    expect(javaHashMapOrder([16, 3, 0, 1], JAVA_INTEGER, 64)).toEqual([0, 1, 3, 16]);
    expect(javaHashMapOrder(['b', 'a', 'b'], JAVA_STRING)).toEqual(['a', 'b']);
  });

  it('is a stable sort by bucket of the final table while no bucket grows into a tree', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string(), { maxLength: 120 }), fc.nat(200), (keys, initialCapacity) => {
        const bucketOf = (key: string, size: number): number => {
          const hash = javaStringHashCode(key);
          return (hash ^ (hash >>> 16)) & (size - 1);
        };
        const fullestBucket = (some: readonly string[], size: number): number => {
          const counts = new Map<number, number>();
          for (const key of some) counts.set(bucketOf(key, size), (counts.get(bucketOf(key, size)) ?? 0) + 1);
          return Math.max(0, ...counts.values());
        };
        let capacity = 1;
        while (capacity < initialCapacity) capacity *= 2;
        // Each table size holds the keys put until it outgrows its threshold; a ninth key in one
        // bucket would make HashMap grow or build a tree, which this reference leaves out.
        for (;;) {
          fc.pre(fullestBucket(keys.slice(0, Math.floor(capacity * 0.75) + 1), capacity) <= 8);
          if (keys.length <= Math.floor(capacity * 0.75)) break;
          capacity *= 2;
        }
        const bucket = (key: string): number => bucketOf(key, capacity);
        const expected = keys
          .map((key, i) => ({ key, i }))
          .sort((a, b) => bucket(a.key) - bucket(b.key) || a.i - b.i);
        expect(javaHashMapOrder(keys, JAVA_STRING, initialCapacity)).toEqual(expected.map(({ key }) => key));
      }),
    );
  });
});
