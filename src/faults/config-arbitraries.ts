import fc from 'fast-check';
import type { CommitMode } from '../clients/consumer/application.js';
import { DEFAULT_PRODUCER_CONFIG } from '../clients/producer/config.js';
import type { BrokerConfig, TruncationMode } from '../kafka/config.js';
import type { ConsumerFileSpec, ProducerFileSpec, TopicFileSpec } from '../scenario/types.js';

/** How a follower truncates when it starts following (the `cluster.truncation` of a scenario). */
export type Truncation = TruncationMode;

/** An inclusive range of whole numbers. */
export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/** A cluster and its one topic, as a scenario file's `cluster:` and `topics:` say them. */
export interface ClusterSetup {
  readonly cluster: {
    readonly brokers: number;
    readonly truncation: Truncation;
    readonly config: Partial<BrokerConfig> & {
      readonly 'min.insync.replicas': number;
      readonly 'unclean.leader.election.enable': boolean;
    };
  };
  readonly topics: readonly [TopicFileSpec & { readonly 'replication-factor': number }];
}

export interface ClusterConfigOptions {
  /** Default 3 to 5. */
  readonly brokers?: IntRange;
  /** The topic's partitions (default 1 to 3). */
  readonly partitions?: IntRange;
  /** Default `orders`. */
  readonly topic?: string;
  /** The modes to try (default both). */
  readonly truncation?: readonly Truncation[];
  /** The values of unclean.leader.election.enable to try (default false, true). */
  readonly uncleanLeaderElection?: readonly boolean[];
  /** More broker configs for every cluster. */
  readonly config?: Partial<BrokerConfig>;
}

/**
 * Valid clusters only: replication factor at most the brokers, min.insync.replicas at most the
 * replication factor. `__consumer_offsets` gets 3 partitions (Kafka's 50 cost simulation time
 * and tell nothing more) and a replication factor the brokers can meet, unless `config` says.
 */
export function clusterConfigArb(options: ClusterConfigOptions = {}): fc.Arbitrary<ClusterSetup> {
  const brokers = options.brokers ?? { min: 3, max: 5 };
  if (brokers.min < 1 || brokers.min > brokers.max)
    throw new RangeError('clusterConfigArb: bad brokers range.');
  return fc
    .record({
      brokers: fc.integer(brokers),
      // Drawn up to the most brokers and cut down, so each shrinks on its own.
      rf: fc.integer({ min: 1, max: brokers.max }),
      minIsr: fc.integer({ min: 1, max: brokers.max }),
      truncation: fc.constantFrom(...(options.truncation ?? ['leader-epoch', 'high-watermark'])),
      unclean: fc.constantFrom(...(options.uncleanLeaderElection ?? [false, true])),
      partitions: fc.integer(options.partitions ?? { min: 1, max: 3 }),
    })
    .map((r): ClusterSetup => {
      const rf = Math.min(r.rf, r.brokers);
      return {
        cluster: {
          brokers: r.brokers,
          truncation: r.truncation,
          config: {
            'offsets.topic.num.partitions': 3,
            'offsets.topic.replication.factor': Math.min(3, r.brokers),
            ...options.config,
            'min.insync.replicas': Math.min(r.minIsr, rf),
            'unclean.leader.election.enable': r.unclean,
          },
        },
        topics: [{ name: options.topic ?? 'orders', partitions: r.partitions, 'replication-factor': rf }],
      };
    });
}

/** Producers and consumers, as a scenario file's `producers:` and `consumers:` say them. */
export interface Workload {
  readonly producers: readonly ProducerFileSpec[];
  readonly consumers: readonly ConsumerFileSpec[];
}

export type Acks = 'all' | 1 | 0;

export interface WorkloadOptions {
  /** The topic the producers write to and the consumers subscribe to (default `orders`). */
  readonly topic?: string;
  /** How many producers (default 1 to 2) and consumers (default 0 to 2). */
  readonly producers?: IntRange;
  readonly consumers?: IntRange;
  /** Records each producer sends (default 50 to 500), and records per simulated second (10 to 100). */
  readonly count?: IntRange;
  readonly rate?: IntRange;
  /** Values to try (defaults: all of them). An idempotent producer gets acks=all. */
  readonly acks?: readonly Acks[];
  readonly idempotence?: readonly boolean[];
  readonly commit?: readonly CommitMode[];
  /** Simulated milliseconds a consumer spends per record (default 0 to 20). */
  readonly perRecordMs?: IntRange;
  /** When producers start (default `2s`: after the topic has its leaders). */
  readonly start?: string;
}

/** Kafka's default retries (Integer.MAX_VALUE): what an idempotent producer needs. */
const MAX_RETRIES = DEFAULT_PRODUCER_CONFIG.retries;

/**
 * Producers with their acks, idempotence, max.in.flight and retries, and one consumer group.
 * Only combinations KafkaProducer accepts: an idempotent producer has acks=all, at most 5
 * requests in flight and retries, as its ConfigException demands when idempotence is set.
 */
export function workloadArb(options: WorkloadOptions = {}): fc.Arbitrary<Workload> {
  const topic = options.topic ?? 'orders';
  const producer = fc.record({
    count: fc.integer(options.count ?? { min: 50, max: 500 }),
    rate: fc.integer(options.rate ?? { min: 10, max: 100 }),
    acks: fc.constantFrom(...(options.acks ?? (['all', 1, 0] as const))),
    idempotent: fc.constantFrom(...(options.idempotence ?? [true, false])),
    inFlight: fc.integer({ min: 1, max: 5 }),
    retries: fc.constantFrom(MAX_RETRIES, 0, 3),
  });
  const consumers = fc.record({
    count: fc.integer(options.consumers ?? { min: 0, max: 2 }),
    commit: fc.constantFrom(
      ...(options.commit ?? (['after-processing', 'auto', 'before-processing', 'none'] as const)),
    ),
    perRecordMs: fc.integer(options.perRecordMs ?? { min: 0, max: 20 }),
  });
  const producerCount = options.producers ?? { min: 1, max: 2 };
  return fc
    .tuple(fc.array(producer, { minLength: producerCount.min, maxLength: producerCount.max }), consumers)
    .map(
      ([ps, cs]): Workload => ({
        producers: ps.map(
          (p, i): ProducerFileSpec => ({
            name: `p${i + 1}`,
            topic,
            rate: p.rate,
            count: p.count,
            keys: 'sequential',
            start: options.start ?? '2s',
            config: {
              acks: p.idempotent ? 'all' : p.acks,
              'enable.idempotence': p.idempotent,
              'max.in.flight.requests.per.connection': p.inFlight,
              retries: p.idempotent && p.retries === 0 ? MAX_RETRIES : p.retries,
            },
          }),
        ),
        consumers: Array.from(
          { length: cs.count },
          (_, i): ConsumerFileSpec => ({
            name: `c${i + 1}`,
            topics: [topic],
            commit: cs.commit,
            processing: { 'per-record': `${cs.perRecordMs}ms` },
            config: { 'group.id': `${topic}-app`, 'auto.offset.reset': 'earliest' },
          }),
        ),
      }),
    );
}
