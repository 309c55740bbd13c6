import type { WatchedEvent } from '../../zk/index.js';
import type { BrokerConfig } from '../config.js';
import type { ErrorName } from '../errors.js';
import type {
  AlterPartitionReassignmentsRequest,
  AlterPartitionReassignmentsResponse,
  AlterPartitionRequest,
  AlterPartitionResponse,
  ElectLeadersRequest,
  ElectLeadersResponse,
  KafkaMessage,
  UpdateMetadataRequest,
} from '../protocol.js';
import { tpKey } from '../protocol.js';
import { ControllerZk, type FencedWriteResult, type KafkaZkClient } from '../zk/kafka-zk-client.js';
import { inSequence } from '../zk/sequence.js';
import {
  BROKER_IDS_PATH,
  BROKER_TOPICS_PATH,
  CONTROLLER_PATH,
  DELETE_TOPICS_PATH,
  ISR_CHANGE_NOTIFICATION_PATH,
  type PartitionStateZNode,
  type TopicZNode,
} from '../zk-data.js';
import { alterPartitionError } from './alter-partition.js';
import { ControllerChannel } from './channel.js';
import {
  autoRebalanceCandidates,
  type ElectionResult,
  offlinePartitionLeaderElection,
  preferredReplicaPartitionLeaderElection,
  reassignPartitionLeaderElection,
  removeReplicaFromIsr,
} from './election.js';
import { type ControllerPartition, partitionStateData, RequestBatch } from './request-batch.js';

/** What the controller needs of its broker. */
export interface ControllerIO {
  readonly nowMs: number;
  /** Sends a request to a broker (its own broker included: Kafka's controller has a channel to itself). */
  sendToBroker(brokerId: number, message: KafkaMessage): void;
  /** Answers a request that came from process `to`. */
  reply(to: string, message: KafkaMessage): void;
  note(text: string): void;
  readonly config: BrokerConfig;
  /** This broker became controller in `epoch`, or (undefined) resigned. */
  onControllership(epoch: number | undefined): void;
  /** Calls `onTimer(tag)` after `delayMs` (the controller's scheduler). */
  schedule(delayMs: number, tag: ControllerTimer): void;
}

/**
 * The controller's scheduled tasks, for the epoch that scheduled them: the auto leader rebalance
 * check, and sending a broker's request again after its connection broke.
 */
export type ControllerTimer =
  | { readonly kind: 'controller'; readonly task: 'auto-leader-rebalance'; readonly epoch: number }
  | { readonly kind: 'controller'; readonly task: 'resend'; readonly broker: number; readonly epoch: number };

type AlterPartitionResult = AlterPartitionResponse['partitions'][number];

/** A partition's new leadership, as the controller writes it to its state znode. */
type LeadershipChange = Pick<PartitionStateZNode, 'leader' | 'leaderEpoch' | 'isr' | 'leaderRecoveryState'>;

/**
 * One AlterPartition while its partitions are written: the answers so far, the metadata to send,
 * and whether a newer controller fenced out a write (then the whole request fails).
 */
interface AlterPartitionProgress {
  readonly results: AlterPartitionResult[];
  readonly batch: RequestBatch;
  controllerMoved: boolean;
}

/** The leader UpdateMetadata carries for a partition being deleted (LeaderAndIsr.LeaderDuringDelete). */
const LEADER_DURING_DELETE = -2;

/** The first auto-rebalance check after failover (KafkaController.onControllerFailover, hard-coded 5 s). */
const FIRST_REBALANCE_CHECK_MS = 5_000;

type Event = { readonly name: string; readonly run: (done: () => void) => void };

/**
 * The controller module every broker runs (KafkaController at 3.8.0): it takes part in the
 * election through `/controller` and, while it is the active controller, acts on what ZooKeeper's
 * watches report and on AlterPartition requests. Kafka runs its events one at a time from a queue
 * on one thread, blocking on ZooKeeper; here each event is a chain of callbacks and the next event
 * starts when it is done. Every write it makes is fenced by the version of `/controller_epoch`.
 */
export class KafkaController {
  activeControllerId = -1;
  epoch = 0;
  epochZkVersion = 0;
  /** Live brokers and their epochs (czxid of their registration), as the active controller knows them. */
  liveBrokers = new Map<number, number>();
  readonly partitions = new Map<string, ControllerPartition>();
  private readonly topics = new Set<string>();
  /** Partitions being reassigned: their replicas before (ORS) and the target (TRS). KIP-455. */
  private readonly reassignments = new Map<
    string,
    { origin: readonly number[]; target: readonly number[] }
  >();
  private readonly topicIds = new Map<string, string>();
  /** Topic config overrides, read from `/config/topics/<t>` with the topic. */
  private readonly topicConfigs = new Map<string, Record<string, string>>();
  private readonly queue: Event[] = [];
  private running = false;
  private correlationId = 0;
  private zkc: ControllerZk;
  private readonly channel: ControllerChannel;

  constructor(
    readonly brokerId: number,
    private zk: KafkaZkClient,
    private readonly io: ControllerIO,
  ) {
    this.zkc = new ControllerZk(zk);
    this.channel = new ControllerChannel({
      sendToBroker: (broker, request) => this.io.sendToBroker(broker, request),
      scheduleRetry: (broker, delayMs) =>
        this.io.schedule(delayMs, { kind: 'controller', task: 'resend', broker, epoch: this.epoch }),
    });
  }

  /** A broker answered a LeaderAndIsr, UpdateMetadata or StopReplica: its next request may go. */
  handleResponse(brokerId: number, correlationId: number): void {
    this.channel.handleResponse(brokerId, correlationId);
  }

  /** The connection to a broker broke: the request in flight to it goes again. */
  handleDisconnect(brokerId: number): void {
    if (this.isActive) this.channel.handleDisconnect(brokerId);
  }

  /** A new ZooKeeper session replaced the expired one. */
  useZooKeeper(zk: KafkaZkClient): void {
    this.zk = zk;
    this.zkc = new ControllerZk(zk);
  }

  get isActive(): boolean {
    return this.activeControllerId === this.brokerId;
  }

  private isLive = (broker: number): boolean => this.liveBrokers.has(broker);

