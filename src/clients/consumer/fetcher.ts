import type { PolledRecord } from '../../history/client-history.js';
import type { ErrorName } from '../../kafka/errors.js';
import {
  EARLIEST_TIMESTAMP,
  type FetchPartition,
  type FetchResponse,
  LATEST_TIMESTAMP,
  type ListOffsetsResponse,
} from '../../kafka/protocol.js';
import type { ConsumerConfig } from './config.js';
import type { ConsumerMetadata } from './metadata.js';
import type { ExponentialBackoff, NetworkClient, Timers } from './network.js';
import type { AssignedPartition, SubscriptionState } from './subscription.js';

/** Errors that mean "my leader information is stale": refresh metadata (FetchCollector.handleInitializeErrors). */
const STALE_LEADER: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'NOT_LEADER_OR_FOLLOWER',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'LEADER_NOT_AVAILABLE',
]);

/**
 * The consumer's Fetcher and offset resets (AbstractFetch, FetchCollector, OffsetFetcher): one
 * Fetch in flight per leader for the partitions that have a position and no buffered records,
 * skipping leaders in reconnect backoff; ListOffsets for partitions awaiting a reset; errors raised
 * from the next poll.
 */
export class Fetcher {
  private readonly fetching = new Set<number>();
  private readonly listing = new Set<string>();
  private resetAttempts = 0;
  /** An error for poll to throw (OffsetOutOfRangeException with auto.offset.reset=none). */
  pendingError: string | undefined;
  /** Called when something arrives that poll may want (records, a position). */
  onProgress: () => void = () => {};

  constructor(
    private readonly config: ConsumerConfig,
    private readonly subscriptions: SubscriptionState,
    private readonly metadata: ConsumerMetadata,
    private readonly network: NetworkClient,
    private readonly timers: Timers,
    private readonly backoff: ExponentialBackoff,
  ) {}

  /**
   * Sends a Fetch to every leader that has fetchable partitions, none in flight, and no reconnect
   * backoff running (AbstractFetch.prepareFetchRequests: "Skipping fetch for partition {} because
   * node {} is awaiting reconnect backoff"); the consumer is woken when that backoff ends.
   */
  sendFetches(): void {
    const byNode = new Map<number, FetchPartition[]>();
    for (const p of this.subscriptions.assigned()) {
      if (p.state !== 'fetching' || p.pendingRevocation || this.subscriptions.hasBuffered(p)) continue;
      const leader = this.metadata.leaderFor(p.topic, p.partition);
      if (leader === undefined) {
        this.metadata.requestUpdate();
        continue;
      }
      if (this.network.isUnavailable(leader.leader)) {
        this.network.wakeWhenConnectable(leader.leader);
        continue;
      }
      if (this.fetching.has(leader.leader)) continue;
      const list = byNode.get(leader.leader) ?? [];
      byNode.set(leader.leader, list);
      list.push({
        topic: p.topic,
        partition: p.partition,
        fetchOffset: p.position,
        currentLeaderEpoch: leader.leaderEpoch,
        lastFetchedEpoch: -1,
      });
    }
    for (const [node, partitions] of byNode) {
      this.fetching.add(node);
      this.network.send(
        node,
        'data',
        (correlationId) => ({
          type: 'Fetch',
          correlationId,
          replicaId: -1,
          maxWaitMs: this.config['fetch.max.wait.ms'],
          minBytes: this.config['fetch.min.bytes'],
          partitions,
        }),
        'FetchResponse',
        this.config['request.timeout.ms'] + this.config['fetch.max.wait.ms'],
        (response) => {
          this.fetching.delete(node);
          this.handleFetchResponse(response, partitions);
        },
        () => {
          this.fetching.delete(node);
          this.metadata.requestUpdate();
          this.onProgress();
        },
      );
    }
  }

