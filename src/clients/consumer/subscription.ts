import type { PolledRecord } from '../../history/client-history.js';
import { type TopicPartition, tpKey } from '../../kafka/protocol.js';

/** Where a partition's position comes from while it has none (SubscriptionState.FetchState). */
export type PositionState = 'initializing' | 'awaiting-reset' | 'fetching';

export interface AssignedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  state: PositionState;
  /** The offset of the next record poll returns; -1 until known. */
  position: number;
  /** The leader epoch of the record before the position (committed with it), -1 if unknown. */
  positionEpoch: number;
  /** ConsumerCoordinator.onJoinPrepare (EAGER): no records are returned while the commit before revoking is in flight. */
  pendingRevocation: boolean;
  /** Fetched, not yet returned by poll (the partition's CompletedFetch), from `position` on. */
  buffered: PolledRecord[];
}

/**
 * What the consumer owns and where it is in each partition (SubscriptionState): the assignment in
 * the order it was given, positions, and the fetched records poll has not returned yet.
 */
export class SubscriptionState {
  private assignment = new Map<string, AssignedPartition>();
  /** Partitions with buffered records, in the order their fetches completed (Fetcher's completedFetches). */
  private readonly completed: string[] = [];

  assigned(): AssignedPartition[] {
    return [...this.assignment.values()];
  }

  /** The assignment as "topic-N", sorted by (topic, partition) as the rebalance listener sees it. */
  assignedKeys(): string[] {
    return sortPartitions(this.assigned()).map((p) => p.key);
  }

  get(topic: string, partition: number): AssignedPartition | undefined {
    return this.assignment.get(tpKey(topic, partition));
  }

  isAssigned(topic: string, partition: number): boolean {
    return this.assignment.has(tpKey(topic, partition));
  }

  /** Replaces the assignment; partitions kept keep their position (assignFromSubscribed). */
  assign(partitions: readonly TopicPartition[]): void {
    const next = new Map<string, AssignedPartition>();
    for (const tp of partitions) {
      const key = tpKey(tp.topic, tp.partition);
      next.set(
        key,
        this.assignment.get(key) ?? {
          topic: tp.topic,
          partition: tp.partition,
          key,
          state: 'initializing',
          position: -1,
          positionEpoch: -1,
          pendingRevocation: false,
          buffered: [],
        },
      );
    }
    this.assignment = next;
    for (let i = this.completed.length - 1; i >= 0; i--)
      if (!next.has(this.completed[i] as string)) this.completed.splice(i, 1);
  }

  markPendingRevocation(): void {
    for (const p of this.assignment.values()) p.pendingRevocation = true;
  }

  seek(p: AssignedPartition, offset: number, leaderEpoch: number): void {
    p.position = offset;
    p.positionEpoch = leaderEpoch;
    p.state = 'fetching';
    this.dropBuffered(p);
  }

  requestReset(p: AssignedPartition): void {
    p.state = 'awaiting-reset';
    p.position = -1;
    this.dropBuffered(p);
  }

  /** Fetched records for `p`, which start at its position. */
  addBuffered(p: AssignedPartition, records: readonly PolledRecord[]): void {
    if (records.length === 0) return;
    p.buffered.push(...records);
    if (!this.completed.includes(p.key)) this.completed.push(p.key);
  }

  hasBuffered(p: AssignedPartition): boolean {
    return p.buffered.length > 0;
  }

  /**
   * Up to `max` buffered records, partition by partition in fetch-completion order, advancing
   * positions (FetchCollector.collectFetch).
   */
  collect(max: number): PolledRecord[] {
    const out: PolledRecord[] = [];
    let i = 0;
    while (out.length < max && i < this.completed.length) {
      const p = this.assignment.get(this.completed[i] as string);
      if (p === undefined || p.state !== 'fetching' || p.buffered.length === 0) {
        if (p !== undefined) p.buffered = [];
        this.completed.splice(i, 1);
        continue;
      }
      if (p.pendingRevocation) {
        i++;
        continue;
      }
      const take = p.buffered.splice(0, max - out.length);
      for (const r of take) out.push(r);
      const last = take.at(-1) as PolledRecord;
      p.position = last.offset + 1;
      p.positionEpoch = last.leaderEpoch;
      if (p.buffered.length === 0) this.completed.splice(i, 1);
    }
    return out;
  }

  /** Positions to commit: every assigned partition with a valid position (SubscriptionState.allConsumed). */
  allConsumed(): { topic: string; partition: number; offset: number; leaderEpoch: number }[] {
    return sortPartitions(this.assigned())
      .filter((p) => p.state === 'fetching' && p.position >= 0)
      .map((p) => ({
        topic: p.topic,
        partition: p.partition,
        offset: p.position,
        leaderEpoch: p.positionEpoch,
      }));
  }

  private dropBuffered(p: AssignedPartition): void {
    p.buffered = [];
    const i = this.completed.indexOf(p.key);
    if (i >= 0) this.completed.splice(i, 1);
  }
}

/** Sorted by (topic, partition), as Kafka's listener invoker passes partitions. */
export function sortPartitions<T extends TopicPartition>(partitions: readonly T[]): T[] {
  return [...partitions].sort((a, b) =>
    a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition,
  );
}