  /** KafkaController.startup: watch `/controller` and try to become controller. */
  startup(): void {
    this.enqueue('Startup', (done) => this.elect(done));
  }

  /** A watch fired (ControllerChangeHandler, BrokerChangeHandler, TopicChangeHandler, PartitionModificationsHandler). */
  handleWatch(event: WatchedEvent): void {
    if (event.path === CONTROLLER_PATH) {
      if (event.type === 'NodeDeleted')
        this.enqueue('Reelect', (done) => this.maybeResign(() => this.elect(done)));
      else this.enqueue('ControllerChange', (done) => this.maybeResign(done));
    } else if (event.path === BROKER_IDS_PATH && event.type === 'NodeChildrenChanged') {
      this.enqueue('BrokerChange', (done) => this.processBrokerChange(done));
    } else if (event.path === BROKER_TOPICS_PATH && event.type === 'NodeChildrenChanged') {
      this.enqueue('TopicChange', (done) => this.processTopicChange(done));
    } else if (event.path === ISR_CHANGE_NOTIFICATION_PATH && event.type === 'NodeChildrenChanged') {
      this.enqueue('IsrChangeNotification', (done) => this.processIsrChangeNotification(done));
    } else if (event.path === DELETE_TOPICS_PATH && event.type === 'NodeChildrenChanged') {
      this.enqueue('TopicDeletion', (done) => this.processTopicDeletion(done));
    } else if (event.path.startsWith(`${BROKER_TOPICS_PATH}/`) && event.type === 'NodeDataChanged') {
      const topic = event.path.slice(BROKER_TOPICS_PATH.length + 1);
      this.enqueue('PartitionModifications', (done) => this.processTopic(topic, done));
    }
  }

  /** The ZooKeeper session expired (processExpire): resign at once, whatever is queued. */
  expire(): void {
    this.queue.length = 0;
    this.running = false;
    const wasActive = this.isActive;
    this.activeControllerId = -1;
    if (wasActive) this.onControllerResignation();
  }

  /** After a new session registered the broker again: maybe resign, then elect (RegisterBrokerAndReelect). */
  reelect(): void {
    this.enqueue('RegisterBrokerAndReelect', (done) => this.maybeResign(() => this.elect(done)));
  }

  /** An AlterPartitionReassignments request (kafka-reassign-partitions.sh --execute / --cancel). */
  handleAlterPartitionReassignments(from: string, request: AlterPartitionReassignmentsRequest): void {
    this.enqueue('ApiPartitionReassignment', (done) => this.processReassignments(from, request, done));
  }

  /** An AlterPartition request from a partition leader (queued like every controller event). */
  handleAlterPartition(from: string, request: AlterPartitionRequest): void {
    this.enqueue('AlterPartitionReceived', (done) => this.processAlterPartition(from, request, done));
  }

  private enqueue(name: string, run: (done: () => void) => void): void {
    this.queue.push({ name, run });
    if (!this.running) this.drain();
  }

  private drain(): void {
    const event = this.queue.shift();
    if (event === undefined) {
      this.running = false;
      return;
    }
    this.running = true;
    event.run(() => this.drain());
  }

  // ---- election --------------------------------------------------------------------------------

  /** KafkaController.elect: stop if someone is controller; else race for `/controller`. */
  private elect(done: () => void): void {
    this.zk.getControllerId((current) => {
      if (!current.ok) {
        done();
        return;
      }
      this.activeControllerId = current.controllerId;
      if (current.controllerId !== -1) {
        done();
        return;
      }
      this.zk.registerControllerAndIncrementControllerEpoch(this.brokerId, this.io.nowMs, (result) => {
        if (result.ok) {
          this.epoch = result.epoch;
          this.epochZkVersion = result.epochZkVersion;
          this.activeControllerId = this.brokerId;
          this.io.note(
            `${this.brokerId} successfully elected as the controller. Epoch incremented to ${result.epoch} and epoch zk version is now ${result.epochZkVersion}`,
          );
          this.io.onControllership(result.epoch);
          this.onControllerFailover(done);
        } else if (result.code === 'CONTROLLER_MOVED') this.maybeResign(done);
        else done();
      });
    });
  }

  /** KafkaController.maybeResign: re-read `/controller` (re-arming its watch); resign if it moved away. */
  private maybeResign(done: () => void): void {
    const wasActive = this.isActive;
    this.zk.getControllerId((current) => {
      if (current.ok) this.activeControllerId = current.controllerId;
      if (wasActive && !this.isActive) this.onControllerResignation();
      done();
    });
  }

  private onControllerResignation(): void {
    // ControllerContext.resetContext: nothing of this tenure may leak into a later one.
    this.channel.clear();
    this.liveBrokers = new Map();
    this.partitions.clear();
    this.topics.clear();
    this.reassignments.clear();
    this.topicConfigs.clear();
    this.topicIds.clear();
    this.epoch = 0;
    this.epochZkVersion = 0;
    this.io.note(`${this.brokerId} resigned as the controller`);
    this.io.onControllership(undefined);
  }

  /**
   * onControllerFailover: read live brokers, topics and every partition's state (watching them);
   * tell every broker who is live; re-send every replica its state and take dead brokers out of
   * ISRs (ReplicaStateMachine.startup); then elect leaders where there are none
   * (PartitionStateMachine.startup).
   */
  private onControllerFailover(done: () => void): void {
    this.zk.getBrokers((brokers) => {
      if (!brokers.ok) {
        done();
        return;
      }
      this.liveBrokers = brokers.brokers;
      this.zkc.getTopics((topics) => {
        inSequence(
          [...(topics ?? [])].sort(),
          (topic, next) => this.readTopic(topic, next),
          () => {
            this.sendUpdateMetadata([]);
            const batch = new RequestBatch();
            for (const p of this.partitions.values()) {
              if (p.leadership === undefined) continue;
              batch.addLeaderAndIsr(p.replicas.filter(this.isLive), p);
            }
            this.sendBatch(batch);
            this.offlineReplicas(this.deadReplicas(), () => {
              for (const p of this.partitions.values()) {
                if (p.leadership === undefined) p.state = 'NewPartition';
                else p.state = this.isLive(p.leadership.leader) ? 'OnlinePartition' : 'OfflinePartition';
              }
              this.triggerOnlinePartitionStateChange(() => {
                this.io.note(`Ready to serve as the new controller with epoch ${this.epoch}`);
                this.enqueue('TopicDeletion', (next) => this.processTopicDeletion(next));
                this.enqueue('IsrChangeNotification', (next) => this.processIsrChangeNotification(next));
                if (this.io.config['auto.leader.rebalance.enable']) {
                  this.io.schedule(FIRST_REBALANCE_CHECK_MS, {
                    kind: 'controller',
                    task: 'auto-leader-rebalance',
                    epoch: this.epoch,
                  });
                }
                done();
              });
            });
          },
        );
      });
    });
  }

