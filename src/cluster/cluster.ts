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
  BROKER_IDS_PATH,
  BROKER_TOPICS_PATH,
  CONTROLLER_EPOCH_PATH,
  CONTROLLER_PATH,
  decodeController,
  decodePartitionState,
  type PartitionStateZNode,
  partitionStatePath,
} from '../kafka/zk-data.js';
import type { LatencyDistribution } from '../sim/latency.js';
import type { ActorFactory } from '../sim/process.js';
import type { SimTime } from '../sim/time.js';
import type { TraceLevel, TraceRecord } from '../sim/trace.js';
import { World } from '../sim/world.js';
import { type ZkBackup, ZkEnsemble, type ZnodeTree } from '../zk/index.js';

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

/** A partition's state znode, with its version (the partition epoch). */
export type StoredPartitionState = PartitionStateZNode & { readonly zkVersion: number };

/** What Kafka keeps in ZooKeeper that a restore rolls back, read from the tree at one moment. */
export interface KafkaZkView {
  /** /controller_epoch, if it exists. */
  readonly controllerEpoch: number | undefined;
  /** The broker id in /controller, if it exists. */
  readonly controller: number | undefined;
  /** The ids under /brokers/ids, sorted, each with its broker epoch (the znode's czxid). */
  readonly brokers: readonly { readonly id: number; readonly epoch: number }[];
  /** Every partition state znode, by `topic-partition`, sorted. */
  readonly partitions: ReadonlyMap<
    string,
    { readonly topic: string; readonly partition: number } & StoredPartitionState
  >;
}

/** What `restoreZooKeeper` did: the backup, and Kafka's view of ZooKeeper just before and just after. */
export interface ZooKeeperRestore {
  readonly backup: string;
  /** When the backup was taken, and when it was restored (µs). */
  readonly takenAt: SimTime;
  readonly restoredAt: SimTime;
  readonly zxidBefore: number;
  readonly zxidAfter: number;
  readonly before: KafkaZkView;
  readonly after: KafkaZkView;
  /** Sessions of the backup, live again (their ephemerals came back with them). */
  readonly revivedSessions: number;
  /** Sessions created since the backup: their clients will be told SESSIONEXPIRED. */
  readonly forgottenSessions: number;
}

/** Kafka's znodes as they are in `tree` now. */
export function kafkaZkView(tree: ZnodeTree): KafkaZkView {
  const epoch = tree.node(CONTROLLER_EPOCH_PATH)?.data;
  const controller = tree.node(CONTROLLER_PATH)?.data;
  const brokers = (tree.node(BROKER_IDS_PATH)?.children ?? [])
    .map((id) => ({ id: Number(id), epoch: tree.node(`${BROKER_IDS_PATH}/${id}`)?.stat.czxid ?? -1 }))
    .sort((a, b) => a.id - b.id);
  const partitions = new Map<string, { topic: string; partition: number } & StoredPartitionState>();
  for (const topic of tree.node(BROKER_TOPICS_PATH)?.children ?? []) {
    const numbers = (tree.node(`${BROKER_TOPICS_PATH}/${topic}/partitions`)?.children ?? [])
      .map(Number)
      .sort((a, b) => a - b);
    for (const partition of numbers) {
      const node = tree.node(partitionStatePath(topic, partition));
      if (node === undefined || node.data === null) continue;
      partitions.set(`${topic}-${partition}`, {
        topic,
        partition,
        ...decodePartitionState(node.data),
        zkVersion: node.stat.version,
      });
    }
  }
  return {
    controllerEpoch: epoch === undefined || epoch === null ? undefined : Number(epoch),
    controller: controller === undefined || controller === null ? undefined : decodeController(controller),
    brokers,
    partitions,
  };
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
  /** ZooKeeper backups taken by `backupZooKeeper`, by name. */
  private readonly zkBackups = new Map<string, ZkBackup>();

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

  /**
   * Backs up ZooKeeper's data now, under `name`, as an operator copies a server's dataDir: every
   * znode with its zxids, versions and ephemeral owner, and the session table. A later backup of
   * the same name replaces it.
   */
  backupZooKeeper(name: string): ZkBackup {
    const backup = this.ensemble.backup(this.world.now);
    this.zkBackups.set(name, backup);
    return backup;
  }

  /** The backup taken under `name`, if any. */
  zooKeeperBackup(name: string): ZkBackup | undefined {
    return this.zkBackups.get(name);
  }

  /**
   * Restores ZooKeeper from backup `name`, as operators do it: the whole ensemble stops (every
   * server crashes, so every client is disconnected), the data is replaced, and the servers start
   * again (ZkEnsemble.restore says what comes back and what zxids do). Kafka's brokers are not
   * told: /controller_epoch, /controller, /brokers/ids and every partition's state are what they
   * were at the backup, while brokers remember the leader and controller epochs they have seen since.
   */
  restoreZooKeeper(name: string): ZooKeeperRestore {
    const backup = this.zkBackups.get(name);
    if (backup === undefined) throw new RangeError(`restoreZooKeeper: no backup named '${name}'`);
    const before = kafkaZkView(this.ensemble.tree);
    for (const server of this.zookeeperNames) this.world.crash(server);
    const result = this.ensemble.restore(backup, this.world.now);
    for (const server of this.zookeeperNames) this.world.restart(server);
    return {
      backup: name,
      takenAt: backup.takenAt,
      restoredAt: this.world.now,
      zxidBefore: result.zxidBefore,
      zxidAfter: result.zxidAfter,
      before,
      after: kafkaZkView(this.ensemble.tree),
      revivedSessions: result.revived.length,
      forgottenSessions: result.forgotten.length,
    };
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
