import { describe, expect, it } from 'vitest';
import { ProducerBatch } from '../../../src/clients/producer/batch.js';
import { TransactionManager } from '../../../src/clients/producer/transaction-manager.js';

/**
 * TransactionManager.canRetry and handleFailedBatch for the idempotent producer, case by case, as
 * Kafka 3.8's SenderTest and TransactionManagerTest drive them: batches are drained (sequence
 * assigned), answered, and the sender's next iteration (`maybeBump`) bumps the epoch if asked.
 */
function idempotent() {
  const tm = new TransactionManager();
  tm.setProducerIdAndEpoch(1000, 0);
  let op = 0;
  /** A batch of `records` records for t-0, drained once (it gets the partition's next sequence). */
  const drain = (records = 1): ProducerBatch => {
    const batch = new ProducerBatch('t', 0, 0, 16_384);
    for (let i = 0; i < records; i++)
      batch.append({
        record: { key: null, value: `v${op}`, timestamp: 0 },
        keyBytes: null,
        valueBytes: 3,
        op: op++,
      });
    tm.drained(batch);
    return batch;
  };
  return { tm, drain };
}

describe('TransactionManager.canRetry: OUT_OF_ORDER_SEQUENCE_NUMBER', () => {
  it('for the next batch (lastAckedSequence + 1): retries it after bumping the epoch, from sequence 0', () => {
    // SenderTest.testEpochBumpOnOutOfOrderSequenceForNextBatch
    const { tm, drain } = idempotent();
    const first = drain(2);
    tm.completed(first); // last acknowledged sequence: 1
    const next = drain();
    expect(next.baseSequence).toBe(2);
    expect(tm.canRetry(next, 'OUT_OF_ORDER_SEQUENCE_NUMBER')).toBe(true);
    expect(tm.maybeBump()).toBe('bumped the producer epoch to 1 for t-0');
    expect(tm.producerEpoch).toBe(1);
    expect(next).toMatchObject({ producerId: 1000, producerEpoch: 1, baseSequence: 0 });
    // The retry keeps its new numbers; the batch after it follows on.
    tm.drained(next);
    expect(next.baseSequence).toBe(0);
    expect(drain()).toMatchObject({ producerEpoch: 1, baseSequence: 1 });
  });

  it('for a batch that is not the next one: retries it as it is, without a bump', () => {
    // SenderTest.testCorrectHandlingOfOutOfOrderResponses: the second batch is refused because the
    // first has not been written yet; it waits for the first.
    const { tm, drain } = idempotent();
    drain(); // sequence 0, in flight
    const second = drain();
    expect(tm.canRetry(second, 'OUT_OF_ORDER_SEQUENCE_NUMBER')).toBe(true);
    expect(tm.maybeBump()).toBeUndefined();
    expect(second).toMatchObject({ producerEpoch: 0, baseSequence: 1 });
  });

  it('for a batch whose sequence a bump reset since it was drained: no second bump; once drained again, a bump', () => {
    const { tm, drain } = idempotent();
    tm.completed(drain()); // sequence 0 acknowledged
    const refused = drain(); // 1
    const inFlight = drain(); // 2
    // `refused` fails for good while retries remained (adjustSequenceNumbers): bump.
    tm.failed(refused, 'INVALID_REQUEST', true, false);
    expect(tm.maybeBump()).toBe('bumped the producer epoch to 1 for t-0');
    expect(inFlight).toMatchObject({ producerEpoch: 1, baseSequence: 0 });
    // The answer to its old attempt comes back: it is now sequence 0 = lastAcked + 1, but it was
    // reset (ProducerBatch.sequenceHasBeenReset), so it is retried without bumping again.
    expect(tm.canRetry(inFlight, 'OUT_OF_ORDER_SEQUENCE_NUMBER')).toBe(true);
    expect(tm.maybeBump()).toBeUndefined();
    // Drained again (closed: the reset mark is gone) and refused again as the next batch: a real gap.
    tm.drained(inFlight);
    expect(tm.canRetry(inFlight, 'OUT_OF_ORDER_SEQUENCE_NUMBER')).toBe(true);
    expect(tm.maybeBump()).toBe('bumped the producer epoch to 2 for t-0');
  });

  it('with an unresolved sequence: bumps only for the batch right after it, otherwise waits', () => {
    // A retried batch expired (delivery.timeout.ms): whether the broker has it is unknown.
    const { tm, drain } = idempotent();
    const expired = drain(); // 0
    const after = drain(); // 1
    const later = drain(); // 2
    tm.failed(expired, 'TimeoutException', false, true); // unresolved: next sequence 1
    expect(tm.shouldStopDrain(new ProducerBatch('t', 0, 0, 16_384))).toBe(true); // no new batches meanwhile
    expect(tm.canRetry(later, 'OUT_OF_ORDER_SEQUENCE_NUMBER')).toBe(true);
    expect(tm.maybeBump()).toBeUndefined(); // not the one after the gap: wait to see
    expect(tm.canRetry(after, 'OUT_OF_ORDER_SEQUENCE_NUMBER')).toBe(true);
    expect(tm.maybeBump()).toBe('bumped the producer epoch to 1 for t-0');
    expect([after.baseSequence, later.baseSequence]).toEqual([0, 1]);
    // The bump resolved the partition: new batches may go.
    expect(tm.shouldStopDrain(new ProducerBatch('t', 0, 0, 16_384))).toBe(false);
  });
});

