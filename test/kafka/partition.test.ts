import { describe, expect, it } from 'vitest';
import { ReplicaLog } from '../../src/kafka/log/replica-log.js';
import { type LeaderAndIsrState, Partition } from '../../src/kafka/partition.js';
import { Disk } from '../../src/sim/disk.js';
import { seconds } from '../../src/sim/time.js';

const LAG = seconds(30);
const alive = () => true;
const rec = (value: string) => ({ key: null, value, timestamp: 0 });

function leaderOf(isr: number[], replicas = [1, 2, 3], leaderEpoch = 0): Partition {
  const p = new Partition('t', 0, 1, new ReplicaLog(new Disk(), 't-0'));
  const state: LeaderAndIsrState = { leader: 1, leaderEpoch, isr, partitionEpoch: 0, replicas };
  expect(p.makeLeader(state, 0)).toBe(true);
  return p;
}

describe('Partition on its leader', () => {
  it('holds the HW until every ISR follower has fetched, then moves it to the least LEO (maybeIncrementLeaderHW)', () => {
    const p = leaderOf([1, 2, 3]);
    p.log.appendAsLeader([rec('a'), rec('b')], 0);
    expect(p.maybeIncrementLeaderHW(0, LAG, 1, alive)).toBe(false); // followers' LEOs unknown
    p.updateFollowerFetchState(2, 2, 2, 10);
    expect(p.maybeIncrementLeaderHW(10, LAG, 1, alive)).toBe(false);
    p.updateFollowerFetchState(3, 1, 2, 10);
    expect(p.maybeIncrementLeaderHW(10, LAG, 1, alive)).toBe(true);
    expect(p.log.highWatermark).toBe(1);
    p.updateFollowerFetchState(3, 2, 2, 20);
    p.maybeIncrementLeaderHW(20, LAG, 1, alive);
    expect(p.log.highWatermark).toBe(2);
  });

  it('freezes the HW while the ISR is under min.insync.replicas (KAFKA-15583)', () => {
    const p = leaderOf([1]);
    p.log.appendAsLeader([rec('a')], 0);
    expect(p.isUnderMinIsr(2)).toBe(true);
    expect(p.maybeIncrementLeaderHW(0, LAG, 2, alive)).toBe(false);
    // with min.insync.replicas=1 the leader alone commits: 2 and 3 are out of the ISR and never caught up
    expect(p.maybeIncrementLeaderHW(0, LAG, 1, alive)).toBe(true);
    expect(p.log.highWatermark).toBe(1);
  });

  it('counts a follower as caught up when it reaches what the leader had at its previous fetch', () => {
    const p = leaderOf([1, 2]);
    p.log.appendAsLeader([rec('a')], 0);
    p.updateFollowerFetchState(2, 0, 1, seconds(1)); // behind: not caught up now
    expect(p.follower(2)?.lastCaughtUpTime).toBe(0); // in the ISR when this leader started at t=0
    p.updateFollowerFetchState(2, 1, 2, seconds(2)); // reached LEO 1 seen at the previous fetch (t=1s)
    expect(p.follower(2)?.lastCaughtUpTime).toBe(seconds(1));
    p.updateFollowerFetchState(2, 2, 2, seconds(3)); // at the leader's LEO now
    expect(p.follower(2)?.lastCaughtUpTime).toBe(seconds(3));
  });

  it('shrinks the ISR of followers not caught up within replica.lag.time.max.ms, one change in flight at a time', () => {
    const p = leaderOf([1, 2, 3]);
    p.log.appendAsLeader([rec('a')], 0);
    p.updateFollowerFetchState(2, 1, 1, seconds(10));
    expect(p.maybeShrinkIsr(seconds(30), LAG)).toBeUndefined(); // 3 was in sync at t=0, within the lag
    expect(p.maybeShrinkIsr(seconds(31), LAG)).toEqual([1, 2]);
    expect(p.isrChangeInFlight).toBe(true);
    expect(p.maximalIsr).toEqual([1, 2, 3]); // the HW still waits for 3 until the shrink commits
    expect(p.maybeShrinkIsr(seconds(60), LAG)).toBeUndefined();
    expect(p.commitIsr([1, 2], 0, 1)).toBe(true);
    expect(p.isr).toEqual([1, 2]);
    expect(p.maximalIsr).toEqual([1, 2]);
  });

  it('lets a follower back in once its LEO reaches the HW and the epoch start offset (isFollowerInSync)', () => {
    const p = leaderOf([1, 2], [1, 2, 3], 3);
    p.log.appendAsLeader([rec('a'), rec('b')], 3);
    p.updateFollowerFetchState(2, 2, 2, 5);
    p.maybeIncrementLeaderHW(5, LAG, 1, alive);
    expect(p.log.highWatermark).toBe(2);
    p.updateFollowerFetchState(3, 1, 2, 6);
    expect(p.maybeExpandIsr(3, true)).toBeUndefined();
    p.updateFollowerFetchState(3, 2, 2, 7);
    expect(p.maybeExpandIsr(3, false)).toBeUndefined(); // not alive
    expect(p.maybeExpandIsr(3, true)).toEqual([1, 2, 3]);
    expect(p.maximalIsr).toEqual([1, 2, 3]); // the HW assumes the expansion
    expect(p.isr).toEqual([1, 2]);
    expect(p.commitIsr([1, 2, 3], 2, 1)).toBe(false); // a response for another leader epoch is ignored
    p.abandonIsrChange();
    expect(p.isrChangeInFlight).toBe(false);
  });

  it('answers acks=all by the HW and the maximal ISR (checkEnoughReplicasReachOffset)', () => {
    const p = leaderOf([1, 2]);
    p.log.appendAsLeader([rec('a')], 0);
    expect(p.checkEnoughReplicasReachOffset(1, 2)).toBe('pending');
    p.updateFollowerFetchState(2, 1, 1, 1);
    p.maybeIncrementLeaderHW(1, LAG, 2, alive);
    expect(p.checkEnoughReplicasReachOffset(1, 2)).toBe('NONE');
    expect(p.checkEnoughReplicasReachOffset(1, 3)).toBe('NOT_ENOUGH_REPLICAS_AFTER_APPEND');
    // min.insync.replicas above the replica count is capped at it (3), still above the ISR (2)
    expect(p.checkEnoughReplicasReachOffset(1, 5)).toBe('NOT_ENOUGH_REPLICAS_AFTER_APPEND');
  });

  it('writes its new epoch into the epoch cache and refuses an older partition epoch', () => {
    const p = leaderOf([1, 2, 3]);
    p.log.appendAsLeader([rec('a')], 0);
    expect(
      p.makeLeader({ leader: 1, leaderEpoch: 1, isr: [1, 2], partitionEpoch: 1, replicas: [1, 2, 3] }, 5),
    ).toBe(true);
    expect(p.log.epochCache.all.at(-1)).toEqual({ epoch: 1, startOffset: 1 });
    expect(p.leaderEpochStartOffset).toBe(1);
    expect(
      p.makeLeader({ leader: 1, leaderEpoch: 2, isr: [1], partitionEpoch: 0, replicas: [1, 2, 3] }, 6),
    ).toBe(false);
    expect(
      p.makeFollower({ leader: 2, leaderEpoch: 2, isr: [2], partitionEpoch: 2, replicas: [1, 2, 3] }),
    ).toBe(true);
    expect(p.isLeader).toBe(false);
    expect(p.checkEnoughReplicasReachOffset(1, 1)).toBe('NOT_LEADER_OR_FOLLOWER');
  });
});
