import { describe, expect, it } from 'vitest';
import { lastOffsetForLeaderEpoch } from '../../../src/kafka/broker/offsets-for-leader-epoch.js';
import { ReplicaLog } from '../../../src/kafka/log/replica-log.js';
import { Partition } from '../../../src/kafka/partition.js';
import type { OffsetsForLeaderEpochRequest } from '../../../src/kafka/protocol.js';
import { Disk } from '../../../src/sim/disk.js';

const rec = (value: string) => ({ key: null, value, timestamp: 0 });

/** Broker 1 leads t-0: 3 records in epoch 0, then (leader again in epoch 2) 2 more. */
function partitions(): Map<string, Partition> {
  const p = new Partition('t', 0, 1, new ReplicaLog(new Disk(), 't-0'));
  p.makeLeader({ leader: 1, leaderEpoch: 0, isr: [1], partitionEpoch: 0, replicas: [1] }, 0);
  p.log.appendAsLeader([rec('a'), rec('b'), rec('c')], 0);
  p.makeLeader({ leader: 1, leaderEpoch: 2, isr: [1], partitionEpoch: 1, replicas: [1] }, 0);
  p.log.appendAsLeader([rec('d'), rec('e')], 2);
  const follower = new Partition('t', 1, 1, new ReplicaLog(new Disk(), 't-1'));
  follower.makeFollower({ leader: 2, leaderEpoch: 0, isr: [2, 1], partitionEpoch: 0, replicas: [2, 1] });
  return new Map([
    ['t-0', p],
    ['t-1', follower],
  ]);
}

const ask = (partition: number, leaderEpoch: number, currentLeaderEpoch = -1) => {
  const request: OffsetsForLeaderEpochRequest = {
    type: 'OffsetsForLeaderEpoch',
    correlationId: 7,
    replicaId: -1,
    partitions: [{ topic: 't', partition, leaderEpoch, currentLeaderEpoch }],
  };
  const response = lastOffsetForLeaderEpoch(partitions(), request);
  expect(response.correlationId).toBe(7);
  const [answer] = response.partitions;
  return { error: answer?.error, leaderEpoch: answer?.leaderEpoch, endOffset: answer?.endOffset };
};

describe('OffsetsForLeaderEpoch from a consumer (Partition.lastOffsetForLeaderEpoch, KIP-320)', () => {
  it('answers where the largest epoch at or below the asked one ends', () => {
    expect(ask(0, 0)).toEqual({ error: 'NONE', leaderEpoch: 0, endOffset: 3 });
    // Epoch 1 never wrote here: epoch 0 is the largest below it, and it ends where epoch 2 starts.
    expect(ask(0, 1)).toEqual({ error: 'NONE', leaderEpoch: 0, endOffset: 3 });
    // The latest epoch ends at the log end offset.
    expect(ask(0, 2)).toEqual({ error: 'NONE', leaderEpoch: 2, endOffset: 5 });
  });

  it('answers UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET without an error for an unknown epoch', () => {
    expect(ask(0, -1)).toEqual({ error: 'NONE', leaderEpoch: -1, endOffset: -1 });
    // Above every cached epoch (LeaderEpochFileCache: "should never be hit").
    expect(ask(0, 5)).toEqual({ error: 'NONE', leaderEpoch: -1, endOffset: -1 });
  });

  it('checks the current leader epoch first (-1 skips it), and only the leader answers', () => {
    expect(ask(0, 0, 2)).toEqual({ error: 'NONE', leaderEpoch: 0, endOffset: 3 });
    expect(ask(0, 0, 1).error).toBe('FENCED_LEADER_EPOCH');
    expect(ask(0, 0, 3).error).toBe('UNKNOWN_LEADER_EPOCH');
    expect(ask(1, 0).error).toBe('NOT_LEADER_OR_FOLLOWER');
    expect(ask(1, 0, 1).error).toBe('UNKNOWN_LEADER_EPOCH');
    expect(ask(9, 0).error).toBe('NOT_LEADER_OR_FOLLOWER');
  });
});
