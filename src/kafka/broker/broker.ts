import type { BrokerEvent, ClusterHistory } from '../../history/cluster-history.js';
import type { Actor, ProcessContext, TimerHandle } from '../../sim/process.js';
import type { Rng } from '../../sim/rng.js';
import type { SimTime } from '../../sim/time.js';
import {
  isZkClientTimer,
  isZkMessage,
  type KeeperState,
  ZkClient,
  type ZkClientTimer,
  type ZkClient as ZkClientType,
  type ZkMessage,
} from '../../zk/index.js';
import type { BrokerConfig, TruncationMode } from '../config.js';
import { type ControllerIO, type ControllerTimer, KafkaController } from '../controller/controller.js';
import { findCoordinator } from '../coordinator/find-coordinator.js';
import { GroupCoordinator, isGroupRequest } from '../coordinator/group-coordinator.js';
import { GROUP_METADATA_TOPIC_NAME } from '../coordinator/records.js';
import type { CoordinatorIO, GroupCoordinatorTimer } from '../coordinator/timers.js';
import { type KafkaMessage, tpKey } from '../protocol.js';
import { AdminZk, ControllerZk, KafkaZkClient, LeaderIsrZk } from '../zk/kafka-zk-client.js';
import { encodeBrokerRegistration, PERSISTENT_ZK_PATHS } from '../zk-data.js';
import { AdminManager } from './admin-manager.js';
import { type BrokerIO, brokerIdOf, brokerName, type ReplicaManagerTimer } from './io.js';
import { lastOffsetForLeaderEpoch } from './offsets-for-leader-epoch.js';
import { PRODUCER_ID_BLOCK_PATH, ProducerIdManager } from './producer-id-manager.js';
import { ReplicaManager } from './replica-manager.js';

export type BrokerMessage = KafkaMessage | ZkMessage;

/** A request the broker sends itself (the controller's channel to its own broker), delivered from a timer. */
interface LocalDelivery {
  readonly kind: 'local';
  readonly message: KafkaMessage;
}

/** The admin manager's deadline check for requests waiting on metadata. */
interface AdminExpiry {
  readonly kind: 'admin-expiry';
}
const ADMIN_EXPIRY: AdminExpiry = { kind: 'admin-expiry' };

export type BrokerTimer =
  | ReplicaManagerTimer
  | ZkClientTimer
  | LocalDelivery
  | ControllerTimer
  | AdminExpiry
  | GroupCoordinatorTimer;

export interface BrokerOptions {
  readonly id: number;
  readonly config: BrokerConfig;
  readonly truncation: TruncationMode;
  /** The ZooKeeper servers' process names (`zookeeper.connect`). */
  readonly zookeeper: readonly string[];
  /** The advertised port in the registration (9092 by default). */
  readonly port?: number;
  /** Where the broker records what its replicas do. */
  readonly history?: ClusterHistory;
}

/** The broker actor's inside, for tests and the teaching views. */
export interface BrokerActor extends Actor<BrokerMessage, BrokerTimer> {
  readonly replicaManager: ReplicaManager;
  readonly groupCoordinator: GroupCoordinator;
  controller(): KafkaController;
  zookeeper(): ZkClientType;
}

/**
 * The broker's process context as its modules use it. What the broker sends itself (the
 * controller's requests to its own broker, and their answers) goes through a timer.
 */
class BrokerProcessIO implements BrokerIO, CoordinatorIO {
  constructor(
    private readonly ctx: ProcessContext<BrokerMessage, BrokerTimer>,
    private readonly self: string,
    readonly rng: Rng,
  ) {}
  get now(): SimTime {
    return this.ctx.now;
  }
  send(to: string, message: KafkaMessage): void {
    if (to === this.self) this.ctx.setTimer(0, { kind: 'local', message });
    else this.ctx.send(to, message);
  }
  disconnect(peer: string): void {
    if (peer !== this.self) this.ctx.disconnect(peer);
  }
  setTimer(delay: SimTime, tag: BrokerTimer): TimerHandle {
    return this.ctx.setTimer(delay, tag);
  }
  cancelTimer(handle: TimerHandle): void {
    this.ctx.cancelTimer(handle);
  }
  note(text: string): void {
    this.ctx.note(text);
  }
}

