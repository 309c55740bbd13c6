import type { ClientHistory } from '../../history/client-history.js';
import { brokerIdOf, brokerName } from '../../kafka/broker/io.js';
import { type ErrorName, RETRIABLE_ERRORS } from '../../kafka/errors.js';
import { NO_PRODUCER_ID, NO_SEQUENCE, type ProducerRecord } from '../../kafka/log/record.js';
import type {
  KafkaMessage,
  MetadataResponse,
  ProducePartition,
  ProduceResponse,
} from '../../kafka/protocol.js';
import type { ProcessContext, TimerHandle } from '../../sim/process.js';
import type { Rng } from '../../sim/rng.js';
import type { SimTime } from '../../sim/time.js';
import { partitionForKey } from '../murmur2.js';
import { RecordAccumulator } from './accumulator.js';
import type { BatchedRecord, ProducerBatch } from './batch.js';
import {
  type ProducerConfig,
  type ResolvedProducerConfig,
  resolveProducerConfig,
  retryBackoffMs,
} from './config.js';
import { RoundRobinPartitioner, StickyPartitioner } from './partitioners.js';
import { estimateSizeUpperBound, utf8Length } from './record-size.js';
import { TransactionManager } from './transaction-manager.js';
import { type ProducerWorkload, workloadApplication } from './workload.js';

const ms = (value: number): SimTime => value * 1000;

/** What the application hands to `send` (ProducerRecord). */
export interface SendRequest {
  readonly topic: string;
  readonly key: string | null;
  readonly value: string;
  /** An explicit partition wins over the partitioner. */
  readonly partition?: number;
  /** The value's size on the wire, when a workload pads it (default: its UTF-8 length). */
  readonly valueBytes?: number;
}

/** The producer's timers: the sender's next iteration and the application's next send. */
export type ProducerTimer =
  | { readonly kind: 'producer-sender' }
  | { readonly kind: 'producer-app' }
  | { readonly kind: 'producer-deadline' };

const SENDER_TIMER: ProducerTimer = { kind: 'producer-sender' };
const DEADLINE_TIMER: ProducerTimer = { kind: 'producer-deadline' };
export const PRODUCER_APP_TIMER: ProducerTimer = { kind: 'producer-app' };

/** The application on top of a producer: it calls `send` from `onStart` and its own timers. */
export interface ProducerApplication {
  onStart(producer: KafkaProducer): void;
  /** The `producer-app` timer fired (set with `producer.schedule`). */
  onTimer(producer: KafkaProducer): void;
}

export interface ProducerOptions {
  /** Bootstrap brokers (bootstrap.servers), by broker id. */
  readonly bootstrap: readonly number[];
  readonly config?: Partial<ProducerConfig>;
  readonly history?: ClientHistory;
  /** What the application does: a workload (see workload.ts) or any ProducerApplication. */
  readonly application?: ProducerApplication;
  readonly workload?: ProducerWorkload;
}

/** A send the application thread is blocked on: metadata for its topic, or buffer memory. */
interface BlockedSend {
  readonly request: SendRequest;
  readonly op: number;
  readonly deadline: SimTime;
  readonly reason: 'metadata' | 'memory';
}

interface InFlightRequest {
  readonly correlationId: number;
  readonly node: number;
  readonly sentAt: SimTime;
  readonly kind: 'produce' | 'metadata' | 'init-producer-id';
  readonly batches: readonly ProducerBatch[];
}

const NO_BATCHES: readonly ProducerBatch[] = [];

/** InvalidMetadataException subclasses: the producer refreshes its metadata after them (Sender.completeBatch). */
const INVALID_METADATA = new Set<string>([
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'NETWORK_EXCEPTION',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
]);

/** Failed attempts after which the records may still have been appended (the outcome is unknown). */
const MAYBE_APPENDED = new Set<string>([
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
]);

/**
 * Kafka's Java producer (KafkaProducer, RecordAccumulator, Sender, TransactionManager at 3.8.0) as
 * a simulated process: `send` partitions a record and appends it to a batch; the sender drains
 * ready batches into one ProduceRequest per leader, up to max.in.flight.requests.per.connection,
 * retries retriable failures with backoff until delivery.timeout.ms, and with idempotence numbers
 * each partition's batches so the broker drops duplicates. Every send is recorded in the client
 * history as invoke, then ok, fail or info.
 */
