import type { Disk, DiskLog } from '../../sim/disk.js';
import { LeaderEpochCache } from './epoch-cache.js';
import { type ProducerStateError, ProducerStateTable } from './producer-state.js';
import {
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  type ProducerRecord,
  type RecordBatch,
} from './record.js';

/** The producer fields of a client batch. */
export interface ProducerBatchInfo {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

export type LeaderAppendResult =
  | {
      readonly ok: true;
      readonly firstOffset: number;
      readonly lastOffset: number;
      readonly duplicate: boolean;
    }
  | { readonly ok: false; readonly error: ProducerStateError };

/**
 * One partition's log on one broker (UnifiedLog, much reduced): record batches on the simulated
 * disk, the leader-epoch cache, the idempotence table, the log end offset (LEO) and the high
 * watermark (HW). The HW lives in memory; the broker checkpoints it to its
 * `replication-offset-checkpoint` file and hands the checkpointed value back on restart.
 */
export class ReplicaLog {
  readonly epochCache: LeaderEpochCache;
  readonly producers = new ProducerStateTable();
  private readonly batches: DiskLog<RecordBatch>;
  /** The batches on disk, as an array read directly (the log's `view`; changed only through `batches`). */
  private readonly list: readonly RecordBatch[];
  private hw = 0;
  /** Offset up to which the log is known durable (Kafka's recovery point). */
  private recoveryPoint = 0;
  readonly logStartOffset = 0;

  /**
   * Opens the log `name` on `disk`, as it survived (a power loss may have cut its unflushed end),
   * with the checkpointed high watermark: like Kafka's LogLoader, the epoch cache is trimmed to the
   * log end and the HW clamped into [logStartOffset, LEO].
   */
  constructor(
    disk: Disk,
    readonly name: string,
    checkpointedHighWatermark = 0,
    /** log.flush.interval.messages: fsync once this many messages are unflushed (Kafka: never, by default). */
    private readonly flushIntervalMessages = Number.MAX_SAFE_INTEGER,
  ) {
    this.batches = disk.log<RecordBatch>(`${name}/log`);
    this.list = this.batches.view;
    this.epochCache = new LeaderEpochCache(disk, `${name}/leader-epoch-checkpoint`);
    this.epochCache.truncateFromEnd(this.logEndOffset);
    this.rebuildProducerState();
    this.updateHighWatermark(checkpointedHighWatermark);
    this.recoveryPoint = this.logEndOffset;
  }

  get logEndOffset(): number {
    const list = this.list;
    const n = list.length;
    return n === 0 ? this.logStartOffset : (list[n - 1] as RecordBatch).lastOffset + 1;
  }

  get highWatermark(): number {
    return this.hw;
  }

  /** Epoch of the last batch, or -1 for an empty log. */
  get lastFetchedEpoch(): number {
    return this.epochCache.latestEpoch;
  }

  /**
   * A client's records, as leader in `leaderEpoch`: idempotence checks first (a duplicate of one of
   * the producer's last five batches is acknowledged with its original offsets and not appended
   * again), then offsets are assigned (UnifiedLog.appendAsLeader).
   */
  appendAsLeader(
    records: readonly ProducerRecord[],
    leaderEpoch: number,
    producer?: ProducerBatchInfo,
  ): LeaderAppendResult {
    if (records.length === 0) throw new RangeError(`${this.name}: empty batch`);
    if (producer !== undefined && producer.producerId !== NO_PRODUCER_ID) {
      const lastSeq = producer.baseSequence + records.length - 1;
      const duplicate = this.producers.findDuplicate(
        producer.producerId,
        producer.producerEpoch,
        producer.baseSequence,
        lastSeq,
      );
      if (duplicate !== undefined) return { ok: true, ...duplicate, duplicate: true };
      const error = this.producers.validate(
        producer.producerId,
        producer.producerEpoch,
        producer.baseSequence,
      );
      if (error !== undefined) return { ok: false, error };
    }
    const baseOffset = this.logEndOffset;
    const batch: RecordBatch = {
      baseOffset,
      lastOffset: baseOffset + records.length - 1,
      partitionLeaderEpoch: leaderEpoch,
      producerId: producer?.producerId ?? NO_PRODUCER_ID,
      producerEpoch: producer?.producerEpoch ?? NO_PRODUCER_EPOCH,
      baseSequence: producer?.baseSequence ?? NO_SEQUENCE,
      records,
    };
    this.append(batch);
    return { ok: true, firstOffset: batch.baseOffset, lastOffset: batch.lastOffset, duplicate: false };
  }

