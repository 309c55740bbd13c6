import { describe, expect, it } from 'vitest';
import { describeTopics } from '../../../src/kafka/admin/describe.js';
import type { BrokerMessage } from '../../../src/kafka/broker/broker.js';
import { brokerName } from '../../../src/kafka/broker/io.js';
import { describedTopicFromZooKeeper } from '../../../src/kafka/describe-cluster.js';
import type { AlterPartitionReassignmentsResponse, KafkaMessage } from '../../../src/kafka/protocol.js';
import { decodeTopic } from '../../../src/kafka/zk-data.js';
import type { ProcessContext } from '../../../src/sim/process.js';
import { seconds } from '../../../src/sim/time.js';
import { type ProducedRecord, testProducer, zkCluster } from './cluster.js';

/** kafka-reassign-partitions.sh --execute: sends the request to the controller and keeps the answer. */
function reassign(
  controller: () => number,
  partitions: { topic: string; partition: number; replicas: number[] | null }[],
  answers: AlterPartitionReassignmentsResponse[],
) {
  return (ctx: ProcessContext<BrokerMessage, never>) => ({
    onStart: () =>
      ctx.send(brokerName(controller()), {
        type: 'AlterPartitionReassignments',
        correlationId: answers.length,
        partitions,
      } as KafkaMessage),
    onMessage(_from: string, m: BrokerMessage) {
      if (m.type === 'AlterPartitionReassignmentsResponse') answers.push(m);
    },
  });
}

