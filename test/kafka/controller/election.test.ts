import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  autoRebalanceCandidates,
  controlledShutdownPartitionLeaderElection,
  offlinePartitionLeaderElection,
  preferredReplicaPartitionLeaderElection,
  reassignPartitionLeaderElection,
  removeReplicaFromIsr,
} from '../../../src/kafka/controller/election.js';

const live =
  (...ids: number[]) =>
  (b: number) =>
    ids.includes(b);

describe('leader election rules', () => {
  it('offline: first live ISR member in assignment order, ISR filtered to the live', () => {
    expect(offlinePartitionLeaderElection([1, 2, 3], [3, 2, 1], live(2, 3), false)).toEqual({
      leader: 2,
      isr: [3, 2],
      unclean: false,
    });
    // no live ISR member: offline unless unclean election is on, then ISR = [leader]
    expect(offlinePartitionLeaderElection([1, 2, 3], [1], live(2, 3), false)).toBeUndefined();
    expect(offlinePartitionLeaderElection([1, 2, 3], [1], live(3, 2), true)).toEqual({
      leader: 2,
      isr: [2],
      unclean: true,
    });
    expect(offlinePartitionLeaderElection([1, 2, 3], [1], live(), true)).toBeUndefined();
  });

  it('offline: the leader is always a live assigned replica, and from the ISR unless unclean', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        fc.boolean(),
        (assignment, liveFlags, isrFlags, unclean) => {
          const isLive = (b: number) => liveFlags[b - 1] === true;
          const isr = assignment.filter((b) => isrFlags[b - 1]);
          const result = offlinePartitionLeaderElection(assignment, isr, isLive, unclean);
          if (result === undefined) {
            expect(assignment.some((b) => isLive(b) && isr.includes(b))).toBe(false);
            if (unclean) expect(assignment.some(isLive)).toBe(false);
            return;
          }
          expect(assignment).toContain(result.leader);
          expect(isLive(result.leader)).toBe(true);
          expect(result.isr).toContain(result.leader);
          expect(result.unclean).toBe(!isr.includes(result.leader));
          expect(result.isr.every(isLive)).toBe(true);
        },
      ),
    );
  });

  it('preferred, reassign and controlled shutdown keep their own rules', () => {
    expect(preferredReplicaPartitionLeaderElection([1, 2, 3], [2, 3, 1], live(1, 2, 3))).toEqual({
      leader: 1,
      isr: [2, 3, 1],
      unclean: false,
    });
    expect(preferredReplicaPartitionLeaderElection([1, 2, 3], [2, 3], live(1, 2, 3))).toBeUndefined();
    expect(reassignPartitionLeaderElection([4, 5], [1, 5, 4], live(4, 5))).toEqual({
      leader: 4,
      isr: [1, 5, 4],
      unclean: false,
    });
    expect(
      controlledShutdownPartitionLeaderElection([1, 2, 3], [1, 2, 3], live(1, 2, 3), new Set([1])),
    ).toEqual({
      leader: 2,
      isr: [2, 3],
      unclean: false,
    });
  });

  it('removes an offline replica from the ISR, leaving no leader if it led, and never the last member', () => {
    expect(removeReplicaFromIsr(1, [1, 2, 3], 3)).toEqual({ leader: 1, isr: [1, 2] });
    expect(removeReplicaFromIsr(1, [1, 2, 3], 1)).toEqual({ leader: -1, isr: [2, 3] });
    expect(removeReplicaFromIsr(1, [1], 1)).toEqual({ leader: -1, isr: [1] });
    expect(removeReplicaFromIsr(1, [1, 2], 3)).toBeUndefined();
  });

  it('picks auto-rebalance candidates above the imbalance ratio, where the preferred broker is live and in sync', () => {
    const parts = [
      { name: 'a', assignment: [1, 2], leader: 2, isr: [1, 2] },
      { name: 'b', assignment: [1, 2], leader: 1, isr: [1, 2] },
      { name: 'c', assignment: [2, 1], leader: 2, isr: [2, 1] },
      { name: 'd', assignment: [3, 1], leader: 1, isr: [1] },
    ];
    const picked = autoRebalanceCandidates(parts, (p) => p, live(1, 2, 3), 10).map((p) => p.name);
    expect(picked).toEqual(['a']); // 1 leads 1 of 2 (50% > 10%); 3 is out of d's ISR
    expect(autoRebalanceCandidates(parts, (p) => p, live(1, 2, 3), 50).map((p) => p.name)).toEqual([]);
  });
});
