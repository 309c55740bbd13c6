import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID } from '../../kafka/log/record.js';
import type { ProducerBatch } from './batch.js';

/** Sequence state of one partition (TxnPartitionEntry at 3.8.0). */
interface PartitionEntry {
  producerId: number;
  producerEpoch: number;
  nextSequence: number;
  lastAckedSequence: number;
  /** Batches with a sequence, not yet done, by base sequence. */
  readonly inflight: ProducerBatch[];
  /** Set when a retried batch expired: the sequence expected next (unresolved until checked). */
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
  private readonly bumpFor = new Set<string>();

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
        producerId: this.producerId,
        producerEpoch: this.producerEpoch,
        nextSequence: 0,
        lastAckedSequence: -1,
        inflight: [],
      };
      this.partitions.set(key, entry);
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
   * handleFailedBatch: an out-of-order failure, or a definite rejection while retries remained,
   * asks for an epoch bump for the partition; a retried batch that expired leaves its sequence unresolved.
   */
  failed(batch: ProducerBatch, error: string, adjustSequenceNumbers: boolean, expiredInRetry: boolean): void {
    const entry = this.entry(batch.key);
    this.removeInflight(entry, batch);
    if (!batch.hasSequence) return;
    if (expiredInRetry) entry.unresolved = batch.lastSequence + 1;
    else if (error === 'OUT_OF_ORDER_SEQUENCE_NUMBER' || adjustSequenceNumbers) this.bumpFor.add(batch.key);
  }

  /** TransactionManager.canRetry for OUT_OF_ORDER_SEQUENCE_NUMBER: an earlier batch failed; this one retries. */
  canRetrySequenceError(error: string): boolean {
    return error === 'OUT_OF_ORDER_SEQUENCE_NUMBER' || error === 'UNKNOWN_PRODUCER_ID';
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
    for (const [key, entry] of this.partitions) {
      if (entry.unresolved === undefined || entry.inflight.length > 0) continue;
      if (entry.nextSequence !== entry.lastAckedSequence + 1) this.bumpFor.add(key);
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
      let sequence = 0;
      for (const batch of entry.inflight) {
        // startSequencesAtBeginning: the batches keep their order and get new numbers.
        batch.producerId = this.producerId;
        batch.producerEpoch = this.producerEpoch;
        batch.baseSequence = sequence;
        sequence += batch.records.length;
      }
      entry.nextSequence = sequence;
      entry.lastAckedSequence = -1;
    }
    return `bumped the producer epoch to ${this.producerEpoch} for ${bumped.join(', ')}`;
  }

  /** After a new producer id: every partition starts again at 0 (lazily, at its next drain). */
  resetAll(): void {
    for (const entry of this.partitions.values()) entry.inflight.length = 0;
    this.partitions.clear();
  }
}
