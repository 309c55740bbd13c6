import { describe, expect, it } from 'vitest';
import type { ClusterMessage, ClusterTimer } from '../../../src/cluster/cluster.js';
import { Cluster } from '../../../src/cluster/cluster.js';
import { brokerName } from '../../../src/kafka/broker/io.js';
import type { FetchResponsePartition, KafkaMessage } from '../../../src/kafka/protocol.js';
import type { ActorFactory } from '../../../src/sim/process.js';
import { seconds } from '../../../src/sim/time.js';

/** A bare consumer-side fetcher: at start it sends one Fetch per given epoch to broker `leader`. */
function fetcher(
  leader: number,
  epochs: number[],
  answers: FetchResponsePartition[][],
): ActorFactory<ClusterMessage, ClusterTimer> {
  return (ctx) => ({
    onStart() {
      for (const [correlationId, currentLeaderEpoch] of epochs.entries())
        ctx.send(brokerName(leader), {
          type: 'Fetch',
          correlationId,
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 1,
          partitions: [
            { topic: 't', partition: 0, fetchOffset: 0, currentLeaderEpoch, lastFetchedEpoch: -1 },
          ],
        });
    },
    onMessage(_from: string, m: KafkaMessage) {
      if (m.type === 'FetchResponse') answers[m.correlationId] = [...m.partitions];
    },
  });
}

describe('consumer fetches (replica id -1)', () => {
  // Regression: a Fetch with currentLeaderEpoch -1 (no epoch known, as older clients send) was
  // answered FENCED_LEADER_EPOCH; Partition.checkCurrentLeaderEpoch skips the check for -1.
  it('skips the leader-epoch check for -1 and reads only below the high watermark', () => {
    const cluster = new Cluster({ seed: 3 });
    cluster.createTopic({ name: 't', assignment: [[1, 2, 3]] });
    cluster.addProducer('p1', { workload: { topic: 't', count: 10, rate: 100 } }, seconds(1));
    const answers: FetchResponsePartition[][] = [];
    cluster.world.at(seconds(3), () => {
      const leader = cluster.partitionState('t', 0)?.leader ?? 1;
      cluster.addClient('c', fetcher(leader, [-1, 0, 7], answers));
    });
    cluster.world.runUntil(seconds(4));
    const [none, current, future] = answers.map((a) => a[0]);
    expect(none?.error).toBe('NONE');
    expect(current?.error).toBe('NONE');
    expect(future?.error).toBe('UNKNOWN_LEADER_EPOCH');
    const read = (current?.records ?? []).flatMap((b) => b.records.map((r) => r.value));
    expect(read).toHaveLength(10);
    expect((none?.records ?? []).every((b) => b.lastOffset < (none?.highWatermark ?? 0))).toBe(true);
  });
});
