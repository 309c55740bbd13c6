import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignReplicasToBrokers } from '../../../src/kafka/admin/assignment.js';
import {
  type AdminClusterView,
  planCreatePartitions,
  planCreateTopic,
} from '../../../src/kafka/admin/topics.js';
import { Rng } from '../../../src/sim/rng.js';
import { expectKafkaError } from './expect-kafka-error.js';

const cluster: AdminClusterView = {
  brokers: [1, 2, 3],
  topics: [
    { name: 't', partitions: [{ replicas: [1, 2, 3] }, { replicas: [2, 3, 1] }, { replicas: [3, 1, 2] }] },
    { name: 'metrics_in', partitions: [{ replicas: [1] }] },
    { name: 'doomed', partitions: [{ replicas: [2] }], markedForDeletion: true, inMetadataCache: false },
    { name: 'gone', partitions: [{ replicas: [2] }], markedForDeletion: true },
    {
      name: 'moving',
      partitions: [{ replicas: [1] }, { replicas: [2, 3], addingReplicas: [3], removingReplicas: [] }],
    },
  ],
};

const explicit = (entries: [number, number[]][]): Map<number, number[]> => new Map(entries);

describe('planCreateTopic (ZkAdminManager.createTopics)', () => {
  it('places replicas with assignReplicasToBrokers on the brokers as given', () => {
    const planned = planCreateTopic({ name: 'orders', numPartitions: 4, replicationFactor: 2 }, cluster, {
      fixedStartIndex: 1,
    });
    expect([...planned]).toEqual(
      assignReplicasToBrokers([1, 2, 3], 4, 2, { fixedStartIndex: 1 }).map((replicas, p) => [p, replicas]),
    );
    expect([...planned.keys()]).toEqual([0, 1, 2, 3]);
  });

  it('draws from the Rng given, and falls back on num.partitions and default.replication.factor', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const planned = planCreateTopic({ name: 'orders' }, cluster, {
          random: new Rng(seed),
          defaultNumPartitions: 3,
          defaultReplicationFactor: 3,
        });
        expect([...planned.values()]).toEqual(
          assignReplicasToBrokers([1, 2, 3], 3, 3, { random: new Rng(seed) }),
        );
      }),
    );
    expect([
      ...planCreateTopic({ name: 'orders', numPartitions: -1, replicationFactor: -1 }, cluster).values(),
    ]).toEqual([[expect.any(Number)]]);
  });

  it('keeps an explicit assignment, even on unknown brokers (Kafka does not check them here)', () => {
    const planned = planCreateTopic(
      {
        name: 'manual',
        assignments: explicit([
          [1, [3, 9]],
          [0, [1, 2]],
        ]),
      },
      cluster,
    );
    expect([...planned]).toEqual([
      [0, [1, 2]],
      [1, [3, 9]],
    ]);
  });

  it("rejects in Kafka's order with Kafka's exceptions and messages", () => {
    expectKafkaError(
      () => planCreateTopic({ name: 't', numPartitions: 0 }, cluster),
      'TopicExistsException',
      "Topic 't' already exists.",
    );
    // in the broker's cache while its deletion runs: still "already exists"
    expectKafkaError(
      () => planCreateTopic({ name: 'gone' }, cluster),
      'TopicExistsException',
      "Topic 'gone' already exists.",
    );
    expectKafkaError(
      () => planCreateTopic({ name: 'doomed' }, cluster),
      'TopicExistsException',
      "Topic 'doomed' is marked for deletion.",
    );
    expectKafkaError(
      () => planCreateTopic({ name: 'x', numPartitions: 1, assignments: explicit([[0, [1]]]) }, cluster),
      'InvalidRequestException',
      'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
    );
    expectKafkaError(
      () => planCreateTopic({ name: 'x', replicationFactor: 3, assignments: explicit([[0, [1]]]) }, cluster),
      'InvalidRequestException',
      'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
    );
    expectKafkaError(
      () => planCreateTopic({ name: 'x', numPartitions: 0, replicationFactor: 9 }, cluster),
      'InvalidPartitionsException',
      'Number of partitions must be larger than 0.',
    );
    // the assignment is computed before the name is checked, so the replication factor wins
    expectKafkaError(
      () => planCreateTopic({ name: 'bad name', numPartitions: 3, replicationFactor: 4 }, cluster),
      'InvalidReplicationFactorException',
      'Replication factor: 4 larger than available brokers: 3.',
    );
    expectKafkaError(
      () => planCreateTopic({ name: 'bad name', numPartitions: 3, replicationFactor: 3 }, cluster),
      'InvalidTopicException',
      "Topic name is invalid: 'bad name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
    );
    expectKafkaError(
      () => planCreateTopic({ name: 'metrics.in' }, cluster),
      'InvalidTopicException',
      "Topic 'metrics.in' collides with existing topics: metrics_in",
    );
  });

  it("checks an explicit assignment with AdminZkClient.validateTopicCreate's messages", () => {
    // AdminZkClientTest.testManualReplicaAssignment's cases
    expectKafkaError(
      () => planCreateTopic({ name: 'test', assignments: explicit([[0, [0, 0]]]) }, cluster),
      'InvalidReplicaAssignmentException',
      'Duplicate replica assignment found: HashMap(0 -> ArrayBuffer(0, 0))',
    );
    expectKafkaError(
      () =>
        planCreateTopic(
          {
            name: 'test',
            assignments: explicit([
              [0, [0, 1]],
              [1, [0]],
            ]),
          },
          cluster,
        ),
      'InvalidReplicaAssignmentException',
      'All partitions should have the same number of replicas',
    );
    for (const ids of [
      [1, 2],
      [0, 3],
      [-1, 1, 2, 4],
    ]) {
      expectKafkaError(
        () => planCreateTopic({ name: 'test', assignments: explicit(ids.map((p) => [p, [1, 2]])) }, cluster),
        'InvalidReplicaAssignmentException',
        'partitions should be a consecutive 0-based integer sequence',
      );
    }
    // Kafka's check only sums the non-negative ids: this passes in Kafka too
    expect([
      ...planCreateTopic(
        { name: 'odd', assignments: explicit([-1, 0, 1, 5].map((p) => [p, [1]])) },
        cluster,
      ).keys(),
    ]).toEqual([-1, 0, 1, 5]);
  });

  it('prints a duplicate assignment in Scala mutable.HashMap order', () => {
    const assignment = explicit([
      [17, [1, 2]],
      [1, [2, 2]],
      [0, [3, 1]],
      [16, [1, 3]],
    ]);
    expectKafkaError(
      () => planCreateTopic({ name: 'test', assignments: assignment }, cluster),
      'InvalidReplicaAssignmentException',
      'Duplicate replica assignment found: HashMap(0 -> ArrayBuffer(3, 1), 16 -> ArrayBuffer(1, 3), ' +
        '1 -> ArrayBuffer(2, 2), 17 -> ArrayBuffer(1, 2))',
    );
  });
});

