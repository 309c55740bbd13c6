import { topicNameError } from '../../kafka/admin/topic-name.js';
import type { AssignmentStrategy } from '../assignors/index.js';

/**
 * The consumer's configs by Kafka's names, with Kafka 3.8.0's defaults (ConsumerConfig,
 * CommonClientConfigs; research note §6). Times are in milliseconds, as in Kafka.
 */
export interface ConsumerConfig {
  readonly 'group.id': string | null;
  /**
   * KIP-345: a static member's identity, kept across restarts (null: a dynamic member). A static
   * member sends no LeaveGroup; the coordinator keeps it until session.timeout.ms.
   */
  readonly 'group.instance.id': string | null;
  readonly 'client.id': string;
  readonly 'session.timeout.ms': number;
  readonly 'heartbeat.interval.ms': number;
  readonly 'max.poll.interval.ms': number;
  readonly 'max.poll.records': number;
  readonly 'enable.auto.commit': boolean;
  readonly 'auto.commit.interval.ms': number;
  readonly 'auto.offset.reset': 'latest' | 'earliest' | 'none';
  readonly 'fetch.min.bytes': number;
  readonly 'fetch.max.wait.ms': number;
  readonly 'partition.assignment.strategy': readonly AssignmentStrategy[];
  readonly 'request.timeout.ms': number;
  readonly 'retry.backoff.ms': number;
  readonly 'retry.backoff.max.ms': number;
  /** ClusterConnectionStates' reconnect backoff after a failed or lost connection (×2, jitter 0.2). */
  readonly 'reconnect.backoff.ms': number;
  readonly 'reconnect.backoff.max.ms': number;
  readonly 'default.api.timeout.ms': number;
  readonly 'metadata.max.age.ms': number;
  readonly 'isolation.level': 'read_uncommitted';
}

export const DEFAULT_CONSUMER_CONFIG: ConsumerConfig = {
  'group.id': null,
  'group.instance.id': null,
  'client.id': '',
  'session.timeout.ms': 45_000,
  'heartbeat.interval.ms': 3_000,
  'max.poll.interval.ms': 300_000,
  'max.poll.records': 500,
  'enable.auto.commit': true,
  'auto.commit.interval.ms': 5_000,
  'auto.offset.reset': 'latest',
  'fetch.min.bytes': 1,
  'fetch.max.wait.ms': 500,
  'partition.assignment.strategy': ['range', 'cooperative-sticky'],
  'request.timeout.ms': 30_000,
  'retry.backoff.ms': 100,
  'retry.backoff.max.ms': 1_000,
  'reconnect.backoff.ms': 50,
  'reconnect.backoff.max.ms': 1_000,
  'default.api.timeout.ms': 60_000,
  'metadata.max.age.ms': 300_000,
  'isolation.level': 'read_uncommitted',
};

/** Kafka's ConfigException: "Invalid value V for configuration NAME: MESSAGE". */
export class ConfigException extends Error {
  constructor(name: string, value: unknown, message?: string) {
    super(
      `Invalid value ${String(value)} for configuration ${name}${message === undefined ? '' : `: ${message}`}`,
    );
    this.name = 'ConfigException';
  }
}

const STRATEGIES: readonly AssignmentStrategy[] = ['range', 'roundrobin', 'sticky', 'cooperative-sticky'];

const AT_LEAST: readonly (readonly [keyof ConsumerConfig, number])[] = [
  ['max.poll.interval.ms', 1],
  ['max.poll.records', 1],
  ['auto.commit.interval.ms', 0],
  ['fetch.min.bytes', 0],
  ['fetch.max.wait.ms', 0],
  ['request.timeout.ms', 0],
  ['retry.backoff.ms', 0],
  ['retry.backoff.max.ms', 0],
  ['reconnect.backoff.ms', 0],
  ['reconnect.backoff.max.ms', 0],
  ['default.api.timeout.ms', 0],
  ['metadata.max.age.ms', 0],
];

/**
 * The defaults overlaid with `overrides`, validated as ConsumerConfig's ConfigDef does. As in
 * Kafka, enable.auto.commit is forced off without a group.id (and an explicit true is an error),
 * and the default client.id is `consumer-<group.id>-1` (one consumer per simulated JVM), or
 * `consumer-<group.id>-<group.instance.id>` for a static member.
 */
export function consumerConfig(overrides: Partial<ConsumerConfig> = {}): ConsumerConfig {
  const merged: ConsumerConfig = { ...DEFAULT_CONSUMER_CONFIG, ...overrides };
  for (const [name, min] of AT_LEAST) {
    const value = merged[name] as number;
    if (!Number.isFinite(value)) throw new ConfigException(name, value, 'Expected value to be a number.');
    if (value < min) throw new ConfigException(name, value, `Value must be at least ${min}`);
  }
  for (const name of ['session.timeout.ms', 'heartbeat.interval.ms'] as const) {
    if (!Number.isInteger(merged[name]))
      throw new ConfigException(
        name,
        merged[name],
        'Expected value to be a 32-bit integer, but it was a NUMBER',
      );
  }
  const reset = merged['auto.offset.reset'];
  if (reset !== 'latest' && reset !== 'earliest' && reset !== 'none')
    throw new ConfigException('auto.offset.reset', reset, 'String must be one of: latest, earliest, none');
  const strategies = merged['partition.assignment.strategy'];
  if (strategies.length === 0)
    throw new ConfigException(
      'partition.assignment.strategy',
      '',
      'A consumer must have at least one assignor',
    );
  for (const s of strategies)
    if (!STRATEGIES.includes(s))
      throw new ConfigException('partition.assignment.strategy', s, `Class ${s} cannot be found`);
  // Heartbeat's constructor (Heartbeat.java): the interval must be below the session timeout.
  if (merged['heartbeat.interval.ms'] >= merged['session.timeout.ms'])
    throw new Error('Heartbeat must be set lower than the session timeout');
  // GroupRebalanceConfig: JoinGroupRequest.validateGroupInstanceId (Topic.validate's rules).
  const instanceId = merged['group.instance.id'];
  if (instanceId !== null) {
    const invalid = topicNameError(instanceId);
    if (invalid !== undefined)
      throw new Error(
        `InvalidConfigurationException: ${invalid.replace('Topic name is invalid', 'Group instance id is invalid')}`,
      );
  }
  const groupId = merged['group.id'];
  let autoCommit = merged['enable.auto.commit'];
  if (groupId === null) {
    // ConsumerConfig.maybeOverrideEnableAutoCommit
    if (overrides['enable.auto.commit'] === true)
      throw new Error(
        'InvalidConfigurationException: enable.auto.commit cannot be set to true when default group id (null) is used.',
      );
    autoCommit = false;
  }
  // ConsumerConfig.maybeOverrideClientId: consumer-<group.id>-<group.instance.id, or a JVM-wide counter>.
  const clientId =
    merged['client.id'] !== '' ? merged['client.id'] : `consumer-${groupId ?? ''}-${instanceId ?? 1}`;
  return { ...merged, 'enable.auto.commit': autoCommit, 'client.id': clientId };
}

/** EAGER unless every configured assignor supports COOPERATIVE (ConsumerCoordinator's constructor). */
export function rebalanceProtocol(config: ConsumerConfig): 'EAGER' | 'COOPERATIVE' {
  return config['partition.assignment.strategy'].every((s) => s === 'cooperative-sticky')
    ? 'COOPERATIVE'
    : 'EAGER';
}
