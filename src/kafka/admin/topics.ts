/**
 * What a ZooKeeper-mode broker decides when asked to create a topic or add partitions
 * (ZkAdminManager.createTopics / createPartitions and AdminZkClient.validateTopicCreate at 3.8.0):
 * the checks in Kafka's order with Kafka's errors, and the replica assignment it would write.
 * Pure functions over a plain view of the cluster; nothing here touches ZooKeeper.
 */
import {
  type AssignReplicasOptions,
  assignReplicasToBrokers,
  createNewPartitionsAssignment,
} from './assignment.js';
import { KafkaError } from './errors.js';
import { validateTopicCreateAssignment } from './replica-assignment-checks.js';
import { scalaImmutableIntSetDifference } from './scala-collections.js';
import { hasCollision, hasCollisionChars, validateTopicName } from './topic-name.js';

/** One partition as the topic znode holds it (ControllerContext's ReplicaAssignment). */
export interface PartitionReplicas {
  readonly replicas: readonly number[];
  /** Replicas a reassignment is adding; empty or absent when none. */
  readonly addingReplicas?: readonly number[];
  /** Replicas a reassignment is removing; empty or absent when none. */
  readonly removingReplicas?: readonly number[];
}

/** A topic that exists under `/brokers/topics`. */
export interface ExistingTopic {
  readonly name: string;
  /** The topic's partitions by id (partition `i` is element `i`). */
  readonly partitions: readonly PartitionReplicas[];
  /** `/admin/delete_topics/<name>` exists. */
  readonly markedForDeletion?: boolean;
  /**
   * Whether the broker handling the request has the topic in its metadata cache (default true).
   * False for a topic the broker has not heard of yet, or has already dropped while its deletion
   * finishes: only then does Kafka report "marked for deletion" rather than "already exists".
   */
  readonly inMetadataCache?: boolean;
}

/** The part of the cluster's state topic administration reads. */
export interface AdminClusterView {
  readonly topics: readonly ExistingTopic[];
  /**
   * Broker ids. CreateTopics places replicas on them in the order given (Kafka uses the handling
   * broker's alive brokers in its metadata cache's order); CreatePartitions sorts them (Kafka reads
   * the registered brokers from ZooKeeper, sorted by id).
   */
  readonly brokers: readonly number[];
}

/** A CreateTopics request for one topic. */
export interface NewTopicRequest {
  readonly name: string;
  /** Absent or -1: the broker's num.partitions. */
  readonly numPartitions?: number;
  /** Absent or -1: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** An explicit assignment, partition id → replicas; absent or empty for none. */
  readonly assignments?: ReadonlyMap<number, readonly number[]>;
}

export interface CreateTopicOptions extends Pick<AssignReplicasOptions, 'fixedStartIndex' | 'random'> {
  /** `num.partitions` (Kafka's default 1). */
  readonly defaultNumPartitions?: number;
  /** `default.replication.factor` (Kafka's default 1). */
  readonly defaultReplicationFactor?: number;
}

/** A CreatePartitions request for one topic. */
export interface NewPartitionsRequest {
  readonly name: string;
  /** The partition count wanted in total. */
  readonly count: number;
  /** Replicas of each new partition, in partition order; absent to let Kafka place them. */
  readonly assignments?: readonly (readonly number[])[];
}

const NOT_SET = -1;

const isBeingReassigned = (partition: PartitionReplicas): boolean =>
  (partition.addingReplicas?.length ?? 0) > 0 || (partition.removingReplicas?.length ?? 0) > 0;

/**
 * The checks AdminZkClient.validateTopicCreate makes before writing a new topic, in its order:
 * the name; marked for deletion; exists; collides with an existing name; the assignment.
 * (Topic config validation, the last step in Kafka, is not modelled.)
 */
export function validateTopicCreate(
  name: string,
  assignment: ReadonlyMap<number, readonly number[]>,
  cluster: AdminClusterView,
): void {
  validateTopicName(name);
  const existing = cluster.topics.find((topic) => topic.name === name);
  if (existing?.markedForDeletion) {
    throw new KafkaError('TopicExistsException', `Topic '${name}' is marked for deletion.`);
  }
  if (existing !== undefined) throw new KafkaError('TopicExistsException', `Topic '${name}' already exists.`);
  if (hasCollisionChars(name)) {
    // Kafka lists them in the iteration order of a Scala Set built from ZooKeeper's children;
    // here they come in the view's order.
    const colliding = cluster.topics.map((topic) => topic.name).filter((other) => hasCollision(name, other));
    if (colliding.length > 0) {
      throw new KafkaError(
        'InvalidTopicException',
        `Topic '${name}' collides with existing topics: ${colliding.join(', ')}`,
      );
    }
  }
  validateTopicCreateAssignment(assignment);
}

