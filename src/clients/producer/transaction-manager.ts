import { type ErrorName, RETRIABLE_ERRORS } from '../../kafka/errors.js';
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID } from '../../kafka/log/record.js';
import type { ProducerBatch } from './batch.js';

/** Sequence state of one partition (TxnPartitionEntry at 3.8.0). */
interface PartitionEntry {
  readonly key: string;
  producerId: number;
  producerEpoch: number;
  nextSequence: number;
  lastAckedSequence: number;
  /** Batches with a sequence, not yet done, by base sequence. */
  readonly inflight: ProducerBatch[];
  /**
   * Set when a retried batch expired: the sequence expected next (unresolved until checked;
   * TransactionManager.partitionsWithUnresolvedSequences).
   */
  unresolved?: number;
}

const SHORT_MAX = 32_767;
const INT_MAX = 2_147_483_647;

/**
 * The idempotent producer's side of the TransactionManager (no transactional id): the producer id
 * and epoch from InitProducerId, a sequence per partition assigned at drain time, and KIP-360's
 * local epoch bump, which renumbers a partition's in-flight batches from 0 after a sequence was lost.
 */
export class TransactionManager {
  producerId = NO_PRODUCER_ID;
  producerEpoch = NO_PRODUCER_EPOCH;
  /** An InitProducerId is wanted or in flight. */
  initializing = false;
  private readonly partitions = new Map<string, PartitionEntry>();
  /** The same entries in that order, for the sender's walk on every iteration (no iterators). */
  private readonly entries: PartitionEntry[] = [];
  private readonly bumpFor = new Set<string>();
  /**
   * Batches renumbered by an epoch bump since they were last drained (ProducerBatch.reopened,
   * sequenceHasBeenReset at 3.8.0: set by resetProducerState, cleared by close at drain time).
   */
  private readonly reset = new WeakSet<ProducerBatch>();

  get hasProducerId(): boolean {
    return this.producerId !== NO_PRODUCER_ID;
  }

  setProducerIdAndEpoch(producerId: number, epoch: number): void {
    this.producerId = producerId;
    this.producerEpoch = epoch;
    this.initializing = false;
  }

  private entry(key: string): PartitionEntry {
    let entry = this.partitions.get(key);
    if (entry === undefined) {
      entry = {
        key,
        producerId: this.producerId,
        producerEpoch: this.producerEpoch,
        nextSequence: 0,
        lastAckedSequence: -1,
        inflight: [],
      };
      this.partitions.set(key, entry);
      this.entries.push(entry);
    }
    return entry;
  }

  /**
   * RecordAccumulator.shouldStopDrainBatchesForPartition: no id yet; a new batch waits while the
   * partition has in-flight batches of an older id or epoch, or an unresolved sequence; a retried
   * batch goes only when it is the lowest sequence in flight.
   */
  shouldStopDrain(batch: ProducerBatch): boolean {
    if (!this.hasProducerId) return true;
    const entry = this.entry(batch.key);
    if (!batch.hasSequence) {
      const stale = entry.producerId !== this.producerId || entry.producerEpoch !== this.producerEpoch;
      if (stale && entry.inflight.length > 0) return true;
      return entry.unresolved !== undefined;
    }
    const first = entry.inflight[0];
    return first !== undefined && first !== batch && first.baseSequence < batch.baseSequence;
  }

  /**
   * RecordAccumulator.drainBatchesForOneNode: a batch without a sequence gets one; every drained
   * batch is closed, which clears its sequence-reset mark (ProducerBatch.close).
   */
  drained(batch: ProducerBatch): void {
    if (!batch.hasSequence) this.assignSequence(batch);
    this.reset.delete(batch);
  }

  /** At first drain: the batch gets the partition's next sequence under the current id and epoch. */
  assignSequence(batch: ProducerBatch): void {
    const entry = this.entry(batch.key);
    if (entry.producerId !== this.producerId || entry.producerEpoch !== this.producerEpoch) {
      // maybeUpdateProducerIdAndEpoch: nothing in flight under the old one, so start again at 0.
      entry.producerId = this.producerId;
      entry.producerEpoch = this.producerEpoch;
      entry.nextSequence = 0;
      entry.lastAckedSequence = -1;
    }
    batch.producerId = this.producerId;
    batch.producerEpoch = this.producerEpoch;
    batch.baseSequence = entry.nextSequence;
    entry.nextSequence = (entry.nextSequence + batch.records.length) % (INT_MAX + 1);
    this.insertBySequence(entry.inflight, batch);
  }

  private insertBySequence(list: ProducerBatch[], batch: ProducerBatch): void {
    let i = list.length;
    while (i > 0 && (list[i - 1] as ProducerBatch).baseSequence > batch.baseSequence) i--;
    list.splice(i, 0, batch);
  }

  /** handleCompletedBatch: the partition's last acknowledged sequence moves up. */
  completed(batch: ProducerBatch): void {
    const entry = this.entry(batch.key);
    this.removeInflight(entry, batch);
    if (batch.producerEpoch === entry.producerEpoch && batch.lastSequence > entry.lastAckedSequence)
      entry.lastAckedSequence = batch.lastSequence;
  }

