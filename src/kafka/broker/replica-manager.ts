import type { ClusterHistory, ReplicaEvent } from '../../history/cluster-history.js';
import type { Disk } from '../../sim/disk.js';
import type { TimerHandle } from '../../sim/process.js';
import { ms, type SimTime } from '../../sim/time.js';
import type { BrokerConfig, TruncationMode } from '../config.js';
import type { ErrorName } from '../errors.js';
import { alterPartitionVersion, isAlterPartitionSupported } from '../ibp.js';
import { NO_PRODUCER_ID, type ProducerRecord, type RecordBatch } from '../log/record.js';
import { ReplicaLog } from '../log/replica-log.js';
import { NO_LEADER, Partition } from '../partition.js';
import {
  type AlterPartitionResponse,
  EARLIEST_TIMESTAMP,
  type FetchPartition,
  type FetchRequest,
  type FetchResponse,
  type FetchResponsePartition,
  type KafkaMessage,
  LATEST_TIMESTAMP,
  type LeaderAndIsrRequest,
  type ListOffsetsRequest,
  type MetadataRequest,
  type PartitionStateData,
  type ProducePartition,
  type ProduceRequest,
  type ProduceResponse,
  type StopReplicaRequest,
  tpKey,
  type UpdateMetadataRequest,
} from '../protocol.js';
import { AlterPartitionManager, type IsrChangeManager } from './alter-partition-manager.js';
import { type BrokerIO, brokerIdOf, brokerName, type ReplicaManagerTimer } from './io.js';
import { ReplicaFetcher } from './replica-fetcher.js';
import { ISR_CHANGE_PROPAGATION_INTERVAL_MS, ZkIsrManager, type ZkIsrWriter } from './zk-isr-manager.js';

/** The HW checkpoint file of a broker (one log directory): partition → HW. */
export const HW_CHECKPOINT_FILE = 'replication-offset-checkpoint';

interface DelayedFetch {
  readonly id: number;
  readonly from: string;
  readonly request: FetchRequest;
  readonly timer: TimerHandle;
}

/** One partition's answer to a produce so far; `pending` until the HW passes requiredOffset. */
interface ProduceResult {
  topic: string;
  partition: number;
  error: ErrorName | 'pending';
  baseOffset: number;
  requiredOffset: number;
}

interface DelayedProduce {
  readonly id: number;
  /** Answers the producer (Produce) or the internal caller (appendToLocalLog) once nothing is pending. */
  readonly respond: (results: DelayedProduce['results']) => void;
  readonly timer: TimerHandle;
  /** Each partition's answer so far, one per partition, in request order. */
  readonly results: ProduceResult[];
}

type UpdateMetadataPartition = UpdateMetadataRequest['partitions'][number];

/** The records of an answer without any: shared, as answers are never changed once built. */
const NO_RECORDS: readonly RecordBatch[] = [];

/**
 * Pending requests by id, in the order they were parked (ids only grow): what a Map<number, T>
 * would do for the few that wait at once, without its iterators and rehashing.
 */
