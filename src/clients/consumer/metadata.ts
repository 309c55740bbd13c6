import type { KafkaRequest, MetadataResponse } from '../../kafka/protocol.js';
import { tpKey } from '../../kafka/protocol.js';
import type { TimerHandle } from '../../sim/process.js';
import { ms, type SimTime } from '../../sim/time.js';
import type { SeededBackoff } from '../backoff.js';
import type { ConsumerConfig } from './config.js';
import type { NetworkClient, Timers } from './network.js';

export interface PartitionLeader {
  readonly leader: number;
  readonly leaderEpoch: number;
}

/**
 * The consumer's metadata (Metadata + ConsumerMetadata): leaders and leader epochs of the topics it
 * needs, refreshed on demand (an error naming a stale leader, a disconnect) and every
 * metadata.max.age.ms, from the least loaded broker that is not in reconnect backoff
 * (NetworkClient.leastLoadedNode). A failed update backs off by retry.backoff.ms, growing to
 * retry.backoff.max.ms (Metadata.failedUpdate, refreshBackoff). Times are whole microseconds.
 */
export class ConsumerMetadata {
  private brokers: number[];
  private readonly leaders = new Map<string, PartitionLeader>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly topics = new Set<string>();
  private inFlight = false;
  private updateRequested = true;
  private attempts = 0;
  /** No update before this (the backoff after a failed one), µs. */
  private retryAt: SimTime = 0;
  private lastRefresh: SimTime = Number.NEGATIVE_INFINITY;
  private retryTimer: TimerHandle | undefined;
  /** Metadata.updateVersion: +1 for every response taken in, so positions are checked against it. */
  updateVersion = 0;
  /** Called after every successful update. */
  onUpdate: () => void = () => {};

  constructor(
    bootstrap: readonly number[],
    private readonly config: ConsumerConfig,
    private readonly network: NetworkClient,
    private readonly timers: Timers,
    private readonly backoff: SeededBackoff,
  ) {
    this.brokers = [...bootstrap];
  }

  /** Adds topics to what is fetched; asks for an update if any is new. */
  addTopics(topics: Iterable<string>): void {
    for (const t of topics)
      if (!this.topics.has(t)) {
        this.topics.add(t);
        this.updateRequested = true;
      }
    this.maybeUpdate();
  }

  requestUpdate(): void {
    this.updateRequested = true;
    this.maybeUpdate();
  }

  leaderFor(topic: string, partition: number): PartitionLeader | undefined {
    const l = this.leaders.get(tpKey(topic, partition));
    return l === undefined || l.leader < 0 ? undefined : l;
  }

  partitionCount(topic: string): number | undefined {
    return this.partitionCounts.get(topic);
  }

  /**
   * NetworkClient.leastLoadedNode over the known brokers. When every broker is in reconnect backoff
   * Kafka has no node (a FindCoordinator then fails with noBrokersAvailable); this answers the one
   * whose backoff ends first, to which a request fails the same way without being sent.
   */
  leastLoadedNode(): number {
    const node = this.network.leastLoadedNode(this.brokers);
    if (node !== undefined) return node;
    let best = this.brokers[0] as number;
    for (const b of this.brokers)
      if (this.network.connectionDelay(b) < this.network.connectionDelay(best)) best = b;
    return best;
  }

  /** Sends a Metadata request if one is due and none is in flight. */
  maybeUpdate(): void {
    const now = this.timers.now;
    if (now - this.lastRefresh >= ms(this.config['metadata.max.age.ms'])) this.updateRequested = true;
    if (!this.updateRequested || this.inFlight || this.topics.size === 0 || this.retryTimer !== undefined)
      return;
    if (now < this.retryAt) {
      this.retryLater(this.retryAt - now);
      return;
    }
    const node = this.network.leastLoadedNode(this.brokers);
    if (node === undefined) {
      // "Give up sending metadata request since no node is available": look again when the first
      // reconnect backoff ends.
      let wait = Number.POSITIVE_INFINITY;
      for (const b of this.brokers) wait = Math.min(wait, this.network.connectionDelay(b));
      if (Number.isFinite(wait)) this.retryLater(Math.max(wait, 1));
      return;
    }
    this.inFlight = true;
    const topics = [...this.topics].sort();
    // Bound methods, not closures per request: they keep their optimized code (bench:churn).
    this.network.send(
      node,
      'data',
      metadataRequest.bind(undefined, topics),
      'MetadataResponse',
      this.config['request.timeout.ms'],
      this.handleResponse.bind(this, topics),
      this.onUpdateFailure.bind(this),
    );
  }

  private onUpdateFailure(): void {
    this.inFlight = false;
    this.failedUpdate();
    this.maybeUpdate();
  }

  /** Metadata.failedUpdate: the next attempt waits retry backoff(attempts - 1). */
  private failedUpdate(): void {
    this.attempts++;
    this.retryAt = this.timers.now + ms(this.backoff.backoff(this.attempts - 1));
  }

  private retryLater(delay: SimTime): void {
    this.retryTimer = this.timers.afterMicros(delay, 'metadata-backoff', () => {
      this.retryTimer = undefined;
      this.maybeUpdate();
    });
  }

  private handleResponse(topics: readonly string[], response: MetadataResponse): void {
    this.inFlight = false;
    this.updateVersion++;
    if (response.brokers.length > 0) this.brokers = [...response.brokers];
    const counts = new Map<string, number>();
    let stale = false;
    for (const p of response.partitions) {
      const key = tpKey(p.topic, p.partition);
      const known = this.leaders.get(key);
      // Metadata.updateLatestMetadata (KIP-320): an answer with an older leader epoch than the last
      // seen is ignored, the cached leader kept.
      if (known !== undefined && p.leaderEpoch < known.leaderEpoch) stale = true;
      else this.leaders.set(key, { leader: p.leader, leaderEpoch: p.leaderEpoch });
      counts.set(p.topic, Math.max(counts.get(p.topic) ?? 0, p.partition + 1));
    }
    for (const [t, c] of counts) this.partitionCounts.set(t, c);
    // A topic missing from the answer, or a partition without a leader: ask again after a backoff.
    const incomplete =
      stale || topics.some((t) => !counts.has(t)) || response.partitions.some((p) => p.leader < 0);
    if (incomplete) {
      this.failedUpdate();
      this.updateRequested = true;
    } else {
      this.attempts = 0;
      this.updateRequested = false;
      this.lastRefresh = this.timers.now;
    }
    this.onUpdate();
    this.maybeUpdate();
  }
}

function metadataRequest(topics: readonly string[], correlationId: number): KafkaRequest {
  return { type: 'Metadata', correlationId, topics };
}
