/**
 * Broker and topic configuration, by Kafka's own names, with Kafka 3.8.0's defaults (ZooKeeper
 * mode). Sources: ReplicationConfigs, ServerLogConfigs, ZkConfigs, LogConfig at tag 3.8.0 (see
 * docs/research/*.md for line references).
 */
export interface BrokerConfig {
  /** 3.8-IV0 by default; below 2.7-IV2 leaders write ISR changes to ZooKeeper themselves. */
  'inter.broker.protocol.version': string;
  'zookeeper.session.timeout.ms': number;
  'replica.lag.time.max.ms': number;
  'replica.fetch.wait.max.ms': number;
  'replica.fetch.min.bytes': number;
  'replica.fetch.max.bytes': number;
  'replica.fetch.backoff.ms': number;
  'replica.socket.timeout.ms': number;
  'replica.high.watermark.checkpoint.interval.ms': number;
  'request.timeout.ms': number;
  'controller.socket.timeout.ms': number;
  'min.insync.replicas': number;
  'unclean.leader.election.enable': boolean;
  'auto.leader.rebalance.enable': boolean;
  'leader.imbalance.per.broker.percentage': number;
  'leader.imbalance.check.interval.seconds': number;
  'default.replication.factor': number;
  'num.partitions': number;
  'offsets.topic.num.partitions': number;
  'offsets.topic.replication.factor': number;
  /** GroupCoordinatorConfig: the classic group coordinator (ZooKeeper mode). */
  'group.initial.rebalance.delay.ms': number;
  'group.min.session.timeout.ms': number;
  'group.max.session.timeout.ms': number;
  'group.max.size': number;
  'offsets.commit.timeout.ms': number;
  /** Deprecated in Kafka, still honoured by the Scala coordinator. */
  'offsets.commit.required.acks': number;
  /** Long.MAX_VALUE in Kafka: never fsync on a message count. */
  'log.flush.interval.messages': number;
}

/** Kafka 3.8.0 defaults. */
export const DEFAULT_BROKER_CONFIG: Readonly<BrokerConfig> = Object.freeze({
  'inter.broker.protocol.version': '3.8-IV0',
  'zookeeper.session.timeout.ms': 18_000,
  'replica.lag.time.max.ms': 30_000,
  'replica.fetch.wait.max.ms': 500,
  'replica.fetch.min.bytes': 1,
  'replica.fetch.max.bytes': 1_048_576,
  'replica.fetch.backoff.ms': 1_000,
  'replica.socket.timeout.ms': 30_000,
  'replica.high.watermark.checkpoint.interval.ms': 5_000,
  'request.timeout.ms': 30_000,
  'controller.socket.timeout.ms': 30_000,
  'min.insync.replicas': 1,
  'unclean.leader.election.enable': false,
  'auto.leader.rebalance.enable': true,
  'leader.imbalance.per.broker.percentage': 10,
  'leader.imbalance.check.interval.seconds': 300,
  'default.replication.factor': 1,
  'num.partitions': 1,
  'offsets.topic.num.partitions': 50,
  'offsets.topic.replication.factor': 3,
  'group.initial.rebalance.delay.ms': 3_000,
  'group.min.session.timeout.ms': 6_000,
  'group.max.session.timeout.ms': 1_800_000,
  'group.max.size': 2_147_483_647,
  'offsets.commit.timeout.ms': 5_000,
  'offsets.commit.required.acks': -1,
  'log.flush.interval.messages': Number.MAX_SAFE_INTEGER,
});

/** Per-topic overrides Kafka allows (LogConfig), by their topic-level names. */
export interface TopicConfig {
  'min.insync.replicas'?: number;
  'unclean.leader.election.enable'?: boolean;
}

/**
 * How a replica that becomes a follower (or restarts) finds where its log diverges from the leader's:
 * - `leader-epoch` (default): KIP-101 with KIP-279's fix, as Kafka 2.8+ runs it through the Fetch
 *   response's diverging epoch;
 * - `high-watermark`: Kafka before 0.11: truncate to the local high watermark, then fetch.
 */
export type TruncationMode = 'leader-epoch' | 'high-watermark';