class ById<T extends { readonly id: number }> {
  /** The first `count` slots hold the entries; the array never shrinks, so parking reuses it. */
  private readonly items: (T | undefined)[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(item: T): void {
    this.items[this.count++] = item;
  }

  get(id: number): T | undefined {
    const items = this.items;
    for (let i = 0; i < this.count; i++) if ((items[i] as T).id === id) return items[i];
    return undefined;
  }

  delete(id: number): void {
    const items = this.items;
    const n = this.count;
    let i = 0;
    while (i < n && (items[i] as T).id !== id) i++;
    if (i === n) return;
    for (; i < n - 1; i++) items[i] = items[i + 1];
    items[n - 1] = undefined;
    this.count = n - 1;
  }

  /** A copy, for walking while entries come and go. */
  snapshot(): T[] {
    return this.items.slice(0, this.count) as T[];
  }
}

const NO_RESULTS: ProduceResult[] = [];

/** Adds a partition's answer; a partition named twice keeps its first place and its last answer (as a Map would). */
function addResult(results: ProduceResult[], result: ProduceResult): void {
  for (let i = 0; i < results.length; i++) {
    const r = results[i] as ProduceResult;
    if (r.topic === result.topic && r.partition === result.partition) {
      results[i] = result;
      return;
    }
  }
  results.push(result);
}

function hasResultFor(results: readonly ProduceResult[], topic: string, partition: number): boolean {
  for (let i = 0; i < results.length; i++) {
    const r = results[i] as ProduceResult;
    if (r.partition === partition && r.topic === topic) return true;
  }
  return false;
}

/** Whether a Fetch asks for this partition. */
function fetchesPartition(request: FetchRequest, topic: string, partition: number): boolean {
  const partitions = request.partitions;
  for (let i = 0; i < partitions.length; i++) {
    const p = partitions[i] as FetchPartition;
    if (p.partition === partition && p.topic === topic) return true;
  }
  return false;
}

/** A Fetch partition answered with an error and nothing else. */
function fetchError(p: FetchPartition, error: ErrorName): FetchResponsePartition {
  return {
    topic: p.topic,
    partition: p.partition,
    highWatermark: -1,
    logStartOffset: -1,
    records: NO_RECORDS,
    error,
  };
}

/** OFFSET_OUT_OF_RANGE, with the leader's log end. */
function outOfRange(
  p: FetchPartition,
  highWatermark: number,
  logStartOffset: number,
  logEndOffset: number,
): FetchResponsePartition {
  return {
    topic: p.topic,
    partition: p.partition,
    highWatermark,
    logStartOffset,
    records: NO_RECORDS,
    error: 'OFFSET_OUT_OF_RANGE',
    logEndOffset,
  };
}

/**
 * A broker's partitions and everything it does with them (ReplicaManager + the replication parts
 * of KafkaApis at 3.8.0): LeaderAndIsr, UpdateMetadata and StopReplica from the controller; Produce
 * with acks 0, 1 and all; Fetch from followers with its long poll; the follower fetchers; ISR
 * expiration every replica.lag.time.max.ms / 2; the HW checkpoint every
 * replica.high.watermark.checkpoint.interval.ms.
 */
export class ReplicaManager {
  readonly partitions = new Map<string, Partition>();
  /** The same partitions by topic and index: no "topic-N" string to build for a lookup. */
  private readonly byTopic = new Map<string, (Partition | undefined)[]>();
  /** Whether a broker is alive, for Partition.maybeIncrementLeaderHW: one closure, not one per call. */
  private readonly isAliveFn = (id: number): boolean => this.liveBrokers.has(id);
  /** replica.lag.time.max.ms in µs, read once. */
  private readonly maxLag: SimTime;
  controllerEpoch = 0;
  controllerId = -1;
  /** The broker epoch of this incarnation's registration (the czxid of /brokers/ids/<id>). */
  brokerEpoch = -1;
  private liveBrokers = new Set<number>();
  private readonly metadata = new Map<string, UpdateMetadataPartition>();
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  private readonly delayedFetches = new ById<DelayedFetch>();
  private readonly delayedProduces = new ById<DelayedProduce>();
  private readonly alterPartitions: IsrChangeManager;
  /** Set by the broker: how the leader writes ZooKeeper below IBP 2.7-IV2. */
  zkIsrWriter: ZkIsrWriter | undefined;
  /** The controller epoch of the LeaderAndIsr that made each local leader (kept in the state znode). */
  private readonly leaderControllerEpochs = new Map<string, number>();
  private readonly checkpointedHw: Record<string, number>;
  private nextId = 1;

  constructor(
    private readonly io: BrokerIO,
    private readonly disk: Disk,
    readonly brokerId: number,
    private readonly config: BrokerConfig,
    private readonly truncation: TruncationMode,
    private readonly history?: ClusterHistory,
  ) {
    this.maxLag = ms(config['replica.lag.time.max.ms']);
    this.checkpointedHw = { ...(disk.readFile<Record<string, number>>(HW_CHECKPOINT_FILE) ?? {}) };
    const committed = (p: Partition): void => {
      this.fact(p, { kind: 'isr', isr: p.isr, leaderEpoch: p.leaderEpoch });
      this.maybeIncrementHighWatermark(p);
    };
    this.alterPartitions = isAlterPartitionSupported(config['inter.broker.protocol.version'])
      ? new AlterPartitionManager(
          io,
          brokerId,
          alterPartitionVersion(config['inter.broker.protocol.version']),
          () => this.brokerEpoch,
          () => this.controllerId,
          () => this.nextId++,
          committed,
        )
      : new ZkIsrManager(
          io,
          () => this.zkIsrWriter,
          (p) => this.leaderControllerEpochs.get(tpKey(p.topic, p.partition)) ?? this.controllerEpoch,
          committed,
        );
  }

  /** Starts the periodic tasks (ReplicaManager.startup). */
  startup(): void {
    this.io.setTimer(ms(this.config['replica.lag.time.max.ms'] / 2), { kind: 'isr-expiration' });
    if (this.alterPartitions instanceof ZkIsrManager) {
      this.io.setTimer(ms(ISR_CHANGE_PROPAGATION_INTERVAL_MS), { kind: 'isr-change-propagation' });
    }
    this.io.setTimer(ms(this.config['replica.high.watermark.checkpoint.interval.ms']), {
      kind: 'hw-checkpoint',
    });
  }

  isAlive(brokerId: number): boolean {
    return this.liveBrokers.has(brokerId);
  }

  /** The local replica of a partition, if this broker has one. */
  partition(topic: string, partition: number): Partition | undefined {
    return this.byTopic.get(topic)?.[partition];
  }

  /** Topic config overrides, read from ZooKeeper when the broker first hosts a partition of the topic. */
  private readonly topicConfigs = new Map<string, Readonly<Record<string, string>>>();

  /**
   * Reads a topic's overrides (the broker sets it to a ZooKeeper read). Kafka reads them before it
   * creates the log; here the read is asynchronous, so the broker's defaults apply for the one
   * ZooKeeper round trip after a partition first arrives.
   */
  loadTopicConfig: (topic: string, done: (config: Readonly<Record<string, string>>) => void) => void = (
    _t,
    done,
  ) => done({});

