import type { PolledRecord } from '../../history/client-history.js';
import type { ErrorName } from '../../kafka/errors.js';
import {
  EARLIEST_TIMESTAMP,
  type FetchPartition,
  type FetchResponse,
  type KafkaRequest,
  LATEST_TIMESTAMP,
  type ListOffsetsResponse,
  type OffsetsForLeaderEpochResponse,
} from '../../kafka/protocol.js';
import { ms } from '../../sim/time.js';
import type { SeededBackoff } from '../backoff.js';
import type { ConsumerConfig } from './config.js';
import type { ConsumerMetadata, PartitionLeader } from './metadata.js';
import type { NetworkClient, Timers } from './network.js';
import {
  type AssignedPartition,
  formatFetchPosition,
  formatOffsetAndMetadata,
  type LogTruncation,
  type SubscriptionState,
} from './subscription.js';

/**
 * Fetch errors that mean "my leader information is stale": refresh metadata
 * (FetchCollector.handleInitializeErrors → FetchUtils.requestMetadataUpdate; of Kafka's list, the
 * simulated broker answers these). UNKNOWN_LEADER_EPOCH is not among them: the consumer's metadata
 * is ahead of the broker's, and Kafka only retries the fetch.
 */
const STALE_LEADER: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'NOT_LEADER_OR_FOLLOWER',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
]);

/**
 * The consumer's Fetcher, offset resets and offset validation (AbstractFetch, FetchCollector,
 * OffsetFetcher, OffsetFetcherUtils): one Fetch in flight per leader for the partitions that have
 * a valid position and no buffered records, skipping leaders in reconnect backoff; ListOffsets for
 * partitions awaiting a reset; OffsetsForLeaderEpoch for positions awaiting validation after a
 * leader change (KIP-320); errors raised from the next poll.
 */
export class Fetcher {
  private readonly fetching = new Set<number>();
  private readonly listing = new Set<string>();
  private resetAttempts = 0;
  private metadataVersion = -1;
  private validationWakeup = false;
  /**
   * An error for poll to throw: OffsetOutOfRangeException with auto.offset.reset=none, or a
   * LogTruncationException from a validation (OffsetFetcherUtils.cachedValidatePositionsException).
   */
  pendingError: string | undefined;
  /** Called when something arrives that poll may want (records, a position). */
  onProgress: () => void = () => {};

  constructor(
    private readonly config: ConsumerConfig,
    private readonly subscriptions: SubscriptionState,
    private readonly metadata: ConsumerMetadata,
    private readonly network: NetworkClient,
    private readonly timers: Timers,
    private readonly backoff: SeededBackoff,
    /** The consumer's log (a note in the trace). */
    private readonly log: (message: string) => void = () => {},
  ) {}

  /**
   * Partitions grouped by their leader, for one request per broker. A partition without a known
   * leader asks for metadata; one whose leader is in reconnect backoff waits, and the consumer is
   * woken when the backoff ends (Kafka only tries to connect, NetworkClient.tryConnect, until the
   * node is connectable).
   */
  private byReachableLeader<T>(
    items: Iterable<T>,
    leaderOf: (item: T) => PartitionLeader | undefined,
  ): Map<number, T[]> {
    const byNode = new Map<number, T[]>();
    for (const item of items) {
      const leader = leaderOf(item);
      if (leader === undefined) {
        this.metadata.requestUpdate();
        continue;
      }
      if (this.network.isUnavailable(leader.leader)) {
        this.network.wakeWhenConnectable(leader.leader);
        continue;
      }
      const list = byNode.get(leader.leader);
      if (list === undefined) byNode.set(leader.leader, [item]);
      else list.push(item);
    }
    return byNode;
  }

