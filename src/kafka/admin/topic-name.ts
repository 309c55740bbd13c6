/**
 * Topic names: what Kafka accepts, and which names collide in metric names
 * (org.apache.kafka.common.internals.Topic at 3.8.0 and at 2.1.1).
 */
import { KafkaError } from './errors.js';
import { DEFAULT_KAFKA_VERSION, type KafkaVersion } from './kafka-version.js';

export const MAX_TOPIC_NAME_LENGTH = 249;
export const GROUP_METADATA_TOPIC_NAME = '__consumer_offsets';
export const TRANSACTION_STATE_TOPIC_NAME = '__transaction_state';

const INTERNAL_TOPICS: ReadonlySet<string> = new Set([
  GROUP_METADATA_TOPIC_NAME,
  TRANSACTION_STATE_TOPIC_NAME,
]);

export const isInternalTopic = (topic: string): boolean => INTERNAL_TOPICS.has(topic);

// ASCII alphanumerics, '.', '_' and '-' (Topic.containsValidPattern; no regex in Kafka either).
const LEGAL_NAME = /^[a-zA-Z0-9._-]*$/;

/** Why Kafka 3.8.0 rejects `name` (Topic.detectInvalidTopic), or undefined if it is valid. */
function invalidReason(name: string): string | undefined {
  if (name.length === 0) return 'the empty string is not allowed';
  if (name === '.') return "'.' is not allowed";
  if (name === '..') return "'..' is not allowed";
  // Java's String.length counts UTF-16 code units, as JavaScript's does.
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `the length of '${name}' is longer than the max allowed length ${MAX_TOPIC_NAME_LENGTH}`;
  }
  if (!LEGAL_NAME.test(name)) {
    return `'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return undefined;
}

/** The same checks with Kafka 2.1.1's wording. */
function invalidMessage211(name: string): string | undefined {
  if (name.length === 0) return "Topic name is illegal, it can't be empty";
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`;
  }
  if (!LEGAL_NAME.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return undefined;
}

/** The InvalidTopicException message Kafka gives for `name`, or undefined if the name is valid. */
export function topicNameError(
  name: string,
  version: KafkaVersion = DEFAULT_KAFKA_VERSION,
): string | undefined {
  if (version === '2.1.1') return invalidMessage211(name);
  const reason = invalidReason(name);
  return reason === undefined ? undefined : `Topic name is invalid: ${reason}`;
}

/** Topic.validate: throws InvalidTopicException (INVALID_TOPIC_EXCEPTION, 17) for a bad name. */
export function validateTopicName(name: string, version: KafkaVersion = DEFAULT_KAFKA_VERSION): void {
  const message = topicNameError(name, version);
  if (message !== undefined) throw new KafkaError('InvalidTopicException', message);
}

/** Whether the name has a '.' or '_', the characters metric names cannot tell apart. */
export const hasCollisionChars = (topic: string): boolean => topic.includes('.') || topic.includes('_');

/** Whether two names become the same once every '.' is read as '_'. */
export const hasCollision = (a: string, b: string): boolean =>
  a.replaceAll('.', '_') === b.replaceAll('.', '_');