/** What the controller module needs of its broker. */
class BrokerControllerIO implements ControllerIO {
  constructor(
    private readonly server: KafkaServer,
    private readonly ctx: ProcessContext<BrokerMessage, BrokerTimer>,
    private readonly io: BrokerProcessIO,
    readonly config: BrokerConfig,
  ) {}
  get nowMs(): number {
    return this.ctx.now / 1000;
  }
  sendToBroker(target: number, message: KafkaMessage): void {
    this.io.send(brokerName(target), message);
  }
  reply(to: string, message: KafkaMessage): void {
    this.io.send(to, message);
  }
  note(text: string): void {
    this.io.note(text);
  }
  onControllership(epoch: number | undefined): void {
    this.server.fact(
      epoch === undefined
        ? { kind: 'controller-resigned' }
        : { kind: 'controller-elected', controllerEpoch: epoch },
    );
  }
  schedule(delayMs: number, tag: ControllerTimer): void {
    this.ctx.setTimer(delayMs * 1000, tag);
  }
}

/**
 * A Kafka broker in ZooKeeper mode (KafkaServer.startup at 3.8.0): it opens a ZooKeeper session,
 * creates the top-level paths, registers `/brokers/ids/<id>` (its broker epoch is that znode's
 * czxid), and starts its controller module, which joins the controller election. When its session
 * expires it starts a new one, registers again and re-elects (ZooKeeperClient.reinitialize,
 * RegisterBrokerAndReelect), keeping its partitions as they are meanwhile.
 */
export function brokerActor(options: BrokerOptions) {
  return (ctx: ProcessContext<BrokerMessage, BrokerTimer>): BrokerActor => new KafkaServer(ctx, options);
}

/**
 * One incarnation of a broker. A class, not an object of closures: its methods keep their
 * optimized code across runs, where V8 compiles a dead closure's again (bench/jit-churn.ts).
 */
class KafkaServer implements BrokerActor {
  readonly replicaManager: ReplicaManager;
  readonly groupCoordinator: GroupCoordinator;
  private readonly id: number;
  private readonly config: BrokerConfig;
  private readonly self: string;
  private readonly io: BrokerProcessIO;
  private readonly controllerIO: BrokerControllerIO;
  private readonly admin: AdminManager;
  private readonly producerIds: ProducerIdManager;
  private zk!: ZkClient;
  private kafkaZk!: KafkaZkClient;
  private controllerModule!: KafkaController;
  private registered = false;

  constructor(
    private readonly ctx: ProcessContext<BrokerMessage, BrokerTimer>,
    private readonly options: BrokerOptions,
  ) {
    const { id, config } = options;
    this.id = id;
    this.config = config;
    this.self = brokerName(id);
    const io = new BrokerProcessIO(ctx, this.self, ctx.rng);
    this.io = io;
    const replicaManager = new ReplicaManager(io, ctx.disk, id, config, options.truncation, options.history);
    this.replicaManager = replicaManager;
    this.controllerIO = new BrokerControllerIO(this, ctx, io, config);
    this.admin = new AdminManager(
      io.send.bind(io),
      () => ctx.now,
      config,
      replicaManager,
      () => new AdminZk(this.kafkaZk),
      ctx.rng.fork('admin'),
    );
    this.producerIds = new ProducerIdManager(
      id,
      {
        read: (done) =>
          this.kafkaZk.zk.getData(PRODUCER_ID_BLOCK_PATH, { watch: false }, (o) =>
            done(o.code === 'OK' ? o.data : undefined, o.code === 'OK' ? o.stat.version : -1),
          ),
        write: (data, version, done) =>
          this.kafkaZk.zk.setData(PRODUCER_ID_BLOCK_PATH, data, version, (o) => done(o.code === 'OK')),
      },
      (text) => ctx.note(text),
    );
    replicaManager.onMetadataUpdate = this.admin.onMetadataUpdate.bind(this.admin);
    // The classic group coordinator (GroupCoordinator + GroupMetadataManager), on `__consumer_offsets`.
    this.groupCoordinator = new GroupCoordinator(
      new BrokerProcessIO(ctx, this.self, ctx.rng.fork(`group-coordinator/${ctx.incarnation}`)),
      id,
      config,
      {
        appendToLocalLog: (topic, partition, records, acks, timeoutMs, done) =>
          replicaManager.appendToLocalLog(topic, partition, records, acks, timeoutMs, done),
        readLocal: (topic, partition) => replicaManager.partitions.get(tpKey(topic, partition))?.log.read(0),
      },
      options.history,
    );
    replicaManager.onLeadershipChange = this.onLeadershipChange.bind(this);
    replicaManager.loadTopicConfig = (topic, done) =>
      new ControllerZk(this.kafkaZk).getTopicConfig(topic, done);
    replicaManager.zkIsrWriter = {
      updateIsr: (partition, isr, controllerEpoch, done) =>
        new LeaderIsrZk(this.kafkaZk).updateIsr(
          partition.topic,
          partition.partition,
          { leader: id, leaderEpoch: partition.leaderEpoch, isr, controllerEpoch },
          partition.partitionEpoch,
          done,
        ),
      notify: (partitions) => new LeaderIsrZk(this.kafkaZk).notify(partitions),
    };
  }

