/** Topic administration, engine-free: assignment, validation, and kafka-topics.sh's output. */
export {
  type AssignReplicasOptions,
  assignReplicasToBrokers,
  createNewPartitionsAssignment,
} from './assignment.js';
export {
  type DescribedPartition,
  type DescribedTopic,
  type DescribeOptions,
  describeTopicOrder38,
  describeTopics,
  NO_LEADER,
  ZERO_TOPIC_ID,
} from './describe.js';
export {
  ADMIN_ERRORS,
  type AdminErrorName,
  EXCEPTION_ERRORS,
  isKafkaError,
  KafkaError,
  type KafkaExceptionName,
} from './errors.js';
export {
  JAVA_INTEGER,
  JAVA_STRING,
  type JavaKeyType,
  javaHashMapOrder,
  javaStringHashCode,
} from './java-hash-map.js';
export { DEFAULT_KAFKA_VERSION, type KafkaVersion } from './kafka-version.js';
export {
  validateNewPartitionsAssignment,
  validateTopicCreateAssignment,
} from './replica-assignment-checks.js';
export {
  COLLISION_WARNING,
  createdTopicLine,
  missingTopicMessage,
  topicCommandCreateCheck,
  topicCommandErrorLine,
} from './topic-command.js';
export {
  GROUP_METADATA_TOPIC_NAME,
  hasCollision,
  hasCollisionChars,
  isInternalTopic,
  MAX_TOPIC_NAME_LENGTH,
  TRANSACTION_STATE_TOPIC_NAME,
  topicNameError,
  validateTopicName,
} from './topic-name.js';
export {
  type AdminClusterView,
  type CreateTopicOptions,
  type ExistingTopic,
  type NewPartitionsRequest,
  type NewTopicRequest,
  type PartitionReplicas,
  planCreatePartitions,
  planCreateTopic,
  validateTopicCreate,
} from './topics.js';