  /** The topic's min.insync.replicas: its override, else the broker's (LogConfig). */
  minInsyncReplicas(topic: string): number {
    const override = this.topicConfigs.get(topic)?.['min.insync.replicas'];
    return override === undefined ? this.config['min.insync.replicas'] : Number(override);
  }

  /** Called after every accepted UpdateMetadata (the admin manager waits on it). */
  onMetadataUpdate: () => void = () => {};

  /**
   * Called when this broker becomes leader of a partition it did not lead, or a follower, or its
   * replica is deleted (RequestHandlerHelper.onLeadershipChange; the group coordinator's
   * onElection/onResignation). Leader epoch -1 or -2 on deletion means none.
   */
  onLeadershipChange: (topic: string, partition: number, isLeader: boolean, leaderEpoch: number) => void =
    () => {};

  /** The live brokers this broker knows of, by id. */
  aliveBrokers(): number[] {
    return [...this.liveBrokers].sort((a, b) => a - b);
  }

  /** The topics and partitions this broker's metadata cache knows of, from UpdateMetadata. */
  metadataPartitions(): readonly UpdateMetadataPartition[] {
    return [...this.metadata.values()];
  }

  // ---- from the controller ---------------------------------------------------------------------

  handleLeaderAndIsr(from: string, request: LeaderAndIsrRequest): void {
    const reply = (
      error: ErrorName,
      partitionErrors: { topic: string; partition: number; error: ErrorName }[],
    ) =>
      this.io.send(from, {
        type: 'LeaderAndIsrResponse',
        correlationId: request.correlationId,
        error,
        partitionErrors,
      });
    if (request.controllerEpoch < this.controllerEpoch) {
      reply('STALE_CONTROLLER_EPOCH', []);
      return;
    }
    this.controllerEpoch = request.controllerEpoch;
    this.controllerId = request.controllerId;
    const errors: { topic: string; partition: number; error: ErrorName }[] = [];
    for (const state of request.partitions) {
      if (!state.replicas.includes(this.brokerId)) {
        errors.push({ topic: state.topic, partition: state.partition, error: 'UNKNOWN_TOPIC_OR_PARTITION' });
        continue;
      }
      const partition = this.getOrCreatePartition(state.topic, state.partition);
      // ZooKeeper mode takes only a newer leader epoch (ReplicaManager.becomeLeaderOrFollower).
      if (state.leaderEpoch <= partition.leaderEpoch) {
        errors.push({ topic: state.topic, partition: state.partition, error: 'STALE_CONTROLLER_EPOCH' });
        continue;
      }
      if (state.leader === this.brokerId) {
        this.leaderControllerEpochs.set(tpKey(state.topic, state.partition), request.controllerEpoch);
        this.makeLeader(partition, state);
      } else this.makeFollower(partition, state);
      errors.push({ topic: state.topic, partition: state.partition, error: 'NONE' });
    }
    reply('NONE', errors);
  }

  handleUpdateMetadata(from: string, request: UpdateMetadataRequest): void {
    if (request.controllerEpoch < this.controllerEpoch) {
      this.io.send(from, {
        type: 'UpdateMetadataResponse',
        correlationId: request.correlationId,
        error: 'STALE_CONTROLLER_EPOCH',
      });
      return;
    }
    this.controllerEpoch = request.controllerEpoch;
    this.controllerId = request.controllerId;
    this.liveBrokers = new Set(request.liveBrokers);
    for (const p of request.partitions) {
      // Leader -2: the topic is being deleted (LeaderDuringDelete); the partition leaves the cache.
      if (p.leader === -2) this.metadata.delete(tpKey(p.topic, p.partition));
      else this.metadata.set(tpKey(p.topic, p.partition), p);
    }
    this.onMetadataUpdate();
    this.io.send(from, {
      type: 'UpdateMetadataResponse',
      correlationId: request.correlationId,
      error: 'NONE',
    });
  }

  handleStopReplica(from: string, request: StopReplicaRequest): void {
    if (request.controllerEpoch < this.controllerEpoch) {
      this.io.send(from, {
        type: 'StopReplicaResponse',
        correlationId: request.correlationId,
        error: 'STALE_CONTROLLER_EPOCH',
      });
      return;
    }
    this.controllerEpoch = request.controllerEpoch;
    for (const p of request.partitions) {
      const partition = this.partition(p.topic, p.partition);
      if (partition === undefined) continue;
      this.stopFetching(partition);
      if (p.deletePartition) {
        // The replica is gone from this broker: its log directory is deleted (LogManager.asyncDelete).
        const key = tpKey(p.topic, p.partition);
        this.partitions.delete(key);
        const ofTopic = this.byTopic.get(p.topic);
        if (ofTopic !== undefined) ofTopic[p.partition] = undefined;
        // KafkaApis.handleStopReplicaRequest: a deleted offsets partition resigns its coordinator.
        this.onLeadershipChange(p.topic, p.partition, false, p.leaderEpoch);
        this.disk.deleteLog(`${key}/log`);
        this.disk.deleteFile(`${key}/leader-epoch-checkpoint`);
        delete this.checkpointedHw[key];
        this.io.note(`${key}: replica deleted`);
      }
    }
    this.io.send(from, { type: 'StopReplicaResponse', correlationId: request.correlationId, error: 'NONE' });
  }

