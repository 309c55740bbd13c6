/**
 * The errors topic administration raises, as Kafka names them: the exception class the broker
 * throws, the protocol error it travels as (org.apache.kafka.common.protocol.Errors at 3.8.0), and
 * the exact message.
 */
import { ERROR_CODES } from '../errors.js';

/** Protocol errors with their codes (the one table, ERROR_CODES) and default messages (Errors.java at 3.8.0). */
export const ADMIN_ERRORS = {
  UNKNOWN_SERVER_ERROR: {
    code: ERROR_CODES.UNKNOWN_SERVER_ERROR,
    message: 'The server experienced an unexpected error when processing the request.',
  },
  UNKNOWN_TOPIC_OR_PARTITION: {
    code: ERROR_CODES.UNKNOWN_TOPIC_OR_PARTITION,
    message: 'This server does not host this topic-partition.',
  },
  BROKER_NOT_AVAILABLE: { code: ERROR_CODES.BROKER_NOT_AVAILABLE, message: 'The broker is not available.' },
  INVALID_TOPIC_EXCEPTION: {
    code: ERROR_CODES.INVALID_TOPIC_EXCEPTION,
    message: 'The request attempted to perform an operation on an invalid topic.',
  },
  TOPIC_ALREADY_EXISTS: {
    code: ERROR_CODES.TOPIC_ALREADY_EXISTS,
    message: 'Topic with this name already exists.',
  },
  INVALID_PARTITIONS: { code: ERROR_CODES.INVALID_PARTITIONS, message: 'Number of partitions is below 1.' },
  INVALID_REPLICATION_FACTOR: {
    code: ERROR_CODES.INVALID_REPLICATION_FACTOR,
    message: 'Replication factor is below 1 or larger than the number of available brokers.',
  },
  INVALID_REPLICA_ASSIGNMENT: {
    code: ERROR_CODES.INVALID_REPLICA_ASSIGNMENT,
    message: 'Replica assignment is invalid.',
  },
  INVALID_CONFIG: { code: ERROR_CODES.INVALID_CONFIG, message: 'Configuration is invalid.' },
  INVALID_REQUEST: {
    code: ERROR_CODES.INVALID_REQUEST,
    message:
      'This most likely occurs because of a request being malformed by the client library or the message was ' +
      'sent to an incompatible broker. See the broker logs for more details.',
  },
  REASSIGNMENT_IN_PROGRESS: {
    code: ERROR_CODES.REASSIGNMENT_IN_PROGRESS,
    message: 'A partition reassignment is in progress.',
  },
  NO_REASSIGNMENT_IN_PROGRESS: {
    code: ERROR_CODES.NO_REASSIGNMENT_IN_PROGRESS,
    message: 'No partition reassignment is in progress.',
  },
} as const;

export type AdminErrorName = keyof typeof ADMIN_ERRORS;

/**
 * Kafka's exception classes and the protocol error each becomes (Errors.forException).
 * AdminOperationException is not an ApiException: it travels as UNKNOWN_SERVER_ERROR.
 */
export const EXCEPTION_ERRORS = {
  AdminOperationException: 'UNKNOWN_SERVER_ERROR',
  UnknownTopicOrPartitionException: 'UNKNOWN_TOPIC_OR_PARTITION',
  BrokerNotAvailableException: 'BROKER_NOT_AVAILABLE',
  InvalidTopicException: 'INVALID_TOPIC_EXCEPTION',
  TopicExistsException: 'TOPIC_ALREADY_EXISTS',
  InvalidPartitionsException: 'INVALID_PARTITIONS',
  InvalidReplicationFactorException: 'INVALID_REPLICATION_FACTOR',
  InvalidReplicaAssignmentException: 'INVALID_REPLICA_ASSIGNMENT',
  InvalidConfigurationException: 'INVALID_CONFIG',
  InvalidRequestException: 'INVALID_REQUEST',
  ReassignmentInProgressException: 'REASSIGNMENT_IN_PROGRESS',
  NoReassignmentInProgressException: 'NO_REASSIGNMENT_IN_PROGRESS',
} as const satisfies Record<string, AdminErrorName>;

export type KafkaExceptionName = keyof typeof EXCEPTION_ERRORS;

/** An error a Kafka broker would answer with: its exception, protocol error, code and message. */
export class KafkaError extends Error {
  override readonly name = 'KafkaError';
  readonly errorName: AdminErrorName;
  readonly errorCode: number;

  constructor(
    readonly exceptionName: KafkaExceptionName,
    message: string,
  ) {
    super(message);
    this.errorName = EXCEPTION_ERRORS[exceptionName];
    this.errorCode = ADMIN_ERRORS[this.errorName].code;
  }

  /**
   * The message an AdminClient user sees (and kafka-topics.sh prints): the broker's own, except that
   * an UNKNOWN_SERVER_ERROR is sent without it and the client falls back to the default text
   * (ApiError.fromThrowable, which avoids leaking internal details).
   */
  get clientMessage(): string {
    return this.errorName === 'UNKNOWN_SERVER_ERROR'
      ? ADMIN_ERRORS.UNKNOWN_SERVER_ERROR.message
      : this.message;
  }
}

export const isKafkaError = (value: unknown): value is KafkaError => value instanceof KafkaError;
