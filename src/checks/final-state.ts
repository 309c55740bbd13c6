import type { SimTime } from '../sim/time.js';

/**
 * The cluster as a run left it: what the checkers compare the history against. Plain data, so a
 * report can store it and a checker can be tested without a simulation. Built from a running
 * cluster by `snapshotFinalState` (snapshot.ts); the checkers read only this.
 */
export interface FinalState {
  /** When the snapshot was taken. */
  readonly time: SimTime;
  /**
   * Whether faults had healed and the cluster had settled before the snapshot (the caller knows:
   * it healed the network, restarted brokers and waited). Checks about agreement between replicas
   * and about the final high watermark apply only then.
   */
  readonly quiescent: boolean;
  /** Every non-internal partition some online broker hosts, sorted by topic then partition. */
  readonly partitions: readonly FinalPartition[];
}

export interface FinalPartition {
  readonly topic: string;
  readonly partition: number;
  /** The leader per ZooKeeper's partition state; -1 when there is none. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  /** The replicas on online brokers, sorted by broker id. */
  readonly replicas: readonly FinalReplica[];
  /** Assigned replicas whose broker was down at the snapshot (their logs are not in it). */
  readonly offline: readonly number[];
}

export interface FinalReplica {
  readonly broker: number;
  /** What the broker itself believes: leader or follower, in `leaderEpoch`. */
  readonly role: 'leader' | 'follower';
  readonly leaderEpoch: number;
  /** Every record in the replica's log, in offset order, with the epoch of the batch that holds it. */
  readonly log: readonly FinalRecord[];
  readonly highWatermark: number;
  readonly logEndOffset: number;
}

export interface FinalRecord {
  readonly offset: number;
  readonly value: string | null;
  readonly leaderEpoch: number;
}

/** Names already built, by topic and partition: the checkers ask for them once per record. */
const names = new Map<string, string[]>();

/** "topic-N", as Kafka prints a TopicPartition. */
export function tp(topic: string, partition: number): string {
  if (!(partition >= 0 && partition < 65_536 && Number.isInteger(partition))) return `${topic}-${partition}`;
  let ofTopic = names.get(topic);
  if (ofTopic === undefined) {
    if (names.size >= 4096) names.clear();
    ofTopic = [];
    names.set(topic, ofTopic);
  }
  let name = ofTopic[partition];
  if (name === undefined) {
    name = `${topic}-${partition}`;
    ofTopic[partition] = name;
  }
  return name;
}

/** The final leader's replica, when the partition has a leader on an online broker. */
export function leaderReplica(p: FinalPartition): FinalReplica | undefined {
  return p.leader < 0 ? undefined : p.replicas.find((r) => r.broker === p.leader);
}

/**
 * The final committed log of a partition: the records of its final leader below that leader's
 * high watermark. Undefined when the partition has no leader on an online broker (offline: what
 * it holds cannot be read).
 */
export interface CommittedLog {
  readonly leader: number;
  readonly highWatermark: number;
  /** offset → value */
  readonly byOffset: ReadonlyMap<number, string | null>;
  /** value → its offsets, ascending */
  readonly offsetsOf: ReadonlyMap<string | null, readonly number[]>;
  /** The same records as `byOffset`, in offset order: offsets[i] holds values[i]. */
  readonly offsets: readonly number[];
  readonly values: readonly (string | null)[];
}

/** Committed logs already built, per final partition (a final state is never changed once taken). */
const committedLogs = new WeakMap<FinalPartition, CommittedLog | null>();

export function committedLog(p: FinalPartition): CommittedLog | undefined {
  const known = committedLogs.get(p);
  if (known !== undefined) return known ?? undefined;
  const log = buildCommittedLog(p);
  committedLogs.set(p, log ?? null);
  return log;
}

function buildCommittedLog(p: FinalPartition): CommittedLog | undefined {
  const leader = leaderReplica(p);
  if (leader === undefined) return undefined;
  const byOffset = new Map<number, string | null>();
  const offsetsOf = new Map<string | null, number[]>();
  const offsets: number[] = [];
  const values: (string | null)[] = [];
  for (const r of leader.log) {
    if (r.offset >= leader.highWatermark) break;
    if (!byOffset.has(r.offset)) {
      offsets.push(r.offset);
      values.push(r.value);
    } else values[offsets.indexOf(r.offset)] = r.value;
    byOffset.set(r.offset, r.value);
    const list = offsetsOf.get(r.value);
    if (list === undefined) offsetsOf.set(r.value, [r.offset]);
    else list.push(r.offset);
  }
  return { leader: leader.broker, highWatermark: leader.highWatermark, byOffset, offsetsOf, offsets, values };
}

/** Partitions of a final state by "topic-N". */
export function partitionsByName(state: FinalState): Map<string, FinalPartition> {
  return new Map(state.partitions.map((p) => [tp(p.topic, p.partition), p]));
}