  handleMetadata(from: string, request: MetadataRequest): void {
    const wanted = request.topics === undefined ? undefined : new Set(request.topics);
    this.io.send(from, {
      type: 'MetadataResponse',
      correlationId: request.correlationId,
      controllerId: this.controllerId,
      brokers: [...this.liveBrokers].sort((a, b) => a - b),
      partitions: [...this.metadata.values()].filter((p) => wanted === undefined || wanted.has(p.topic)),
    });
  }

  handleAlterPartitionResponse(response: AlterPartitionResponse): void {
    this.alterPartitions.handleResponse(response);
  }

  // ---- leadership ------------------------------------------------------------------------------

  private makeLeader(partition: Partition, state: PartitionStateData): void {
    this.stopFetching(partition);
    const wasLeader = partition.isLeader;
    if (!partition.makeLeader(state, this.io.now)) return;
    // Partition.makeLeader reports a new leader only; KafkaApis then calls onLeadershipChange.
    if (!wasLeader) this.onLeadershipChange(partition.topic, partition.partition, true, state.leaderEpoch);
    this.fact(partition, {
      kind: 'become-leader',
      leaderEpoch: state.leaderEpoch,
      isr: state.isr,
      logEndOffset: partition.log.logEndOffset,
    });
    this.io.note(
      `${partition.topic}-${partition.partition}: leader in epoch ${state.leaderEpoch}, ISR [${state.isr.join(',')}], LEO ${partition.log.logEndOffset}, HW ${partition.log.highWatermark}`,
    );
    this.maybeIncrementHighWatermark(partition);
  }

  private makeFollower(partition: Partition, state: PartitionStateData): void {
    const previousLeader = partition.leader;
    const isNewEpoch = partition.makeFollower(state);
    if (isNewEpoch === undefined) return;
    this.fact(partition, { kind: 'become-follower', leader: state.leader, leaderEpoch: state.leaderEpoch });
    this.stopFetching(partition);
    this.completeDelayedProduces(partition); // acks=all waiting here now fail with NOT_LEADER_OR_FOLLOWER
    this.onLeadershipChange(partition.topic, partition.partition, false, state.leaderEpoch);
    const log = partition.log;
    if (this.truncation === 'high-watermark') {
      // Kafka before 0.11: a follower whose leader changed truncates to its high watermark.
      if (previousLeader !== state.leader)
        this.truncateTo(partition, log.highWatermark, 'high-watermark truncation');
    } else if (log.epochCache.isEmpty) {
      this.truncateTo(partition, log.highWatermark, 'no leader epochs: truncating to the high watermark');
    }
    this.io.note(
      `${partition.topic}-${partition.partition}: follower of broker ${state.leader} in epoch ${state.leaderEpoch}, LEO ${log.logEndOffset}, HW ${log.highWatermark}`,
    );
    if (state.leader === NO_LEADER) return;
    this.fetcherFor(state.leader).add(partition, log.logEndOffset);
  }

  private truncateTo(partition: Partition, offset: number, why: string): void {
    const removed = partition.log.truncateTo(offset);
    const count = removed.reduce((n, b) => n + b.records.length, 0);
    this.truncated(partition, count);
    if (count > 0)
      this.io.note(
        `${partition.topic}-${partition.partition}: truncated ${count} record(s) at ${offset} (${why})`,
      );
  }

  /** A truncation happened (here or in a fetcher): a fact, if it cut anything. */
  private truncated(partition: Partition, removed: number): void {
    if (removed > 0) this.fact(partition, { kind: 'truncate', to: partition.log.logEndOffset, removed });
  }

  /** Records a replica fact: the event's fields, then when, where and which partition. */
  private fact(partition: Partition, event: ReplicaEvent): void {
    const history = this.history;
    if (history === undefined) return;
    // One literal per kind, no spread: appends and HW moves happen for every produce.
    const time = this.io.now;
    const broker = this.brokerId;
    const topic = partition.topic;
    const index = partition.partition;
    switch (event.kind) {
      case 'append':
        history.record({
          kind: 'append',
          firstOffset: event.firstOffset,
          lastOffset: event.lastOffset,
          leaderEpoch: event.leaderEpoch,
          time,
          broker,
          topic,
          partition: index,
        });
        return;
      case 'high-watermark':
        history.record({
          kind: 'high-watermark',
          highWatermark: event.highWatermark,
          leaderEpoch: event.leaderEpoch,
          time,
          broker,
          topic,
          partition: index,
        });
        return;
      case 'become-leader':
        history.record({
          kind: 'become-leader',
          leaderEpoch: event.leaderEpoch,
          isr: event.isr,
          logEndOffset: event.logEndOffset,
          time,
          broker,
          topic,
          partition: index,
        });
        return;
      case 'become-follower':
        history.record({
          kind: 'become-follower',
          leader: event.leader,
          leaderEpoch: event.leaderEpoch,
          time,
          broker,
          topic,
          partition: index,
        });
        return;
      case 'truncate':
        history.record({
          kind: 'truncate',
          to: event.to,
          removed: event.removed,
          time,
          broker,
          topic,
          partition: index,
        });
        return;
      case 'isr':
        history.record({
          kind: 'isr',
          isr: event.isr,
          leaderEpoch: event.leaderEpoch,
          time,
          broker,
          topic,
          partition: index,
        });
        return;
    }
  }