describe('TransactionManager.canRetry: UNKNOWN_PRODUCER_ID and other errors', () => {
  it('UNKNOWN_PRODUCER_ID: retried; a bump only once the log start offset is known and the sequence was not reset', () => {
    // SenderTest.testUnknownProducerErrorShouldBeRetriedWhenLogStartOffsetIsUnknown, …WhenRetentionLimitReached
    const { tm, drain } = idempotent();
    tm.completed(drain());
    const batch = drain();
    expect(tm.canRetry(batch, 'UNKNOWN_PRODUCER_ID')).toBe(true); // logStartOffset -1
    expect(tm.maybeBump()).toBeUndefined();
    expect(tm.canRetry(batch, 'UNKNOWN_PRODUCER_ID', 10)).toBe(true);
    expect(tm.maybeBump()).toBe('bumped the producer epoch to 1 for t-0');
    expect(batch).toMatchObject({ producerEpoch: 1, baseSequence: 0 });
    expect(tm.canRetry(batch, 'UNKNOWN_PRODUCER_ID', 10)).toBe(true); // reset already
    expect(tm.maybeBump()).toBeUndefined();
  });

  it('other errors: retried when retriable (RetriableException), never bump', () => {
    const { tm, drain } = idempotent();
    const batch = drain();
    expect(tm.canRetry(batch, 'NOT_LEADER_OR_FOLLOWER')).toBe(true);
    expect(tm.canRetry(batch, 'NOT_ENOUGH_REPLICAS')).toBe(true);
    expect(tm.canRetry(batch, 'INVALID_PRODUCER_EPOCH')).toBe(false);
    expect(tm.canRetry(batch, 'INVALID_REQUEST')).toBe(false);
    expect(tm.maybeBump()).toBeUndefined();
  });
});

describe('TransactionManager.handleFailedBatch (idempotent producer)', () => {
  it('a batch failed with OutOfOrderSequenceException (retries or time exhausted) bumps the epoch for its partition', () => {
    const { tm, drain } = idempotent();
    tm.completed(drain());
    tm.failed(drain(), 'OUT_OF_ORDER_SEQUENCE_NUMBER', false, false);
    expect(tm.maybeBump()).toBe('bumped the producer epoch to 1 for t-0');
    expect(drain()).toMatchObject({ producerEpoch: 1, baseSequence: 0 });
  });

  it('so does UnknownProducerIdException, its subclass', () => {
    const { tm, drain } = idempotent();
    tm.completed(drain());
    tm.failed(drain(), 'UNKNOWN_PRODUCER_ID', false, false);
    expect(tm.maybeBump()).toBe('bumped the producer epoch to 1 for t-0');
  });

  it('a timeout with retries exhausted does not: the sequence may have been taken', () => {
    const { tm, drain } = idempotent();
    tm.completed(drain());
    tm.failed(drain(), 'REQUEST_TIMED_OUT', false, false);
    expect(tm.maybeBump()).toBeUndefined();
    expect(drain()).toMatchObject({ producerEpoch: 0, baseSequence: 2 });
  });
});
