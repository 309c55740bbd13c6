/** The simulated Kafka cluster (ZooKeeper mode): brokers, controller, replication, topic administration. */
export * from './admin/index.js';
export {
  type BrokerActor,
  type BrokerMessage,
  type BrokerOptions,
  type BrokerTimer,
  brokerActor,
} from './broker/broker.js';
export { brokerIdOf, brokerName } from './broker/io.js';
export { HW_CHECKPOINT_FILE } from './broker/replica-manager.js';
export { type BrokerConfig, DEFAULT_BROKER_CONFIG, type TopicConfig, type TruncationMode } from './config.js';
export {
  autoRebalanceCandidates,
  controlledShutdownPartitionLeaderElection,
  type ElectionResult,
  offlinePartitionLeaderElection,
  preferredReplicaPartitionLeaderElection,
  reassignPartitionLeaderElection,
  removeReplicaFromIsr,
} from './controller/election.js';
export { findCoordinator } from './coordinator/find-coordinator.js';
export { GroupCoordinator, isGroupRequest } from './coordinator/group-coordinator.js';
export { GroupMetadata } from './coordinator/group-metadata.js';
export {
  decodeGroupRecord,
  type GroupMetadataValue,
  type GroupRecordKey,
  type OffsetCommitValue,
} from './coordinator/records.js';
export type { GroupCoordinatorTimer } from './coordinator/timers.js';
export { describedTopicFromZooKeeper } from './describe-cluster.js';
export { ERROR_CODES, type ErrorName, RETRIABLE_ERRORS } from './errors.js';
export { ibpAtLeast, isAlterPartitionSupported, parseIbp } from './ibp.js';
export type { ProducerRecord, RecordBatch } from './log/record.js';
export type * from './protocol.js';
export { tpKey } from './protocol.js';
export * from './zk-data.js';
