import { describe, expect, it } from 'vitest';
import { Cluster } from '../../../src/cluster/cluster.js';
import { brokerName } from '../../../src/kafka/broker/io.js';
import { seconds } from '../../../src/sim/time.js';
import { type Ack, cluster, producer } from './harness.js';

const values = (rm: {
  partitions: Map<string, { log: { allBatches(): { records: readonly { value: string | null }[] }[] } }>;
}) => (rm.partitions.get('t-0')?.log.allBatches() ?? []).flatMap((b) => b.records.map((r) => r.value));

describe('replication through the replica manager', () => {
  it('acknowledges acks=all once every ISR replica has the record, and all replicas converge', () => {
    const { world, rm, state } = cluster();
    const acked: Ack[] = [];
    world.spawn(
      'producer',
      producer(-1, 100, 20, () => state.leader, acked),
    );
    world.runUntil(seconds(10));
    expect(acked.map((a) => a.error)).toEqual(Array(20).fill('NONE'));
    expect(acked.map((a) => a.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const b of [1, 2, 3]) {
      expect(values(rm(b))).toEqual(acked.map((a) => a.value));
      expect(rm(b).partitions.get('t-0')?.log.highWatermark).toBe(20);
    }
    expect(state.isr).toEqual([1, 2, 3]);
  });

  it('shrinks the ISR of a dead follower after replica.lag.time.max.ms, and refuses acks=all under min.insync.replicas', () => {
    const { world, state } = cluster({ config: { 'min.insync.replicas': 2 } });
    const acked: Ack[] = [];
    world.spawn(
      'producer',
      producer(-1, 1_000, 120, () => state.leader, acked),
    );
    world.at(seconds(5), () => world.crash(brokerName(3)));
    world.runUntil(seconds(5) + seconds(30) - seconds(1));
    expect(state.isr).toEqual([1, 2, 3]); // not yet: 3 was caught up until it died
    world.runUntil(seconds(5) + seconds(46));
    expect(state.isr).toEqual([1, 2]); // removed between 30 s and 45 s (the check runs every 15 s)
    world.at(seconds(60), () => world.crash(brokerName(2)));
    world.runUntil(seconds(120));
    expect(state.isr).toEqual([1]);
    const late = acked.filter((a) => a.sent > seconds(110));
    expect(late.length).toBeGreaterThan(0);
    expect(new Set(late.map((a) => a.error))).toEqual(new Set(['NOT_ENOUGH_REPLICAS']));
    // while a dead follower was still in the ISR, acks=all requests waited for it and timed out
    const waiting = acked.filter((a) => a.sent > seconds(61) && a.sent < seconds(75));
    expect(new Set(waiting.map((a) => a.error))).toEqual(new Set(['REQUEST_TIMED_OUT']));
    expect(acked.filter((a) => a.error === 'NONE').length).toBeGreaterThan(20);
  });

  it('brings a restarted follower back into the ISR once it has caught up', () => {
    const { world, state, rm, controller } = cluster();
    const acked: Ack[] = [];
    world.spawn(
      'producer',
      producer(-1, 500, 200, () => state.leader, acked),
    );
    world.at(seconds(5), () => world.crash(brokerName(3)));
    world.at(seconds(60), () => {
      world.restart(brokerName(3));
      state.leaderEpoch++; // the controller's OfflineReplica/OnlineReplica bump
      state.partitionEpoch++;
      controller().sendState([1, 2, 3]);
    });
    world.runUntil(seconds(50));
    expect(state.isr).toEqual([1, 2]);
    world.runUntil(seconds(70));
    expect(state.isr).toEqual([1, 2, 3]);
    world.runUntil(seconds(110));
    expect(values(rm(3))).toEqual(values(rm(1)));
    // acks=all waited for the dead follower until the ISR shrank (timing out), then went on
    expect(new Set(acked.map((a) => a.error))).toEqual(new Set(['NONE', 'REQUEST_TIMED_OUT']));
    expect(acked.filter((a) => a.sent > seconds(50)).every((a) => a.error === 'NONE')).toBe(true);
  });

  it('truncates a returning old leader to where its epoch diverged from the new leader (leader-epoch mode)', () => {
    const { world, state, rm, controller } = cluster({ truncation: 'leader-epoch' });
    const acked: Ack[] = [];
    world.spawn(
      'producer',
      producer(1, 200, 40, () => state.leader, acked),
    );
    // Followers stop hearing the leader: its acks=1 writes after that are only on broker 1.
    world.at(seconds(2), () =>
      world.network.partition([
        ['broker-1', 'producer'],
        ['broker-2', 'broker-3', 'broker-0'],
      ]),
    );
    world.at(seconds(4), () => world.crash(brokerName(1)));
    world.at(seconds(4) + 1, () => {
      world.network.heal();
      Object.assign(state, { leader: 2, leaderEpoch: 1, isr: [2, 3], partitionEpoch: 1 });
      controller().sendState([2, 3]);
    });
    world.at(seconds(6), () => {
      world.restart(brokerName(1));
      controller().sendState([1]);
    });
    world.runUntil(seconds(12));
    const onNewLeader = values(rm(2));
    expect(values(rm(1))).toEqual(onNewLeader);
    expect(values(rm(3))).toEqual(onNewLeader);
    // acks=1 writes that only the old leader had are gone: Kafka's known acks=1 loss
    const lost = acked.filter((a) => a.error === 'NONE' && !onNewLeader.includes(a.value));
    expect(lost.length).toBeGreaterThan(0);
    expect(
      world.trace.some((r) => r.kind === 'note' && /truncated \d+ record\(s\)/.test(r.detail ?? '')),
    ).toBe(true);
  });
});

describe('a follower whose old-epoch fetch is answered after the new epoch began', () => {
  // Regression: broker 3 became follower of broker 2 in epoch 1 while its epoch-0 fetch was parked
  // at broker 2; broker 2 then led in epoch 1 and answered that fetch FENCED_LEADER_EPOCH. The
  // fetcher took it as fencing of its current epoch and stopped fetching for good, so the HW of
  // orders-2 never moved again (AbstractFetcherThread.onPartitionFenced compares the request's epoch).
  it('keeps fetching and the high watermark keeps moving', () => {
    const cluster = new Cluster({ seed: 7, brokers: 3, brokerConfig: { 'min.insync.replicas': 2 } });
    cluster.createTopic({ name: 'orders', partitions: 3, replicationFactor: 3 });
    cluster.addProducer(
      'p1',
      {
        workload: { topic: 'orders', count: 100, rate: 50, keys: { kind: 'random', keys: ['a', 'b', 'c'] } },
      },
      seconds(2),
    );
    cluster.world.injectAt(seconds(3), { kind: 'crash', process: 'broker-1' });
    cluster.world.runUntil(seconds(60));
    for (let p = 0; p < 3; p++) {
      const state = cluster.partitionState('orders', p);
      const leaderLog = cluster
        .broker(state?.leader ?? -1)
        ?.replicaManager.partitions.get(`orders-${p}`)?.log;
      for (const id of state?.isr ?? []) {
        const log = cluster.broker(id)?.replicaManager.partitions.get(`orders-${p}`)?.log;
        expect(log?.logEndOffset).toBe(leaderLog?.logEndOffset);
      }
      expect(leaderLog?.highWatermark).toBe(leaderLog?.logEndOffset);
    }
  });
});