export class KafkaProducer {
  readonly config: ResolvedProducerConfig;
  readonly clientId: string;
  private readonly accumulator: RecordAccumulator;
  private readonly transactions: TransactionManager | undefined;
  private readonly sticky: StickyPartitioner;
  private readonly roundRobin = new RoundRobinPartitioner();
  /** Leader and epoch per partition, and partition counts, from the last Metadata answers. */
  private readonly leaders = new Map<string, { leader: number; leaderEpoch: number }>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly partitionsByNode = new Map<number, string[]>();
  private knownBrokers: number[];
  private readonly topics = new Set<string>();
  private metadataWanted = true;
  private metadataRefreshedAt: SimTime = Number.NEGATIVE_INFINITY;
  private metadataRetryAt: SimTime = 0;
  private metadataAttempts = 0;
  /** Requests awaiting an answer, in the order they went (correlation ids only grow). */
  private readonly inFlight: InFlightRequest[] = [];
  private readonly inFlightPerNode = new Map<number, number>();
  private readonly disconnectedAt = new Map<number, SimTime>();
  private nextCorrelationId = 0;
  private initAttempts = 0;
  private initRetryAt: SimTime = 0;
  private readonly blocked: BlockedSend[] = [];
  private senderTimer: TimerHandle | undefined;
  private senderAt = Number.POSITIVE_INFINITY;
  private deadlineTimer: TimerHandle | undefined;
  private readonly jitter: Rng;
  private closed = false;
  /** Partitions of a topic with a known leader, until the next Metadata answer changes them. */
  private readonly availableCache = new Map<string, number[]>();
  /** Config the sender reads on every iteration, taken once (µs where a time). */
  private readonly maxBlock: SimTime;
  private readonly linger: SimTime;
  private readonly requestTimeout: SimTime;
  private readonly deliveryTimeout: SimTime;
  private readonly maxInFlight: number;

  constructor(
    private readonly ctx: ProcessContext<KafkaMessage, ProducerTimer>,
    private readonly options: ProducerOptions,
  ) {
    this.config = resolveProducerConfig(options.config);
    this.clientId = this.config['client.id'] === '' ? ctx.name : this.config['client.id'];
    this.accumulator = new RecordAccumulator(this.config);
    this.transactions = this.config.idempotent ? new TransactionManager() : undefined;
    this.sticky = new StickyPartitioner(this.config['batch.size'], ctx.rng.fork('partitioner'));
    this.jitter = ctx.rng.fork('backoff');
    this.knownBrokers = [...options.bootstrap];
    this.maxBlock = ms(this.config['max.block.ms']);
    this.linger = ms(this.config['linger.ms']);
    this.requestTimeout = ms(this.config['request.timeout.ms']);
    this.deliveryTimeout = ms(this.config['delivery.timeout.ms']);
    this.maxInFlight = this.config['max.in.flight.requests.per.connection'];
    for (const note of this.config.notes) ctx.note(`${this.clientId}: ${note}`);
  }

  get now(): SimTime {
    return this.ctx.now;
  }

  get processName(): string {
    return this.ctx.name;
  }

  /** The application's own timer: `onTimer` of the application runs after `delay` µs. */
  schedule(delay: SimTime): void {
    this.ctx.setTimer(delay, PRODUCER_APP_TIMER);
  }

  /** Whether the application thread is blocked in `send` (metadata or buffer memory). */
  get isBlocked(): boolean {
    return this.blocked.length > 0;
  }

  /** Records not yet completed, queued or in flight. */
  get pendingBatches(): number {
    let n = 0;
    for (const deque of this.accumulator.deques.values()) n += deque.length;
    for (const request of this.inFlight) n += request.batches.length;
    return n;
  }

  /** The producer id and epoch in use (-1 without idempotence or before InitProducerId). */
  get producerIdAndEpoch(): { producerId: number; epoch: number } {
    return {
      producerId: this.transactions?.producerId ?? NO_PRODUCER_ID,
      epoch: this.transactions?.producerEpoch ?? -1,
    };
  }