  private fetcherFor(leader: number): ReplicaFetcher {
    let fetcher = this.fetchers.get(leader);
    if (fetcher === undefined) {
      fetcher = new ReplicaFetcher(
        leader,
        this.io,
        this.brokerId,
        this.config,
        this.truncation,
        () => this.nextId++,
        (p, removed) => this.truncated(p, removed),
      );
      this.fetchers.set(leader, fetcher);
    }
    return fetcher;
  }

  private stopFetching(partition: Partition): void {
    for (const [leader, fetcher] of this.fetchers) {
      fetcher.remove(partition);
      if (fetcher.isEmpty) {
        fetcher.close();
        this.fetchers.delete(leader);
      }
    }
  }

  private getOrCreatePartition(topic: string, partition: number): Partition {
    let p = this.partition(topic, partition);
    if (p === undefined) {
      const key = tpKey(topic, partition);
      p = new Partition(
        topic,
        partition,
        this.brokerId,
        new ReplicaLog(
          this.disk,
          key,
          this.checkpointedHw[key] ?? 0,
          this.config['log.flush.interval.messages'],
        ),
      );
      this.partitions.set(key, p);
      let ofTopic = this.byTopic.get(topic);
      if (ofTopic === undefined) {
        ofTopic = [];
        this.byTopic.set(topic, ofTopic);
      }
      ofTopic[partition] = p;
      if (!this.topicConfigs.has(topic)) {
        this.topicConfigs.set(topic, {});
        this.loadTopicConfig(topic, (config) => this.topicConfigs.set(topic, config));
      }
    }
    return p;
  }

  // ---- produce ---------------------------------------------------------------------------------

  handleProduce(from: string, request: ProduceRequest): void {
    let results: DelayedProduce['results'] = NO_RESULTS;
    const validAcks = request.acks === 0 || request.acks === 1 || request.acks === -1;
    let anyAppended = false;
    let anyError = false;
    for (const p of request.partitions) {
      const result: ProduceResult = {
        topic: p.topic,
        partition: p.partition,
        error: 'NONE',
        baseOffset: -1,
        requiredOffset: -1,
      };
      if (results === NO_RESULTS)
        results = [result]; // one partition is the usual case
      else addResult(results, result);
      if (!validAcks) result.error = 'INVALID_REQUIRED_ACKS';
      else if (this.appendToLeader(p, request.acks, result)) anyAppended = true;
      if (result.error !== 'NONE') anyError = true;
    }
    if (request.acks === 0) {
      if (anyError) this.io.disconnect(from); // acks=0 has no response: the broker closes the connection
      return;
    }
    if (request.acks === 1 || !anyAppended) {
      this.sendProduceResponse(from, request.correlationId, results);
      return;
    }
    this.awaitReplication(results, request.timeoutMs, (r) =>
      this.sendProduceResponse(from, request.correlationId, r),
    );
  }

  /**
   * One partition of a produce on its leader (ReplicaManager.appendToLocalLog): the leader and
   * min.insync.replicas checks, the append, the HW. Returns whether it appended.
   */
  private appendToLeader(p: ProducePartition, acks: number, result: ProduceResult): boolean {
    const partition = this.partition(p.topic, p.partition);
    if (partition === undefined || !partition.isLeader) result.error = 'NOT_LEADER_OR_FOLLOWER';
    else if (acks === -1 && partition.isUnderMinIsr(this.minInsyncReplicas(partition.topic))) {
      result.error = 'NOT_ENOUGH_REPLICAS'; // checked before the append: nothing is written
    } else {
      const appended = partition.log.appendAsLeader(
        p.records,
        partition.leaderEpoch,
        p.producerId === NO_PRODUCER_ID ? undefined : p,
      );
      if (!appended.ok) result.error = appended.error;
      else {
        result.baseOffset = appended.firstOffset;
        result.requiredOffset = appended.lastOffset + 1;
        if (!appended.duplicate) {
          this.fact(partition, {
            kind: 'append',
            firstOffset: appended.firstOffset,
            lastOffset: appended.lastOffset,
            leaderEpoch: partition.leaderEpoch,
          });
        }
        this.maybeIncrementHighWatermark(partition);
        this.wakeDelayedFetches(p.topic, p.partition);
        return true;
      }
    }
    return false;
  }

  /** acks=all: park the results in a DelayedProduce until the HW passes them or the timeout. */
  private awaitReplication(
    results: DelayedProduce['results'],
    timeoutMs: number,
    respond: DelayedProduce['respond'],
  ): void {
    for (const r of results) if (r.error === 'NONE') r.error = 'pending';
    const id = this.nextId++;
    const timer = this.io.setTimer(ms(timeoutMs), { kind: 'delayed-produce', id });
    const delayed: DelayedProduce = { id, respond, timer, results };
    this.delayedProduces.add(delayed);
    this.tryCompleteProduce(delayed);
  }

