import type { SimTime } from '../../sim/time.js';
import { type BatchedRecord, ProducerBatch } from './batch.js';
import type { ResolvedProducerConfig } from './config.js';
import { estimateSizeUpperBound } from './record-size.js';

const ms = (value: number): SimTime => value * 1000;

const NO_NODES: number[] = [];

/** Where a partition's leader is, as the producer's metadata says. */
export interface LeaderLookup {
  leaderOf(topic: string, partition: number): number | undefined;
}

/**
 * The RecordAccumulator at 3.8.0: one deque of batches per partition, appends to the last batch,
 * buffer.memory accounting, and the sender's questions: which leaders have a sendable batch
 * (`ready`), which batches go in one request per leader (`drain`), and which batches ran out of
 * delivery.timeout.ms (`expire`).
 */
export class RecordAccumulator {
  /** Deques in the order partitions were first used. */
  readonly deques = new Map<string, ProducerBatch[]>();
  /** The same deques and their keys in that order, for walking them without iterators. */
  private readonly dequeList: ProducerBatch[][] = [];
  private readonly dequeKeys: string[] = [];
  /** What the last `append` did (one object, reused: the caller reads it at once). */
  private readonly appended = { newBatch: false, batchIsFull: false, lastIsFull: false, bytes: 0 };
  private usedMemory = 0;
  /** Partitions muted while a batch of theirs is in flight (max.in.flight = 1). */
  readonly muted = new Set<string>();
  /** Rotates the drain's starting partition per leader, so none starves (drainIndex). */
  private readonly drainIndex = new Map<number, number>();
  /** "topic-N" strings by topic and partition, built once each. */
  private readonly keys = new Map<string, string[]>();
  /** The config the hot path reads, taken once (µs where a time). */
  private readonly linger: SimTime;
  private readonly deliveryTimeout: SimTime;
  private readonly batchSize: number;
  private readonly maxRequestSize: number;

  constructor(private readonly config: ResolvedProducerConfig) {
    this.linger = ms(config['linger.ms']);
    this.deliveryTimeout = ms(config['delivery.timeout.ms']);
    this.batchSize = config['batch.size'];
    this.maxRequestSize = config['max.request.size'];
  }

  /** The partition's key, "topic-N": the same string every time. */
  keyOf(topic: string, partition: number): string {
    let ofTopic = this.keys.get(topic);
    if (ofTopic === undefined) {
      ofTopic = [];
      this.keys.set(topic, ofTopic);
    }
    let key = ofTopic[partition];
    if (key === undefined) {
      key = `${topic}-${partition}`;
      ofTopic[partition] = key;
    }
    return key;
  }

  get freeMemory(): number {
    return this.config['buffer.memory'] - this.usedMemory;
  }

  /** The buffer a new batch for this record needs. */
  bufferFor(record: BatchedRecord): number {
    return Math.max(this.batchSize, estimateSizeUpperBound(record.keyBytes, record.valueBytes));
  }

  /** Whether `record` fits in the partition's open batch (no new buffer needed). */
  hasOpenBatchFor(topic: string, partition: number, record: BatchedRecord): boolean {
    const deque = this.deques.get(this.keyOf(topic, partition));
    if (deque === undefined || deque.length === 0) return false;
    return (deque[deque.length - 1] as ProducerBatch).hasRoomFor(record);
  }

  /**
   * Appends to the partition's last batch, or to a new one (the caller checked memory). Returns
   * the bytes the record took, whether a batch was created or the deque holds a full one (which
   * wakes the sender), and whether its last batch is full (allBatchesFull: the sticky
   * partitioner may switch only then). The answer is one object, reused: read it before the next append.
   */
  append(
    topic: string,
    partition: number,
    record: BatchedRecord,
    now: SimTime,
  ): { newBatch: boolean; batchIsFull: boolean; lastIsFull: boolean; bytes: number } {
    const key = this.keyOf(topic, partition);
    const deque = this.dequeFor(key);
    let last = deque[deque.length - 1];
    let newBatch = false;
    if (last === undefined || !last.hasRoomFor(record)) {
      if (last !== undefined) last.closed = true;
      last = new ProducerBatch(topic, partition, now, this.bufferFor(record), key);
      this.usedMemory += last.bufferBytes;
      deque.push(last);
      newBatch = true;
    }
    const before = last.estimatedBytes;
    last.append(record);
    const result = this.appended;
    result.newBatch = newBatch;
    result.batchIsFull = deque.length > 1 || last.isFull;
    result.lastIsFull = last.isFull;
    // RecordAccumulator: a new batch counts its whole size (header included) for the partitioner
    result.bytes = newBatch ? last.estimatedBytes : last.estimatedBytes - before;
    return result;
  }

  /** The partition's deque, created (and listed) on first use. */
  private dequeFor(key: string): ProducerBatch[] {
    let deque = this.deques.get(key);
    if (deque === undefined) {
      deque = [];
      this.deques.set(key, deque);
      this.dequeList.push(deque);
      this.dequeKeys.push(key);
    }
    return deque;
  }

