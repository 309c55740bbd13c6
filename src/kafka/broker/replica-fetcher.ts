import type { TimerHandle } from '../../sim/process.js';
import { ms } from '../../sim/time.js';
import type { BrokerConfig, TruncationMode } from '../config.js';
import { offsetTruncationState } from '../log/truncation.js';
import type { Partition } from '../partition.js';
import { type FetchResponse, type FetchResponsePartition, tpKey } from '../protocol.js';
import { type BrokerIO, brokerName } from './io.js';

/** A followed partition's fetch position (AbstractFetcherThread's PartitionFetchState). */
interface FetchState {
  readonly partition: Partition;
  fetchOffset: number;
  readonly currentLeaderEpoch: number;
  /** Not fetched again before this time (replica.fetch.backoff.ms after an error). */
  delayedUntil: number;
}

/**
 * The follower side of replication toward one leader (ReplicaFetcherThread + AbstractFetcherThread):
 * one Fetch in flight for all the partitions it follows there; the next one goes as soon as the
 * response is processed, so the leader's long poll (replica.fetch.wait.max.ms) paces it. A Fetch
 * that breaks or times out (request.timeout.ms) delays every partition by replica.fetch.backoff.ms.
 */
export class ReplicaFetcher {
  private readonly states = new Map<string, FetchState>();
  private inFlight:
    | { correlationId: number; timer: TimerHandle; offsets: Map<string, number>; epochs: Map<string, number> }
    | undefined;
  private backoff: TimerHandle | undefined;

  constructor(
    readonly leaderId: number,
    private readonly io: BrokerIO,
    private readonly brokerId: number,
    private readonly config: BrokerConfig,
    private readonly truncation: TruncationMode,
    private readonly nextCorrelationId: () => number,
    private readonly onTruncated: (partition: Partition, removedRecords: number) => void,
  ) {}

  get isEmpty(): boolean {
    return this.states.size === 0;
  }

  /** Starts following `partition` from `fetchOffset` in the leader's epoch. */
  add(partition: Partition, fetchOffset: number): void {
    this.states.set(tpKey(partition.topic, partition.partition), {
      partition,
      fetchOffset,
      currentLeaderEpoch: partition.leaderEpoch,
      delayedUntil: 0,
    });
    this.maybeFetch();
  }

  remove(partition: Partition): void {
    this.states.delete(tpKey(partition.topic, partition.partition));
  }

  /** Stops everything (the fetcher is dropped). */
  close(): void {
    if (this.inFlight !== undefined) this.io.cancelTimer(this.inFlight.timer);
    if (this.backoff !== undefined) this.io.cancelTimer(this.backoff);
    this.inFlight = undefined;
    this.backoff = undefined;
    this.states.clear();
  }

  handleResponse(response: FetchResponse): void {
    const inFlight = this.inFlight;
    if (inFlight === undefined || inFlight.correlationId !== response.correlationId) return;
    this.io.cancelTimer(inFlight.timer);
    this.inFlight = undefined;
    for (const p of response.partitions) {
      const key = tpKey(p.topic, p.partition);
      const state = this.states.get(key);
      // Ignore a partition whose position moved since the request (AbstractFetcherThread).
      if (state === undefined || state.fetchOffset !== inFlight.offsets.get(key)) continue;
      this.processPartition(state, p, inFlight.epochs.get(key) ?? -1);
    }
    this.maybeFetch();
  }

  /** The Fetch failed: the connection broke, or request.timeout.ms passed. */
  handleFailure(correlationId?: number): void {
    if (this.inFlight === undefined) return;
    if (correlationId !== undefined && this.inFlight.correlationId !== correlationId) return;
    this.io.cancelTimer(this.inFlight.timer);
    this.inFlight = undefined;
    const until = this.io.now + ms(this.config['replica.fetch.backoff.ms']);
    for (const state of this.states.values()) state.delayedUntil = until;
    this.maybeFetch();
  }

  backoffElapsed(): void {
    this.backoff = undefined;
    this.maybeFetch();
  }