  /**
   * KafkaProducer.send: records the invoke, then partitions and appends the record. It returns at
   * once; the outcome goes to the history. Returns the operation id.
   */
  send(request: SendRequest): number {
    const op =
      this.options.history?.invoke('send', this.ctx.name, this.ctx.now, {
        record: { topic: request.topic, key: request.key, value: request.value },
      }) ?? -1;
    if (this.closed) {
      this.fail(op, request, 'KafkaException', 'fail', undefined);
      return op;
    }
    this.topics.add(request.topic);
    if (this.blocked.length > 0) {
      // The application thread is blocked in an earlier send; this one waits behind it.
      this.block(request, op, this.blocked[0]?.reason ?? 'memory');
      return op;
    }
    this.dispatch(request, op, this.ctx.now + this.maxBlock);
    return op;
  }

  /** Stops the application's sends (close): what is queued still completes. */
  close(): void {
    this.closed = true;
  }

  // ---- the application thread's half of send (doSend) ------------------------------------------

  private dispatch(request: SendRequest, op: number, deadline: SimTime): boolean {
    const count = this.partitionCounts.get(request.topic);
    if (count === undefined || (request.partition !== undefined && request.partition >= count)) {
      this.metadataWanted = true;
      this.blocked.push({ request, op, deadline, reason: 'metadata' });
      this.armDeadline();
      this.wakeSender(this.ctx.now);
      return false;
    }
    const keyBytes = request.key === null ? null : utf8Length(request.key);
    const valueBytes = request.valueBytes ?? utf8Length(request.value);
    const size = estimateSizeUpperBound(keyBytes, valueBytes);
    if (size > this.config['max.request.size'] || size > this.config['buffer.memory']) {
      const limit = size > this.config['max.request.size'] ? 'max.request.size' : 'buffer.memory';
      this.ctx.note(
        `${this.clientId}: RecordTooLargeException: The message is ${size} bytes when serialized which is larger than ${this.config[limit]}, which is the value of the ${limit} configuration.`,
      );
      this.fail(op, request, 'RecordTooLargeException', 'fail', undefined);
      return true;
    }
    const record: BatchedRecord = {
      record: { key: request.key, value: request.value, timestamp: this.ctx.now / 1000 },
      keyBytes,
      valueBytes,
      op,
    };
    const partition = this.choosePartition(request, record, count);
    if (
      !this.accumulator.hasOpenBatchFor(request.topic, partition, record) &&
      this.accumulator.freeMemory < this.accumulator.bufferFor(record)
    ) {
      this.blocked.push({ request, op, deadline, reason: 'memory' });
      this.armDeadline();
      this.wakeSender(this.ctx.now); // memory is exhausted: everything with data is sendable
      return false;
    }
    const appended = this.accumulator.append(request.topic, partition, record, this.ctx.now);
    const stickyChoice =
      request.partition === undefined &&
      this.config['partitioner.class'] === null &&
      (request.key === null || this.config['partitioner.ignore.keys']);
    if (stickyChoice)
      this.sticky.onAppend(appended.bytes, appended.lastIsFull, this.available(request.topic), count);
    this.wakeSender(appended.batchIsFull || appended.newBatch ? this.ctx.now : this.ctx.now + this.linger);
    return true;
  }

  /**
   * An explicit partition wins; a keyed record goes to toPositive(murmur2(key)) % partitions;
   * otherwise the built-in sticky partitioner, or RoundRobinPartitioner, asked twice when its first
   * choice has no open batch (KafkaProducer.doSend with abortOnNewBatch: KAFKA-9965).
   */
  private choosePartition(request: SendRequest, record: BatchedRecord, count: number): number {
    if (request.partition !== undefined) return request.partition;
    const available = this.available(request.topic);
    if (this.config['partitioner.class'] !== null) {
      const first = this.roundRobin.partition(request.topic, available, count);
      if (this.accumulator.hasOpenBatchFor(request.topic, first, record)) return first;
      return this.roundRobin.partition(request.topic, available, count);
    }
    if (request.key !== null && !this.config['partitioner.ignore.keys'])
      return partitionForKey(request.key, count);
    return this.sticky.partition(available, count);
  }