  /** Gives a completed batch's buffer back (BufferPool.deallocate). */
  deallocate(batch: ProducerBatch): void {
    this.usedMemory -= batch.bufferBytes;
  }

  /**
   * A retried batch goes back to its deque: at the head without idempotence, in sequence order
   * with it (RecordAccumulator.reenqueue, insertInSequenceOrder).
   */
  reenqueue(batch: ProducerBatch, now: SimTime, backoff: SimTime): void {
    batch.attempts++;
    batch.lastAttempt = now;
    batch.retryAt = now + backoff;
    const deque = this.dequeFor(batch.key);
    if (!batch.hasSequence) {
      deque.unshift(batch);
      return;
    }
    let i = 0;
    while (i < deque.length) {
      const other = deque[i] as ProducerBatch;
      if (!other.hasSequence || other.baseSequence > batch.baseSequence) break;
      i++;
    }
    deque.splice(i, 0, batch);
  }

  /**
   * RecordAccumulator.ready: the leaders with a sendable head batch, whether some partition has no
   * known leader, and when to look again. A head batch is sendable when full, when linger.ms (or
   * its retry backoff) has passed, or when memory is exhausted.
   */
  ready(
    metadata: LeaderLookup,
    now: SimTime,
    exhausted: boolean,
  ): { nodes: readonly number[]; unknownLeader: boolean; nextCheck: SimTime } {
    let nodes: number[] = NO_NODES;
    let unknownLeader = false;
    let nextCheck = Number.POSITIVE_INFINITY;
    const list = this.dequeList;
    for (let i = 0; i < list.length; i++) {
      const deque = list[i] as ProducerBatch[];
      const key = this.dequeKeys[i] as string;
      const head = deque[0];
      if (head === undefined) continue;
      const leader = metadata.leaderOf(head.topic, head.partition);
      if (leader === undefined) {
        unknownLeader = true;
        continue;
      }
      if (nodes.includes(leader) || (this.muted.size > 0 && this.muted.has(key))) continue;
      const backingOff = head.attempts > 0 && now < head.retryAt;
      const sendAt = backingOff ? head.retryAt : head.lastAttempt + this.linger;
      const full = deque.length > 1 || head.isFull;
      if (!backingOff && (full || exhausted || now >= sendAt)) {
        if (nodes === NO_NODES) nodes = [leader];
        else nodes.push(leader);
      } else nextCheck = Math.min(nextCheck, sendAt);
    }
    return { nodes, unknownLeader, nextCheck };
  }

  /**
   * RecordAccumulator.drain for one leader: at most one head batch per partition it leads,
   * starting where the last drain stopped, within max.request.size (one oversized batch goes alone).
   */
  drain(
    node: number,
    partitionsOf: readonly string[],
    now: SimTime,
    stop: (batch: ProducerBatch) => boolean,
  ): ProducerBatch[] {
    const drained: ProducerBatch[] = [];
    let size = 0;
    const count = partitionsOf.length;
    const start = (this.drainIndex.get(node) ?? 0) % Math.max(count, 1);
    for (let i = 0; i < count; i++) {
      const index = (start + i) % count;
      const key = partitionsOf[index] as string;
      if (this.muted.has(key)) continue;
      const deque = this.deques.get(key);
      const head = deque?.[0];
      if (deque === undefined || head === undefined) continue;
      if (head.attempts > 0 && now < head.retryAt) continue;
      if (stop(head)) continue;
      if (drained.length > 0 && size + head.estimatedBytes > this.maxRequestSize) break;
      deque.shift();
      head.closed = true;
      size += head.estimatedBytes;
      drained.push(head);
      this.drainIndex.set(node, index + 1);
    }
    return drained;
  }

  /** Head batches that ran out of delivery.timeout.ms, per deque in order (expiredBatches). */
  expire(now: SimTime): ProducerBatch[] {
    const expired: ProducerBatch[] = [];
    const timeout = this.deliveryTimeout;
    const list = this.dequeList;
    for (let i = 0; i < list.length; i++) {
      const deque = list[i] as ProducerBatch[];
      while (deque.length > 0 && now - (deque[0] as ProducerBatch).createdAt >= timeout)
        expired.push(deque.shift() as ProducerBatch);
    }
    return expired;
  }

  /** The earliest time a queued batch expires. */
  nextExpiry(): SimTime {
    let next = Number.POSITIVE_INFINITY;
    const list = this.dequeList;
    for (let i = 0; i < list.length; i++) {
      const head = (list[i] as ProducerBatch[])[0];
      if (head !== undefined) next = Math.min(next, head.createdAt + this.deliveryTimeout);
    }
    return next;
  }

  get hasQueued(): boolean {
    const list = this.dequeList;
    for (let i = 0; i < list.length; i++) if ((list[i] as ProducerBatch[]).length > 0) return true;
    return false;
  }
}
