import type { Cluster } from '../cluster/cluster.js';
import { isInternalTopic } from '../kafka/admin/topic-name.js';
import { brokerName } from '../kafka/broker/io.js';
import type { Partition } from '../kafka/partition.js';
import type { SimTime } from '../sim/time.js';
import type { FinalPartition, FinalRecord, FinalReplica, FinalState } from './final-state.js';
import { getOrInsert } from './maps.js';

/**
 * Where a final state is read from: the brokers' partitions and ZooKeeper's partition state. The
 * one place under checks/ that reads actors; the checkers read only the snapshot it returns.
 */
export interface FinalStateSource {
  readonly brokerIds: readonly number[];
  readonly now: SimTime;
  /** Whether the broker's process is up (a paused or crashed broker serves nothing). */
  isUp(broker: number): boolean;
  /** The broker's partitions ("topic-N" → Partition), while its process exists. */
  partitionsOf(broker: number): ReadonlyMap<string, Partition> | undefined;
  /** /brokers/topics/<t>/partitions/<p>/state, or undefined. */
  partitionState(
    topic: string,
    partition: number,
  ): { readonly leader: number; readonly leaderEpoch: number; readonly isr: readonly number[] } | undefined;
}

function replicaOf(broker: number, p: Partition): FinalReplica {
  const log: FinalRecord[] = [];
  for (const batch of p.log.allBatches()) {
    const records = batch.records;
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as (typeof records)[number];
      log.push({ offset: batch.baseOffset + i, value: r.value, leaderEpoch: batch.partitionLeaderEpoch });
    }
  }
  return {
    broker,
    role: p.isLeader ? 'leader' : 'follower',
    leaderEpoch: p.leaderEpoch,
    log,
    highWatermark: p.log.highWatermark,
    logEndOffset: p.log.logEndOffset,
  };
}

/**
 * The final state of every non-internal partition an online broker hosts: ZooKeeper's leader,
 * leader epoch and ISR, and each online replica's log, HW and LEO. `quiescent` is the caller's word
 * that faults had healed and the cluster had settled.
 */
export function snapshotFinalState(source: FinalStateSource, options: { quiescent: boolean }): FinalState {
  const found = new Map<
    string,
    { topic: string; partition: number; replicas: FinalReplica[]; assigned: Set<number> }
  >();
  for (const broker of [...source.brokerIds].sort((a, b) => a - b)) {
    if (!source.isUp(broker)) continue;
    const partitions = source.partitionsOf(broker);
    if (partitions === undefined) continue;
    for (const p of partitions.values()) {
      if (isInternalTopic(p.topic)) continue;
      const key = `${p.topic}\u0000${String(p.partition).padStart(10, '0')}`;
      const entry = getOrInsert(found, key, () => ({
        topic: p.topic,
        partition: p.partition,
        replicas: [],
        assigned: new Set<number>(),
      }));
      entry.replicas.push(replicaOf(broker, p));
      for (const id of p.replicas) entry.assigned.add(id);
    }
  }
  const partitions: FinalPartition[] = [...found.keys()].sort().map((key) => {
    const e = found.get(key)!;
    const state = source.partitionState(e.topic, e.partition);
    const online = new Set(e.replicas.map((r) => r.broker));
    return {
      topic: e.topic,
      partition: e.partition,
      leader: state?.leader ?? -1,
      leaderEpoch: state?.leaderEpoch ?? -1,
      isr: [...(state?.isr ?? [])],
      replicas: e.replicas,
      offline: [...e.assigned].filter((id) => !online.has(id)).sort((a, b) => a - b),
    };
  });
  return { time: source.now, quiescent: options.quiescent, partitions };
}

/** The final state of a Cluster's world now. */
export function snapshotCluster(cluster: Cluster, options: { quiescent: boolean }): FinalState {
  return snapshotFinalState(
    {
      brokerIds: cluster.brokerIds,
      now: cluster.world.now,
      isUp: (id) => cluster.world.state(brokerName(id)) === 'up',
      partitionsOf: (id) => cluster.broker(id)?.replicaManager.partitions,
      partitionState: (topic, partition) => cluster.partitionState(topic, partition),
    },
    options,
  );
}