  /** Partitions of `topic` with a known leader (kept until metadata changes; callers only read it). */
  private available(topic: string): number[] {
    let out = this.availableCache.get(topic);
    if (out === undefined) {
      const count = this.partitionCounts.get(topic) ?? 0;
      out = [];
      for (let p = 0; p < count; p++) if (this.leaders.has(this.accumulator.keyOf(topic, p))) out.push(p);
      this.availableCache.set(topic, out);
    }
    return out;
  }

  private block(request: SendRequest, op: number, reason: 'metadata' | 'memory'): void {
    this.blocked.push({ request, op, deadline: this.ctx.now + this.maxBlock, reason });
    this.armDeadline();
  }

  /** Retries blocked sends in order, stopping at the first still blocked. */
  private unblock(): void {
    while (this.blocked.length > 0) {
      const next = this.blocked.shift() as BlockedSend;
      if (!this.dispatch(next.request, next.op, next.deadline)) {
        // dispatch queued it again at the end: put it back first.
        const again = this.blocked.pop() as BlockedSend;
        this.blocked.unshift(again);
        return;
      }
    }
  }

  private armDeadline(): void {
    if (this.deadlineTimer !== undefined) this.ctx.cancelTimer(this.deadlineTimer);
    this.deadlineTimer = undefined;
    const first = this.blocked[0];
    if (first !== undefined)
      this.deadlineTimer = this.ctx.setTimer(Math.max(0, first.deadline - this.ctx.now), DEADLINE_TIMER);
  }

  /** max.block.ms ran out for blocked sends. */
  private expireBlocked(): void {
    while (this.blocked.length > 0 && (this.blocked[0] as BlockedSend).deadline <= this.ctx.now) {
      const send = this.blocked.shift() as BlockedSend;
      if (send.reason === 'metadata') {
        this.ctx.note(
          `${this.clientId}: TimeoutException: Topic ${send.request.topic} not present in metadata after ${this.config['max.block.ms']} ms.`,
        );
        this.fail(send.op, send.request, 'TimeoutException', 'fail', undefined);
      } else {
        this.ctx.note(
          `${this.clientId}: BufferExhaustedException: Failed to allocate memory within the configured max blocking time ${this.config['max.block.ms']} ms.`,
        );
        this.fail(send.op, send.request, 'BufferExhaustedException', 'fail', undefined);
      }
    }
    this.armDeadline();
  }

  // ---- the sender thread (Sender.runOnce) ------------------------------------------------------

  private wakeSender(at: SimTime): void {
    if (at >= this.senderAt) return;
    if (this.senderTimer !== undefined) this.ctx.cancelTimer(this.senderTimer);
    this.senderAt = at;
    this.senderTimer = this.ctx.setTimer(Math.max(0, at - this.ctx.now), SENDER_TIMER);
  }

  private runOnce(): void {
    this.senderTimer = undefined;
    this.senderAt = Number.POSITIVE_INFINITY;
    const now = this.ctx.now;
    let next = Number.POSITIVE_INFINITY;
    this.expireRequests(now);
    const transactions = this.transactions;
    let initPending = false;
    if (transactions !== undefined) {
      const bump = transactions.maybeBump();
      if (bump !== undefined) this.ctx.note(`${this.clientId}: ${bump}`);
      if (!transactions.hasProducerId) {
        initPending = true;
        if (!transactions.initializing) {
          if (now >= this.initRetryAt) this.sendInitProducerId();
          else next = Math.min(next, this.initRetryAt);
        }
      }
    }
    const ready = this.accumulator.ready(this, now, this.blockedOnMemory());
    if (ready.unknownLeader) this.metadataWanted = true;
    next = Math.min(next, ready.nextCheck, this.maybeSendMetadata(now));
    if (!initPending) {
      let sent = false;
      for (const node of ready.nodes) {
        if ((this.inFlightPerNode.get(node) ?? 0) >= this.maxInFlight) continue;
        const batches = this.accumulator.drain(node, this.partitionsByNode.get(node) ?? [], now, (b) =>
          this.shouldStopDrain(b, node),
        );
        if (batches.length > 0) {
          this.sendProduce(node, batches);
          sent = true;
        }
      }
      // Something went out and more waits: look again at once (the poll timeout is 0 then).
      if (sent && this.accumulator.hasQueued) next = Math.min(next, now);
    }
    this.expireBatches(now);
    next = Math.min(next, this.accumulator.nextExpiry(), this.nextInFlightDeadline());
    if (Number.isFinite(next)) this.wakeSender(Math.max(next, now + 1));
  }

