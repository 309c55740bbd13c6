import { describe, expect, it } from 'vitest';
import type { BrokerMessage } from '../../../src/kafka/broker/broker.js';
import { brokerName } from '../../../src/kafka/broker/io.js';
import type { CreateTopicsRequest } from '../../../src/kafka/protocol.js';
import type { ProcessContext } from '../../../src/sim/process.js';
import { seconds } from '../../../src/sim/time.js';
import { type ProducedRecord, testProducer, zkCluster } from './cluster.js';

function createTopics(topics: CreateTopicsRequest['topics']) {
  return (ctx: ProcessContext<BrokerMessage, never>) => ({
    onStart: () =>
      ctx.send(brokerName(1), { type: 'CreateTopics', correlationId: 0, topics, timeoutMs: 30_000 }),
    onMessage() {},
  });
}

describe('topic config overrides', () => {
  it('min.insync.replicas set on the topic refuses acks=all once the ISR is below it', () => {
    const { world, ids, state } = zkCluster({ seed: 4 });
    world.spawn(
      'admin',
      createTopics([
        {
          name: 't',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [[1, 2, 3]],
          configs: { 'min.insync.replicas': '2' },
        },
      ]) as never,
      { start: false },
    );
    world.at(seconds(5), () => world.start('admin'));
    const produced: ProducedRecord[] = [];
    world.spawn(
      'producer',
      testProducer({ acks: -1, everyMs: 500, count: 200, brokers: ids, log: produced }),
      {
        start: false,
      },
    );
    world.at(seconds(8), () => world.start('producer'));
    world.at(seconds(10), () => {
      world.crash(brokerName(2));
      world.crash(brokerName(3));
    });
    world.runUntil(seconds(90));
    expect(state('t', 0)?.isr).toEqual([1]);
    // (the test producer forgets the leader after an error and asks again: those sends say no-leader)
    const late = produced.filter(
      (p) => p.sentAt > seconds(60) && p.outcome !== undefined && p.outcome.error !== 'no-leader',
    );
    expect(late.length).toBeGreaterThan(0);
    expect(new Set(late.map((p) => p.outcome?.error))).toEqual(new Set(['NOT_ENOUGH_REPLICAS']));
    expect(produced.filter((p) => p.sentAt < seconds(10)).every((p) => p.outcome?.error === 'NONE')).toBe(
      true,
    );
  });

  it('unclean.leader.election.enable set on the topic lets an out-of-sync replica lead; the other topic stays offline', () => {
    const { world, state } = zkCluster({ seed: 4 });
    world.spawn(
      'admin',
      createTopics([
        {
          name: 'unclean',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [[1, 2]],
          configs: { 'unclean.leader.election.enable': 'true' },
        },
        { name: 'clean', numPartitions: -1, replicationFactor: -1, assignments: [[1, 2]], configs: {} },
      ]) as never,
      { start: false },
    );
    world.at(seconds(5), () => world.start('admin'));
    world.at(seconds(10), () => world.crash(brokerName(2))); // ISRs shrink to [1]
    world.at(seconds(40), () => world.crash(brokerName(1))); // the last ISR member dies
    world.at(seconds(70), () => world.restart(brokerName(2))); // only the out-of-sync replica comes back
    world.runUntil(seconds(80));
    expect(state('unclean', 0)).toMatchObject({ leader: 2, isr: [2], leaderRecoveryState: 1 });
    expect(state('clean', 0)).toMatchObject({ leader: -1, isr: [1] });
  });
});
