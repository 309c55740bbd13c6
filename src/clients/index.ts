/** Kafka's clients: the producer's partitioning and the consumer group's coordinator and assignors. */

export {
  AdminClient,
  type AdminClientOptions,
  type AdminOperation,
  type AdminOutcome,
  type AdminTimer,
  adminClientActor,
} from './admin/admin-client.js';
export {
  type AssignmentStrategy,
  assignPartitions,
  cooperativeStickyAssign,
  type EagerSubscription,
  formatTopicPartition,
  type MemberSubscription,
  type PartitionsPerTopic,
  parseTopicPartition,
  rangeAssign,
  roundRobinAssign,
  type StickyResult,
  type StickySubscription,
  stickyAssign,
} from './assignors/index.js';
export * from './consumer/index.js';
export { coordinatorPartition, javaAbs } from './coordinator.js';
export {
  assertValidTransition,
  canRebalance,
  type GroupState,
  isValidTransition,
} from './group/group-state.js';
export { murmur2, partitionForKey, toPositive } from './murmur2.js';
export {
  DEFAULT_PRODUCER_CONFIG,
  type ProducerConfig,
  ProducerConfigError,
  parseAcks,
  type ResolvedProducerConfig,
  resolveProducerConfig,
} from './producer/config.js';
export { RoundRobinPartitioner, StickyPartitioner } from './producer/partitioners.js';
export {
  KafkaProducer,
  type ProducerApplication,
  type ProducerOptions,
  type ProducerTimer,
  producerActor,
  type SendRequest,
} from './producer/producer.js';
export { type KeyPattern, keyFor, type ProducerWorkload, workloadApplication } from './producer/workload.js';
