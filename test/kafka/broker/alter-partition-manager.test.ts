import { describe, expect, it } from 'vitest';
import { AlterPartitionManager } from '../../../src/kafka/broker/alter-partition-manager.js';
import type { BrokerIO } from '../../../src/kafka/broker/io.js';
import type { ErrorName } from '../../../src/kafka/errors.js';
import { ReplicaLog } from '../../../src/kafka/log/replica-log.js';
import { Partition } from '../../../src/kafka/partition.js';
import type { AlterPartitionRequest, KafkaMessage } from '../../../src/kafka/protocol.js';
import { Disk } from '../../../src/sim/disk.js';
import { Rng } from '../../../src/sim/rng.js';
import { ms, type SimTime, seconds } from '../../../src/sim/time.js';

/** Broker 1 leading t-0 with the ISR [1, 2, 3], having proposed to shrink it to [1, 2]. */
function shrinking(): Partition {
  const p = new Partition('t', 0, 1, new ReplicaLog(new Disk(), 't-0'));
  p.makeLeader({ leader: 1, leaderEpoch: 4, isr: [1, 2, 3], partitionEpoch: 7, replicas: [1, 2, 3] }, 0);
  p.updateFollowerFetchState(2, 0, 0, seconds(10)); // 2 keeps up; 3 never fetched
  expect(p.maybeShrinkIsr(seconds(31), seconds(30))).toEqual([1, 2]);
  return p;
}

function managerWithSent() {
  const sent: AlterPartitionRequest[] = [];
  const delays: SimTime[] = [];
  const io: BrokerIO = {
    now: 0,
    rng: new Rng(1),
    send: (_to: string, m: KafkaMessage) => {
      if (m.type === 'AlterPartition') sent.push(m);
    },
    disconnect: () => {},
    setTimer: (delay: SimTime) => {
      delays.push(delay);
      return { id: delays.length } as never;
    },
    cancelTimer: () => {},
    note: () => {},
  };
  let correlation = 0;
  const manager = new AlterPartitionManager(
    io,
    1,
    3,
    () => 100,
    () => 2,
    () => correlation++,
    () => {},
  );
  return { manager, sent, timers: () => delays.length, delays };
}

const answer = (request: AlterPartitionRequest, error: ErrorName) => ({
  type: 'AlterPartitionResponse' as const,
  correlationId: request.correlationId,
  error: 'NONE' as const,
  partitions: [
    { topic: 't', partition: 0, error, leader: 1, leaderEpoch: 4, isr: [1, 2, 3], partitionEpoch: 7 },
  ],
});

/** A manager that sent broker 1's shrink of t-0 and got `error` back for the partition. */
function answeredWith(error: ErrorName) {
  const { manager, sent, timers } = managerWithSent();
  const p = shrinking();
  manager.submit(p);
  manager.handleResponse(answer(sent[0] as AlterPartitionRequest, error));
  return { sent, timers, p };
}

describe('AlterPartitionManager after a partition error (Partition.handleAlterPartitionError, 3.8.0)', () => {
  it('sends the version its inter.broker.protocol.version allows, with the proposed ISR and both epochs', () => {
    const { manager, sent } = managerWithSent();
    manager.submit(shrinking());
    expect(sent).toEqual([
      {
        type: 'AlterPartition',
        correlationId: 0,
        version: 3,
        brokerId: 1,
        brokerEpoch: 100,
        partitions: [{ topic: 't', partition: 0, leaderEpoch: 4, newIsr: [1, 2], partitionEpoch: 7 }],
      },
    ]);
  });

  it.each(['NOT_CONTROLLER', 'UNKNOWN_SERVER_ERROR'] as const)(
    'retries at once after %s (NOT_CONTROLLER from a stale controller, or any unexpected error)',
    (error) => {
      const { sent, p } = answeredWith(error);
      expect(sent).toHaveLength(2);
      expect(sent[1]?.partitions).toEqual(sent[0]?.partitions);
      expect(p.isrChangeInFlight).toBe(true);
    },
  );

  it.each(['OPERATION_NOT_ATTEMPTED', 'INELIGIBLE_REPLICA'] as const)(
    'resets to the committed ISR after %s, and sends nothing more',
    (error) => {
      const { sent, p } = answeredWith(error);
      expect(sent).toHaveLength(1);
      expect(p.isrChangeInFlight).toBe(false);
      expect(p.isr).toEqual([1, 2, 3]);
    },
  );

  it.each([
    'UNKNOWN_TOPIC_OR_PARTITION',
    'FENCED_LEADER_EPOCH',
    'INVALID_UPDATE_VERSION',
    'INVALID_REQUEST',
  ] as const)('gives up after %s, leaving the change pending until new metadata', (error) => {
    const { sent, timers, p } = answeredWith(error);
    expect(sent).toHaveLength(1);
    expect(timers()).toBe(0);
    expect(p.isrChangeInFlight).toBe(true);
  });
});

describe('AlterPartitionManager after a top-level error (AlterPartitionManager.sendRequest, 3.8.0)', () => {
  it('resends the same change 50 ms later after UNKNOWN_SERVER_ERROR (a controller that moved mid-write)', () => {
    const { manager, sent, delays } = managerWithSent();
    const p = shrinking();
    manager.submit(p);
    const request = sent[0] as AlterPartitionRequest;
    manager.handleResponse({
      type: 'AlterPartitionResponse',
      correlationId: request.correlationId,
      error: 'UNKNOWN_SERVER_ERROR',
      partitions: [],
    });
    expect(sent).toHaveLength(1);
    expect(delays).toEqual([ms(50)]);
    manager.retry(); // the timer fired
    expect(sent).toHaveLength(2);
    expect(sent[1]?.partitions).toEqual(request.partitions);
    expect(p.isrChangeInFlight).toBe(true);
  });
});