  /**
   * Sends a Fetch to every leader that has fetchable partitions, none in flight, and no reconnect
   * backoff running (AbstractFetch.prepareFetchRequests: "Skipping fetch for partition {} because
   * node {} is awaiting reconnect backoff"); the consumer is woken when that backoff ends.
   */
  sendFetches(): void {
    const fetchable = this.subscriptions
      .assigned()
      .filter((p) => p.state === 'fetching' && !p.pendingRevocation && !this.subscriptions.hasBuffered(p));
    for (const [node, parts] of this.byReachableLeader(fetchable, (p) => p.currentLeader)) {
      if (this.fetching.has(node)) continue;
      const partitions: FetchPartition[] = parts.map((p) => ({
        topic: p.topic,
        partition: p.partition,
        fetchOffset: p.position,
        // The epoch of the leader the position was validated against (FetchPosition.currentLeader).
        currentLeaderEpoch: (p.currentLeader as PartitionLeader).leaderEpoch,
        lastFetchedEpoch: -1,
      }));
      this.fetching.add(node);
      // Bound methods, not closures per fetch: they keep their optimized code (bench:churn).
      this.network.send(
        node,
        'data',
        this.fetchRequest.bind(this, partitions),
        'FetchResponse',
        this.config['request.timeout.ms'] + this.config['fetch.max.wait.ms'],
        this.onFetchResponse.bind(this, node, partitions),
        this.onFetchFailure.bind(this, node),
      );
    }
  }

  private fetchRequest(partitions: readonly FetchPartition[], correlationId: number): KafkaRequest {
    return {
      type: 'Fetch',
      correlationId,
      replicaId: -1,
      maxWaitMs: this.config['fetch.max.wait.ms'],
      minBytes: this.config['fetch.min.bytes'],
      partitions,
    };
  }

  private onFetchResponse(
    node: number,
    partitions: readonly FetchPartition[],
    response: FetchResponse,
  ): void {
    this.fetching.delete(node);
    this.handleFetchResponse(response, partitions);
  }