  controller(): KafkaController {
    return this.controllerModule;
  }

  zookeeper(): ZkClientType {
    return this.zk;
  }

  onStart(): void {
    this.replicaManager.startup();
    this.newSession(true);
  }

  onMessage(from: string, message: BrokerMessage): void {
    // Replication traffic first: almost every message is one of these, and `dispatch` would
    // hand them to the replica manager after every other test.
    const type = message.type;
    if (type === 'Fetch' || type === 'FetchResponse' || type === 'Produce')
      this.replicaManager.handleMessage(from, message);
    else if (isZkMessage(message)) this.zk.handleMessage(from, message);
    else this.dispatch(from, message);
  }

  onTimer(tag: BrokerTimer): void {
    if (isZkClientTimer(tag)) tag.client.handleTimer(tag);
    else if (tag.kind === 'local') this.dispatch(this.self, tag.message);
    else if (tag.kind === 'controller') this.controllerModule.onTimer(tag);
    else if (tag.kind === 'admin-expiry') this.admin.expire();
    else if (tag.kind === 'group-coordinator') this.groupCoordinator.onTimer(tag);
    else this.replicaManager.handleTimer(tag);
  }

  onDisconnect(peer: string): void {
    if (this.zk.handleDisconnect(peer)) return;
    this.replicaManager.handleDisconnect(peer);
    const broker = brokerIdOf(peer);
    if (broker !== undefined) this.controllerModule.handleDisconnect(broker);
  }

  /** RequestHandlerHelper.onLeadershipChange: offsets partitions elect or resign the coordinator. */
  private onLeadershipChange(topic: string, partition: number, isLeader: boolean, leaderEpoch: number): void {
    if (topic !== GROUP_METADATA_TOPIC_NAME) return;
    if (isLeader) this.groupCoordinator.onElection(partition, leaderEpoch);
    else this.groupCoordinator.onResignation(partition, leaderEpoch >= 0 ? leaderEpoch : undefined);
  }

  /** KafkaApis: controller requests to the controller module, admin requests to ZkAdminManager, the rest to the replica manager. */
  private dispatch(from: string, message: KafkaMessage): void {
    const replicaManager = this.replicaManager;
    const controller = this.controllerModule;
    if (
      message.type === 'LeaderAndIsrResponse' ||
      message.type === 'UpdateMetadataResponse' ||
      message.type === 'StopReplicaResponse'
    ) {
      const broker = brokerIdOf(from);
      if (broker !== undefined) controller.handleResponse(broker, message.correlationId);
    } else if (message.type === 'AlterPartition') controller.handleAlterPartition(from, message);
    else if (message.type === 'AlterPartitionReassignments')
      controller.handleAlterPartitionReassignments(from, message);
    else if (message.type === 'ElectLeaders') controller.handleElectLeaders(from, message);
    else if (message.type === 'FindCoordinator') {
      // KafkaApis.getCoordinator; a missing `__consumer_offsets` is created as AutoTopicCreationManager does.
      this.io.send(
        from,
        findCoordinator(message, this.config, replicaManager, (create) => this.dispatch(this.self, create)),
      );
    } else if (isGroupRequest(message)) this.groupCoordinator.handleRequest(from, message);
    else if (message.type === 'OffsetsForLeaderEpoch')
      this.io.send(from, lastOffsetForLeaderEpoch(replicaManager.partitions, message));
    else if (message.type === 'InitProducerId') {
      // TransactionCoordinator.handleInitProducerId without a transactional id: a fresh id, epoch 0.
      this.producerIds.generateProducerId((producerId) =>
        this.io.send(from, {
          type: 'InitProducerIdResponse',
          correlationId: message.correlationId,
          error: 'NONE',
          producerId,
          producerEpoch: 0,
        }),
      );
    } else if (
      message.type === 'CreateTopics' ||
      message.type === 'CreatePartitions' ||
      message.type === 'DeleteTopics'
    ) {
      if (message.type === 'CreateTopics') this.admin.handleCreateTopics(from, message);
      else if (message.type === 'CreatePartitions') this.admin.handleCreatePartitions(from, message);
      else this.admin.handleDeleteTopics(from, message);
      this.ctx.setTimer(message.timeoutMs * 1000, ADMIN_EXPIRY);
    } else if (
      (message.type === 'LeaderAndIsr' ||
        message.type === 'UpdateMetadata' ||
        message.type === 'StopReplica') &&
      message.brokerEpoch !== -1 &&
      message.brokerEpoch < replicaManager.brokerEpoch
    ) {
      // KIP-380 (KafkaApis, ZkBrokerEpochManager.isBrokerEpochStale): a request for an earlier
      // registration of this broker is refused. Only an older epoch is: one that went backwards
      // (ZooKeeper restored, zxids handed out again) looks newer and passes.
      this.ctx.note(
        `Received ${message.type} request with broker epoch ${message.brokerEpoch} smaller than the current broker epoch ${replicaManager.brokerEpoch} from controller ${message.controllerId} with epoch ${message.controllerEpoch}.`,
      );
      this.io.send(
        from,
        message.type === 'LeaderAndIsr'
          ? {
              type: 'LeaderAndIsrResponse',
              correlationId: message.correlationId,
              error: 'STALE_BROKER_EPOCH',
              partitionErrors: [],
            }
          : {
              type: message.type === 'UpdateMetadata' ? 'UpdateMetadataResponse' : 'StopReplicaResponse',
              correlationId: message.correlationId,
              error: 'STALE_BROKER_EPOCH',
            },
      );
    } else replicaManager.handleMessage(from, message);
  }