  /** The topic's unclean.leader.election.enable: its override, else the broker's (LogConfig). */
  private uncleanLeaderElectionEnabled(topic: string): boolean {
    const override = this.topicConfigs.get(topic)?.['unclean.leader.election.enable'];
    return override === undefined ? this.io.config['unclean.leader.election.enable'] : override === 'true';
  }

  /** Reads a topic's assignment, its config, and its partitions' states into the context. */
  private readTopic(topic: string, done: () => void): void {
    this.zkc.getTopic(topic, (znode) => {
      if (znode === undefined) {
        done();
        return;
      }
      this.topics.add(topic);
      if (znode.topicId !== undefined) this.topicIds.set(topic, znode.topicId);
      this.zkc.getTopicConfig(topic, (config) => {
        this.topicConfigs.set(topic, config);
        this.readPartitions(topic, znode, done);
      });
    });
  }

  private readPartitions(topic: string, znode: TopicZNode, done: () => void): void {
    inSequence(
      [...znode.partitions],
      ([partition, replicas], next) => {
        const key = tpKey(topic, partition);
        const known = this.partitions.get(key);
        if (known !== undefined) {
          known.replicas = replicas;
          next();
          return;
        }
        this.zkc.getPartitionState(topic, partition, (stored) => {
          this.partitions.set(key, {
            topic,
            partition,
            replicas,
            leadership: stored === undefined ? undefined : { ...stored.state, zkVersion: stored.zkVersion },
            state: 'NewPartition',
          });
          next();
        });
      },
      done,
    );
  }

  // ---- brokers ---------------------------------------------------------------------------------

  /** processBrokerChange: who joined, who left, who came back with a new epoch (bounced). */
  private processBrokerChange(done: () => void): void {
    if (!this.isActive) {
      done();
      return;
    }
    this.zk.getBrokers((result) => {
      if (!result.ok || !this.isActive) {
        done();
        return;
      }
      const known = this.liveBrokers;
      const current = result.brokers;
      const added = [...current.keys()].filter((id) => !known.has(id));
      const dead = [...known.keys()].filter((id) => !current.has(id));
      const bounced = [...current.keys()].filter(
        (id) => known.has(id) && (current.get(id) as number) > (known.get(id) as number),
      );
      const list = (ids: number[]) => [...ids].sort((a, b) => a - b).join(',');
      this.io.note(
        `Newly added brokers: ${list(added)}, deleted brokers: ${list(dead)}, bounced brokers: ${list(bounced)}, all live brokers: ${list([...current.keys()])}`,
      );
      // Only new and bounced brokers get the epoch just read (controllerContext.liveBrokerIdAndEpochs):
      // one that registered again with a lower czxid (ZooKeeper restored from a backup hands zxids
      // out again) is no bounce, and keeps the epoch the controller knew.
      const next = new Map(
        [...current].map(([id, epoch]): [number, number] =>
          known.has(id) && !bounced.includes(id) ? [id, known.get(id) as number] : [id, epoch],
        ),
      );
      this.liveBrokers = new Map([...next].filter(([id]) => !bounced.includes(id)));
      // The dead and bounced brokers' request queues go (ControllerChannelManager.removeBroker).
      for (const id of [...dead, ...bounced]) this.channel.removeBroker(id);
      this.onBrokerFailure([...dead, ...bounced], () => {
        this.liveBrokers = next;
        this.onBrokerStartup([...added, ...bounced], done);
      });
    });
  }

  /**
   * onBrokerFailure → onReplicasBecomeOffline: partitions whose leader died go offline and get a
   * new leader where one can be elected; then every replica on the dead brokers leaves its ISR
   * (with no leader left where it led and no election succeeded).
   */
  private onBrokerFailure(dead: readonly number[], done: () => void): void {
    if (dead.length === 0) {
      done();
      return;
    }
    for (const p of this.partitions.values()) {
      if (p.leadership !== undefined && !this.isLive(p.leadership.leader)) p.state = 'OfflinePartition';
    }
    this.triggerOnlinePartitionStateChange(() => {
      const replicas = this.deadReplicas().filter(([, broker]) => dead.includes(broker));
      this.offlineReplicas(replicas, () => {
        if (replicas.length === 0) this.sendUpdateMetadata([]);
        done();
      });
    });
  }

  /** onBrokerStartup: tell everyone, give the new brokers their partitions' state, elect where needed. */
  private onBrokerStartup(added: readonly number[], done: () => void): void {
    if (added.length === 0) {
      done();
      return;
    }
    this.sendUpdateMetadata([...this.partitions.values()].filter((p) => p.leadership !== undefined));
    const batch = new RequestBatch();
    for (const p of this.partitions.values()) {
      const hosted = p.replicas.filter((b) => added.includes(b));
      if (p.leadership !== undefined && hosted.length > 0) batch.addLeaderAndIsr(hosted, p);
    }
    this.sendBatch(batch);
    this.triggerOnlinePartitionStateChange(done);
  }

  /** (partition, broker) pairs of replicas on brokers that are not live. */
  private deadReplicas(): [ControllerPartition, number][] {
    const out: [ControllerPartition, number][] = [];
    for (const p of this.partitions.values())
      for (const b of p.replicas) if (!this.isLive(b)) out.push([p, b]);
    return out;
  }

  /**
   * OfflineReplica for each (partition, broker): remove the broker from the ISR in ZooKeeper (the
   * leader becomes -1 if it led; the last member stays), leader epoch + 1, and tell the other replicas.
   */
  private offlineReplicas(replicas: readonly [ControllerPartition, number][], done: () => void): void {
    const batch = new RequestBatch();
    // Bound methods, not closures per call: they keep their optimized code (bench:churn).
    inSequence(replicas, this.offlineReplica.bind(this, batch), this.sendBatchThen.bind(this, batch, done));
  }