  private onFetchFailure(node: number): void {
    this.fetching.delete(node);
    this.metadata.requestUpdate();
    this.onProgress();
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
        const position = formatFetchPosition(p.position, p.positionEpoch, p.currentLeader);
        if (this.config['auto.offset.reset'] === 'none')
          this.pendingError = `OffsetOutOfRangeException: Fetch position ${position} is out of range for partition ${p.key}`;
        else {
          this.log(`Fetch position ${position} is out of range for partition ${p.key}, resetting offset`);
          this.subscriptions.requestReset(p);
        }
      } else if (STALE_LEADER.has(r.error)) this.metadata.requestUpdate();
    }
    this.onProgress();
  }

  // ---- offset validation (KIP-320) ------------------------------------------------------------

  /**
   * OffsetFetcher.validatePositionsIfNeeded: on new metadata, every position last validated against
   * another leader or leader epoch awaits validation (validatePositionsOnMetadataChange); those not
   * backing off are checked with OffsetsForLeaderEpoch against their leader, asking where the epoch
   * of the last consumed record ends.
   */
  validatePositionsIfNeeded(): void {
    const version = this.metadata.updateVersion;
    if (version !== this.metadataVersion) {
      this.metadataVersion = version;
      for (const p of this.subscriptions.assigned())
        this.subscriptions.maybeValidatePositionForCurrentLeader(
          p,
          this.metadata.leaderFor(p.topic, p.partition),
        );
    }
    const now = this.timers.now;
    const byNode = this.byReachableLeader(
      this.subscriptions.partitionsNeedingValidation(now),
      (p) => p.currentLeader,
    );
    for (const [node, parts] of byNode) {
      const requested = parts.map((p) => ({
        p,
        position: p.position,
        positionEpoch: p.positionEpoch,
        leader: p.currentLeader as PartitionLeader,
      }));
      this.subscriptions.setNextAllowedRetry(parts, now + ms(this.config['request.timeout.ms']));
      this.network.send(
        node,
        'data',
        (correlationId) => ({
          type: 'OffsetsForLeaderEpoch',
          correlationId,
          replicaId: -1,
          partitions: requested.map((r) => ({
            topic: r.p.topic,
            partition: r.p.partition,
            currentLeaderEpoch: r.leader.leaderEpoch,
            leaderEpoch: r.positionEpoch,
          })),
        }),
        'OffsetsForLeaderEpochResponse',
        this.config['request.timeout.ms'],
        (response) => this.handleOffsetsForLeaderEpoch(response, requested),
        () => {
          // OffsetFetcherUtils.onFailedResponseForValidatingPositions
          this.retryValidationLater(parts);
          this.onProgress();
        },
      );
    }
  }

  /** OffsetsForLeaderEpochUtils.handleResponse + OffsetFetcherUtils.onSuccessfulResponseForValidatingPositions. */
  private handleOffsetsForLeaderEpoch(
    response: OffsetsForLeaderEpochResponse,
    requested: readonly {
      p: AssignedPartition;
      position: number;
      positionEpoch: number;
      leader: PartitionLeader;
    }[],
  ): void {
    const retry: AssignedPartition[] = [];
    const truncations: LogTruncation[] = [];
    const hasResetPolicy = this.config['auto.offset.reset'] !== 'none';
    for (const r of requested) {
      const answer = response.partitions.find((a) => a.topic === r.p.topic && a.partition === r.p.partition);
      // Any error (NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, ...) is retried.
      if (answer === undefined || answer.error !== 'NONE') {
        retry.push(r.p);
        continue;
      }
      const truncation = this.subscriptions.maybeCompleteValidation(
        r.p,
        r,
        answer.endOffset,
        answer.leaderEpoch,
        hasResetPolicy,
        this.log,
      );
      if (truncation !== undefined) truncations.push(truncation);
    }
    if (retry.length > 0) this.retryValidationLater(retry);
    if (truncations.length > 0 && this.pendingError === undefined) {
      // LogTruncationException(fetchOffsets, divergentOffsets): "Truncated partitions detected with
      // divergent offsets {...}".
      const divergent = truncations
        .filter((t) => t.divergentOffset !== undefined)
        .map((t) => {
          const d = t.divergentOffset as { offset: number; leaderEpoch: number };
          return `${t.key}=${formatOffsetAndMetadata(d.offset, d.leaderEpoch)}`;
        });
      this.pendingError = `LogTruncationException: Truncated partitions detected with divergent offsets {${divergent.join(', ')}}`;
    }
    this.onProgress();
  }

  /** Backs off retry.backoff.ms and asks for new metadata; the consumer is woken when it ends. */
  private retryValidationLater(parts: readonly AssignedPartition[]): void {
    const delay = ms(this.config['retry.backoff.ms']);
    this.subscriptions.setNextAllowedRetry(parts, this.timers.now + delay);
    this.metadata.requestUpdate();
    if (this.validationWakeup) return;
    this.validationWakeup = true;
    this.timers.afterMicros(delay, 'validate-backoff', () => {
      this.validationWakeup = false;
      this.onProgress();
    });
  }

  // ---- offset resets ---------------------------------------------------------------------------

  /**
   * Positions by auto.offset.reset through ListOffsets to each leader (OffsetFetcher.resetPositionsIfNeeded);
   * a leader in reconnect backoff is skipped until it ends (groupListOffsetRequests).
   */
  resetPositions(): void {
    const resetting = this.subscriptions
      .assigned()
      .filter((p) => p.state === 'awaiting-reset' && !this.listing.has(p.key));
    const byNode = this.byReachableLeader(resetting, (p) => this.metadata.leaderFor(p.topic, p.partition));
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
      // OffsetFetcherUtils.resetPositionIfNeeded: the new position has no offset epoch, so it is
      // not validated; the next consumed record gives it one.
      if (r.error === 'NONE') this.subscriptions.seek(p, r.offset, -1);
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