  /**
   * An append by the broker itself (the group coordinator's GroupMetadataManager.appendForGroup goes
   * through ReplicaManager.appendRecords with internal topics allowed): the same checks, append and
   * DelayedProduce as a Produce, answered through `done` with the partition's error and base offset.
   */
  appendToLocalLog(
    topic: string,
    partition: number,
    records: readonly ProducerRecord[],
    acks: number,
    timeoutMs: number,
    done: (error: ErrorName, baseOffset: number) => void,
  ): void {
    const result: ProduceResult = { topic, partition, error: 'NONE', baseOffset: -1, requiredOffset: -1 };
    const input = {
      topic,
      partition,
      records,
      producerId: NO_PRODUCER_ID,
      producerEpoch: -1,
      baseSequence: -1,
    };
    if (!this.appendToLeader(input, acks, result) || acks !== -1) {
      done(result.error === 'pending' ? 'REQUEST_TIMED_OUT' : result.error, result.baseOffset);
      return;
    }
    this.awaitReplication([result], timeoutMs, () =>
      done(result.error === 'pending' ? 'REQUEST_TIMED_OUT' : result.error, result.baseOffset),
    );
  }

  private tryCompleteProduce(delayed: DelayedProduce): void {
    const results = delayed.results;
    let pending = false;
    for (let i = 0; i < results.length; i++) {
      const r = results[i] as ProduceResult;
      if (r.error !== 'pending') continue;
      const partition = this.partition(r.topic, r.partition);
      if (partition === undefined) {
        r.error = 'NOT_LEADER_OR_FOLLOWER';
        continue;
      }
      const check = partition.checkEnoughReplicasReachOffset(
        r.requiredOffset,
        this.minInsyncReplicas(partition.topic),
      );
      if (check !== 'pending') r.error = check;
      else pending = true;
    }
    if (pending) return;
    this.io.cancelTimer(delayed.timer);
    this.delayedProduces.delete(delayed.id);
    delayed.respond(results);
  }

  private completeDelayedProduces(partition: Partition): void {
    if (this.delayedProduces.size === 0) return;
    const topic = partition.topic;
    const index = partition.partition;
    // A copy: answering one may start (appendToLocalLog) or end others.
    for (const delayed of this.delayedProduces.snapshot())
      if (hasResultFor(delayed.results, topic, index)) this.tryCompleteProduce(delayed);
  }

  private expireDelayedProduce(id: number): void {
    const delayed = this.delayedProduces.get(id);
    if (delayed === undefined) return;
    this.delayedProduces.delete(id);
    for (const r of delayed.results) if (r.error === 'pending') r.error = 'REQUEST_TIMED_OUT';
    delayed.respond(delayed.results);
  }

  private sendProduceResponse(to: string, correlationId: number, results: DelayedProduce['results']): void {
    const partitions: ProduceResponse['partitions'][number][] = [];
    for (let i = 0; i < results.length; i++) {
      const r = results[i] as ProduceResult;
      partitions.push({
        topic: r.topic,
        partition: r.partition,
        error: r.error === 'pending' ? 'REQUEST_TIMED_OUT' : r.error,
        baseOffset: r.baseOffset,
      });
    }
    this.io.send(to, { type: 'ProduceResponse', correlationId, partitions });
  }

  // ---- fetch (leader side) ---------------------------------------------------------------------

  handleFetch(from: string, request: FetchRequest): void {
    let respondNow = request.maxWaitMs <= 0;
    const asked = request.partitions;
    const partitions = new Array<FetchResponsePartition>(asked.length); // exactly the answers
    for (let i = 0; i < asked.length; i++) {
      const answer = this.readForFetch(request.replicaId, asked[i] as FetchPartition, true);
      if (answer.error !== 'NONE' || answer.records.length > 0 || answer.divergingEpoch !== undefined)
        respondNow = true;
      partitions[i] = answer;
    }
    if (respondNow) {
      this.io.send(from, { type: 'FetchResponse', correlationId: request.correlationId, partitions });
      return;
    }
    const id = this.nextId++;
    const timer = this.io.setTimer(ms(request.maxWaitMs), { kind: 'delayed-fetch', id });
    this.delayedFetches.add({ id, from, request, timer });
  }

