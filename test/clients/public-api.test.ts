import { describe, expect, it } from 'vitest';
import {
  assignPartitions,
  coordinatorPartition,
  murmur2,
  partitionForKey,
  toPositive,
} from '../../src/index.js';

describe('the clients’ public API (src/index.ts)', () => {
  it('exposes the partitioning and assignment functions with the issue’s signatures', () => {
    expect(murmur2('21')).toBe(-973932308);
    expect(toPositive(-1)).toBe(2147483647);
    expect(partitionForKey(new TextEncoder().encode('key'), 2)).toBe(1);
    expect(coordinatorPartition('group')).toBe(47);
    // RangeAssignorTest-style: two members, one topic of 3 partitions
    expect(assignPartitions('range', { t: 3 }, { c1: { topics: ['t'] }, c2: { topics: ['t'] } })).toEqual({
      c1: ['t-0', 't-1'],
      c2: ['t-2'],
    });
    // every member is a key of the result, even with nothing to do
    expect(assignPartitions('roundrobin', { t: 1 }, { a: { topics: ['t'] }, b: { topics: ['t'] } })).toEqual({
      a: ['t-0'],
      b: [],
    });
  });
});
