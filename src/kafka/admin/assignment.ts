/**
 * Where a topic's replicas go: Kafka's rack-unaware replica assignment
 * (org.apache.kafka.admin.AdminUtils.assignReplicasToBrokers at 3.8.0), and the variant that places
 * partitions added to an existing topic (AdminZkClient.createNewPartitionsAssignment).
 */
import { Rng } from '../../sim/rng.js';
import { KafkaError } from './errors.js';
import { validateNewPartitionsAssignment } from './replica-assignment-checks.js';

export interface AssignReplicasOptions {
  /**
   * Kafka's fixedStartIndex: the index in the broker list of partition `startPartitionId`'s first
   * replica, and also the initial follower shift. Absent or negative: both are drawn from `random`.
   */
  fixedStartIndex?: number;
  /** The id of the first partition to place (Kafka's startPartitionId; negative counts as 0). */
  startPartitionId?: number;
  /**
   * The initial follower shift, overriding what Kafka would use (fixedStartIndex, or a second draw,
   * which is then not made). Not a Kafka parameter: with fixedStartIndex it names any assignment the
   * random path can produce.
   */
  nextReplicaShift?: number;
  /**
   * Where the start index and then the shift are drawn (`below(brokers)` each, in that order, as
   * Kafka draws them from one java.util.Random). Default: a fresh `Rng('assignReplicasToBrokers')`,
   * so that a call without one is still deterministic.
   */
  random?: Rng;
}

/** Kafka's replicaIndex: the broker index of follower `j` of a partition led by `firstIndex`. */
function followerIndex(firstIndex: number, shift: number, j: number, brokerCount: number): number {
  return (firstIndex + 1 + ((shift + j) % (brokerCount - 1))) % brokerCount;
}

function assertIntegerOption(name: string, value: number | undefined): void {
  if (value !== undefined && !Number.isSafeInteger(value)) {
    throw new RangeError(`assignReplicasToBrokers: ${name} must be an integer, got ${value}`);
  }
}

/**
 * Places `nPartitions` partitions of `replicationFactor` replicas on `brokerIds` (in the order
 * given, which Kafka does not sort), exactly as Kafka's rack-unaware AdminUtils does.
 *
 * Returns the replica lists of the placed partitions only, in partition order: element `i` is
 * partition `max(0, startPartitionId) + i`, its first replica the preferred leader.
 *
 * The first replicas go round-robin over the brokers from the start index; each follower sits at
 * distance `1 + (shift + j) mod (n - 1)` from its partition's first replica, and the shift grows by
 * one each time the partition id reaches a multiple of n, so later rounds pair brokers differently.
 *
 * @throws KafkaError InvalidPartitionsException or InvalidReplicationFactorException, checked in
 *   Kafka's order, with Kafka's messages.
 */
export function assignReplicasToBrokers(
  brokerIds: readonly number[],
  nPartitions: number,
  replicationFactor: number,
  options: AssignReplicasOptions = {},
): number[][] {
  if (nPartitions <= 0) {
    throw new KafkaError('InvalidPartitionsException', 'Number of partitions must be larger than 0.');
  }
  if (replicationFactor <= 0) {
    throw new KafkaError('InvalidReplicationFactorException', 'Replication factor must be larger than 0.');
  }
  const brokerCount = brokerIds.length;
  if (replicationFactor > brokerCount) {
    throw new KafkaError(
      'InvalidReplicationFactorException',
      `Replication factor: ${replicationFactor} larger than available brokers: ${brokerCount}.`,
    );
  }
  const { fixedStartIndex = -1, startPartitionId = -1, nextReplicaShift } = options;
  assertIntegerOption('fixedStartIndex', fixedStartIndex);
  assertIntegerOption('startPartitionId', startPartitionId);
  assertIntegerOption('nextReplicaShift', nextReplicaShift);
  if (nextReplicaShift !== undefined && nextReplicaShift < 0) {
    throw new RangeError(`assignReplicasToBrokers: nextReplicaShift must be >= 0, got ${nextReplicaShift}`);
  }

  const fixed = fixedStartIndex >= 0;
  const random = fixed ? undefined : (options.random ?? new Rng('assignReplicasToBrokers'));
  const startIndex = random ? random.below(brokerCount) : fixedStartIndex;
  let shift = nextReplicaShift ?? (random ? random.below(brokerCount) : fixedStartIndex);

  const assignment: number[][] = [];
  let partition = Math.max(0, startPartitionId);
  for (let i = 0; i < nPartitions; i++, partition++) {
    // Checked before every partition, the first included: adding partitions at a multiple of n
    // starts a new round with a new shift.
    if (partition > 0 && partition % brokerCount === 0) shift += 1;
    const firstIndex = (partition + startIndex) % brokerCount;
    const replicas = [brokerIds[firstIndex] as number];
    for (let j = 0; j < replicationFactor - 1; j++) {
      replicas.push(brokerIds[followerIndex(firstIndex, shift, j, brokerCount)] as number);
    }
    assignment.push(replicas);
  }
  return assignment;
}

/**
 * The replicas of the partitions added when `topic` grows from `existingAssignment.length` to
 * `numPartitions` partitions (AdminZkClient.createNewPartitionsAssignment at 3.8.0).
 *
 * `existingAssignment` is the topic's replica lists by partition id; `brokerIds` are the registered
 * brokers (sorted by id here, as getBrokerMetadatas sorts them). Without `manualAssignment`, the new
 * partitions continue partition 0's placement: the start index is that of the first broker whose id
 * is at least partition 0's first replica, used as fixedStartIndex, with partition 0's replica count
 * and startPartitionId = the existing count. `manualAssignment` lists the new partitions' replicas in
 * order and is checked instead.
 *
 * Returns the new partitions' replica lists: element `i` is partition `existingAssignment.length + i`.
 */
export function createNewPartitionsAssignment(
  topic: string,
  existingAssignment: readonly (readonly number[])[],
  brokerIds: readonly number[],
  numPartitions: number,
  manualAssignment?: readonly (readonly number[])[],
): number[][] {
  const partition0 = existingAssignment[0];
  if (partition0 === undefined) {
    throw new KafkaError(
      'AdminOperationException',
      `Unexpected existing replica assignment for topic '${topic}', partition id 0 is missing. Assignment: Map()`,
    );
  }
  const existingCount = existingAssignment.length;
  if (numPartitions - existingCount <= 0) {
    throw new KafkaError(
      'InvalidPartitionsException',
      'The number of partitions for a topic can only be increased. ' +
        `Topic ${topic} currently has ${existingCount} partitions, ` +
        `${numPartitions} would not be an increase.`,
    );
  }
  const sortedBrokers = [...brokerIds].sort((a, b) => a - b);
  if (manualAssignment !== undefined) {
    const byPartition = new Map(manualAssignment.map((replicas, i) => [existingCount + i, replicas]));
    validateNewPartitionsAssignment(byPartition, partition0.length, sortedBrokers);
    return manualAssignment.map((replicas) => [...replicas]);
  }
  const leader = partition0[0];
  if (leader === undefined) {
    throw new RangeError(`createNewPartitionsAssignment: ${topic} partition 0 has no replicas`);
  }
  const startIndex = Math.max(
    0,
    sortedBrokers.findIndex((id) => id >= leader),
  );
  return assignReplicasToBrokers(sortedBrokers, numPartitions - existingCount, partition0.length, {
    fixedStartIndex: startIndex,
    startPartitionId: existingCount,
  });
}
