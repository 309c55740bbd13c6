import {
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  type ProducerRecord,
} from '../../kafka/log/record.js';
import type { SimTime } from '../../sim/time.js';
import { RECORD_BATCH_OVERHEAD, recordSizeInBytes } from './record-size.js';

/** A record in a batch, with the history operation it completes. */
export interface BatchedRecord {
  readonly record: ProducerRecord;
  readonly keyBytes: number | null;
  readonly valueBytes: number | null;
  /** The `send` operation's id in the client history. */
  readonly op: number;
}

/**
 * A batch of records for one partition (ProducerBatch at 3.8.0): it takes records until its buffer
 * is full, is drained whole into a ProduceRequest, and is retried whole. Its producer id, epoch and
 * base sequence are set when it is first drained, and kept across retries.
 */
export class ProducerBatch {
  readonly records: BatchedRecord[] = [];
  /** Estimated bytes written: the batch header plus each record (MemoryRecordsBuilder). */
  estimatedBytes = RECORD_BATCH_OVERHEAD;
  /** Times sent so far minus one: the number of retries (ProducerBatch.attempts). */
  attempts = 0;
  /** When the batch was created, or last re-enqueued (lastAttemptMs). */
  lastAttempt: SimTime;
  /** Until when a retried batch backs off. */
  retryAt: SimTime = 0;
  /** No more appends once drained. */
  closed = false;
  /** Completed, with success or a final error; later answers are ignored (ProducerBatch.done). */
  done = false;
  /** An attempt may have been appended although it failed (a timeout, a disconnect, …). */
  maybeAppended = false;
  /** Set by the idempotent producer at first drain. */
  producerId = NO_PRODUCER_ID;
  producerEpoch = NO_PRODUCER_EPOCH;
  baseSequence = NO_SEQUENCE;
  /** "topic-N", built once: the deques, the muted set and the sequences are keyed by it. */
  readonly key: string;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdAt: SimTime,
    /** The buffer taken from buffer.memory: max(batch.size, the first record's upper bound). */
    readonly bufferBytes: number,
    /** "topic-N", when the caller has it already. */
    key?: string,
  ) {
    this.lastAttempt = createdAt;
    this.key = key ?? `${topic}-${partition}`;
  }

  get inRetry(): boolean {
    return this.attempts > 0;
  }

  get hasSequence(): boolean {
    return this.baseSequence !== NO_SEQUENCE;
  }

  get lastSequence(): number {
    return this.baseSequence + this.records.length - 1;
  }

  /** The size `record` would add (offset and timestamp deltas against the first record). */
  sizeOf(record: BatchedRecord): number {
    const first = this.records[0];
    const timestampDelta = first === undefined ? 0 : record.record.timestamp - first.record.timestamp;
    return recordSizeInBytes(this.records.length, timestampDelta, record.keyBytes, record.valueBytes);
  }

  /** MemoryRecordsBuilder.hasRoomFor: the first record always fits; later ones within the buffer. */
  hasRoomFor(record: BatchedRecord): boolean {
    if (this.closed) return false;
    if (this.records.length === 0) return true;
    return this.estimatedBytes + this.sizeOf(record) <= this.bufferBytes;
  }

  append(record: BatchedRecord): void {
    this.estimatedBytes += this.sizeOf(record);
    this.records.push(record);
  }

  /** MemoryRecordsBuilder.isFull. */
  get isFull(): boolean {
    return this.closed || (this.records.length > 0 && this.bufferBytes <= this.estimatedBytes);
  }
}
