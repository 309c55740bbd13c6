import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatScalaIntBufferHashMap,
  scalaImmutableIntSetDifference,
  scalaImmutableIntSetOrder,
  scalaMutableHashMapIntOrder,
} from '../../../src/kafka/admin/scala-collections.js';

describe('Scala 2.13 collection orders in Kafka messages', () => {
  it('keeps insertion order in sets of up to 4, and hash-trie order beyond', () => {
    expect(scalaImmutableIntSetOrder([3, 1, 3, 2])).toEqual([3, 1, 2]);
    // What the Scala 2.13 REPL prints for (1 to 5).toSet and (1 to 10).toSet.
    expect(scalaImmutableIntSetOrder([1, 2, 3, 4, 5])).toEqual([5, 1, 2, 3, 4]);
    expect(scalaImmutableIntSetOrder([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([
      5, 10, 1, 6, 9, 2, 7, 3, 8, 4,
    ]);
  });

  it('orders a hash trie by its content alone, whatever the insertion order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer(), { minLength: 5, maxLength: 60 }), (values) => {
        const order = scalaImmutableIntSetOrder(values);
        expect([...order].sort((a, b) => a - b)).toEqual([...values].sort((a, b) => a - b));
        expect(scalaImmutableIntSetOrder([...values].reverse())).toEqual(order);
      }),
    );
  });

  it('keeps a small set small and a hash set hashed when removing', () => {
    expect(scalaImmutableIntSetDifference([4, 3, 2, 1], [3])).toEqual([4, 2, 1]);
    expect(scalaImmutableIntSetDifference([1, 2, 3, 4, 5], [3])).toEqual([5, 1, 2, 4]);
  });

  it('walks a mutable.HashMap by bucket, growing the table as Scala does', () => {
    expect(scalaMutableHashMapIntOrder([17, 1, 0, 16])).toEqual([0, 16, 1, 17]);
    // 12 keys: the table has doubled to 32 before the 12th insertion
    const twelve = Array.from({ length: 12 }, (_, i) => i * 16);
    expect(scalaMutableHashMapIntOrder(twelve)).toEqual([0, 32, 64, 96, 128, 160, 16, 48, 80, 112, 144, 176]);
    expect(scalaMutableHashMapIntOrder(twelve.slice(0, 11))).toEqual(twelve.slice(0, 11));
    expect(formatScalaIntBufferHashMap(new Map([[0, [1, 1]]]))).toBe('HashMap(0 -> ArrayBuffer(1, 1))');
  });
});