  private offlineReplica(
    batch: RequestBatch,
    [p, broker]: [ControllerPartition, number],
    next: () => void,
  ): void {
    const l = p.leadership;
    if (l === undefined) {
      batch.addUpdateMetadata(p);
      next();
      return;
    }
    const removed = removeReplicaFromIsr(l.leader, l.isr, broker);
    if (removed === undefined) {
      this.tellOtherReplicas(batch, p, broker);
      next();
      return;
    }
    this.writeLeadership(
      p,
      { ...removed, leaderEpoch: l.leaderEpoch + 1 },
      this.afterOfflineReplicaWritten.bind(this, batch, p, broker, next),
    );
  }

  private afterOfflineReplicaWritten(
    batch: RequestBatch,
    p: ControllerPartition,
    broker: number,
    next: () => void,
    ok: boolean,
  ): void {
    if (ok) this.tellOtherReplicas(batch, p, broker);
    next();
  }

  /** LeaderAndIsr to the partition's live replicas other than `broker`. */
  private tellOtherReplicas(batch: RequestBatch, p: ControllerPartition, broker: number): void {
    const others: number[] = [];
    for (const b of p.replicas) if (b !== broker && this.isLive(b)) others.push(b);
    batch.addLeaderAndIsr(others, p);
  }

  private sendBatchThen(batch: RequestBatch, done: () => void): void {
    this.sendBatch(batch);
    done();
  }

  // ---- partitions ------------------------------------------------------------------------------

  /**
   * Elects leaders for every New or Offline partition (PartitionStateMachine.triggerOnlinePartitionStateChange):
   * a new partition gets the first live replica as leader and all live replicas as ISR; an offline one
   * goes through the offline election, unclean only where the topic allows it.
   */
  private triggerOnlinePartitionStateChange(done: () => void): void {
    const batch = new RequestBatch();
    const candidates = [...this.partitions.values()].filter((p) => p.state !== 'OnlinePartition');
    inSequence(
      candidates,
      this.partitionOnline.bind(this, batch),
      this.sendBatchThen.bind(this, batch, done),
    );
  }

  private partitionOnline(batch: RequestBatch, p: ControllerPartition, next: () => void): void {
    if (p.leadership === undefined) this.initializeLeaderAndIsr(p, batch, next);
    else this.electLeader(p, batch, next);
  }

  /** initializeLeaderAndIsrForPartitions: epoch 0, leader = first live replica, ISR = the live replicas. */
  private initializeLeaderAndIsr(p: ControllerPartition, batch: RequestBatch, done: () => void): void {
    const live = p.replicas.filter(this.isLive);
    const leader = live[0];
    if (leader === undefined) {
      this.io.note(
        `Controller failed to initialize ${p.topic}-${p.partition}: No assigned replica is alive.`,
      );
      done();
      return;
    }
    const state: PartitionStateZNode = { leader, leaderEpoch: 0, isr: live, controllerEpoch: this.epoch };
    this.zkc.createPartitionState(p.topic, p.partition, state, this.epochZkVersion, (result) => {
      if (result === 'OK') {
        p.leadership = { ...state, zkVersion: 0 };
        p.state = 'OnlinePartition';
        batch.addLeaderAndIsr(live, p, true);
      } else if (result === 'CONTROLLER_MOVED') this.moved();
      done();
    });
  }

  /** The offline election for one partition, written conditionally; a version conflict re-reads and retries. */
  private electLeader(p: ControllerPartition, batch: RequestBatch, done: () => void): void {
    this.zkc.getPartitionState(p.topic, p.partition, (stored) => {
      if (stored === undefined || stored.state.controllerEpoch > this.epoch) {
        done();
        return;
      }
      p.leadership = { ...stored.state, zkVersion: stored.zkVersion };
      const result: ElectionResult | undefined = offlinePartitionLeaderElection(
        p.replicas,
        stored.state.isr,
        this.isLive,
        this.uncleanLeaderElectionEnabled(p.topic),
      );
      if (result === undefined) {
        this.io.note(
          `Failed to elect leader for partition ${p.topic}-${p.partition} under strategy OfflinePartitionLeaderElectionStrategy(false)`,
        );
        done();
        return;
      }
      const next = {
        leader: result.leader,
        leaderEpoch: stored.state.leaderEpoch + 1,
        isr: result.isr,
        ...(result.unclean ? { leaderRecoveryState: 1 as const } : {}),
      };
      this.writeLeadership(p, next, (ok, conflict) => {
        if (conflict) {
          this.electLeader(p, batch, done);
          return;
        }
        if (ok) {
          p.state = 'OnlinePartition';
          if (result.unclean)
            this.io.note(`Unclean leader election for ${p.topic}-${p.partition}: leader ${result.leader}`);
          batch.addLeaderAndIsr(p.replicas.filter(this.isLive), p);
        }
        done();
      });
    });
  }

  /**
   * Writes new leadership for `p` conditionally on its zkVersion, fenced by the controller epoch. A
   * write fenced out by a newer controller resigns, as a ControllerMovedException thrown out of an
   * event does (ControllerEventManager → maybeResign).
   */
  private writeLeadership(
    p: ControllerPartition,
    next: LeadershipChange,
    done: (ok: boolean, conflict: boolean) => void,
  ): void {
    if (p.leadership === undefined) {
      done(false, false);
      return;
    }
    this.writePartitionState(p, p.leadership.zkVersion, next, this.onLeadershipWritten.bind(this, done));
  }

  private onLeadershipWritten(
    done: (ok: boolean, conflict: boolean) => void,
    result: FencedWriteResult,
  ): void {
    if (result === 'CONTROLLER_MOVED') this.moved();
    done(result === 'OK', result === 'BADVERSION');
  }

  /** The fenced write itself; on success the cached leadership takes the new state and zkVersion. */
  private writePartitionState(
    p: ControllerPartition,
    zkVersion: number,
    next: LeadershipChange,
    done: (result: FencedWriteResult) => void,
  ): void {
    const state: PartitionStateZNode = { ...next, controllerEpoch: this.epoch };
    this.zkc.updatePartitionState(
      p.topic,
      p.partition,
      state,
      zkVersion,
      this.epochZkVersion,
      // A bound method, not a closure per write: it keeps its optimized code (bench:churn).
      this.onPartitionStateWritten.bind(this, p, state, done),
    );
  }