/**
 * Handles one topic of a CreateTopics request as a ZooKeeper-mode broker does and returns the
 * assignment it would write to `/brokers/topics/<name>` (partition id → replicas, ascending ids).
 * Without explicit assignments, replicas are placed by `assignReplicasToBrokers` on
 * `cluster.brokers` with a random start (see `options`).
 *
 * @throws KafkaError with Kafka's exception and message, the first check that fails winning.
 */
export function planCreateTopic(
  request: NewTopicRequest,
  cluster: AdminClusterView,
  options: CreateTopicOptions = {},
): Map<number, number[]> {
  const { name } = request;
  const cached = cluster.topics.find((topic) => topic.name === name && topic.inMetadataCache !== false);
  if (cached !== undefined) throw new KafkaError('TopicExistsException', `Topic '${name}' already exists.`);

  const numPartitions = request.numPartitions ?? NOT_SET;
  const replicationFactor = request.replicationFactor ?? NOT_SET;
  const explicit = request.assignments ?? new Map<number, readonly number[]>();
  if ((numPartitions !== NOT_SET || replicationFactor !== NOT_SET) && explicit.size > 0) {
    throw new KafkaError(
      'InvalidRequestException',
      'Both numPartitions or replicationFactor and replicasAssignments were set. ' +
        'Both cannot be used at the same time.',
    );
  }

  let assignment: Map<number, number[]>;
  if (explicit.size > 0) {
    assignment = new Map([...explicit].map(([partition, replicas]) => [partition, [...replicas]]));
  } else {
    const partitions = numPartitions === NOT_SET ? (options.defaultNumPartitions ?? 1) : numPartitions;
    const factor =
      replicationFactor === NOT_SET ? (options.defaultReplicationFactor ?? 1) : replicationFactor;
    const placed = assignReplicasToBrokers(cluster.brokers, partitions, factor, {
      fixedStartIndex: options.fixedStartIndex,
      random: options.random,
    });
    assignment = new Map(placed.map((replicas, partition) => [partition, replicas]));
  }
  validateTopicCreate(name, assignment, cluster);
  return new Map([...assignment].sort(([a], [b]) => a - b));
}

/**
 * Handles one topic of a CreatePartitions request as a ZooKeeper-mode broker does and returns the
 * replicas of the new partitions (element `i` is partition `current count + i`).
 *
 * @throws KafkaError with Kafka's exception and message, the first check that fails winning:
 *   a reassignment in progress; no such topic; not an increase; unknown brokers or the wrong
 *   number of replica lists in a manual assignment; then AdminZkClient's own checks.
 */
export function planCreatePartitions(request: NewPartitionsRequest, cluster: AdminClusterView): number[][] {
  const { name, count } = request;
  const topic = cluster.topics.find((candidate) => candidate.name === name);
  const partitions = topic?.partitions ?? [];
  if (partitions.some(isBeingReassigned)) {
    // Guards a race between the controller applying a reassignment and the new znode write.
    throw new KafkaError(
      'ReassignmentInProgressException',
      `A partition reassignment is in progress for the topic '${name}'.`,
    );
  }
  if (partitions.length === 0) {
    throw new KafkaError('UnknownTopicOrPartitionException', `The topic '${name}' does not exist.`);
  }
  const current = partitions.length;
  const increment = count - current;
  if (increment < 0) {
    throw new KafkaError(
      'InvalidPartitionsException',
      `Topic currently has ${current} partitions, which is higher than the requested ${count}.`,
    );
  }
  if (increment === 0) {
    throw new KafkaError('InvalidPartitionsException', `Topic already has ${current} partitions.`);
  }

  const { assignments } = request;
  if (assignments !== undefined) {
    const unknown = scalaImmutableIntSetDifference(assignments.flat(), cluster.brokers);
    if (unknown.length > 0) {
      throw new KafkaError(
        'InvalidReplicaAssignmentException',
        `Unknown broker(s) in replica assignment: ${unknown.join(', ')}.`,
      );
    }
    if (assignments.length !== increment) {
      throw new KafkaError(
        'InvalidReplicaAssignmentException',
        `Increasing the number of partitions by ${increment} but ${assignments.length} assignments provided.`,
      );
    }
  }
  return createNewPartitionsAssignment(
    name,
    partitions.map((partition) => partition.replicas),
    cluster.brokers,
    count,
    assignments,
  );
}
