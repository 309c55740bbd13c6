import type { BrokerEvent, ClusterHistory } from '../../history/cluster-history.js';
import type { Actor, ProcessContext } from '../../sim/process.js';
import {
  isZkClientTimer,
  isZkMessage,
  ZkClient,
  type ZkClientTimer,
  type ZkClient as ZkClientType,
  type ZkMessage,
} from '../../zk/index.js';
import type { BrokerConfig, TruncationMode } from '../config.js';
import { type ControllerTimer, KafkaController } from '../controller/controller.js';
import { findCoordinator } from '../coordinator/find-coordinator.js';
import { GroupCoordinator, isGroupRequest } from '../coordinator/group-coordinator.js';
import { GROUP_METADATA_TOPIC_NAME } from '../coordinator/records.js';
import type { GroupCoordinatorTimer } from '../coordinator/timers.js';
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
  readonly controller: () => KafkaController;
  readonly zookeeper: () => ZkClientType;
}

/**
 * A Kafka broker in ZooKeeper mode (KafkaServer.startup at 3.8.0): it opens a ZooKeeper session,
 * creates the top-level paths, registers `/brokers/ids/<id>` (its broker epoch is that znode's
 * czxid), and starts its controller module, which joins the controller election. When its session
 * expires it starts a new one, registers again and re-elects (ZooKeeperClient.reinitialize,
 * RegisterBrokerAndReelect), keeping its partitions as they are meanwhile.
 */