  private onPartitionStateWritten(
    p: ControllerPartition,
    state: PartitionStateZNode,
    done: (result: FencedWriteResult) => void,
    result: FencedWriteResult,
    version: number,
  ): void {
    if (result === 'OK') {
      p.leadership = { ...state, zkVersion: version };
      this.io.note(
        `${p.topic}-${p.partition}: leader ${state.leader}, leader epoch ${state.leaderEpoch}, ISR [${state.isr.join(',')}]`,
      );
    }
    done(result);
  }

  // ---- preferred leaders -------------------------------------------------------------------------

  /** The controller's scheduler fired. A task of an earlier tenure is dropped. */
  onTimer(tag: ControllerTimer): void {
    if (!this.isActive || tag.epoch !== this.epoch) return;
    if (tag.task === 'resend') {
      this.channel.retry(tag.broker);
      return;
    }
    this.enqueue('AutoPreferredReplicaLeaderElection', (done) =>
      this.checkAndTriggerAutoLeaderRebalance(() => {
        this.io.schedule(this.io.config['leader.imbalance.check.interval.seconds'] * 1000, tag);
        done();
      }),
    );
  }

  /**
   * A preferred replica election (kafka-leader-election.sh --election-type preferred, or
   * kafka-preferred-replica-election.sh): each partition whose preferred replica is live, in the
   * ISR and not leading gets it back as leader. All partitions when `partitions` is undefined.
   */
  electPreferredLeaders(
    partitions?: readonly { topic: string; partition: number }[],
    answer?: (results: ElectLeadersResponse['partitions']) => void,
  ): void {
    this.enqueue('ReplicaLeaderElection', (done) => {
      if (!this.isActive) {
        answer?.([]);
        done();
        return;
      }
      const requested = partitions ?? [...this.partitions.values()];
      const results: ElectLeadersResponse['partitions'][number][] = [];
      const candidates: ControllerPartition[] = [];
      for (const tp of requested) {
        const p = this.partitions.get(tpKey(tp.topic, tp.partition));
        const base = { topic: tp.topic, partition: tp.partition };
        if (p === undefined) {
          results.push({
            ...base,
            error: 'UNKNOWN_TOPIC_OR_PARTITION',
            errorMessage: 'The partition does not exist.',
          });
        } else if (p.leadership?.leader === p.replicas[0]) {
          results.push({
            ...base,
            error: 'ELECTION_NOT_NEEDED',
            errorMessage: 'Leader election not needed for topic partition.',
          });
        } else candidates.push(p);
      }
      this.electPreferred(candidates, (elected) => {
        for (const p of candidates) {
          const base = { topic: p.topic, partition: p.partition };
          if (elected.has(p)) results.push({ ...base, error: 'NONE' });
          else {
            results.push({
              ...base,
              error: 'PREFERRED_LEADER_NOT_AVAILABLE',
              errorMessage: `Failed to elect leader for partition ${p.topic}-${p.partition} under strategy PreferredReplicaPartitionLeaderElectionStrategy`,
            });
          }
        }
        answer?.(results);
        done();
      });
    });
  }

  /** An ElectLeaders request (kafka-leader-election.sh --election-type preferred). */
  handleElectLeaders(from: string, request: ElectLeadersRequest): void {
    const reply = (error: ErrorName, partitions: ElectLeadersResponse['partitions']) =>
      this.io.reply(from, {
        type: 'ElectLeadersResponse',
        correlationId: request.correlationId,
        error,
        partitions,
      });
    if (!this.isActive) reply('NOT_CONTROLLER', []);
    else this.electPreferredLeaders(request.partitions, (partitions) => reply('NONE', partitions));
  }

  /** checkAndTriggerAutoLeaderRebalance: per preferred broker, above leader.imbalance.per.broker.percentage. */
  private checkAndTriggerAutoLeaderRebalance(done: () => void): void {
    const candidates = autoRebalanceCandidates(
      [...this.partitions.values()].filter((p) => p.leadership !== undefined),
      (p) => ({ assignment: p.replicas, leader: p.leadership?.leader ?? -1, isr: p.leadership?.isr ?? [] }),
      this.isLive,
      this.io.config['leader.imbalance.per.broker.percentage'],
    );
    this.electPreferred(candidates, done);
  }

  /** PreferredReplicaPartitionLeaderElection for each partition; the ISR stays, the epoch goes up. */
  private electPreferred(
    partitions: readonly ControllerPartition[],
    done: (elected: ReadonlySet<ControllerPartition>) => void,
  ): void {
    const batch = new RequestBatch();
    const elected = new Set<ControllerPartition>();
    inSequence(
      partitions,
      (p, next) => {
        const l = p.leadership;
        const result =
          l === undefined
            ? undefined
            : preferredReplicaPartitionLeaderElection(p.replicas, l.isr, this.isLive);
        if (l === undefined || result === undefined) {
          next();
          return;
        }
        this.writeLeadership(
          p,
          { leader: result.leader, leaderEpoch: l.leaderEpoch + 1, isr: l.isr },
          (ok) => {
            if (ok) {
              elected.add(p);
              batch.addLeaderAndIsr(p.replicas.filter(this.isLive), p);
            }
            next();
          },
        );
      },
      () => {
        this.sendBatch(batch);
        done(elected);
      },
    );
  }

  /** A fenced write failed: another controller took over (ControllerMovedException → maybeResign). */
  private moved(): void {
    this.enqueue('ControllerMoved', (done) => this.maybeResign(done));
  }

  // ---- topics ----------------------------------------------------------------------------------

  /** processTopicChange: new topics' partitions are created (onNewPartitionCreation). */
  private processTopicChange(done: () => void): void {
    if (!this.isActive) {
      done();
      return;
    }
    this.zkc.getTopics((topics) => {
      const fresh = (topics ?? []).filter((t) => !this.topics.has(t)).sort();
      inSequence(fresh, (topic, next) => this.processTopic(topic, next), done);
    });
  }

