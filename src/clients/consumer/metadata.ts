import type { MetadataResponse } from '../../kafka/protocol.js';
import { tpKey } from '../../kafka/protocol.js';
import type { TimerHandle } from '../../sim/process.js';
import type { Rng } from '../../sim/rng.js';
import type { ConsumerConfig } from './config.js';
import type { ExponentialBackoff, NetworkClient, Timers } from './network.js';

export interface PartitionLeader {
  readonly leader: number;
  readonly leaderEpoch: number;
}

/**
 * The consumer's metadata (Metadata + ConsumerMetadata): leaders and leader epochs of the topics it
 * needs, refreshed on demand (an error naming a stale leader, a disconnect) and every
 * metadata.max.age.ms, from the least loaded known broker.
 */
export class ConsumerMetadata {
  private brokers: number[];
  private readonly leaders = new Map<string, PartitionLeader>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly topics = new Set<string>();
  private inFlight = false;
  private updateRequested = true;
  private attempts = 0;
  private lastAttemptMs = Number.NEGATIVE_INFINITY;
  private lastRefreshMs = Number.NEGATIVE_INFINITY;
  private retryTimer: TimerHandle | undefined;
  /** Called after every successful update. */
  onUpdate: () => void = () => {};

  constructor(
    bootstrap: readonly number[],
    private readonly config: ConsumerConfig,
    private readonly network: NetworkClient,
    private readonly timers: Timers,
    private readonly backoff: ExponentialBackoff,
    private readonly rng: Rng,
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

  /** The node with the fewest requests in flight, from a random start (NetworkClient.leastLoadedNode). */
  leastLoadedNode(): number {
    const n = this.brokers.length;
    const start = this.rng.below(n);
    let best = this.brokers[start] as number;
    let bestLoad = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const node = this.brokers[(start + i) % n] as number;
      const load = this.network.inFlightCount(node);
      if (load < bestLoad) {
        best = node;
        bestLoad = load;
      }
    }
    return best;
  }

  /** Sends a Metadata request if one is due and none is in flight. */
  maybeUpdate(): void {
    const now = this.timers.nowMs;
    if (now - this.lastRefreshMs >= this.config['metadata.max.age.ms']) this.updateRequested = true;
    if (!this.updateRequested || this.inFlight || this.topics.size === 0) return;
    const wait = this.lastAttemptMs + this.backoff.backoff(this.attempts) - now;
    if (wait > 0) {
      if (this.retryTimer === undefined)
        this.retryTimer = this.timers.after(wait, 'metadata-backoff', () => {
          this.retryTimer = undefined;
          this.maybeUpdate();
        });
      return;
    }
    this.inFlight = true;
    this.lastAttemptMs = now;
    const topics = [...this.topics].sort();
    this.network.send(
      this.leastLoadedNode(),
      'data',
      (correlationId) => ({ type: 'Metadata', correlationId, topics }),
      'MetadataResponse',
      this.config['request.timeout.ms'],
      (response) => this.handleResponse(response, topics),
      () => {
        this.inFlight = false;
        this.attempts++;
        this.maybeUpdate();
      },
    );
  }

  private handleResponse(response: MetadataResponse, topics: readonly string[]): void {
    this.inFlight = false;
    if (response.brokers.length > 0) this.brokers = [...response.brokers];
    const counts = new Map<string, number>();
    for (const p of response.partitions) {
      this.leaders.set(tpKey(p.topic, p.partition), { leader: p.leader, leaderEpoch: p.leaderEpoch });
      counts.set(p.topic, Math.max(counts.get(p.topic) ?? 0, p.partition + 1));
    }
    for (const [t, c] of counts) this.partitionCounts.set(t, c);
    // A topic missing from the answer, or a partition without a leader: ask again after a backoff.
    const incomplete = topics.some((t) => !counts.has(t)) || response.partitions.some((p) => p.leader < 0);
    if (incomplete) {
      this.attempts++;
      this.updateRequested = true;
    } else {
      this.attempts = 0;
      this.updateRequested = false;
      this.lastRefreshMs = this.timers.nowMs;
    }
    this.onUpdate();
    this.maybeUpdate();
  }
}
