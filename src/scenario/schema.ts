import { CHECK_NAMES } from '../checks/types.js';
import { DEFAULT_CONSUMER_CONFIG } from '../clients/consumer/config.js';
import { DEFAULT_PRODUCER_CONFIG } from '../clients/producer/config.js';
import { FAULT_KINDS } from '../faults/spec.js';
import { DEFAULT_BROKER_CONFIG } from '../kafka/config.js';
import { DURATION_PATTERN } from './duration.js';

/**
 * The one schema of scenario files (JSON Schema draft-07). The loader validates against it, and
 * `scenarios/schema.json` is this object, so editors complete and check scenario files with the
 * same rules (a test keeps the two equal).
 */

type JsonSchema = Record<string, unknown>;

const duration: JsonSchema = {
  type: 'string',
  pattern: DURATION_PATTERN,
  description: 'A duration with a unit: 500us, 250ms, 5s, 2m, 1h.',
};

/** Kafka configs by their own names: the type of each default, and nothing else allowed. */
function kafkaConfig(
  defaults: Readonly<Record<string, unknown>>,
  overrides: Record<string, JsonSchema> = {},
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, value] of Object.entries(defaults)) {
    properties[name] =
      overrides[name] ??
      (typeof value === 'boolean'
        ? { type: 'boolean' }
        : typeof value === 'number'
          ? { type: 'integer' }
          : value === null
            ? { type: ['string', 'null'] }
            : { type: 'string' });
  }
  return { type: 'object', properties, additionalProperties: false };
}

const brokerConfig = kafkaConfig(DEFAULT_BROKER_CONFIG, {
  'log.flush.interval.messages': { type: 'integer', minimum: 1 },
});

const topicConfig: JsonSchema = {
  type: 'object',
  properties: {
    'min.insync.replicas': { type: 'integer' },
    'unclean.leader.election.enable': { type: 'boolean' },
  },
  additionalProperties: false,
};

const producerConfig = kafkaConfig(DEFAULT_PRODUCER_CONFIG, {
  acks: { description: 'all, -1, 0 or 1', type: ['string', 'integer'] },
  'partitioner.class': {
    type: ['string', 'null'],
    enum: [null, 'org.apache.kafka.clients.producer.RoundRobinPartitioner'],
  },
});

const consumerConfig = kafkaConfig(
  { ...DEFAULT_CONSUMER_CONFIG },
  {
    'group.id': { type: ['string', 'null'] },
    'client.id': { type: 'string' },
    'auto.offset.reset': { type: 'string', enum: ['latest', 'earliest', 'none'] },
    'isolation.level': { type: 'string', enum: ['read_uncommitted'] },
    'partition.assignment.strategy': {
      description:
        "Assignors in order of preference: Kafka's class names (org.apache.kafka.clients.consumer.RangeAssignor, RoundRobinAssignor, StickyAssignor, CooperativeStickyAssignor) or range, roundrobin, sticky, cooperative-sticky; a list or a comma-separated string.",
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
    },
  },
);

const name: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' };

/** A process a fault hits: a name, or a role resolved when the action runs. */
const target: JsonSchema = {
  description:
    'A process (broker-2, zookeeper-1, a client name), "controller", or { leader: <topic>-<partition> }.',
  oneOf: [
    { type: 'string' },
    {
      type: 'object',
      properties: { leader: { type: 'string', pattern: '^.+-[0-9]+$' } },
      required: ['leader'],
      additionalProperties: false,
    },
  ],
};

const topicSpec: JsonSchema = {
  type: 'object',
  properties: {
    name,
    partitions: { type: 'integer', minimum: 1 },
    'replication-factor': { type: 'integer', minimum: 1 },
    assignment: {
      type: 'array',
      items: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1 },
      minItems: 1,
    },
    config: topicConfig,
  },
  required: ['name'],
  additionalProperties: false,
};

