import { lastSequence, NO_PRODUCER_ID, type RecordBatch } from './record.js';

/** Batches kept per producer for duplicate detection (ProducerStateEntry.NUM_BATCHES_TO_RETAIN). */
export const NUM_BATCHES_TO_RETAIN = 5;

interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: BatchMetadata[];
}

export type ProducerStateError = 'INVALID_PRODUCER_EPOCH' | 'OUT_OF_ORDER_SEQUENCE_NUMBER';

/**
 * The idempotence state of one partition replica: per producer id, its epoch and its last five
 * batches' sequence ranges (ProducerStateManager, ProducerAppendInfo at 3.8.0). Every replica keeps
 * it while appending, leader or follower, so a new leader detects duplicates at once; it is rebuilt
 * from the log after truncation and on restart, which is where Kafka's "in the log" durability comes from.
 */
export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();

  /** The original offsets if this batch was already appended (same epoch, same sequence range). */
  findDuplicate(
    producerId: number,
    producerEpoch: number,
    firstSeq: number,
    lastSeq: number,
  ): { firstOffset: number; lastOffset: number } | undefined {
    const entry = this.producers.get(producerId);
    if (entry === undefined || entry.epoch !== producerEpoch) return undefined;
    const match = entry.batches.find((b) => b.firstSeq === firstSeq && b.lastSeq === lastSeq);
    return match === undefined ? undefined : { firstOffset: match.firstOffset, lastOffset: match.lastOffset };
  }

  /**
   * Checks a client batch against the producer's state (ProducerAppendInfo.checkProducerEpoch and
   * checkSequence). An unknown producer is accepted at any sequence: the 3.8 broker no longer
   * answers UNKNOWN_PRODUCER_ID on produce (KIP-360).
   */
  validate(producerId: number, producerEpoch: number, firstSeq: number): ProducerStateError | undefined {
    const entry = this.producers.get(producerId);
    if (entry === undefined) return undefined;
    if (producerEpoch < entry.epoch) return 'INVALID_PRODUCER_EPOCH';
    if (producerEpoch !== entry.epoch) return firstSeq === 0 ? undefined : 'OUT_OF_ORDER_SEQUENCE_NUMBER';
    const last = entry.batches[entry.batches.length - 1];
    if (last === undefined) return undefined;
    const inOrder = firstSeq === last.lastSeq + 1 || (firstSeq === 0 && last.lastSeq === 2147483647);
    return inOrder ? undefined : 'OUT_OF_ORDER_SEQUENCE_NUMBER';
  }

  /** Records an appended batch; a new epoch forgets the old epoch's batches. */
  update(batch: RecordBatch): void {
    if (batch.producerId === NO_PRODUCER_ID) return;
    let entry = this.producers.get(batch.producerId);
    if (entry === undefined) {
      entry = { epoch: batch.producerEpoch, batches: [] };
      this.producers.set(batch.producerId, entry);
    }
    if (entry.epoch !== batch.producerEpoch) {
      entry.epoch = batch.producerEpoch;
      entry.batches = [];
    }
    entry.batches.push({
      firstSeq: batch.baseSequence,
      lastSeq: lastSequence(batch),
      firstOffset: batch.baseOffset,
      lastOffset: batch.lastOffset,
    });
    if (entry.batches.length > NUM_BATCHES_TO_RETAIN) entry.batches.shift();
  }

  clear(): void {
    this.producers.clear();
  }

  /** The producer's epoch and last sequence, for inspection. */
  lastSequenceOf(producerId: number): { epoch: number; lastSeq: number } | undefined {
    const entry = this.producers.get(producerId);
    const last = entry?.batches[entry.batches.length - 1];
    return entry === undefined || last === undefined
      ? undefined
      : { epoch: entry.epoch, lastSeq: last.lastSeq };
  }
}
