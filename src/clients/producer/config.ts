/**
 * The producer's configuration by Kafka's own names, with Kafka 3.8.0's defaults (ProducerConfig),
 * and the checks KafkaProducer makes when it is built (docs/research/producer.md §3.8, §4.1, §7).
 */
export interface ProducerConfig {
  /** 'all' is stored as -1, as ProducerConfig does. */
  acks: number;
  'batch.size': number;
  'buffer.memory': number;
  'client.id': string;
  'delivery.timeout.ms': number;
  'enable.idempotence': boolean;
  'linger.ms': number;
  'max.block.ms': number;
  'max.in.flight.requests.per.connection': number;
  'max.request.size': number;
  'metadata.max.age.ms': number;
  /** null: built-in partitioning (sticky for unkeyed records); or Kafka's RoundRobinPartitioner. */
  'partitioner.class': null | 'org.apache.kafka.clients.producer.RoundRobinPartitioner';
  'partitioner.ignore.keys': boolean;
  'request.timeout.ms': number;
  retries: number;
  'retry.backoff.ms': number;
  'retry.backoff.max.ms': number;
}

/** Kafka 3.8.0 defaults (linger.ms became 5 only in 4.0, KIP-1030). */
export const DEFAULT_PRODUCER_CONFIG: Readonly<ProducerConfig> = Object.freeze({
  acks: -1,
  'batch.size': 16_384,
  'buffer.memory': 33_554_432,
  'client.id': '',
  'delivery.timeout.ms': 120_000,
  'enable.idempotence': true,
  'linger.ms': 0,
  'max.block.ms': 60_000,
  'max.in.flight.requests.per.connection': 5,
  'max.request.size': 1_048_576,
  'metadata.max.age.ms': 300_000,
  'partitioner.class': null,
  'partitioner.ignore.keys': false,
  'request.timeout.ms': 30_000,
  retries: 2_147_483_647,
  'retry.backoff.ms': 100,
  'retry.backoff.max.ms': 1_000,
});

/** What a producer runs with once KafkaProducer has applied its rules. */
export interface ResolvedProducerConfig extends Readonly<ProducerConfig> {
  /** Whether idempotence ended up on (it is silently turned off on conflicts unless set explicitly). */
  readonly idempotent: boolean;
  /** max.in.flight = 1: each partition is muted while a batch of it is in flight. */
  readonly guaranteeMessageOrder: boolean;
  /** What KafkaProducer logged while resolving (INFO/WARN lines). */
  readonly notes: readonly string[];
}

/** A config Kafka rejects: its ConfigException message. */
export class ProducerConfigError extends Error {
  override readonly name = 'ConfigException';
}

/** `acks` as a user writes it: 'all', '-1', '0', '1' or a number. */
export function parseAcks(value: string | number): number {
  if (value === 'all' || value === '-1' || value === -1) return -1;
  if (value === '0' || value === 0) return 0;
  if (value === '1' || value === 1) return 1;
  throw new ProducerConfigError(
    `Invalid value ${value} for configuration acks: String must be one of: all, -1, 0, 1`,
  );
}

/**
 * Applies the user's settings over the defaults and KafkaProducer's rules:
 * postProcessAndValidateIdempotenceConfigs (a conflict with retries=0, acks≠all or in-flight > 5
 * is an error when enable.idempotence was set by the user, else it silently turns idempotence off)
 * and configureDeliveryTimeout (delivery.timeout.ms ≥ linger.ms + request.timeout.ms).
 */
export function resolveProducerConfig(user: Partial<ProducerConfig> = {}): ResolvedProducerConfig {
  const config: ProducerConfig = { ...DEFAULT_PRODUCER_CONFIG, ...user };
  const notes: string[] = [];
  for (const key of [
    'linger.ms',
    'request.timeout.ms',
    'delivery.timeout.ms',
    'max.block.ms',
    'retries',
    'retry.backoff.ms',
    'retry.backoff.max.ms',
    'batch.size',
    'buffer.memory',
  ] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 0)
      throw new ProducerConfigError(
        `Invalid value ${config[key]} for configuration ${key}: Value must be at least 0`,
      );
  }
  if (
    !Number.isInteger(config['max.in.flight.requests.per.connection']) ||
    config['max.in.flight.requests.per.connection'] < 1
  )
    throw new ProducerConfigError(
      `Invalid value ${config['max.in.flight.requests.per.connection']} for configuration max.in.flight.requests.per.connection: Value must be at least 1`,
    );
  parseAcks(config.acks);
  if (config['batch.size'] === 0) config['batch.size'] = 1; // KafkaProducer: batch.size 0 means 1
  const explicit = user['enable.idempotence'] === true;
  let idempotent = config['enable.idempotence'];
  if (idempotent) {
    const conflicts: [boolean, string, string][] = [
      [
        config.retries === 0,
        'Must set retries to non-zero when using the idempotent producer.',
        'Idempotence will be disabled because retries is set to 0.',
      ],
      [
        config.acks !== -1,
        'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.',
        `Idempotence will be disabled because acks is set to ${config.acks}, not set to 'all'.`,
      ],
      [
        config['max.in.flight.requests.per.connection'] > 5,
        'Must set max.in.flight.requests.per.connection to at most 5 when using the idempotent producer.',
        `Idempotence will be disabled because max.in.flight.requests.per.connection is set to ${config['max.in.flight.requests.per.connection']}, which is greater than 5.`,
      ],
    ];
    for (const [conflict, error, info] of conflicts) {
      if (!conflict) continue;
      if (explicit) throw new ProducerConfigError(error);
      notes.push(info);
      idempotent = false;
    }
  }
  const minimum = config['linger.ms'] + config['request.timeout.ms'];
  if (config['delivery.timeout.ms'] < minimum) {
    if (user['delivery.timeout.ms'] !== undefined)
      throw new ProducerConfigError(
        'delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms',
      );
    notes.push(
      `delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms. Setting it to ${minimum}.`,
    );
    config['delivery.timeout.ms'] = minimum;
  }
  return {
    ...config,
    'enable.idempotence': idempotent,
    idempotent,
    guaranteeMessageOrder: config['max.in.flight.requests.per.connection'] === 1,
    notes,
  };
}

/** The retry backoff of KIP-580, shared with the consumer (src/clients/backoff.ts). */
export { retryBackoffMs } from '../backoff.js';
