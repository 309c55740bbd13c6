/**
 * The other lines `kafka-topics.sh` prints around topic administration, for 3.8.0
 * (tools/.../TopicCommand.java) and 2.1.1 (kafka.admin.TopicCommand): success, errors, the
 * collision warning, and the checks the tool makes before sending anything.
 */
import { isKafkaError } from './errors.js';
import { DEFAULT_KAFKA_VERSION, type KafkaVersion } from './kafka-version.js';

/** Printed after a successful --create. */
export function createdTopicLine(topic: string, version: KafkaVersion = DEFAULT_KAFKA_VERSION): string {
  return version === '2.1.1' ? `Created topic "${topic}".` : `Created topic ${topic}.`;
}

/**
 * How the tool reports any failure (on stdout, exit code 1). A KafkaError shows the message its
 * AdminClient caller sees (`clientMessage`); anything else its own message.
 */
export function topicCommandErrorLine(error: unknown): string {
  const message = isKafkaError(error)
    ? error.clientMessage
    : error instanceof Error
      ? error.message
      : String(error);
  return `Error while executing topic command : ${message}`;
}

/** Printed by --create (both versions) before anything else when the name has '.' or '_'. */
export const COLLISION_WARNING =
  "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could " +
  'collide. To avoid issues it is best to use either, but not both.';

/**
 * 3.8.0's message when --describe, --alter or --delete names a topic that does not exist. The
 * `Optional[...]` is Kafka's: TopicCommand formats the Optional holding the name.
 */
export const missingTopicMessage = (topic: string): string =>
  `Topic 'Optional[${topic}]' does not exist as expected`;

/**
 * The checks 3.8.0's --create makes before any request (TopicCommand.createTopic): the message of
 * the IllegalArgumentException it throws, or undefined when the arguments pass. Undefined
 * arguments were not given on the command line.
 */
export function topicCommandCreateCheck(partitions?: number, replicationFactor?: number): string | undefined {
  if (replicationFactor !== undefined && (replicationFactor > 32767 || replicationFactor < 1)) {
    return 'The replication factor must be between 1 and 32767 inclusive';
  }
  if (partitions !== undefined && partitions < 1) return 'The partitions must be greater than 0';
  return undefined;
}