const keys: JsonSchema = {
  description: 'none, sequential, { fixed: [keys] } (cycled in order) or { random: [keys] }.',
  oneOf: [
    { type: 'string', enum: ['none', 'sequential'] },
    {
      type: 'object',
      properties: { fixed: { type: 'array', items: { type: 'string' }, minItems: 1 } },
      required: ['fixed'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { random: { type: 'array', items: { type: 'string' }, minItems: 1 } },
      required: ['random'],
      additionalProperties: false,
    },
  ],
};

const producer: JsonSchema = {
  type: 'object',
  properties: {
    name,
    topic: { type: 'string' },
    count: { type: 'integer', minimum: 1 },
    rate: { type: 'number', exclusiveMinimum: 0, description: 'Records per simulated second.' },
    keys,
    'value-bytes': { type: 'integer', minimum: 0 },
    partition: { type: 'integer', minimum: 0 },
    start: { ...duration, description: 'When the producer starts (default 0s).' },
    config: producerConfig,
  },
  required: ['name', 'topic'],
  additionalProperties: false,
};

const consumer: JsonSchema = {
  type: 'object',
  properties: {
    name,
    topics: {
      description: 'subscribe(topics): the consumer joins the group named by config group.id.',
      type: 'array',
      items: { type: 'string' },
      minItems: 1,
    },
    assign: {
      description: 'assign(partitions), as <topic>-<partition>: no group membership.',
      type: 'array',
      items: { type: 'string', pattern: '^.+-[0-9]+$' },
      minItems: 1,
    },
    commit: {
      description:
        'auto (enable.auto.commit; the default with a group.id), after-processing (commitSync after each batch: at-least-once), before-processing (commitSync right after poll: at-most-once) or none (never; the default without a group.id).',
      type: 'string',
      enum: ['auto', 'after-processing', 'before-processing', 'none'],
    },
    processing: {
      description: 'Simulated time the application spends on each polled batch.',
      type: 'object',
      properties: { 'per-record': duration, 'per-batch': duration },
      additionalProperties: false,
    },
    'poll-timeout': { ...duration, description: 'The timeout passed to poll() (default 1s).' },
    start: { ...duration, description: 'When the consumer starts (default 0s).' },
    config: consumerConfig,
  },
  required: ['name'],
  additionalProperties: false,
};

const latency: JsonSchema = {
  description: 'A constant duration, or a distribution.',
  oneOf: [
    duration,
    {
      type: 'object',
      properties: {
        distribution: { type: 'string', enum: ['constant', 'uniform', 'exponential', 'lognormal', 'pareto'] },
        value: duration,
        min: duration,
        max: duration,
        mean: duration,
        median: duration,
        sigma: { type: 'number', minimum: 0 },
        alpha: { type: 'number', exclusiveMinimum: 0 },
      },
      required: ['distribution'],
      additionalProperties: false,
    },
  ],
};

const partitionName: JsonSchema = { type: 'string', pattern: '^.+-[0-9]+$' };

const timelineAction: Record<string, JsonSchema> = {
  crash: target,
  'power-loss': target,
  restart: target,
  pause: target,
  resume: target,
  isolate: target,
  partition: {
    description: 'Groups of processes that can only reach their own group.',
    type: 'array',
    items: { type: 'array', items: { type: 'string' }, minItems: 1 },
    minItems: 2,
  },
  heal: { type: 'boolean', const: true },
  link: {
    type: 'object',
    properties: {
      from: { type: 'string' },
      to: { type: 'string' },
      latency,
      loss: { type: 'number', minimum: 0, maximum: 1 },
      'one-way': { type: 'boolean' },
    },
    required: ['from', 'to'],
    additionalProperties: false,
  },
  'expire-session': { type: 'string', description: 'A broker whose ZooKeeper session expires.' },
  'backup-zookeeper': {
    type: 'string',
    minLength: 1,
    description:
      "Backs up ZooKeeper's data now under this name, as an operator copies a server's dataDir: every znode with its zxids, versions and ephemeral owners, and the session table.",
  },
  'restore-zookeeper': {
    type: 'string',
    minLength: 1,
    description:
      "Restores ZooKeeper from the backup of this name (taken earlier in the timeline), as operators do it: every ZooKeeper server stops, the data is replaced, the servers start again. /controller_epoch, /controller, /brokers/ids and every partition's leader, leader epoch and ISR roll back to the backup; the backup's sessions live again, later ones have expired; a standalone server hands zxids out again. Brokers are not told.",
  },
  'create-topic': topicSpec,
  'delete-topic': { type: 'string' },
  'add-partitions': {
    type: 'object',
    properties: { topic: { type: 'string' }, count: { type: 'integer', minimum: 1 } },
    required: ['topic', 'count'],
    additionalProperties: false,
  },
  reassign: {
    type: 'object',
    properties: {
      partition: partitionName,
      replicas: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1 },
    },
    required: ['partition', 'replicas'],
    additionalProperties: false,
  },
  'preferred-election': {
    description: 'all, or a list of partitions.',
    oneOf: [
      { type: 'string', const: 'all' },
      { type: 'array', items: partitionName, minItems: 1 },
    ],
  },
  start: { type: 'string', description: 'A client to start.' },
  stop: { type: 'string', description: 'A client to stop (it finishes what it has in flight).' },
  describe: { type: 'string', description: 'A topic: prints kafka-topics.sh --describe.' },
  subscribe: {
    description: 'A consumer subscribes to other topics (KafkaConsumer.subscribe): its group rebalances.',
    type: 'object',
    properties: {
      consumer: { type: 'string' },
      topics: { type: 'array', items: { type: 'string' }, minItems: 1 },
    },
    required: ['consumer', 'topics'],
    additionalProperties: false,
  },
  assert: {
    type: 'object',
    properties: {
      controller: { type: 'integer' },
      partition: partitionName,
      leader: { type: 'integer' },
      isr: { type: 'array', items: { type: 'integer' } },
      'high-watermark': { type: 'integer', minimum: 0 },
      'log-end-offset': {
        type: 'object',
        description: 'Per broker id.',
        patternProperties: { '^[0-9]+$': { type: 'integer', minimum: 0 } },
        additionalProperties: false,
      },
      group: { type: 'string', description: 'A consumer group, as its coordinator sees it.' },
      state: {
        type: 'string',
        enum: ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'],
      },
      generation: { type: 'integer', minimum: 0 },
      members: { type: 'integer', minimum: 0, description: "The group's member count." },
      assignment: {
        type: 'object',
        description: 'Per consumer: the partitions it owns now (<topic>-<partition>).',
        additionalProperties: { type: 'array', items: partitionName },
      },
    },
    additionalProperties: false,
  },
};