  maybeFetch(): void {
    if (this.inFlight !== undefined || this.backoff !== undefined || this.states.size === 0) return;
    const now = this.io.now;
    const ready = [...this.states.entries()].filter(([, s]) => s.delayedUntil <= now);
    if (ready.length === 0) {
      const next = Math.min(...[...this.states.values()].map((s) => s.delayedUntil));
      this.backoff = this.io.setTimer(next - now, { kind: 'fetch-backoff', leader: this.leaderId });
      return;
    }
    const correlationId = this.nextCorrelationId();
    const offsets = new Map(ready.map(([key, s]) => [key, s.fetchOffset]));
    const epochs = new Map(ready.map(([key, s]) => [key, s.currentLeaderEpoch]));
    const timer = this.io.setTimer(ms(this.config['request.timeout.ms']), {
      kind: 'fetch-timeout',
      leader: this.leaderId,
      correlationId,
    });
    this.inFlight = { correlationId, timer, offsets, epochs };
    this.io.send(brokerName(this.leaderId), {
      type: 'Fetch',
      correlationId,
      replicaId: this.brokerId,
      maxWaitMs: this.config['replica.fetch.wait.max.ms'],
      minBytes: this.config['replica.fetch.min.bytes'],
      partitions: ready.map(([, s]) => ({
        topic: s.partition.topic,
        partition: s.partition.partition,
        fetchOffset: s.fetchOffset,
        currentLeaderEpoch: s.currentLeaderEpoch,
        // Truncation on fetch (KIP-595, Kafka 2.8+) in leader-epoch mode; pre-0.11 followers send none.
        lastFetchedEpoch: this.truncation === 'leader-epoch' ? s.partition.log.lastFetchedEpoch : -1,
      })),
    });
  }

  private processPartition(state: FetchState, response: FetchResponsePartition, requestEpoch: number): void {
    const log = state.partition.log;
    const name = `${state.partition.topic}-${state.partition.partition}`;
    if (response.error === 'NONE' && response.divergingEpoch !== undefined) {
      const target = offsetTruncationState(
        response.divergingEpoch.epoch,
        response.divergingEpoch.endOffset,
        log.epochCache,
        log.logEndOffset,
        log.highWatermark,
      );
      this.truncate(
        state,
        target.offset,
        `diverging epoch ${response.divergingEpoch.epoch} ends at ${response.divergingEpoch.endOffset}`,
      );
      return;
    }
    if (response.error === 'NONE') {
      const first = response.records[0];
      if (first !== undefined && first.baseOffset < log.logEndOffset) {
        // The leader's batch straddles our log end: the logs diverged at batch boundaries that
        // differ (only possible without leader epochs). Log.append throws
        // UnexpectedAppendOffsetException and AbstractFetcherThread.processFetchRequest marks the
        // partition failed: this follower stops fetching it until its next LeaderAndIsr.
        this.states.delete(tpKey(state.partition.topic, state.partition.partition));
        this.io.note(
          `Unexpected error occurred while processing data for partition ${name} at offset ${state.fetchOffset}: UnexpectedAppendOffsetException: Unexpected offset in append to ${name}. First offset ${first.baseOffset} is less than the next offset ${log.logEndOffset}.`,
        );
        return;
      }
      if (response.records.length > 0) log.appendAsFollower(response.records);
      state.fetchOffset = log.logEndOffset;
      // The follower's HW is the leader's, clamped to its own log: it can move back.
      log.updateHighWatermark(response.highWatermark);
      return;
    }
    if (response.error === 'OFFSET_OUT_OF_RANGE' && response.logEndOffset !== undefined) {
      // The leader's log is shorter than ours (ListOffsets in Kafka): cut back to its end.
      if (response.logEndOffset < log.logEndOffset) {
        this.truncate(state, response.logEndOffset, `leader's log ends at ${response.logEndOffset}`);
        return;
      }
    }
    // AbstractFetcherThread.onPartitionFenced: only when the request carried the epoch we still
    // have; an answer to a request sent in an older epoch (e.g. a delayed fetch answered after
    // our leader's LeaderAndIsr) just retries after the backoff.
    if (response.error === 'FENCED_LEADER_EPOCH' && requestEpoch === state.currentLeaderEpoch) {
      this.states.delete(tpKey(state.partition.topic, state.partition.partition)); // until a new LeaderAndIsr
      this.io.note(`${name}: fetch fenced (epoch ${state.currentLeaderEpoch}); waiting for LeaderAndIsr`);
      return;
    }
    state.delayedUntil = this.io.now + ms(this.config['replica.fetch.backoff.ms']);
  }

  private truncate(state: FetchState, offset: number, why: string): void {
    const log = state.partition.log;
    const removed = log.truncateTo(offset);
    const count = removed.reduce((n, b) => n + b.records.length, 0);
    this.onTruncated(state.partition, count);
    if (count > 0) {
      this.io.note(
        `${state.partition.topic}-${state.partition.partition}: truncated ${count} record(s) at ${log.logEndOffset} (${why})`,
      );
    }
    state.fetchOffset = log.logEndOffset;
  }
}