  /** Reads a topic's assignment; partitions not yet known are created. */
  private processTopic(topic: string, done: () => void): void {
    if (!this.isActive) {
      done();
      return;
    }
    this.readTopic(topic, () => this.triggerOnlinePartitionStateChange(done));
  }

  // ---- ISR changes from leaders ------------------------------------------------------------------

  /** tryProcessAlterPartition (KafkaController at 3.8.0): validate against the cache, write, answer, tell everyone. */
  private processAlterPartition(from: string, request: AlterPartitionRequest, done: () => void): void {
    if (!this.isActive) {
      this.replyAlterPartition(from, request, { error: 'NOT_CONTROLLER', partitions: [] });
      done();
      return;
    }
    if (this.liveBrokers.get(request.brokerId) !== request.brokerEpoch) {
      this.replyAlterPartition(from, request, { error: 'STALE_BROKER_EPOCH', partitions: [] });
      done();
      return;
    }
    const progress: AlterPartitionProgress = {
      results: [],
      batch: new RequestBatch(),
      controllerMoved: false,
    };
    // Bound methods, not closures per request: they keep their optimized code (bench:churn).
    inSequence(
      request.partitions,
      this.alterPartition.bind(this, request, progress),
      this.alterPartitionsDone.bind(this, from, request, progress, done),
    );
  }

  private replyAlterPartition(
    from: string,
    request: AlterPartitionRequest,
    response: Omit<AlterPartitionResponse, 'type' | 'correlationId'>,
  ): void {
    this.io.reply(from, {
      type: 'AlterPartitionResponse',
      correlationId: request.correlationId,
      ...response,
    });
  }

  /** One partition of an AlterPartition: checked against the cache, then its new ISR written. */
  private alterPartition(
    request: AlterPartitionRequest,
    progress: AlterPartitionProgress,
    req: AlterPartitionRequest['partitions'][number],
    next: () => void,
  ): void {
    // Kafka writes the request's partitions in one batch: once a newer controller fenced a write,
    // none of the rest can succeed either.
    if (progress.controllerMoved) {
      next();
      return;
    }
    const p = this.partitions.get(tpKey(req.topic, req.partition));
    if (p?.leadership === undefined) {
      this.answerAlterPartition(progress.results, req, p, next, 'UNKNOWN_TOPIC_OR_PARTITION');
      return;
    }
    const l = p.leadership;
    const error = alterPartitionError(request, req, l, this.isLive);
    if (error !== undefined) {
      this.answerAlterPartition(progress.results, req, p, next, error);
      return;
    }
    // The leader epoch stays: only the ISR and the partition epoch change.
    this.writePartitionState(
      p,
      l.zkVersion,
      { leader: l.leader, leaderEpoch: l.leaderEpoch, isr: req.newIsr },
      this.afterIsrWritten.bind(this, progress, req, p, next),
    );
  }

  /**
   * KafkaZkClient.updateLeaderAndIsr: BADVERSION is INVALID_UPDATE_VERSION, any other ZooKeeper
   * error is the partition's UNKNOWN_SERVER_ERROR (Errors.forException), and a failed epoch check
   * throws ControllerMovedException, which fails the whole request (processAlterPartition).
   */
  private afterIsrWritten(
    progress: AlterPartitionProgress,
    req: AlterPartitionRequest['partitions'][number],
    p: ControllerPartition,
    next: () => void,
    result: FencedWriteResult,
  ): void {
    if (result === 'CONTROLLER_MOVED') {
      progress.controllerMoved = true;
      next();
      return;
    }
    if (result === 'OK') progress.batch.addUpdateMetadata(p);
    const error =
      result === 'OK' ? 'NONE' : result === 'BADVERSION' ? 'INVALID_UPDATE_VERSION' : 'UNKNOWN_SERVER_ERROR';
    this.answerAlterPartition(progress.results, req, p, next, error);
  }

  private answerAlterPartition(
    results: AlterPartitionResult[],
    req: AlterPartitionRequest['partitions'][number],
    p: ControllerPartition | undefined,
    next: () => void,
    error: AlterPartitionResult['error'],
  ): void {
    const l = error === 'NONE' ? p?.leadership : undefined;
    // A refused partition carries only its error: the other fields keep the message's defaults
    // (0 and []), as tryProcessAlterPartition builds a Left(error) PartitionData.
    results.push({
      topic: req.topic,
      partition: req.partition,
      error,
      leader: l?.leader ?? 0,
      leaderEpoch: l?.leaderEpoch ?? 0,
      isr: l?.isr ?? [],
      partitionEpoch: l?.zkVersion ?? 0,
    });
    next();
  }

  private alterPartitionsDone(
    from: string,
    request: AlterPartitionRequest,
    progress: AlterPartitionProgress,
    done: () => void,
  ): void {
    if (progress.controllerMoved) {
      // processAlterPartition catches the exception and answers UNKNOWN_SERVER_ERROR (the leader
      // retries in 50 ms); it does not resign: the /controller watch or the session's expiry does.
      this.io.note(`AlterPartition from broker ${request.brokerId} failed: the controller moved`);
      this.replyAlterPartition(from, request, { error: 'UNKNOWN_SERVER_ERROR', partitions: [] });
      done();
      return;
    }
    const { results, batch } = progress;
    this.replyAlterPartition(from, request, { error: 'NONE', partitions: results });
    this.sendUpdateMetadata([...batch.updateMetadata.values()]);
    // A follower joining the ISR may complete a reassignment (KafkaController, after AlterPartition).
    const reassigning = [...batch.updateMetadata.values()].filter((p) =>
      this.reassignments.has(tpKey(p.topic, p.partition)),
    );
    inSequence(reassigning, (p, next) => this.maybeCompleteReassignment(p, next), done);
  }

  // ---- ISR changes written by leaders (IBP < 2.7-IV2) -----------------------------------------------

