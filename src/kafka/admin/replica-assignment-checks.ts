/**
 * Checks on a replica assignment someone wrote by hand, with Kafka's messages: the ones
 * AdminZkClient.validateTopicCreate applies to a new topic, and the ones
 * AdminZkClient.validateReplicaAssignment applies to partitions being added (3.8.0).
 */
import { KafkaError } from './errors.js';
import { formatScalaIntBufferHashMap, scalaImmutableIntSetOrder } from './scala-collections.js';

const hasDuplicates = (replicas: readonly number[]): boolean => new Set(replicas).size !== replicas.length;

/**
 * A new topic's assignment (partition id → replicas): one replication factor for all partitions,
 * no broker twice in a partition, partition ids 0..n-1. Unknown brokers are accepted, as Kafka
 * accepts them on CreateTopics (ZkAdminManager.createTopics says so in a comment).
 */
export function validateTopicCreateAssignment(assignment: ReadonlyMap<number, readonly number[]>): void {
  const sizes = new Set([...assignment.values()].map((replicas) => replicas.length));
  if (sizes.size !== 1) {
    throw new KafkaError(
      'InvalidReplicaAssignmentException',
      'All partitions should have the same number of replicas',
    );
  }
  if ([...assignment.values()].some(hasDuplicates)) {
    throw new KafkaError(
      'InvalidReplicaAssignmentException',
      `Duplicate replica assignment found: ${formatScalaIntBufferHashMap(assignment)}`,
    );
  }
  // Kafka's test is weaker than its message: the non-negative ids must sum to 0+1+...+(n-1), in
  // 32-bit arithmetic, so {-1, 0, 1, 5} passes. Reproduced as is.
  const count = assignment.size;
  const expectedSum = Math.trunc(Math.imul(count, count - 1) / 2);
  let sum = 0;
  for (const partition of assignment.keys()) if (partition >= 0) sum = (sum + partition) | 0;
  if (sum !== expectedSum) {
    throw new KafkaError(
      'InvalidReplicaAssignmentException',
      'partitions should be a consecutive 0-based integer sequence',
    );
  }
}

/**
 * Replica lists for partitions being added (partition id → replicas, in the order the request
 * listed them): each non-empty, without duplicates, on registered brokers, and as long as partition
 * 0's list. `brokerIds` are the registered brokers sorted by id.
 */
export function validateNewPartitionsAssignment(
  assignment: ReadonlyMap<number, readonly number[]>,
  expectedReplicationFactor: number,
  brokerIds: readonly number[],
): void {
  const available = new Set(brokerIds);
  for (const partition of scalaImmutableIntSetOrder([...assignment.keys()])) {
    const replicas = assignment.get(partition) ?? [];
    if (replicas.length === 0) {
      throw new KafkaError(
        'InvalidReplicaAssignmentException',
        `Cannot have replication factor of 0 for partition id ${partition}.`,
      );
    }
    if (hasDuplicates(replicas)) {
      throw new KafkaError(
        'InvalidReplicaAssignmentException',
        `Duplicate brokers not allowed in replica assignment: ${replicas.join(', ')} for partition id ${partition}.`,
      );
    }
    if (!replicas.every((broker) => available.has(broker))) {
      throw new KafkaError(
        'BrokerNotAvailableException',
        `Some brokers specified for partition id ${partition} are not available. ` +
          `Specified brokers: ${replicas.join(', ')}, ` +
          `available brokers: ${scalaImmutableIntSetOrder(brokerIds).join(', ')}.`,
      );
    }
  }
  const bad = [...assignment]
    .filter(([, replicas]) => replicas.length !== expectedReplicationFactor)
    .sort(([a], [b]) => a - b);
  if (bad.length > 0) {
    throw new KafkaError(
      'InvalidReplicaAssignmentException',
      `Inconsistent replication factor between partitions, partition 0 has ${expectedReplicationFactor} ` +
        `while partitions [${bad.map(([partition]) => partition).join(', ')}] have ` +
        `replication factors [${bad.map(([, replicas]) => replicas.length).join(', ')}], respectively.`,
    );
  }
}