  /**
   * A batch failed for good (TransactionManager.handleFailedBatch, idempotent producer). A retried
   * batch that expired leaves its partition's sequence unresolved (Sender.sendProducerData ->
   * markSequenceUnresolved). An OutOfOrderSequenceException means a gap in the broker's log: bump
   * the epoch for the partition; so does an UnknownProducerIdException, its subclass (only the
   * transactional producer resets the partition's sequences for it instead). Any other definite
   * rejection while retries remained bumps too.
   */
  failed(batch: ProducerBatch, error: string, adjustSequenceNumbers: boolean, expiredInRetry: boolean): void {
    const entry = this.entry(batch.key);
    this.removeInflight(entry, batch);
    if (!batch.hasSequence) return;
    if (expiredInRetry) entry.unresolved = Math.max(entry.unresolved ?? 0, batch.lastSequence + 1);
    else if (
      error === 'OUT_OF_ORDER_SEQUENCE_NUMBER' ||
      error === 'UNKNOWN_PRODUCER_ID' ||
      adjustSequenceNumbers
    )
      this.requestEpochBump(batch.key);
  }

  /**
   * TransactionManager.canRetry at 3.8.0 for the idempotent producer (no transactional id), asked by
   * Sender.canRetry once the batch is within delivery.timeout.ms and retries. Both sequence errors
   * are always retried; what differs is whether the partition's epoch is bumped first (KIP-360), so
   * that the retry goes out under a new epoch from sequence 0 and the broker takes it:
   * - OUT_OF_ORDER_SEQUENCE_NUMBER for a batch that is not the next one (its base sequence is not
   *   lastAckedSequence + 1: an earlier batch failed and this one waits for it), or whose sequence was
   *   already reset by a bump, with no unresolved sequence: retry as it is.
   * - OUT_OF_ORDER_SEQUENCE_NUMBER for the next batch: the broker lost acknowledged records (its log
   *   is shorter than what was acknowledged): bump. With an unresolved sequence, bump only when the
   *   batch is the one right after it; otherwise wait for the gap to resolve.
   * - UNKNOWN_PRODUCER_ID (the broker lost the producer's state): retry without a bump while the log
   *   start offset is unknown (-1) or the sequence was already reset; otherwise bump. (The
   *   transactional producer's comparison of lastAckedOffset with logStartOffset ends in a bump too
   *   for the idempotent one.) A 3.8 broker no longer answers a produce with it (ProducerAppendInfo
   *   accepts any sequence from an unknown producer), and our ProduceResponse carries no log start
   *   offset, so `logStartOffset` defaults to -1.
   * Any other error is retried when it is retriable (RetriableException).
   */
  canRetry(batch: ProducerBatch, error: string, logStartOffset = -1): boolean {
    if (error === 'UNKNOWN_PRODUCER_ID') {
      if (logStartOffset === -1 || this.reset.has(batch)) return true;
      this.requestEpochBump(batch.key);
      return true;
    }
    if (error === 'OUT_OF_ORDER_SEQUENCE_NUMBER') {
      const entry = this.entry(batch.key);
      const unresolved = entry.unresolved;
      const isNext = batch.baseSequence - entry.lastAckedSequence === 1;
      if (unresolved === undefined && (this.reset.has(batch) || !isNext)) return true;
      if (unresolved === undefined || batch.baseSequence === unresolved) this.requestEpochBump(batch.key);
      return true;
    }
    return RETRIABLE_ERRORS.has(error as ErrorName);
  }

  /** requestEpochBumpForPartition: the next sender iteration bumps the epoch and renumbers the partition. */
  private requestEpochBump(key: string): void {
    this.bumpFor.add(key);
  }

  private removeInflight(entry: PartitionEntry, batch: ProducerBatch): void {
    const i = entry.inflight.indexOf(batch);
    if (i >= 0) entry.inflight.splice(i, 1);
  }

  /**
   * maybeResolveSequences and bumpIdempotentProducerEpoch, run by the sender each iteration: a
   * partition whose unresolved gap closed is cleared; otherwise, once nothing of it is in flight,
   * it needs a bump. A bump raises the epoch (or drops the id at Short.MAX_VALUE) and renumbers the
   * bumped partitions' remaining batches from 0. Returns what happened, for the trace.
   */
  maybeBump(): string | undefined {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as PartitionEntry;
      if (entry.unresolved === undefined || entry.inflight.length > 0) continue;
      if (entry.nextSequence !== entry.lastAckedSequence + 1) this.bumpFor.add(entry.key);
      entry.unresolved = undefined;
    }
    if (this.bumpFor.size === 0) return undefined;
    const bumped = [...this.bumpFor];
    this.bumpFor.clear();
    if (this.producerEpoch >= SHORT_MAX) {
      this.producerId = NO_PRODUCER_ID;
      this.producerEpoch = NO_PRODUCER_EPOCH;
      return 'epoch exhausted: asking for a new producer id';
    }
    this.producerEpoch++;
    for (const key of bumped) {
      const entry = this.entry(key);
      entry.producerId = this.producerId;
      entry.producerEpoch = this.producerEpoch;
      entry.unresolved = undefined;
      let sequence = 0;
      for (const batch of entry.inflight) {
        // startSequencesAtBeginning: the batches keep their order and get new numbers.
        batch.producerId = this.producerId;
        batch.producerEpoch = this.producerEpoch;
        batch.baseSequence = sequence;
        this.reset.add(batch);
        sequence += batch.records.length;
      }
      entry.nextSequence = sequence;
      entry.lastAckedSequence = -1;
    }
    return `bumped the producer epoch to ${this.producerEpoch} for ${bumped.join(', ')}`;
  }

  /** After a new producer id: every partition starts again at 0 (lazily, at its next drain). */
  resetAll(): void {
    for (const entry of this.entries) entry.inflight.length = 0;
    this.partitions.clear();
    this.entries.length = 0;
  }
}
