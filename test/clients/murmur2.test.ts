import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coordinatorPartition, javaAbs } from '../../src/clients/coordinator.js';
import { murmur2, partitionForKey, toPositive } from '../../src/clients/murmur2.js';

describe('murmur2 (Utils.murmur2)', () => {
  it("matches Kafka's UtilsTest.testMurmur2 vectors", () => {
    expect(murmur2('21')).toBe(-973932308);
    expect(murmur2('foobar')).toBe(-790332482);
    expect(murmur2('a-little-bit-long-string')).toBe(-985981536);
    expect(murmur2('a-little-bit-longer-string')).toBe(-1486304829);
    expect(murmur2('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')).toBe(-58897971);
    expect(murmur2(new Uint8Array([0x61, 0x62, 0x63]))).toBe(479470107);
  });

  it('maps keys to partitions as the default partitioner does (MockProducerTest: "key" on 2 partitions → 1)', () => {
    expect(partitionForKey('key', 2)).toBe(1);
    expect(toPositive(-973932308)).toBe(1173551340); // not Math.abs
    expect(partitionForKey('21', 3)).toBe(0);
    expect(() => partitionForKey('k', 0)).toThrow(/positive integer/);
  });

  it('hashes a string as its UTF-8 bytes, and always lands in range', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.integer({ min: 1, max: 1000 }), (key, n) => {
        expect(murmur2(key)).toBe(murmur2(new TextEncoder().encode(key)));
        const p = partitionForKey(key, n);
        expect(Number.isInteger(p) && p >= 0 && p < n).toBe(true);
        expect(murmur2(key) | 0).toBe(murmur2(key));
      }),
    );
  });
});

describe('coordinatorPartition (GroupMetadataManager.partitionFor)', () => {
  it('takes Utils.abs of Java’s String.hashCode modulo the offsets topic partitions', () => {
    expect(coordinatorPartition('group')).toBe(47); // "group".hashCode() = 98629247
    expect(coordinatorPartition('group', 10)).toBe(7);
    expect(javaAbs(-2147483648)).toBe(0); // Integer.MIN_VALUE, as Utils.abs maps it
    expect(javaAbs(-5)).toBe(5);
    // "polygenelubricants".hashCode() is Integer.MIN_VALUE in Java
    expect(coordinatorPartition('polygenelubricants')).toBe(0);
    expect(() => coordinatorPartition('g', 0)).toThrow(/positive integer/);
  });
});
