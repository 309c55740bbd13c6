import type { PolledRecord } from '../../history/client-history.js';
import { type TopicPartition, tpKey } from '../../kafka/protocol.js';
import type { SimTime } from '../../sim/time.js';
import type { PartitionLeader } from './metadata.js';

/**
 * Where a partition's position stands (SubscriptionState.FetchStates): none yet (`initializing`),
 * to be reset by auto.offset.reset (`awaiting-reset`), known but to be checked against the log of a
 * new leader before fetching (`awaiting-validation`, KIP-320), or valid (`fetching`).
 */
export type PositionState = 'initializing' | 'awaiting-reset' | 'awaiting-validation' | 'fetching';

export interface AssignedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  state: PositionState;
  /** The offset of the next record poll returns; -1 until known. */
  position: number;
  /**
   * The leader epoch of the record before the position (FetchPosition.offsetEpoch, committed with
   * it), -1 if unknown: after a reset, until a record is consumed.
   */
  positionEpoch: number;
  /** The leader (and its epoch) the position was last validated against: where fetches go. */
  currentLeader: PartitionLeader | undefined;
  /** No validation request before this (TopicPartitionState.nextRetryTimeMs), µs. */
  nextRetryAt: SimTime;
  /** ConsumerCoordinator.onJoinPrepare (EAGER): no records are returned while the commit before revoking is in flight. */
  pendingRevocation: boolean;
  /** Fetched, not yet returned by poll (the partition's CompletedFetch), from `position` on. */
  buffered: PolledRecord[];
}

/** SubscriptionState.LogTruncation: a truncation found with no reset policy to fall back on. */
export interface LogTruncation {
  readonly key: string;
  /** The position that was validated. */
  readonly fetchOffset: number;
  /** The first offset known to diverge and its epoch, when the leader knew the epoch. */
  readonly divergentOffset: { readonly offset: number; readonly leaderEpoch: number } | undefined;
}

/** A position as Kafka prints one (SubscriptionState.FetchPosition.toString). */
export function formatFetchPosition(
  offset: number,
  offsetEpoch: number,
  leader: PartitionLeader | undefined,
): string {
  const epoch = offsetEpoch >= 0 ? `Optional[${offsetEpoch}]` : 'Optional.empty';
  const current =
    leader === undefined
      ? 'LeaderAndEpoch{leader=Optional.empty, epoch=Optional.empty}'
      : `LeaderAndEpoch{leader=Optional[${leader.leader}], epoch=Optional[${leader.leaderEpoch}]}`;
  return `FetchPosition{offset=${offset}, offsetEpoch=${epoch}, currentLeader=${current}}`;
}

function sameLeader(a: PartitionLeader | undefined, b: PartitionLeader | undefined): boolean {
  return (
    a === b ||
    (a !== undefined && b !== undefined && a.leader === b.leader && a.leaderEpoch === b.leaderEpoch)
  );
}

/**
 * What the consumer owns and where it is in each partition (SubscriptionState): the assignment in
 * the order it was given, positions, and the fetched records poll has not returned yet.
 */
export class SubscriptionState {
  private assignment = new Map<string, AssignedPartition>();
  /** Partitions with buffered records, in the order their fetches completed (Fetcher's completedFetches). */
  private readonly completed: string[] = [];
  /** The partition's leader as the metadata knows it now (Metadata.currentLeader), for seeks. */
  currentLeaderOf: (topic: string, partition: number) => PartitionLeader | undefined = () => undefined;

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
          currentLeader: undefined,
          nextRetryAt: 0,
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

  /**
   * SubscriptionState.seekUnvalidated: a position from outside the fetch (a committed offset with
   * its leader epoch), against the current leader. With both epochs known it is validated first
   * (KIP-320); without an offset epoch (as after a reset by ListOffsets) it is used as is.
   */
  seek(p: AssignedPartition, offset: number, leaderEpoch: number): void {
    this.seekValidated(p, offset, leaderEpoch);
    p.currentLeader = this.currentLeaderOf(p.topic, p.partition);
    this.validatePosition(p);
  }

  /** SubscriptionState.seekValidated: a position known to be good (a validation's outcome). */
  seekValidated(p: AssignedPartition, offset: number, leaderEpoch: number): void {
    p.position = offset;
    p.positionEpoch = leaderEpoch;
    p.state = 'fetching';
    p.nextRetryAt = 0;
    this.dropBuffered(p);
  }

  requestReset(p: AssignedPartition): void {
    p.state = 'awaiting-reset';
    p.position = -1;
    p.nextRetryAt = 0;
    this.dropBuffered(p);
  }