  /**
   * processIsrChangeNotification (KafkaController at 3.8.0, the only path in 2.1): re-read the
   * named partitions' state, tell every broker, check reassignments, delete the notifications.
   */
  private processIsrChangeNotification(done: () => void): void {
    if (!this.isActive) {
      done();
      return;
    }
    this.zkc.getIsrChangeNotifications((children) => {
      const changed = new Map<string, ControllerPartition>();
      inSequence(
        [...children].sort(),
        (child, next) =>
          this.zkc.readIsrChangeNotification(child, (partitions) => {
            for (const tp of partitions) {
              const p = this.partitions.get(tpKey(tp.topic, tp.partition));
              if (p !== undefined) changed.set(tpKey(tp.topic, tp.partition), p);
            }
            next();
          }),
        () =>
          inSequence(
            [...changed.values()],
            (p, next) =>
              this.zkc.getPartitionState(p.topic, p.partition, (stored) => {
                if (stored !== undefined) p.leadership = { ...stored.state, zkVersion: stored.zkVersion };
                next();
              }),
            () => {
              this.sendUpdateMetadata([...changed.values()]);
              inSequence(
                [...changed.values()].filter((p) => this.reassignments.has(tpKey(p.topic, p.partition))),
                (p, next) => this.maybeCompleteReassignment(p, next),
                () =>
                  inSequence(
                    children,
                    (child, next) => this.zkc.deleteIsrChangeNotification(child, this.epochZkVersion, next),
                    done,
                  ),
              );
            },
          ),
      );
    });
  }

  // ---- topic deletion --------------------------------------------------------------------------------

  /**
   * TopicDeletionManager, reduced: for each topic under `/admin/delete_topics`, every replica is
   * stopped and deleted (StopReplica with deletePartition), brokers drop the partitions from their
   * metadata (UpdateMetadata with leader -2), and the topic's znodes go. Kafka waits for replicas
   * on dead brokers; here their logs are left behind.
   */
  private processTopicDeletion(done: () => void): void {
    if (!this.isActive) {
      done();
      return;
    }
    this.zkc.getTopicsToDelete((queued) => {
      const topics = queued.filter((t) => this.topics.has(t)).sort();
      inSequence(topics, (topic, next) => this.deleteTopic(topic, next), done);
    });
  }

  private deleteTopic(topic: string, done: () => void): void {
    const partitions = [...this.partitions.values()].filter((p) => p.topic === topic);
    for (const p of partitions) for (const b of p.replicas) this.sendStopReplica(b, p, true);
    const deleting = partitions.map((p) => ({
      ...p,
      leadership: p.leadership === undefined ? undefined : { ...p.leadership, leader: LEADER_DURING_DELETE },
    }));
    this.sendUpdateMetadata(deleting);
    this.zkc.deleteTopicZNodes(
      topic,
      partitions.map((p) => p.partition),
      () => {
        for (const p of partitions) this.partitions.delete(tpKey(topic, p.partition));
        this.topics.delete(topic);
        this.topicConfigs.delete(topic);
        this.topicIds.delete(topic);
        this.io.note(`Deletion of topic ${topic} successfully completed`);
        done();
      },
    );
  }

  // ---- reassignment (KIP-455) ---------------------------------------------------------------------

  private processReassignments(
    from: string,
    request: AlterPartitionReassignmentsRequest,
    done: () => void,
  ): void {
    const reply = (error: ErrorName, partitions: AlterPartitionReassignmentsResponse['partitions']) =>
      this.io.reply(from, {
        type: 'AlterPartitionReassignmentsResponse',
        correlationId: request.correlationId,
        error,
        partitions,
      });
    if (!this.isActive) {
      reply('NOT_CONTROLLER', []);
      done();
      return;
    }
    const results: AlterPartitionReassignmentsResponse['partitions'][number][] = [];
    inSequence(
      request.partitions,
      (req, next) => {
        const answer = (error: ErrorName, errorMessage?: string) => {
          results.push({
            topic: req.topic,
            partition: req.partition,
            error,
            ...(errorMessage === undefined ? {} : { errorMessage }),
          });
          next();
        };
        const key = tpKey(req.topic, req.partition);
        const p = this.partitions.get(key);
        if (p === undefined) return answer('UNKNOWN_TOPIC_OR_PARTITION', 'The partition does not exist.');
        const ongoing = this.reassignments.get(key);
        let target: readonly number[];
        if (req.replicas === null) {
          if (ongoing === undefined) return answer('NO_REASSIGNMENT_IN_PROGRESS');
          target = ongoing.origin; // cancelling is reassigning back to the original replicas
        } else {
          const invalid = validateReassignment(req.replicas, ongoing?.origin ?? p.replicas, this.liveBrokers);
          if (invalid !== undefined) return answer('INVALID_REPLICA_ASSIGNMENT', invalid);
          target = req.replicas;
        }
        this.onPartitionReassignment(p, target, () => answer('NONE'));
      },
      () => {
        reply('NONE', results);
        done();
      },
    );
  }

  /**
   * onPartitionReassignment: RS = target ++ ORS (distinct), AR = RS - ORS, RR = RS - target, written
   * to the topic znode (phase U); if the target is already in the ISR the move completes at once,
   * else the leader epoch goes up and the new replicas start to fetch (phase A).
   */
  private onPartitionReassignment(p: ControllerPartition, target: readonly number[], done: () => void): void {
    const key = tpKey(p.topic, p.partition);
    const origin = this.reassignments.get(key)?.origin ?? p.replicas;
    const replicas = [...new Set([...target, ...origin])];
    this.reassignments.set(key, { origin, target });
    p.replicas = replicas;
    this.writeTopicAssignment(p.topic, () => {
      this.zkc.getPartitionState(p.topic, p.partition, (stored) => {
        const l = p.leadership;
        if (stored !== undefined && l !== undefined)
          p.leadership = { ...stored.state, zkVersion: stored.zkVersion };
        if (this.isReassignmentComplete(p)) {
          this.completeReassignment(p, done);
          return;
        }
        const current = p.leadership;
        if (current === undefined) {
          done();
          return;
        }
        const adding = replicas.filter((b) => !origin.includes(b));
        this.writeLeadership(
          p,
          { leader: current.leader, leaderEpoch: current.leaderEpoch + 1, isr: current.isr },
          (ok) => {
            if (ok) {
              const batch = new RequestBatch();
              batch.addLeaderAndIsr(origin.filter(this.isLive), p);
              batch.addLeaderAndIsr(adding.filter(this.isLive), p, true);
              this.sendBatch(batch);
            }
            done();
          },
        );
      });
    });
  }