const timelineEntry: JsonSchema = {
  type: 'object',
  properties: {
    at: duration,
    for: {
      ...duration,
      description:
        'How long a crash, power-loss, pause, isolate, partition or link change lasts: then the process restarts or resumes, the partition or isolation ends, or the link takes the defaults again.',
    },
    ...timelineAction,
  },
  required: ['at'],
  additionalProperties: false,
  minProperties: 2,
  maxProperties: 3,
};

const faults: JsonSchema = {
  description:
    'A random mix of faults instead of (or besides) a timeline: each seed draws its own schedule from it (kafka-sim check sweeps seeds).',
  type: 'object',
  properties: {
    kinds: {
      description: 'The kinds to mix (default: every kind that applies), as a list or with relative weights.',
      oneOf: [
        { type: 'array', items: { type: 'string', enum: [...FAULT_KINDS] }, minItems: 1, uniqueItems: true },
        {
          type: 'object',
          properties: Object.fromEntries(
            FAULT_KINDS.map((k) => [k, { type: 'number', exclusiveMinimum: 0 }]),
          ),
          additionalProperties: false,
          minProperties: 1,
        },
      ],
    },
    count: {
      description: 'Faults per seed: a number, or a range to draw from (default 1 to 5).',
      oneOf: [
        { type: 'integer', minimum: 0 },
        {
          type: 'object',
          properties: { min: { type: 'integer', minimum: 0 }, max: { type: 'integer', minimum: 0 } },
          required: ['min', 'max'],
          additionalProperties: false,
        },
      ],
    },
    rate: {
      type: 'number',
      exclusiveMinimum: 0,
      description: 'Instead of count: the mean number of faults per minute of the window.',
    },
    from: { ...duration, description: 'Faults begin at or after this time (default 0s).' },
    until: {
      ...duration,
      description:
        'Every fault has ended by this time; the rest of the run is the healing period (default: two thirds of the duration).',
    },
    lasts: {
      description: 'How long a crash, pause, partition, isolation or link fault lasts (default 1s to 30s).',
      type: 'object',
      properties: { min: duration, max: duration },
      required: ['min', 'max'],
      additionalProperties: false,
    },
    swarm: {
      type: 'boolean',
      description: 'Each seed enables a random subset of the kinds at random weights (default true).',
    },
    brokers: {
      type: 'array',
      items: { type: 'integer', minimum: 0 },
      minItems: 1,
      description: 'The brokers faults may hit (default: all).',
    },
  },
  additionalProperties: false,
};

const expectations: JsonSchema = {
  type: 'object',
  properties: {
    ...Object.fromEntries(
      CHECK_NAMES.map((check) => [check, { type: 'string', enum: ['holds', 'violated'] }]),
    ),
    final: { type: 'array', items: timelineAction.assert },
  },
  additionalProperties: false,
};

export const SCENARIO_SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://kafka-sim.dev/scenarios/schema.json',
  title: 'kafka-sim scenario',
  type: 'object',
  properties: {
    name,
    description: { type: 'string', minLength: 1 },
    seed: { type: 'integer', minimum: 0 },
    duration: { ...duration, description: 'Simulated time the run covers.' },
    cluster: {
      type: 'object',
      properties: {
        brokers: { type: 'integer', minimum: 1, maximum: 100 },
        zookeepers: { type: 'integer', minimum: 1, maximum: 9 },
        truncation: { type: 'string', enum: ['leader-epoch', 'high-watermark'] },
        config: brokerConfig,
      },
      additionalProperties: false,
    },
    network: {
      type: 'object',
      properties: { latency, loss: { type: 'number', minimum: 0, maximum: 1 } },
      additionalProperties: false,
    },
    topics: { type: 'array', items: topicSpec },
    producers: { type: 'array', items: producer },
    consumers: { type: 'array', items: consumer },
    timeline: { type: 'array', items: timelineEntry },
    faults,
    expect: expectations,
  },
  required: ['name', 'description', 'duration'],
  additionalProperties: false,
};