  /**
   * SubscriptionState.maybeValidatePositionForCurrentLeader (on new metadata): a position last
   * checked against another leader or epoch moves to that leader and awaits validation. True if
   * the partition now awaits validation.
   */
  maybeValidatePositionForCurrentLeader(p: AssignedPartition, leader: PartitionLeader | undefined): boolean {
    if (p.state === 'awaiting-reset' || leader === undefined) return false;
    if (p.state !== 'initializing' && p.position >= 0 && !sameLeader(p.currentLeader, leader)) {
      p.currentLeader = leader;
      this.validatePosition(p);
    }
    return p.state === 'awaiting-validation';
  }

  /** Partitions awaiting validation and not backing off (SubscriptionState.partitionsNeedingValidation). */
  partitionsNeedingValidation(now: SimTime): AssignedPartition[] {
    return this.assigned().filter((p) => p.state === 'awaiting-validation' && now >= p.nextRetryAt);
  }

  /** TopicPartitionState.setNextAllowedRetry / requestFailed. */
  setNextAllowedRetry(partitions: Iterable<AssignedPartition>, at: SimTime): void {
    for (const p of partitions) p.nextRetryAt = at;
  }

  /**
   * SubscriptionState.maybeCompleteValidation: `endOffset` in `endEpoch` is where the leader's log
   * of the largest epoch <= the position's epoch ends (OffsetsForLeaderEpoch). Below the position,
   * the log was truncated under the consumer: with a reset policy it moves back to the first offset
   * known to diverge, without one the truncation is returned for LogTruncationException. An
   * undefined answer (the leader knows no such epoch) resets, or is a truncation without offset.
   */
  maybeCompleteValidation(
    p: AssignedPartition,
    request: {
      readonly position: number;
      readonly positionEpoch: number;
      readonly leader: PartitionLeader | undefined;
    },
    endOffset: number,
    endEpoch: number,
    hasResetPolicy: boolean,
    log: (message: string) => void,
  ): LogTruncation | undefined {
    if (
      p.state !== 'awaiting-validation' ||
      p.position !== request.position ||
      p.positionEpoch !== request.positionEpoch ||
      !sameLeader(p.currentLeader, request.leader)
    )
      return undefined; // no longer awaiting validation, or the position moved since the request
    const current = formatFetchPosition(p.position, p.positionEpoch, p.currentLeader);
    if (endOffset < 0 || endEpoch < 0) {
      if (hasResetPolicy) {
        log(`Truncation detected for partition ${p.key} at offset ${current}, resetting offset`);
        this.requestReset(p);
        return undefined;
      }
      log(`Truncation detected for partition ${p.key} at offset ${current}, but no reset policy is set`);
      return { key: p.key, fetchOffset: p.position, divergentOffset: undefined };
    }
    if (endOffset < p.position) {
      const diverging = formatFetchPosition(endOffset, endEpoch, p.currentLeader);
      if (hasResetPolicy) {
        log(
          `Truncation detected for partition ${p.key} at offset ${current}, resetting offset to the first offset known to diverge ${diverging}`,
        );
        this.seekValidated(p, endOffset, endEpoch);
        return undefined;
      }
      log(
        `Truncation detected for partition ${p.key} at offset ${current} (the end offset from the broker is ${formatOffsetAndMetadata(endOffset, endEpoch)}), but no reset policy is set`,
      );
      return {
        key: p.key,
        fetchOffset: p.position,
        divergentOffset: { offset: endOffset, leaderEpoch: endEpoch },
      };
    }
    this.completeValidation(p);
    return undefined;
  }

  /** TopicPartitionState.completeValidation: the position holds; fetch from it. */
  completeValidation(p: AssignedPartition): void {
    if (p.position >= 0) {
      p.state = 'fetching';
      p.nextRetryAt = 0;
    }
  }

  /** TopicPartitionState.validatePosition: validation needs both the offset's epoch and the leader's. */
  private validatePosition(p: AssignedPartition): void {
    const leaderEpoch = p.currentLeader?.leaderEpoch ?? -1;
    p.state = p.positionEpoch >= 0 && leaderEpoch >= 0 ? 'awaiting-validation' : 'fetching';
    p.nextRetryAt = 0;
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

/** OffsetAndMetadata.toString, as LogTruncationException prints its divergent offsets. */
export function formatOffsetAndMetadata(offset: number, leaderEpoch: number): string {
  return `OffsetAndMetadata{offset=${offset}, leaderEpoch=${leaderEpoch >= 0 ? leaderEpoch : 'null'}, metadata=''}`;
}