describe('partition reassignment (KIP-455)', () => {
  it('moves a partition from brokers 1,2,3 to 2,3,4: the new replica catches up, leadership moves, the old one is deleted', () => {
    const { world, ensemble, broker, state, createTopic, ids, activeController } = zkCluster({
      seed: 8,
      brokers: 4,
    });
    createTopic(seconds(5), 't', [[1, 2, 3]]);
    const produced: ProducedRecord[] = [];
    world.spawn(
      'producer',
      testProducer({ acks: -1, everyMs: 100, count: 100, brokers: ids, log: produced }),
      { start: false },
    );
    world.at(seconds(6), () => world.start('producer'));
    const controller = activeController;
    const answers: AlterPartitionReassignmentsResponse[] = [];
    world.spawn(
      'reassign',
      reassign(controller, [{ topic: 't', partition: 0, replicas: [2, 3, 4] }], answers) as never,
      { start: false },
    );
    world.at(seconds(9), () => world.start('reassign'));
    world.runUntil(seconds(30));

    expect(answers[0]?.partitions).toEqual([{ topic: 't', partition: 0, error: 'NONE' }]);
    const znode = decodeTopic(ensemble.tree.node('/brokers/topics/t')?.data ?? '{}');
    expect(znode.partitions.get(0)).toEqual([2, 3, 4]);
    expect(znode.addingReplicas.size + znode.removingReplicas.size).toBe(0);
    const after = state('t', 0);
    expect(after?.leader).toBe(2); // 1 is no longer a replica: the first target replica in the ISR leads
    expect([...(after?.isr ?? [])].sort()).toEqual([2, 3, 4]);
    expect(broker(1)?.replicaManager.partitions.has('t-0')).toBe(false);
    expect(world.diskOf(brokerName(1)).hasLog('t-0/log')).toBe(false);
    const log = (id: number) =>
      broker(id)
        ?.replicaManager.partitions.get('t-0')
        ?.log.allBatches()
        .flatMap((b) => b.records.map((r) => r.value));
    expect(log(4)).toEqual(log(2));
    // nothing acknowledged was lost along the way
    const leaderLog = log(2) ?? [];
    for (const p of produced)
      if (p.outcome?.error === 'NONE') expect(leaderLog[p.outcome.offset]).toBe(p.value);
  });

  it('refuses bad reassignments with Kafka’s messages', () => {
    const { world, createTopic, activeController } = zkCluster({ seed: 8, brokers: 3 });
    createTopic(seconds(5), 't', [[1, 2, 3]]);
    const controller = activeController;
    const answers: AlterPartitionReassignmentsResponse[] = [];
    world.spawn(
      'reassign',
      reassign(
        controller,
        [
          { topic: 't', partition: 0, replicas: [1, 1, 2] },
          { topic: 't', partition: 0, replicas: [] },
          { topic: 't', partition: 0, replicas: [1, 2, 7] },
          { topic: 'nope', partition: 0, replicas: [1] },
          { topic: 't', partition: 0, replicas: null },
        ],
        answers,
      ) as never,
      { start: false },
    );
    world.at(seconds(8), () => world.start('reassign'));
    world.runUntil(seconds(10));
    expect(answers[0]?.partitions.map((p) => [p.error, p.errorMessage])).toEqual([
      ['INVALID_REPLICA_ASSIGNMENT', 'Duplicate replica ids in partition reassignment replica list: 1, 1, 2'],
      ['INVALID_REPLICA_ASSIGNMENT', 'Empty replica list specified in partition reassignment.'],
      [
        'INVALID_REPLICA_ASSIGNMENT',
        'Replica assignment has brokers that are not alive. Replica list: 7, live broker list: 1, 2, 3',
      ],
      ['UNKNOWN_TOPIC_OR_PARTITION', 'The partition does not exist.'],
      ['NO_REASSIGNMENT_IN_PROGRESS', undefined],
    ]);
  });

  it('shows the move in progress while the new replica has not caught up (describe: Adding/Removing Replicas)', () => {
    const { world, ensemble, createTopic, activeController } = zkCluster({ seed: 8, brokers: 4 });
    createTopic(seconds(5), 't', [[1, 2, 3]]);
    const controller = activeController;
    const answers: AlterPartitionReassignmentsResponse[] = [];
    world.spawn(
      'reassign',
      reassign(controller, [{ topic: 't', partition: 0, replicas: [2, 3, 4] }], answers) as never,
      {
        start: false,
      },
    );
    world.at(seconds(8), () => world.network.isolate(brokerName(4))); // it cannot fetch
    world.at(seconds(9), () => world.start('reassign'));
    world.runUntil(seconds(12));
    const topic = describedTopicFromZooKeeper((path) => ensemble.tree.node(path)?.data, 't');
    expect(describeTopics(topic === undefined ? [] : [topic])).toContain(
      'Partition: 0\tLeader: 1\tReplicas: 2,3,4,1\tIsr: 1,2,3\tAdding Replicas: 4\tRemoving Replicas: 1',
    );
    world.network.heal();
    world.runUntil(seconds(40));
    expect(decodeTopic(ensemble.tree.node('/brokers/topics/t')?.data ?? '{}').partitions.get(0)).toEqual([
      2, 3, 4,
    ]);
  });

  it('forgets its reassignments when it resigns, so a later tenure acts only on what ZooKeeper says', () => {
    // A controller that resigned mid-reassignment and won again later used to keep its old ORS/TRS.
    const { world, broker, createTopic, activeController } = zkCluster({ seed: 8, brokers: 4 });
    createTopic(seconds(5), 't', [[1, 2, 3]]);
    const controller = activeController;
    const answers: AlterPartitionReassignmentsResponse[] = [];
    world.spawn(
      'reassign',
      reassign(controller, [{ topic: 't', partition: 0, replicas: [2, 3, 4] }], answers) as never,
      {
        start: false,
      },
    );
    world.at(seconds(8), () => world.network.isolate(brokerName(4)));
    world.at(seconds(9), () => world.start('reassign'));
    world.runUntil(seconds(12));
    const first = controller();
    const internals = (id: number) =>
      broker(id)?.controller() as unknown as {
        reassignments: Map<string, unknown>;
        topicIds: Map<string, string>;
      };
    expect(internals(first).reassignments.size).toBe(1);
    world.network.partition([[brokerName(first)], ['zookeeper-1']]); // its session expires: it resigns
    world.runUntil(seconds(45));
    world.network.heal();
    world.runUntil(seconds(50));
    expect(broker(first)?.controller().isActive).toBe(false);
    expect(internals(first).reassignments.size).toBe(0);
  });
});
