import {
  type AdminClient,
  type AdminOperation,
  type AdminOutcome,
  adminClientActor,
} from '../clients/admin/admin-client.js';
import { type ConsumerActorOptions, consumerActor } from '../clients/consumer/application.js';
import { type ProducerOptions, producerActor } from '../clients/producer/producer.js';
import { ClientHistory } from '../history/client-history.js';
import { ClusterHistory } from '../history/cluster-history.js';
import { type BrokerActor, type BrokerMessage, brokerActor } from '../kafka/broker/broker.js';
import { brokerName } from '../kafka/broker/io.js';
import { type BrokerConfig, DEFAULT_BROKER_CONFIG, type TruncationMode } from '../kafka/config.js';
import {
  CONTROLLER_PATH,
  decodeController,
  decodePartitionState,
  partitionStatePath,
} from '../kafka/zk-data.js';
import type { LatencyDistribution } from '../sim/latency.js';
import type { ActorFactory } from '../sim/process.js';
import type { SimTime } from '../sim/time.js';
import type { TraceLevel, TraceRecord } from '../sim/trace.js';
import { World } from '../sim/world.js';
import { ZkEnsemble } from '../zk/index.js';

/** Every message in a cluster's world: Kafka's requests and ZooKeeper's. */
export type ClusterMessage = BrokerMessage;
/**
 * Every timer in a cluster's world: each actor's own tags (BrokerTimer, ZkServerTimer,
 * ProducerTimer, AdminTimer, the consumer's, …) carry a `kind`, and only their actor reads them.
 */
export type ClusterTimer = { readonly kind: string };

export interface ClusterOptions {
  readonly seed: number;
  /** Broker count: brokers 1..n (default 3). */
  readonly brokers?: number;
  /** ZooKeeper servers (default 1). */
  readonly zookeepers?: number;
  readonly brokerConfig?: Partial<BrokerConfig>;
  readonly truncation?: TruncationMode;
  readonly trace?: TraceLevel;
  readonly onTrace?: (record: TraceRecord) => void;
  readonly latency?: LatencyDistribution;
  readonly loss?: number;
}

/** A topic a scenario creates when the brokers are up: a count and factor, or an explicit assignment. */
export interface TopicSpec {
  readonly name: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Partition i gets replicas[i]; overrides partitions and replicationFactor. */
  readonly assignment?: readonly (readonly number[])[];
  readonly configs?: Readonly<Record<string, string>>;
}

const ADMIN = 'admin';
const READY_POLL: SimTime = 100_000;

/**
 * A Kafka cluster in ZooKeeper mode with its clients, in one deterministic world: the composition
 * root that tests, scenarios and the CLI build runs with. Processes: `zookeeper-<i>`,
 * `broker-<id>`, `admin` (Kafka's AdminClient, for topics, elections and reassignments), and the
 * clients added by name. Facts go to `history` (replicas, brokers, groups) and `clients` (sends,
 * polls, commits, assignments).
 */
export class Cluster {
  readonly world: World<ClusterMessage, ClusterTimer>;
  readonly ensemble: ZkEnsemble;
  readonly history = new ClusterHistory();
  readonly clients = new ClientHistory();
  readonly brokerIds: readonly number[];
  readonly zookeeperNames: readonly string[];
  readonly brokerConfig: Readonly<BrokerConfig>;
  readonly adminOutcomes: AdminOutcome[] = [];
  private readonly setup: AdminOperation[] = [];
  private ready = false;

  constructor(readonly options: ClusterOptions) {
    this.world = new World<ClusterMessage, ClusterTimer>({
      seed: options.seed,
      trace: options.trace ?? 'off',
      ...(options.onTrace === undefined ? {} : { onTrace: options.onTrace }),
      ...(options.latency === undefined ? {} : { latency: options.latency }),
      ...(options.loss === undefined ? {} : { loss: options.loss }),
    });
    this.zookeeperNames = Array.from({ length: options.zookeepers ?? 1 }, (_, i) => `zookeeper-${i + 1}`);
    this.ensemble = new ZkEnsemble({ servers: this.zookeeperNames });
    for (const server of this.zookeeperNames) this.world.spawn(server, this.ensemble.serverActor(server));
    this.brokerIds = Array.from({ length: options.brokers ?? 3 }, (_, i) => i + 1);
    this.brokerConfig = { ...DEFAULT_BROKER_CONFIG, ...options.brokerConfig };
    for (const id of this.brokerIds) {
      this.world.spawn(
        brokerName(id),
        brokerActor({
          id,
          config: this.brokerConfig,
          truncation: options.truncation ?? 'leader-epoch',
          zookeeper: this.zookeeperNames,
          history: this.history,
        }),
      );
    }
    this.world.spawn(
      ADMIN,
      adminClientActor({
        bootstrap: this.brokerIds,
        onOutcome: (outcome) => this.adminOutcomes.push(outcome),
      }),
    );
    this.world.after(READY_POLL, () => this.awaitBrokers(), 'await brokers');
  }