  /**
   * One partition of a Fetch (Partition.fetchRecords / readRecords): check the epoch, check for a
   * diverging epoch, read; for a follower's first read, update its state, maybe expand the ISR and
   * advance the HW. The response carries the HW as it was before this fetch moved it.
   */
  private readForFetch(
    replicaId: number,
    p: FetchRequest['partitions'][number],
    firstRead: boolean,
  ): FetchResponsePartition {
    // Answers are built as whole literals: a spread of a shared base costs microseconds in V8.
    const partition = this.partition(p.topic, p.partition);
    if (partition === undefined || !partition.isLeader) return fetchError(p, 'NOT_LEADER_OR_FOLLOWER');
    // Partition.checkCurrentLeaderEpoch: -1 (NO_PARTITION_LEADER_EPOCH, an old client) skips the check.
    if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < partition.leaderEpoch)
      return fetchError(p, 'FENCED_LEADER_EPOCH');
    if (p.currentLeaderEpoch > partition.leaderEpoch) return fetchError(p, 'UNKNOWN_LEADER_EPOCH');
    if (replicaId >= 0 && !partition.replicas.includes(replicaId))
      return fetchError(p, 'NOT_LEADER_OR_FOLLOWER');
    const log = partition.log;
    const highWatermark = log.highWatermark;
    const leaderEnd = log.logEndOffset;
    const logStartOffset = log.logStartOffset;
    if (p.lastFetchedEpoch >= 0) {
      const { epoch, endOffset } = log.epochCache.endOffsetFor(p.lastFetchedEpoch, leaderEnd);
      if (endOffset < 0) return outOfRange(p, highWatermark, logStartOffset, leaderEnd);
      if (epoch < p.lastFetchedEpoch || endOffset < p.fetchOffset) {
        // No state update.
        return {
          topic: p.topic,
          partition: p.partition,
          highWatermark,
          logStartOffset,
          records: NO_RECORDS,
          error: 'NONE',
          divergingEpoch: { epoch, endOffset },
        };
      }
    }
    const read = log.read(p.fetchOffset);
    if (read === undefined) return outOfRange(p, highWatermark, logStartOffset, leaderEnd);
    // A consumer (replica id < 0, read_uncommitted) reads only below the HW (FetchIsolation.HIGH_WATERMARK).
    // A batch that straddles the HW is left out whole: LogSegment.read stops at the position of the
    // batch holding the HW offset. A consumer never touches follower state.
    const records = replicaId >= 0 ? read : read.filter((b) => b.lastOffset < highWatermark);
    if (firstRead && replicaId >= 0) {
      partition.updateFollowerFetchState(replicaId, p.fetchOffset, leaderEnd, this.io.now);
      if (partition.maybeExpandIsr(replicaId, this.isAlive(replicaId)) !== undefined) {
        this.io.note(
          `${p.topic}-${p.partition}: broker ${replicaId} caught up; proposing ISR [${partition.maximalIsr.join(',')}]`,
        );
        this.alterPartitions.submit(partition);
      }
      this.maybeIncrementHighWatermark(partition);
    }
    return {
      topic: p.topic,
      partition: p.partition,
      highWatermark,
      logStartOffset,
      records,
      error: 'NONE',
    };
  }

  private wakeDelayedFetches(topic: string, partition: number): void {
    if (this.delayedFetches.size === 0) return;
    // A copy: completing one may park or complete others.
    for (const delayed of this.delayedFetches.snapshot()) {
      if (!fetchesPartition(delayed.request, topic, partition)) continue;
      // A consumer's fetch waits for data below the HW (DelayedFetch.tryComplete with the HW as end
      // offset): an append the HW has not passed yet does not complete it.
      if (delayed.request.replicaId < 0 && !this.consumerFetchReady(delayed.request)) continue;
      this.completeDelayedFetch(delayed.id);
    }
  }

  /** Whether a parked consumer fetch has something to answer: records below the HW, or an error. */
  private consumerFetchReady(request: FetchRequest): boolean {
    return request.partitions.some((p) => {
      const answer = this.readForFetch(request.replicaId, p, false);
      return answer.error !== 'NONE' || answer.records.length > 0;
    });
  }

  private completeDelayedFetch(id: number): void {
    const delayed = this.delayedFetches.get(id);
    if (delayed === undefined) return;
    this.delayedFetches.delete(id);
    this.io.cancelTimer(delayed.timer);
    const partitions = delayed.request.partitions.map((p) =>
      this.readForFetch(delayed.request.replicaId, p, false),
    );
    const response: FetchResponse = {
      type: 'FetchResponse',
      correlationId: delayed.request.correlationId,
      partitions,
    };
    this.io.send(delayed.from, response);
  }

  // ---- list offsets (consumers) ----------------------------------------------------------------