describe('planCreatePartitions (ZkAdminManager.createPartitions)', () => {
  it('places the new partitions after the existing ones', () => {
    // partition 3 opens a new round: the follower shift moves on
    expect(planCreatePartitions({ name: 't', count: 5 }, cluster)).toEqual([
      [1, 3, 2],
      [2, 1, 3],
    ]);
    expect(planCreatePartitions({ name: 't', count: 4, assignments: [[3, 2, 1]] }, cluster)).toEqual([
      [3, 2, 1],
    ]);
  });

  it("rejects in Kafka's order with Kafka's exceptions and messages", () => {
    const reassigning = expectKafkaError(
      () => planCreatePartitions({ name: 'moving', count: 1 }, cluster),
      'ReassignmentInProgressException',
      "A partition reassignment is in progress for the topic 'moving'.",
    );
    expect([reassigning.errorName, reassigning.errorCode]).toEqual(['REASSIGNMENT_IN_PROGRESS', 60]);
    const unknown = expectKafkaError(
      () => planCreatePartitions({ name: 'nope', count: 3 }, cluster),
      'UnknownTopicOrPartitionException',
      "The topic 'nope' does not exist.",
    );
    expect([unknown.errorName, unknown.errorCode]).toEqual(['UNKNOWN_TOPIC_OR_PARTITION', 3]);
    expectKafkaError(
      () => planCreatePartitions({ name: 't', count: 2 }, cluster),
      'InvalidPartitionsException',
      'Topic currently has 3 partitions, which is higher than the requested 2.',
    );
    expectKafkaError(
      () => planCreatePartitions({ name: 't', count: 3, assignments: [[9]] }, cluster),
      'InvalidPartitionsException',
      'Topic already has 3 partitions.',
    );
    expectKafkaError(
      () =>
        planCreatePartitions(
          {
            name: 't',
            count: 5,
            assignments: [
              [1, 7, 2],
              [8, 7, 9],
            ],
          },
          cluster,
        ),
      'InvalidReplicaAssignmentException',
      // five distinct brokers make a Scala HashSet: its trie order survives removing the known ones
      'Unknown broker(s) in replica assignment: 9, 7, 8.',
    );
    // AddPartitionsTest.testMissingPartitionsInCreatePartitions
    const missing = expectKafkaError(
      () => planCreatePartitions({ name: 't', count: 5, assignments: [[1, 2, 3]] }, cluster),
      'InvalidReplicaAssignmentException',
      'Increasing the number of partitions by 2 but 1 assignments provided.',
    );
    expect([missing.errorName, missing.errorCode]).toEqual(['INVALID_REPLICA_ASSIGNMENT', 39]);
    expectKafkaError(
      () => planCreatePartitions({ name: 't', count: 5, assignments: [] }, cluster),
      'InvalidReplicaAssignmentException',
      'Increasing the number of partitions by 2 but 0 assignments provided.',
    );
    expectKafkaError(
      () => planCreatePartitions({ name: 't', count: 4, assignments: [[1, 2]] }, cluster),
      'InvalidReplicaAssignmentException',
      'Inconsistent replication factor between partitions, partition 0 has 3 while partitions [3] have ' +
        'replication factors [2], respectively.',
    );
  });

  it('lists unknown brokers as a Scala Set does: insertion order up to 4, hash-trie order beyond', () => {
    const big: AdminClusterView = { brokers: [0], topics: [{ name: 'b', partitions: [{ replicas: [0] }] }] };
    expectKafkaError(
      () => planCreatePartitions({ name: 'b', count: 3, assignments: [[40], [3]] }, big),
      'InvalidReplicaAssignmentException',
      'Unknown broker(s) in replica assignment: 40, 3.',
    );
    // Scala 2.13 prints Set(1, 2, 3, 4, 5) as HashSet(5, 1, 2, 3, 4)
    expectKafkaError(
      () => planCreatePartitions({ name: 'b', count: 6, assignments: [[1], [2], [3], [4], [5]] }, big),
      'InvalidReplicaAssignmentException',
      'Unknown broker(s) in replica assignment: 5, 1, 2, 3, 4.',
    );
  });
});