  /** Batches fetched from the leader, offsets and epochs as given (UnifiedLog.appendAsFollower). */
  appendAsFollower(batches: readonly RecordBatch[]): void {
    for (const batch of batches) {
      if (batch.baseOffset !== this.logEndOffset) {
        throw new RangeError(
          `${this.name}: follower append at ${batch.baseOffset}, log end is ${this.logEndOffset}`,
        );
      }
      this.append(batch);
    }
  }

  /**
   * Batches from `offset` on, at most `maxBatches` of them; `undefined` if `offset` is out of range
   * (OFFSET_OUT_OF_RANGE). A read that starts inside a batch returns that whole batch, as Kafka does.
   */
  read(offset: number, maxBatches = Number.POSITIVE_INFINITY): RecordBatch[] | undefined {
    if (offset < this.logStartOffset || offset > this.logEndOffset) return undefined;
    const start = this.indexOfBatchEndingAtOrAfter(offset);
    const end =
      maxBatches >= this.batches.length - start ? this.batches.length : start + Math.ceil(maxBatches);
    return this.batches.slice(start, end); // a copy of exactly the batches read
  }

  /** The batch holding `offset`, if any. */
  batchAt(offset: number): RecordBatch | undefined {
    const batch = this.batches.at(this.indexOfBatchEndingAtOrAfter(offset));
    return batch !== undefined && batch.baseOffset <= offset ? batch : undefined;
  }

  /**
   * Removes everything at or after `offset`; a batch that holds `offset` goes whole, as Kafka's
   * LogSegment.truncateTo cuts at batch boundaries. The epoch cache is cut at the same point, the
   * idempotence table rebuilt from what is left, and the HW lowered to the new LEO if above it.
   * Returns the batches removed.
   */
  truncateTo(offset: number): RecordBatch[] {
    if (offset >= this.logEndOffset) {
      this.epochCache.truncateFromEnd(this.logEndOffset);
      return [];
    }
    const keep = this.indexOfBatchEndingAtOrAfter(Math.max(offset, this.logStartOffset));
    const removed = this.batches.slice(keep);
    this.batches.truncate(keep);
    // At the new log end, which is below `offset` when a batch straddled it.
    this.epochCache.truncateFromEnd(this.logEndOffset);
    this.rebuildProducerState();
    if (this.hw > this.logEndOffset) this.hw = this.logEndOffset;
    if (this.recoveryPoint > this.logEndOffset) this.recoveryPoint = this.logEndOffset;
    return removed;
  }

  /** Makes everything appended durable (fsync); the recovery point moves to the log end. */
  flush(): void {
    this.batches.flush();
    this.recoveryPoint = this.logEndOffset;
  }

  /** Moves the HW forward to `candidate` if that is above it (never backward, never past the LEO). */
  maybeIncrementHighWatermark(candidate: number): boolean {
    if (candidate > this.logEndOffset) {
      throw new RangeError(`${this.name}: high watermark ${candidate} beyond log end ${this.logEndOffset}`);
    }
    if (candidate <= this.hw) return false;
    this.hw = candidate;
    return true;
  }

  /** Sets the HW clamped into [logStartOffset, LEO]; may lower it (followers, loading). */
  updateHighWatermark(value: number): number {
    this.hw = Math.max(this.logStartOffset, Math.min(value, this.logEndOffset));
    return this.hw;
  }

  /** All batches, for checkers and tests. */
  allBatches(): RecordBatch[] {
    return this.batches.slice();
  }

  private append(batch: RecordBatch): void {
    this.batches.append(batch);
    this.epochCache.assign(batch.partitionLeaderEpoch, batch.baseOffset);
    this.producers.update(batch);
    // UnifiedLog.append: flush once unflushedMessages (LEO - recovery point) reaches the interval.
    if (this.logEndOffset - this.recoveryPoint >= this.flushIntervalMessages) this.flush();
  }

  /** Index of the first batch whose last offset is >= `offset` (binary search). */
  private indexOfBatchEndingAtOrAfter(offset: number): number {
    let lo = 0;
    const list = this.list;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as RecordBatch).lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private rebuildProducerState(): void {
    this.producers.clear();
    for (let i = 0; i < this.batches.length; i++) this.producers.update(this.batches.at(i) as RecordBatch);
  }
}
