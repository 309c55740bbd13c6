/** What a producer sends for one record. */
export interface ProducerRecord {
  readonly key: string | null;
  readonly value: string | null;
  /** CreateTime, simulated ms. */
  readonly timestamp: number;
}

/** No producer id: a batch from a producer without idempotence (RecordBatch.NO_PRODUCER_ID). */
export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;

/**
 * A record batch as it sits in a partition's log (message format v2): offsets are assigned by the
 * leader, the partition leader epoch stamped, and the producer's id, epoch and base sequence kept
 * so that every replica can rebuild the idempotence state (DefaultRecordBatch).
 */
export interface RecordBatch {
  readonly baseOffset: number;
  /** Offset of the last record: baseOffset + records.length - 1. */
  readonly lastOffset: number;
  readonly partitionLeaderEpoch: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly records: readonly ProducerRecord[];
}

/** The batch's last sequence number, wrapping at Integer.MAX_VALUE as Kafka's DefaultRecordBatch does. */
export function lastSequence(batch: RecordBatch): number {
  if (batch.baseSequence === NO_SEQUENCE) return NO_SEQUENCE;
  const last = batch.baseSequence + batch.records.length - 1;
  return last > 2147483647 ? last - 2147483648 : last;
}