  /** The broker actor, while its process exists (its state survives only what Kafka's would). */
  broker(id: number): BrokerActor | undefined {
    return this.world.actorOf(brokerName(id)) as BrokerActor | undefined;
  }

  /** A partition's state as ZooKeeper holds it (/brokers/topics/<t>/partitions/<p>/state). */
  partitionState(topic: string, partition: number) {
    const node = this.ensemble.tree.node(partitionStatePath(topic, partition));
    return node?.data === undefined || node.data === null
      ? undefined
      : { ...decodePartitionState(node.data), zkVersion: node.stat.version };
  }

  /** The controller's broker id, from /controller, or undefined. */
  get controllerId(): number | undefined {
    const data = this.ensemble.tree.node(CONTROLLER_PATH)?.data;
    return data === undefined || data === null ? undefined : decodeController(data);
  }

  /** Whether every broker has registered in /brokers/ids and a controller was elected. */
  get brokersRegistered(): boolean {
    const ids = this.ensemble.tree.node('/brokers/ids')?.children ?? [];
    return ids.length >= this.brokerIds.length && this.controllerId !== undefined;
  }

  /**
   * Creates a topic through the admin client (CreateTopics, as kafka-topics.sh --create does),
   * as soon as every broker has registered: before that, Kafka would place replicas on the brokers
   * it knows so far, or refuse the replication factor.
   */
  createTopic(spec: TopicSpec): void {
    this.whenReady({
      kind: 'create-topic',
      topic: {
        name: spec.name,
        numPartitions: spec.assignment === undefined ? (spec.partitions ?? -1) : -1,
        replicationFactor: spec.assignment === undefined ? (spec.replicationFactor ?? -1) : -1,
        assignments: spec.assignment ?? [],
        configs: spec.configs ?? {},
      },
    });
  }

  /** Runs an admin operation now (queued behind earlier ones), or once the brokers are up. */
  admin(operation: AdminOperation): void {
    this.whenReady(operation);
  }

  private whenReady(operation: AdminOperation): void {
    if (this.ready) this.adminClient().submit(operation);
    else this.setup.push(operation);
  }

  private adminClient(): AdminClient {
    return this.world.actorOf(ADMIN) as AdminClient;
  }

  private awaitBrokers(): void {
    if (!this.brokersRegistered) {
      this.world.after(READY_POLL, () => this.awaitBrokers(), 'await brokers');
      return;
    }
    this.ready = true;
    for (const operation of this.setup.splice(0)) this.adminClient().submit(operation);
  }

  /** Adds a Kafka producer named `name`, started at `startAt` (default: now). */
  addProducer(
    name: string,
    options: Omit<ProducerOptions, 'bootstrap' | 'history'> & { bootstrap?: readonly number[] },
    startAt?: SimTime | null,
  ): void {
    this.world.spawn(name, producerActor({ bootstrap: this.brokerIds, history: this.clients, ...options }), {
      start: false,
    });
    this.startAt(name, startAt);
  }

  /**
   * Adds a consumer application (`consumerActor`) reading from this cluster, recording into
   * `clients`, started at `startAt` (default: now; null: not until `world.start(name)`).
   */
  addConsumer(
    name: string,
    options: Omit<ConsumerActorOptions, 'bootstrap' | 'history'> & { bootstrap?: readonly number[] },
    startAt?: SimTime | null,
  ): void {
    this.addClient(
      name,
      consumerActor({ bootstrap: this.brokerIds, history: this.clients, ...options }) as ActorFactory<
        ClusterMessage,
        ClusterTimer
      >,
      startAt,
    );
  }

  /** Adds any client process (a test actor) and starts it at `startAt` (default: now; null: not yet). */
  addClient(
    name: string,
    factory: ActorFactory<ClusterMessage, ClusterTimer>,
    startAt?: SimTime | null,
  ): void {
    this.world.spawn(name, factory, { start: false });
    this.startAt(name, startAt);
  }

  private startAt(name: string, at: SimTime | null | undefined): void {
    if (at === null) return;
    if (at === undefined || at <= this.world.now) this.world.start(name);
    else this.world.at(at, () => this.world.start(name), `start ${name}`);
  }

  /**
   * The committed log of a partition on its current leader (per ZooKeeper): the values below its
   * high watermark, in offset order. Empty when the partition has no live leader.
   */
  committedValues(topic: string, partition: number): { offset: number; value: string | null }[] {
    const leader = this.partitionState(topic, partition)?.leader ?? -1;
    if (leader < 0 || this.world.state(brokerName(leader)) !== 'up') return [];
    const log = this.broker(leader)?.replicaManager.partitions.get(`${topic}-${partition}`)?.log;
    if (log === undefined) return [];
    const out: { offset: number; value: string | null }[] = [];
    for (const batch of log.allBatches())
      batch.records.forEach((r, i) => {
        const offset = batch.baseOffset + i;
        if (offset < log.highWatermark) out.push({ offset, value: r.value });
      });
    return out;
  }
}