  private isReassignmentComplete(p: ControllerPartition): boolean {
    const r = this.reassignments.get(tpKey(p.topic, p.partition));
    const isr = p.leadership?.isr ?? [];
    return r?.target.every((b) => isr.includes(b)) === true;
  }

  private maybeCompleteReassignment(p: ControllerPartition, done: () => void): void {
    if (this.isReassignmentComplete(p)) this.completeReassignment(p, done);
    else done();
  }

  /**
   * Phase B: the target replicas are all in the ISR. Leadership moves if the leader is not a
   * target (or is dead), the removed replicas are stopped, taken out of the ISR and deleted, and
   * the topic znode keeps only the target.
   */
  private completeReassignment(p: ControllerPartition, done: () => void): void {
    const key = tpKey(p.topic, p.partition);
    const r = this.reassignments.get(key);
    const l = p.leadership;
    if (r === undefined || l === undefined) {
      done();
      return;
    }
    const removing = p.replicas.filter((b) => !r.target.includes(b));
    p.replicas = r.target;
    const moveLeader = !r.target.includes(l.leader) || !this.isLive(l.leader);
    const elected = moveLeader ? reassignPartitionLeaderElection(r.target, l.isr, this.isLive) : undefined;
    const leader = elected?.leader ?? l.leader;
    this.writeLeadership(p, { leader, leaderEpoch: l.leaderEpoch + 1, isr: l.isr }, (ok) => {
      if (ok) {
        const batch = new RequestBatch();
        batch.addLeaderAndIsr(r.target.filter(this.isLive), p);
        this.sendBatch(batch);
      }
      for (const b of removing) this.sendStopReplica(b, p, false);
      this.offlineReplicas(
        removing.map((b): [ControllerPartition, number] => [p, b]),
        () => {
          for (const b of removing) this.sendStopReplica(b, p, true);
          this.reassignments.delete(key);
          this.writeTopicAssignment(p.topic, () => {
            this.io.note(`${key}: reassignment to [${r.target.join(',')}] completed`);
            this.sendUpdateMetadata([p]);
            done();
          });
        },
      );
    });
  }

  /** Writes a topic's znode from the context: replicas, and adding/removing for ongoing reassignments. */
  private writeTopicAssignment(topic: string, done: () => void): void {
    const partitions = new Map<number, readonly number[]>();
    const addingReplicas = new Map<number, readonly number[]>();
    const removingReplicas = new Map<number, readonly number[]>();
    for (const p of [...this.partitions.values()]
      .filter((x) => x.topic === topic)
      .sort((a, b) => a.partition - b.partition)) {
      partitions.set(p.partition, p.replicas);
      const r = this.reassignments.get(tpKey(topic, p.partition));
      if (r !== undefined) {
        addingReplicas.set(
          p.partition,
          p.replicas.filter((b) => !r.origin.includes(b)),
        );
        removingReplicas.set(
          p.partition,
          p.replicas.filter((b) => !r.target.includes(b)),
        );
      }
    }
    const topicId = this.topicIds.get(topic);
    this.zkc.setTopicAssignment(
      topic,
      { partitions, addingReplicas, removingReplicas, ...(topicId === undefined ? {} : { topicId }) },
      this.epochZkVersion,
      (result) => {
        if (result === 'CONTROLLER_MOVED') this.moved();
        done();
      },
    );
  }

  private sendStopReplica(broker: number, p: ControllerPartition, deletePartition: boolean): void {
    if (!this.isLive(broker)) return;
    this.channel.send(broker, {
      type: 'StopReplica',
      correlationId: this.correlationId++,
      controllerId: this.brokerId,
      controllerEpoch: this.epoch,
      brokerEpoch: this.liveBrokers.get(broker) ?? -1,
      partitions: [
        {
          topic: p.topic,
          partition: p.partition,
          leaderEpoch: p.leadership?.leaderEpoch ?? -1,
          deletePartition,
        },
      ],
    });
  }

  // ---- sending ---------------------------------------------------------------------------------

  private sendBatch(batch: RequestBatch): void {
    for (const [broker, partitions] of [...batch.leaderAndIsr].sort((a, b) => a[0] - b[0])) {
      if (!this.isLive(broker)) continue;
      this.channel.send(broker, {
        type: 'LeaderAndIsr',
        correlationId: this.correlationId++,
        controllerId: this.brokerId,
        controllerEpoch: this.epoch,
        brokerEpoch: this.liveBrokers.get(broker) ?? -1,
        partitions,
      });
    }
    if (batch.updateMetadata.size > 0) this.sendUpdateMetadata([...batch.updateMetadata.values()]);
  }

  /** UpdateMetadata with these partitions (and the live brokers) to every live broker. */
  private sendUpdateMetadata(partitions: readonly ControllerPartition[]): void {
    const liveBrokers = [...this.liveBrokers.keys()].sort((a, b) => a - b);
    for (const id of liveBrokers) {
      const request: UpdateMetadataRequest = {
        type: 'UpdateMetadata',
        correlationId: this.correlationId++,
        controllerId: this.brokerId,
        controllerEpoch: this.epoch,
        brokerEpoch: this.liveBrokers.get(id) ?? -1,
        liveBrokers,
        partitions: partitions.map((p) => ({
          ...partitionStateData(p),
          offlineReplicas: p.replicas.filter((b) => !this.isLive(b)),
        })),
      };
      this.channel.send(id, request);
    }
  }
}

/** KafkaController.validateReplicas for an API reassignment; undefined when valid. */
function validateReassignment(
  replicas: readonly number[],
  origin: readonly number[],
  live: ReadonlyMap<number, number>,
): string | undefined {
  if (replicas.length === 0) return 'Empty replica list specified in partition reassignment.';
  if (new Set(replicas).size !== replicas.length) {
    return `Duplicate replica ids in partition reassignment replica list: ${replicas.join(', ')}`;
  }
  if (replicas.some((b) => b < 0)) return `Invalid broker id in replica list: ${replicas.join(', ')}`;
  const adding = replicas.filter((b) => !origin.includes(b));
  if (adding.some((b) => !live.has(b))) {
    const liveList = [...live.keys()].sort((a, b) => a - b);
    return `Replica assignment has brokers that are not alive. Replica list: ${adding.join(', ')}, live broker list: ${liveList.join(', ')}`;
  }
  return undefined;
}
