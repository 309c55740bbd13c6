import { describe, expect, it } from 'vitest';
import type { BrokerMessage } from '../../../src/kafka/broker/broker.js';
import { brokerName } from '../../../src/kafka/broker/io.js';
import type { AdminTopicResult, KafkaMessage } from '../../../src/kafka/protocol.js';
import { decodeTopic } from '../../../src/kafka/zk-data.js';
import { seconds } from '../../../src/sim/time.js';
import { zkCluster } from './cluster.js';

/** An admin client that sends the given requests to broker 1, one per second from 10 s, and keeps the answers. */
function adminClient(requests: KafkaMessage[], answers: AdminTopicResult[][]) {
  return (ctx: import('../../../src/sim/process.js').ProcessContext<BrokerMessage, never>) => {
    return {
      onStart() {
        for (const r of requests) ctx.send(brokerName(1), r);
      },
      onMessage(_from: string, m: BrokerMessage) {
        if (m.type === 'CreateTopicsResponse' || m.type === 'CreatePartitionsResponse')
          answers[m.correlationId] = [...m.topics];
      },
    };
  };
}

describe('topic administration through a broker (ZkAdminManager)', () => {
  it('creates topics with Kafka’s placement and errors, and adds partitions', () => {
    const { world, ensemble, state } = zkCluster({ seed: 21 });
    const answers: AdminTopicResult[][] = [];
    const create = (correlationId: number, name: string, numPartitions: number, replicationFactor: number) =>
      ({
        type: 'CreateTopics',
        correlationId,
        topics: [{ name, numPartitions, replicationFactor, assignments: [], configs: {} }],
        timeoutMs: 30_000,
      }) as const;
    world.spawn(
      'admin-a',
      adminClient([create(0, 'orders', 6, 3), create(1, 'bad', 3, 4)], answers) as never,
      {
        start: false,
      },
    );
    world.spawn(
      'admin-b',
      adminClient(
        [
          create(2, 'orders', 1, 1),
          {
            type: 'CreatePartitions',
            correlationId: 3,
            topics: [{ name: 'orders', count: 4 }],
            timeoutMs: 30_000,
          },
          {
            type: 'CreatePartitions',
            correlationId: 4,
            topics: [{ name: 'orders', count: 8 }],
            timeoutMs: 30_000,
          },
        ],
        answers,
      ) as never,
      { start: false },
    );
    world.at(seconds(10), () => world.start('admin-a'));
    world.at(seconds(12), () => world.start('admin-b'));
    world.runUntil(seconds(20));

    expect(answers[0]?.[0]).toMatchObject({ name: 'orders', error: 'NONE' });
    expect(answers[0]?.[0]?.topicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(answers[1]?.[0]).toEqual({
      name: 'bad',
      error: 'INVALID_REPLICATION_FACTOR',
      errorMessage: 'Replication factor: 4 larger than available brokers: 3.',
    });
    expect(answers[2]?.[0]).toEqual({
      name: 'orders',
      error: 'TOPIC_ALREADY_EXISTS',
      errorMessage: "Topic 'orders' already exists.",
    });
    expect(answers[3]?.[0]).toMatchObject({
      error: 'INVALID_PARTITIONS',
      errorMessage: 'Topic currently has 6 partitions, which is higher than the requested 4.',
    });
    expect(answers[4]?.[0]).toMatchObject({ name: 'orders', error: 'NONE' });

    const znode = decodeTopic(ensemble.tree.node('/brokers/topics/orders')?.data ?? '{}');
    expect(znode.topicId).toBe(answers[0]?.[0]?.topicId);
    expect(znode.partitions.size).toBe(8);
    const leaders = new Map<number, number>();
    for (const [p, replicas] of znode.partitions) {
      expect(new Set(replicas).size).toBe(3);
      expect(state('orders', p)).toMatchObject({ leader: replicas[0], leaderEpoch: 0, isr: replicas });
      if (p < 6) leaders.set(replicas[0] as number, (leaders.get(replicas[0] as number) ?? 0) + 1);
    }
    // AdminUtils rotates the first replica over the brokers: 6 partitions, 3 brokers, 2 each
    expect([...leaders.values()]).toEqual([2, 2, 2]);
  });
});