  /**
   * ListOffsets from a consumer (KafkaApis.handleListOffsetRequest, Partition.fetchOffsetForTimestamp
   * with isolation read_uncommitted): EARLIEST → the log start offset, LATEST → the high watermark.
   * Only the leader answers; a currentLeaderEpoch of -1 skips the epoch check.
   */
  handleListOffsets(from: string, request: ListOffsetsRequest): void {
    const partitions = request.partitions.map((p) => {
      // Whole literals, no spreads (a spread of a shared base costs microseconds in V8).
      const answer = (error: ErrorName, offset: number, leaderEpoch: number) => ({
        topic: p.topic,
        partition: p.partition,
        offset,
        leaderEpoch,
        error,
      });
      const partition = this.partition(p.topic, p.partition);
      if (partition === undefined || !partition.isLeader) return answer('NOT_LEADER_OR_FOLLOWER', -1, -1);
      if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < partition.leaderEpoch)
        return answer('FENCED_LEADER_EPOCH', -1, -1);
      if (p.currentLeaderEpoch > partition.leaderEpoch) return answer('UNKNOWN_LEADER_EPOCH', -1, -1);
      const log = partition.log;
      if (p.timestamp === EARLIEST_TIMESTAMP) {
        const offset = log.logStartOffset;
        const leaderEpoch = log.batchAt(offset)?.partitionLeaderEpoch ?? partition.leaderEpoch;
        return answer('NONE', offset, leaderEpoch);
      }
      if (p.timestamp === LATEST_TIMESTAMP) return answer('NONE', log.highWatermark, partition.leaderEpoch);
      return answer('INVALID_REQUEST', -1, -1); // timestamp lookups are not modelled
    });
    this.io.send(from, { type: 'ListOffsetsResponse', correlationId: request.correlationId, partitions });
  }

  // ---- high watermark and ISR ------------------------------------------------------------------

  private maybeIncrementHighWatermark(partition: Partition): void {
    const moved = partition.maybeIncrementLeaderHW(
      this.io.now,
      this.maxLag,
      this.minInsyncReplicas(partition.topic),
      this.isAliveFn,
    );
    // A higher HW completes acks=all produces and fetches waiting on it (tryCompleteDelayedRequests).
    if (moved) {
      this.fact(partition, {
        kind: 'high-watermark',
        highWatermark: partition.log.highWatermark,
        leaderEpoch: partition.leaderEpoch,
      });
      this.completeDelayedProduces(partition);
      this.wakeDelayedFetches(partition.topic, partition.partition);
    }
  }

  private expireIsr(): void {
    const maxLag = ms(this.config['replica.lag.time.max.ms']);
    for (const partition of this.partitions.values()) {
      const proposed = partition.maybeShrinkIsr(this.io.now, maxLag);
      if (proposed === undefined) continue;
      this.io.note(`${partition.topic}-${partition.partition}: shrinking ISR to [${proposed.join(',')}]`);
      this.alterPartitions.submit(partition);
    }
    this.io.setTimer(maxLag / 2, { kind: 'isr-expiration' });
  }

  private checkpointHighWatermarks(): void {
    for (const [key, p] of this.partitions) this.checkpointedHw[key] = p.log.highWatermark;
    this.disk.writeFile(HW_CHECKPOINT_FILE, { ...this.checkpointedHw });
    this.io.setTimer(ms(this.config['replica.high.watermark.checkpoint.interval.ms']), {
      kind: 'hw-checkpoint',
    });
  }

  // ---- plumbing --------------------------------------------------------------------------------

  /** Handles the replication requests and responses (KafkaApis); returns false for anything else. */
  handleMessage(from: string, message: KafkaMessage): boolean {
    switch (message.type) {
      // the frequent ones first
      case 'Fetch':
        this.handleFetch(from, message);
        return true;
      case 'FetchResponse':
        this.handleFetchResponse(from, message);
        return true;
      case 'Produce':
        this.handleProduce(from, message);
        return true;
      case 'LeaderAndIsr':
        this.handleLeaderAndIsr(from, message);
        return true;
      case 'UpdateMetadata':
        this.handleUpdateMetadata(from, message);
        return true;
      case 'StopReplica':
        this.handleStopReplica(from, message);
        return true;
      case 'AlterPartitionResponse':
        this.handleAlterPartitionResponse(message);
        return true;
      case 'Metadata':
        this.handleMetadata(from, message);
        return true;
      case 'ListOffsets':
        this.handleListOffsets(from, message);
        return true;
      default:
        return false;
    }
  }

  handleFetchResponse(from: string, response: FetchResponse): void {
    const leader = brokerIdOf(from);
    if (leader !== undefined) this.fetchers.get(leader)?.handleResponse(response);
  }

  handleTimer(tag: ReplicaManagerTimer): void {
    switch (tag.kind) {
      case 'isr-expiration':
        this.expireIsr();
        return;
      case 'hw-checkpoint':
        this.checkpointHighWatermarks();
        return;
      case 'fetch-backoff':
        this.fetchers.get(tag.leader)?.backoffElapsed();
        return;
      case 'fetch-timeout':
        this.io.disconnect(brokerName(tag.leader)); // NetworkClient gives up on the request and the connection
        this.fetchers.get(tag.leader)?.handleFailure(tag.correlationId);
        return;
      case 'delayed-fetch':
        this.completeDelayedFetch(tag.id);
        return;
      case 'delayed-produce':
        this.expireDelayedProduce(tag.id);
        return;
      case 'alter-partition-retry':
        this.alterPartitions.retry();
        return;
      case 'isr-change-propagation':
        if (this.alterPartitions instanceof ZkIsrManager) this.alterPartitions.propagate();
        this.io.setTimer(ms(ISR_CHANGE_PROPAGATION_INTERVAL_MS), tag);
        return;
    }
  }

  handleDisconnect(peer: string): void {
    const id = brokerIdOf(peer);
    if (id === undefined) return;
    this.fetchers.get(id)?.handleFailure();
    this.alterPartitions.handleDisconnect(id);
  }
}