  private blockedOnMemory(): boolean {
    const blocked = this.blocked;
    for (let i = 0; i < blocked.length; i++) if ((blocked[i] as BlockedSend).reason === 'memory') return true;
    return false;
  }

  /** A leader that cannot take another request, and the idempotent producer's sequence rules. */
  private shouldStopDrain(batch: ProducerBatch, node: number): boolean {
    if (this.leaderOf(batch.topic, batch.partition) !== node) return true;
    return this.transactions?.shouldStopDrain(batch) ?? false;
  }

  private sendProduce(node: number, batches: ProducerBatch[]): void {
    const partitions = new Array<ProducePartition>(batches.length); // exactly one per batch
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b] as ProducerBatch;
      this.transactions?.drained(batch);
      if (this.config.guaranteeMessageOrder) this.accumulator.muted.add(batch.key);
      const batched = batch.records;
      const records = new Array<ProducerRecord>(batched.length);
      for (let i = 0; i < batched.length; i++) records[i] = (batched[i] as BatchedRecord).record;
      partitions[b] = {
        topic: batch.topic,
        partition: batch.partition,
        records,
        producerId: batch.producerId,
        producerEpoch: batch.producerEpoch,
        baseSequence: batch.baseSequence,
      };
    }
    const correlationId = this.nextCorrelationId++;
    this.ctx.send(brokerName(node), {
      type: 'Produce',
      correlationId,
      acks: this.config.acks,
      timeoutMs: this.config['request.timeout.ms'],
      partitions,
    });
    if (this.config.acks === 0) {
      // No response is expected: every batch completes at once with offset -1.
      for (const batch of batches) this.completeBatch(batch, -1);
      return;
    }
    this.track({ correlationId, node, sentAt: this.ctx.now, kind: 'produce', batches });
  }

  private track(request: InFlightRequest): void {
    this.inFlight.push(request);
    this.inFlightPerNode.set(request.node, (this.inFlightPerNode.get(request.node) ?? 0) + 1);
  }

  private untrack(correlationId: number): InFlightRequest | undefined {
    const inFlight = this.inFlight;
    let i = 0;
    while (i < inFlight.length && (inFlight[i] as InFlightRequest).correlationId !== correlationId) i++;
    if (i === inFlight.length) return undefined;
    const request = inFlight[i] as InFlightRequest;
    inFlight.splice(i, 1);
    this.inFlightPerNode.set(request.node, (this.inFlightPerNode.get(request.node) ?? 1) - 1);
    return request;
  }

  private isInFlight(batch: ProducerBatch): boolean {
    for (const request of this.inFlight) if (request.batches.includes(batch)) return true;
    return false;
  }

  /** request.timeout.ms: the connection is closed and all its requests fail as timed out (NetworkClient). */
  private expireRequests(now: SimTime): void {
    const timeout = this.requestTimeout;
    let any = false;
    for (const request of this.inFlight)
      if (now - request.sentAt >= timeout) {
        any = true;
        break;
      }
    if (!any) return;
    for (const request of this.inFlight.slice()) {
      if (!this.inFlight.includes(request) || now - request.sentAt < timeout) continue;
      this.ctx.note(`${this.clientId}: Disconnecting from node ${request.node} due to request timeout.`);
      this.ctx.disconnect(brokerName(request.node));
      this.nodeFailed(request.node, 'REQUEST_TIMED_OUT');
    }
  }

  private nextInFlightDeadline(): SimTime {
    let next = Number.POSITIVE_INFINITY;
    const requestTimeout = this.requestTimeout;
    const deliveryTimeout = this.deliveryTimeout;
    for (const request of this.inFlight) {
      next = Math.min(next, request.sentAt + requestTimeout);
      for (const batch of request.batches)
        if (!batch.done) next = Math.min(next, batch.createdAt + deliveryTimeout);
    }
    return next;
  }

  /** delivery.timeout.ms: queued and in-flight batches fail with TimeoutException (Sender.sendProducerData). */
  private expireBatches(now: SimTime): void {
    const timeout = this.deliveryTimeout;
    const expired = this.accumulator.expire(now);
    for (const request of this.inFlight)
      for (const batch of request.batches)
        if (!batch.done && now - batch.createdAt >= timeout) expired.push(batch);
    for (const batch of expired) {
      if (batch.done) continue;
      if (this.isInFlight(batch)) batch.maybeAppended = true;
      this.ctx.note(
        `${this.clientId}: Expiring ${batch.records.length} record(s) for ${batch.key}:${(now - batch.createdAt) / 1000} ms has passed since batch creation`,
      );
      this.failBatch(batch, 'TimeoutException', false, batch.inRetry);
    }
  }

  // ---- responses ---------------------------------------------------------------------------------

  private handleProduceResponse(response: ProduceResponse): void {
    const request = this.untrack(response.correlationId);
    if (request === undefined) return;
    const answers = response.partitions;
    for (const batch of request.batches) {
      let answer: ProduceResponse['partitions'][number] | undefined;
      for (let i = 0; i < answers.length; i++) {
        const p = answers[i] as ProduceResponse['partitions'][number];
        if (p.topic === batch.topic && p.partition === batch.partition) {
          answer = p;
          break;
        }
      }
      this.handleBatchResult(batch, answer?.error ?? 'UNKNOWN_SERVER_ERROR', answer?.baseOffset ?? -1);
    }
    this.wakeSender(this.ctx.now);
  }

  /** Sender.completeBatch: success, retry or final failure. */
  private handleBatchResult(batch: ProducerBatch, error: ErrorName | string, baseOffset: number): void {
    this.accumulator.muted.delete(batch.key);
    if (batch.done) return; // already expired: a late answer is only logged
    if (error === 'NONE') {
      this.completeBatch(batch, baseOffset);
      return;
    }
    if (MAYBE_APPENDED.has(error)) batch.maybeAppended = true;
    if (INVALID_METADATA.has(error)) this.metadataWanted = true;
    if (this.canRetry(batch, error)) {
      const backoff = ms(retryBackoffMs(this.config, batch.attempts + 1, this.jitter.next()));
      this.ctx.note(
        `${this.clientId}: Got error produce response on topic-partition ${batch.key}, retrying (${this.config.retries - batch.attempts - 1} attempts left). Error: ${error}`,
      );
      this.accumulator.reenqueue(batch, this.ctx.now, backoff);
      return;
    }
    if (error === 'DUPLICATE_SEQUENCE_NUMBER') {
      this.completeBatch(batch, -1);
      return;
    }
    this.failBatch(batch, error, batch.attempts < this.config.retries, false);
  }

  /** Sender.canRetry, with TransactionManager.canRetry for the idempotent producer. */
  private canRetry(batch: ProducerBatch, error: string): boolean {
    if (this.ctx.now - batch.createdAt >= this.deliveryTimeout) return false;
    if (batch.attempts >= this.config.retries) return false;
    if (this.transactions !== undefined) return this.transactions.canRetry(batch, error);
    return RETRIABLE_ERRORS.has(error as ErrorName);
  }

  private completeBatch(batch: ProducerBatch, baseOffset: number): void {
    batch.done = true;
    this.transactions?.completed(batch);
    this.accumulator.deallocate(batch);
    const history = this.options.history;
    if (history !== undefined) {
      const records = batch.records;
      const name = this.ctx.name;
      const now = this.ctx.now;
      for (let i = 0; i < records.length; i++) {
        const r = records[i] as BatchedRecord;
        history.complete(r.op, 'send', 'ok', name, now, {
          record: { topic: batch.topic, key: r.record.key, value: r.record.value ?? '' },
          partition: batch.partition,
          offset: baseOffset < 0 ? -1 : baseOffset + i,
          producerId: batch.producerId,
          producerEpoch: batch.producerEpoch,
          sequence: batch.baseSequence === NO_SEQUENCE ? NO_SEQUENCE : batch.baseSequence + i,
        });
      }
    }
    this.unblock();
  }

  private failBatch(
    batch: ProducerBatch,
    error: string,
    adjustSequenceNumbers: boolean,
    expiredInRetry: boolean,
  ): void {
    batch.done = true;
    this.accumulator.muted.delete(batch.key);
    this.transactions?.failed(batch, error, adjustSequenceNumbers, expiredInRetry);
    this.accumulator.deallocate(batch);
    for (const r of batch.records)
      this.fail(
        r.op,
        { topic: batch.topic, key: r.record.key, value: r.record.value ?? '' },
        error,
        batch.maybeAppended ? 'info' : 'fail',
        batch,
      );
    this.unblock();
  }

  private fail(
    op: number,
    request: Pick<SendRequest, 'topic' | 'key' | 'value'>,
    error: string,
    type: 'fail' | 'info',
    batch: ProducerBatch | undefined,
  ): void {
    this.options.history?.complete(op, 'send', type, this.ctx.name, this.ctx.now, {
      record: { topic: request.topic, key: request.key, value: request.value },
      ...(batch === undefined
        ? {}
        : { partition: batch.partition, producerId: batch.producerId, producerEpoch: batch.producerEpoch }),
      error,
    });
  }

  /** Everything in flight to `node` fails with `error` (NetworkClient.processDisconnection). */
  private nodeFailed(node: number, error: 'NETWORK_EXCEPTION' | 'REQUEST_TIMED_OUT'): void {
    this.disconnectedAt.set(node, this.ctx.now);
    this.metadataWanted = true;
    for (const request of this.inFlight.slice()) {
      if (request.node !== node) continue;
      this.untrack(request.correlationId);
      if (request.kind === 'produce')
        for (const batch of request.batches) this.handleBatchResult(batch, error, -1);
      else if (request.kind === 'metadata') this.metadataFailed();
      else this.initFailed();
    }
    this.wakeSender(this.ctx.now);
  }

  // ---- metadata and producer id ------------------------------------------------------------------

  leaderOf(topic: string, partition: number): number | undefined {
    return this.leaders.get(this.accumulator.keyOf(topic, partition))?.leader;
  }

  /**
   * The least loaded broker (NetworkClient.leastLoadedNode): fewest requests in flight, from a
   * random start, avoiding brokers that just disconnected while others remain.
   */
  private leastLoadedNode(): number | undefined {
    const nodes = this.knownBrokers;
    if (nodes.length === 0) return undefined;
    const offset = this.jitter.below(nodes.length);
    let best: number | undefined;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[(offset + i) % nodes.length] as number;
      const recentlyFailed =
        this.ctx.now - (this.disconnectedAt.get(node) ?? Number.NEGATIVE_INFINITY) <
        ms(this.config['retry.backoff.max.ms']);
      const load = (this.inFlightPerNode.get(node) ?? 0) + (recentlyFailed ? 1_000 : 0);
      if (load < bestLoad) {
        best = node;
        bestLoad = load;
      }
    }
    return best;
  }

  /** Sends a Metadata request when one is wanted or metadata.max.age.ms passed; returns when to look again. */
  private maybeSendMetadata(now: SimTime): SimTime {
    for (const request of this.inFlight) if (request.kind === 'metadata') return Number.POSITIVE_INFINITY;
    const due = this.metadataWanted
      ? this.metadataRetryAt
      : this.metadataRefreshedAt + ms(this.config['metadata.max.age.ms']);
    if (this.topics.size === 0 || now < due) return this.topics.size === 0 ? Number.POSITIVE_INFINITY : due;
    const node = this.leastLoadedNode();
    if (node === undefined) return Number.POSITIVE_INFINITY;
    const correlationId = this.nextCorrelationId++;
    this.ctx.send(brokerName(node), { type: 'Metadata', correlationId, topics: [...this.topics] });
    this.track({ correlationId, node, sentAt: now, kind: 'metadata', batches: NO_BATCHES });
    return Number.POSITIVE_INFINITY;
  }

  private metadataFailed(): void {
    this.metadataAttempts++;
    this.metadataWanted = true;
    this.metadataRetryAt =
      this.ctx.now + ms(retryBackoffMs(this.config, this.metadataAttempts, this.jitter.next()));
  }

  private handleMetadataResponse(response: MetadataResponse): void {
    if (this.untrack(response.correlationId) === undefined) return;
    if (response.brokers.length > 0) this.knownBrokers = [...response.brokers];
    const counts = new Map<string, number>();
    for (const p of response.partitions)
      counts.set(p.topic, Math.max(counts.get(p.topic) ?? 0, p.partition + 1));
    let complete = true;
    for (const topic of this.topics) if (!counts.has(topic)) complete = false;
    for (const [topic, count] of counts) this.partitionCounts.set(topic, count);
    this.availableCache.clear();
    for (const p of response.partitions) {
      const key = this.accumulator.keyOf(p.topic, p.partition);
      const known = this.leaders.get(key);
      // Metadata.updateLatestMetadata: an answer older than the leader epoch already known is ignored.
      if (known !== undefined && p.leaderEpoch < known.leaderEpoch) continue;
      if (p.leader < 0 || !response.brokers.includes(p.leader)) {
        this.leaders.delete(key);
        complete = false;
      } else this.leaders.set(key, { leader: p.leader, leaderEpoch: p.leaderEpoch });
    }
    this.partitionsByNode.clear();
    for (const [key, { leader }] of this.leaders) {
      let list = this.partitionsByNode.get(leader);
      if (list === undefined) {
        list = [];
        this.partitionsByNode.set(leader, list);
      }
      list.push(key);
    }
    this.metadataRefreshedAt = this.ctx.now;
    if (complete) {
      this.metadataWanted = false;
      this.metadataAttempts = 0;
    } else this.metadataFailed();
    this.unblock();
    this.wakeSender(this.ctx.now);
  }

  private sendInitProducerId(): void {
    const node = this.leastLoadedNode();
    if (node === undefined || this.transactions === undefined) return;
    this.transactions.initializing = true;
    const correlationId = this.nextCorrelationId++;
    this.ctx.send(brokerName(node), { type: 'InitProducerId', correlationId, transactionalId: null });
    this.track({ correlationId, node, sentAt: this.ctx.now, kind: 'init-producer-id', batches: NO_BATCHES });
  }

  private initFailed(): void {
    if (this.transactions === undefined) return;
    this.transactions.initializing = false;
    this.initAttempts++;
    this.initRetryAt = this.ctx.now + ms(retryBackoffMs(this.config, this.initAttempts, this.jitter.next()));
  }

  // ---- the actor ---------------------------------------------------------------------------------

  onStart(): void {
    this.options.application?.onStart(this);
    this.wakeSender(this.ctx.now);
  }

  onMessage(from: string, message: KafkaMessage): void {
    if (message.type === 'ProduceResponse') this.handleProduceResponse(message);
    else if (message.type === 'MetadataResponse') this.handleMetadataResponse(message);
    else if (message.type === 'InitProducerIdResponse') {
      if (this.untrack(message.correlationId) === undefined || this.transactions === undefined) return;
      if (message.error === 'NONE') {
        this.transactions.resetAll();
        this.transactions.setProducerIdAndEpoch(message.producerId, message.producerEpoch);
        this.initAttempts = 0;
        this.ctx.note(
          `${this.clientId}: ProducerId set to ${message.producerId} with epoch ${message.producerEpoch} (from ${from})`,
        );
      } else this.initFailed();
      this.wakeSender(this.ctx.now);
    }
  }

  onTimer(tag: ProducerTimer): void {
    if (tag.kind === 'producer-sender') this.runOnce();
    else if (tag.kind === 'producer-deadline') {
      this.deadlineTimer = undefined;
      this.expireBlocked();
    } else this.options.application?.onTimer(this);
  }

  onDisconnect(peer: string): void {
    const node = brokerIdOf(peer);
    if (node !== undefined) this.nodeFailed(node, 'NETWORK_EXCEPTION');
  }
}

/** A producer process for `World.spawn`; a restart is a new KafkaProducer (memory is lost). */
export function producerActor(options: ProducerOptions) {
  return (ctx: ProcessContext<KafkaMessage, ProducerTimer>): KafkaProducer => {
    const workload = options.workload;
    const application =
      workload === undefined
        ? options.application
        : workloadApplication(workload, ctx.incarnation, ctx.rng.fork('keys'));
    return new KafkaProducer(ctx, { ...options, ...(application === undefined ? {} : { application }) });
  };
}
