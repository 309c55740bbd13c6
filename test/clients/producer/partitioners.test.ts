import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RoundRobinPartitioner, StickyPartitioner } from '../../../src/clients/producer/partitioners.js';
import { Rng } from '../../../src/sim/rng.js';

describe('StickyPartitioner (KIP-794, without adaptive statistics)', () => {
  it('sticks until batch.size bytes and a batch boundary, or 2 × batch.size bytes regardless', () => {
    const p = new StickyPartitioner(100, new Rng(1));
    const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const first = p.partition(all, 10);
    p.onAppend(60, true, all, 10); // 60 < 100: stays
    expect(p.partition(all, 10)).toBe(first);
    p.onAppend(60, false, all, 10); // 120 >= 100 but no boundary: stays
    expect(p.partition(all, 10)).toBe(first);
    const draws = new Rng(1);
    draws.below(10); // the first pick
    const expected = all[draws.below(10)];
    p.onAppend(90, false, all, 10); // 210 >= 2 × 100: switches regardless
    expect(p.partition(all, 10)).toBe(expected);
  });

  it('only draws partitions that have a leader, unless none has', () => {
    fc.assert(
      fc.property(fc.integer(), fc.uniqueArray(fc.nat(19), { maxLength: 20 }), (seed, available) => {
        const p = new StickyPartitioner(10, new Rng(seed));
        for (let i = 0; i < 20; i++) {
          const chosen = p.partition(available, 20);
          if (available.length > 0) expect(available).toContain(chosen);
          else expect(chosen >= 0 && chosen < 20).toBe(true);
          p.onAppend(15, true, available, 20);
        }
      }),
    );
  });
});

describe('RoundRobinPartitioner and KAFKA-9965', () => {
  /** Every record finds no open batch on its first choice (linger.ms=0), so Kafka asks twice. */
  const sendEach = (partitions: number, records: number): number[] => {
    const p = new RoundRobinPartitioner();
    const all = Array.from({ length: partitions }, (_, i) => i);
    const out: number[] = [];
    for (let i = 0; i < records; i++) {
      p.partition('t', all, partitions); // first choice: no open batch there (onNewBatch)
      out.push(p.partition('t', all, partitions)); // the batch is created on the second choice
    }
    return out;
  };

  it('sends to partitions 1 and 3 only, with 4 partitions', () => {
    expect(sendEach(4, 8)).toEqual([1, 3, 1, 3, 1, 3, 1, 3]);
  });

  it('reaches every partition with an odd count: 1, 0, 2, … with 3', () => {
    expect(sendEach(3, 6)).toEqual([1, 0, 2, 1, 0, 2]);
  });

  it('steps one by one when each first choice has an open batch', () => {
    const p = new RoundRobinPartitioner();
    expect(Array.from({ length: 5 }, () => p.partition('t', [0, 1, 2], 3))).toEqual([0, 1, 2, 0, 1]);
    expect(p.partition('other', [], 4)).toBe(0);
  });
});