  private handleFetchResponse(response: FetchResponse, sent: readonly FetchPartition[]): void {
    for (const r of response.partitions) {
      const p = this.subscriptions.get(r.topic, r.partition);
      const request = sent.find((s) => s.topic === r.topic && s.partition === r.partition);
      // Stale: no longer assigned, or the position moved (a seek, a reset) since the fetch was sent.
      if (
        p === undefined ||
        request === undefined ||
        p.state !== 'fetching' ||
        p.position !== request.fetchOffset
      )
        continue;
      if (this.subscriptions.hasBuffered(p)) continue;
      if (r.error === 'NONE') {
        const records: PolledRecord[] = [];
        for (const batch of r.records)
          batch.records.forEach((rec, i) => {
            const offset = batch.baseOffset + i;
            if (offset >= request.fetchOffset)
              records.push({
                topic: r.topic,
                partition: r.partition,
                offset,
                key: rec.key,
                value: rec.value,
                leaderEpoch: batch.partitionLeaderEpoch,
              });
          });
        this.subscriptions.addBuffered(p, records);
      } else if (r.error === 'OFFSET_OUT_OF_RANGE') {
        // FetchCollector.handleInitializeErrors: reset by policy, or throw OffsetOutOfRangeException.
        if (this.config['auto.offset.reset'] === 'none')
          this.pendingError = `OffsetOutOfRangeException: Fetch position FetchPosition{offset=${p.position}} is out of range for partition ${p.key}`;
        else this.subscriptions.requestReset(p);
      } else if (STALE_LEADER.has(r.error)) this.metadata.requestUpdate();
    }
    this.onProgress();
  }

  /**
   * Positions by auto.offset.reset through ListOffsets to each leader (OffsetFetcher.resetPositionsIfNeeded);
   * a leader in reconnect backoff is skipped until it ends (groupListOffsetRequests).
   */
  resetPositions(): void {
    const byNode = new Map<number, AssignedPartition[]>();
    for (const p of this.subscriptions.assigned()) {
      if (p.state !== 'awaiting-reset' || this.listing.has(p.key)) continue;
      const leader = this.metadata.leaderFor(p.topic, p.partition);
      if (leader === undefined) {
        this.metadata.requestUpdate();
        continue;
      }
      if (this.network.isUnavailable(leader.leader)) {
        this.network.wakeWhenConnectable(leader.leader);
        continue;
      }
      const list = byNode.get(leader.leader) ?? [];
      byNode.set(leader.leader, list);
      list.push(p);
    }
    const timestamp = this.config['auto.offset.reset'] === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
    for (const [node, parts] of byNode) {
      for (const p of parts) this.listing.add(p.key);
      const done = () => {
        for (const p of parts) this.listing.delete(p.key);
      };
      this.network.send(
        node,
        'data',
        (correlationId) => ({
          type: 'ListOffsets',
          correlationId,
          replicaId: -1,
          partitions: parts.map((p) => ({
            topic: p.topic,
            partition: p.partition,
            currentLeaderEpoch: this.metadata.leaderFor(p.topic, p.partition)?.leaderEpoch ?? -1,
            timestamp,
          })),
        }),
        'ListOffsetsResponse',
        this.config['request.timeout.ms'],
        (response) => {
          done();
          this.handleListOffsets(response);
        },
        () => {
          done();
          this.retryResetLater();
        },
      );
    }
  }

  private handleListOffsets(response: ListOffsetsResponse): void {
    let failed = false;
    for (const r of response.partitions) {
      const p = this.subscriptions.get(r.topic, r.partition);
      if (p === undefined || p.state !== 'awaiting-reset') continue;
      if (r.error === 'NONE') this.subscriptions.seek(p, r.offset, r.leaderEpoch);
      else failed = true;
    }
    if (failed) this.retryResetLater();
    else this.resetAttempts = 0;
    this.onProgress();
  }

  private retryResetLater(): void {
    this.metadata.requestUpdate();
    this.timers.after(this.backoff.backoff(this.resetAttempts++), 'reset-backoff', () => this.onProgress());
  }
}