  fact(event: BrokerEvent): void {
    this.options.history?.recordBroker({ ...event, time: this.ctx.now, broker: this.id });
  }

  private register(first: boolean, then: () => void): void {
    const ctx = this.ctx;
    const id = this.id;
    const registration = encodeBrokerRegistration(brokerName(id), this.options.port ?? 9092, ctx.now / 1000);
    this.kafkaZk.registerBroker(id, registration, (result) => {
      if (!result.ok) {
        if (first) {
          // KafkaServer.startup fails (e.g. the old incarnation's session still owns the znode): the broker exits.
          ctx.note(
            `Fatal error during KafkaServer startup. Prepare to shutdown (registration: ${result.code})`,
          );
          this.zk.close();
          ctx.exit('KafkaServer startup failed');
        } else ctx.note(`Error processing event RegisterBrokerAndReelect (${result.code})`);
        return;
      }
      this.replicaManager.brokerEpoch = result.brokerEpoch;
      this.fact({ kind: 'registered', brokerEpoch: result.brokerEpoch });
      ctx.note(`registered broker ${id} at path /brokers/ids/${id} with broker epoch ${result.brokerEpoch}`);
      then();
    });
  }

  private newSession(first: boolean): void {
    const zk = new ZkClient(this.ctx, {
      servers: this.options.zookeeper,
      sessionTimeoutMs: this.config['zookeeper.session.timeout.ms'],
      name: `${this.self}-zk`,
      onStateChange: (state) => this.onZkStateChange(first, state),
      onWatchEvent: (event) => this.controllerModule.handleWatch(event),
    });
    this.zk = zk;
    this.kafkaZk = new KafkaZkClient(zk);
    if (first) this.controllerModule = new KafkaController(this.id, this.kafkaZk, this.controllerIO);
    else this.controllerModule.useZooKeeper(this.kafkaZk);
  }

  private onZkStateChange(first: boolean, state: KeeperState): void {
    this.fact({ kind: 'zk-session', state, sessionId: this.zk.sessionId });
    if (state === 'SyncConnected') {
      this.kafkaZk.connected();
      if (!this.registered) {
        this.registered = true;
        if (first)
          this.kafkaZk.ensurePaths(PERSISTENT_ZK_PATHS, () =>
            this.register(true, () => {
              this.controllerModule.startup();
              this.producerIds.startup();
            }),
          );
        else this.register(false, () => this.controllerModule.reelect());
      }
    } else if (state === 'Expired') {
      // ZooKeeperClient.reinitialize: the controller resigns, then a new session, then register again.
      this.controllerModule.expire();
      this.registered = false;
      this.newSession(false);
    }
  }
}