export function brokerActor(options: BrokerOptions) {
  return (ctx: ProcessContext<BrokerMessage, BrokerTimer>): BrokerActor => {
    const { id, config } = options;
    const self = brokerName(id);
    // What the broker sends itself (the controller's requests and their answers) goes through a timer.
    const io: BrokerIO = {
      get now() {
        return ctx.now;
      },
      rng: ctx.rng,
      send: (to, message) => {
        if (to === self) ctx.setTimer(0, { kind: 'local', message });
        else ctx.send(to, message);
      },
      disconnect: (peer) => {
        if (peer !== self) ctx.disconnect(peer);
      },
      setTimer: (delay, tag) => ctx.setTimer(delay, tag),
      cancelTimer: (handle) => ctx.cancelTimer(handle),
      note: (text) => ctx.note(text),
    };
    const replicaManager = new ReplicaManager(io, ctx.disk, id, config, options.truncation, options.history);
    const controllerIO = {
      get nowMs() {
        return ctx.now / 1000;
      },
      sendToBroker: (target: number, message: KafkaMessage) => io.send(brokerName(target), message),
      reply: (to: string, message: KafkaMessage) => io.send(to, message),
      note: (text: string) => ctx.note(text),
      onControllership: (epoch: number | undefined) =>
        fact(
          epoch === undefined
            ? { kind: 'controller-resigned' }
            : { kind: 'controller-elected', controllerEpoch: epoch },
        ),
      config,
      schedule: (delayMs: number, tag: ControllerTimer) => void ctx.setTimer(delayMs * 1000, tag),
    };
    const admin = new AdminManager(
      io.send,
      () => ctx.now,
      config,
      replicaManager,
      () => new AdminZk(kafkaZk),
      ctx.rng.fork('admin'),
    );
    const producerIds = new ProducerIdManager(
      id,
      {
        read: (done) =>
          kafkaZk.zk.getData(PRODUCER_ID_BLOCK_PATH, { watch: false }, (o) =>
            done(o.code === 'OK' ? o.data : undefined, o.code === 'OK' ? o.stat.version : -1),
          ),
        write: (data, version, done) =>
          kafkaZk.zk.setData(PRODUCER_ID_BLOCK_PATH, data, version, (o) => done(o.code === 'OK')),
      },
      (text) => ctx.note(text),
    );
    replicaManager.onMetadataUpdate = () => admin.onMetadataUpdate();
    // The classic group coordinator (GroupCoordinator + GroupMetadataManager), on `__consumer_offsets`.
    const groupCoordinator = new GroupCoordinator(
      {
        get now() {
          return ctx.now;
        },
        rng: ctx.rng.fork(`group-coordinator/${ctx.incarnation}`),
        send: io.send,
        setTimer: (delay, tag) => ctx.setTimer(delay, tag),
        cancelTimer: (handle) => ctx.cancelTimer(handle),
        note: (text) => ctx.note(text),
      },
      id,
      config,
      {
        appendToLocalLog: (topic, partition, records, acks, timeoutMs, done) =>
          replicaManager.appendToLocalLog(topic, partition, records, acks, timeoutMs, done),
        readLocal: (topic, partition) => replicaManager.partitions.get(tpKey(topic, partition))?.log.read(0),
      },
      options.history,
    );
    // RequestHandlerHelper.onLeadershipChange: offsets partitions elect or resign the coordinator.
    replicaManager.onLeadershipChange = (topic, partition, isLeader, leaderEpoch) => {
      if (topic !== GROUP_METADATA_TOPIC_NAME) return;
      if (isLeader) groupCoordinator.onElection(partition, leaderEpoch);
      else groupCoordinator.onResignation(partition, leaderEpoch >= 0 ? leaderEpoch : undefined);
    };
    replicaManager.loadTopicConfig = (topic, done) => new ControllerZk(kafkaZk).getTopicConfig(topic, done);
    replicaManager.zkIsrWriter = {
      updateIsr: (partition, isr, controllerEpoch, done) =>
        new LeaderIsrZk(kafkaZk).updateIsr(
          partition.topic,
          partition.partition,
          { leader: id, leaderEpoch: partition.leaderEpoch, isr, controllerEpoch },
          partition.partitionEpoch,
          done,
        ),
      notify: (partitions) => new LeaderIsrZk(kafkaZk).notify(partitions),
    };
    /** KafkaApis: controller requests to the controller module, admin requests to ZkAdminManager, the rest to the replica manager. */
    const dispatch = (from: string, message: KafkaMessage): void => {
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
        io.send(
          from,
          findCoordinator(message, config, replicaManager, (create) => dispatch(self, create)),
        );
      } else if (isGroupRequest(message)) groupCoordinator.handleRequest(from, message);
      else if (message.type === 'OffsetsForLeaderEpoch')
        io.send(from, lastOffsetForLeaderEpoch(replicaManager.partitions, message));
      else if (message.type === 'InitProducerId') {
        // TransactionCoordinator.handleInitProducerId without a transactional id: a fresh id, epoch 0.
        producerIds.generateProducerId((producerId) =>
          io.send(from, {
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
        if (message.type === 'CreateTopics') admin.handleCreateTopics(from, message);
        else if (message.type === 'CreatePartitions') admin.handleCreatePartitions(from, message);
        else admin.handleDeleteTopics(from, message);
        ctx.setTimer(message.timeoutMs * 1000, ADMIN_EXPIRY);
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
        ctx.note(
          `Received ${message.type} request with broker epoch ${message.brokerEpoch} smaller than the current broker epoch ${replicaManager.brokerEpoch} from controller ${message.controllerId} with epoch ${message.controllerEpoch}.`,
        );
        io.send(
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
    };
    let zk!: ZkClient;
    let kafkaZk!: KafkaZkClient;
    let controller!: KafkaController;
    let registered = false;

    const fact = (event: BrokerEvent): void =>
      options.history?.recordBroker({ ...event, time: ctx.now, broker: id });
    const register = (first: boolean, then: () => void): void => {
      const registration = encodeBrokerRegistration(brokerName(id), options.port ?? 9092, ctx.now / 1000);
      kafkaZk.registerBroker(id, registration, (result) => {
        if (!result.ok) {
          if (first) {
            // KafkaServer.startup fails (e.g. the old incarnation's session still owns the znode): the broker exits.
            ctx.note(
              `Fatal error during KafkaServer startup. Prepare to shutdown (registration: ${result.code})`,
            );
            zk.close();
            ctx.exit('KafkaServer startup failed');
          } else ctx.note(`Error processing event RegisterBrokerAndReelect (${result.code})`);
          return;
        }
        replicaManager.brokerEpoch = result.brokerEpoch;
        fact({ kind: 'registered', brokerEpoch: result.brokerEpoch });
        ctx.note(
          `registered broker ${id} at path /brokers/ids/${id} with broker epoch ${result.brokerEpoch}`,
        );
        then();
      });
    };

    const newSession = (first: boolean): void => {
      zk = new ZkClient(ctx, {
        servers: options.zookeeper,
        sessionTimeoutMs: config['zookeeper.session.timeout.ms'],
        name: `${brokerName(id)}-zk`,
        onStateChange: (state) => {
          fact({ kind: 'zk-session', state, sessionId: zk.sessionId });
          if (state === 'SyncConnected') {
            kafkaZk.connected();
            if (!registered) {
              registered = true;
              if (first)
                kafkaZk.ensurePaths(PERSISTENT_ZK_PATHS, () =>
                  register(true, () => {
                    controller.startup();
                    producerIds.startup();
                  }),
                );
              else register(false, () => controller.reelect());
            }
          } else if (state === 'Expired') {
            // ZooKeeperClient.reinitialize: the controller resigns, then a new session, then register again.
            controller.expire();
            registered = false;
            newSession(false);
          }
        },
        onWatchEvent: (event) => controller.handleWatch(event),
      });
      kafkaZk = new KafkaZkClient(zk);
      if (first) controller = new KafkaController(id, kafkaZk, controllerIO);
      else controller.useZooKeeper(kafkaZk);
    };

    return {
      replicaManager,
      groupCoordinator,
      controller: () => controller,
      zookeeper: () => zk,
      onStart() {
        replicaManager.startup();
        newSession(true);
      },
      onMessage(from, message) {
        // Replication traffic first: almost every message is one of these, and `dispatch` would
        // hand them to the replica manager after every other test.
        const type = message.type;
        if (type === 'Fetch' || type === 'FetchResponse' || type === 'Produce')
          replicaManager.handleMessage(from, message);
        else if (isZkMessage(message)) zk.handleMessage(from, message);
        else dispatch(from, message);
      },
      onTimer(tag) {
        if (isZkClientTimer(tag)) tag.client.handleTimer(tag);
        else if (tag.kind === 'local') dispatch(self, tag.message);
        else if (tag.kind === 'controller') controller.onTimer(tag);
        else if (tag.kind === 'admin-expiry') admin.expire();
        else if (tag.kind === 'group-coordinator') groupCoordinator.onTimer(tag);
        else replicaManager.handleTimer(tag);
      },
      onDisconnect(peer) {
        if (zk.handleDisconnect(peer)) return;
        replicaManager.handleDisconnect(peer);
        const broker = brokerIdOf(peer);
        if (broker !== undefined) controller.handleDisconnect(broker);
      },
    };
  };
}
