import type { TimerHandle } from '../../sim/process.js';
import { ms, type SimTime } from '../../sim/time.js';
import type { BrokerConfig, TruncationMode } from '../config.js';
import { offsetTruncationState } from '../log/truncation.js';
import type { Partition } from '../partition.js';
import {
  type FetchPartition,
  type FetchRequest,
  type FetchResponse,
  type FetchResponsePartition,
  tpKey,
} from '../protocol.js';
import { type BrokerIO, brokerName } from './io.js';

/** A followed partition's fetch position (AbstractFetcherThread's PartitionFetchState). */
interface FetchState {
  /** "topic-N", built once. */
  readonly key: string;
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
/** The Fetch in flight: what each partition's position and epoch were when it went, in request order. */
interface InFlightFetch {
  readonly correlationId: number;
  readonly timer: TimerHandle;
  readonly keys: readonly string[];
  readonly offsets: readonly number[];
  readonly epochs: readonly number[];
  readonly request: FetchRequest;
}

export class ReplicaFetcher {
  private readonly states = new Map<string, FetchState>();
  private inFlight: InFlightFetch | undefined;
  private backoff: TimerHandle | undefined;
  /** The leader's process name, and the config this fetcher reads on every Fetch, read once. */
  private readonly leaderName: string;
  private readonly maxWaitMs: number;
  private readonly minBytes: number;
  private readonly requestTimeout: SimTime;

  constructor(
    readonly leaderId: number,
    private readonly io: BrokerIO,
    private readonly brokerId: number,
    private readonly config: BrokerConfig,
    private readonly truncation: TruncationMode,
    private readonly nextCorrelationId: () => number,
    private readonly onTruncated: (partition: Partition, removedRecords: number) => void,
  ) {
    this.leaderName = brokerName(leaderId);
    this.maxWaitMs = config['replica.fetch.wait.max.ms'];
    this.minBytes = config['replica.fetch.min.bytes'];
    this.requestTimeout = ms(config['request.timeout.ms']);
  }

  get isEmpty(): boolean {
    return this.states.size === 0;
  }

  /** Starts following `partition` from `fetchOffset` in the leader's epoch. */
  add(partition: Partition, fetchOffset: number): void {
    const key = tpKey(partition.topic, partition.partition);
    this.states.set(key, {
      key,
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
    const partitions = response.partitions;
    for (let i = 0; i < partitions.length; i++) {
      const p = partitions[i] as FetchResponsePartition;
      const j = requestIndex(inFlight.request, p, i);
      if (j < 0) continue; // not asked for
      const state = this.states.get(inFlight.keys[j] as string);
      // Ignore a partition whose position moved since the request (AbstractFetcherThread).
      if (state === undefined || state.fetchOffset !== inFlight.offsets[j]) continue;
      this.processPartition(state, p, inFlight.epochs[j] as number);
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
    const keys: string[] = [];
    const offsets: number[] = [];
    const epochs: number[] = [];
    const partitions: FetchPartition[] = [];
    let next = Number.POSITIVE_INFINITY;
    for (const s of this.states.values()) {
      if (s.delayedUntil > now) {
        if (s.delayedUntil < next) next = s.delayedUntil;
        continue;
      }
      keys.push(s.key);
      offsets.push(s.fetchOffset);
      epochs.push(s.currentLeaderEpoch);
      partitions.push({
        topic: s.partition.topic,
        partition: s.partition.partition,
        fetchOffset: s.fetchOffset,
        currentLeaderEpoch: s.currentLeaderEpoch,
        // Truncation on fetch (KIP-595, Kafka 2.8+) in leader-epoch mode; pre-0.11 followers send none.
        lastFetchedEpoch: this.truncation === 'leader-epoch' ? s.partition.log.lastFetchedEpoch : -1,
      });
    }
    if (partitions.length === 0) {
      this.backoff = this.io.setTimer(next - now, { kind: 'fetch-backoff', leader: this.leaderId });
      return;
    }
    const correlationId = this.nextCorrelationId();
    const timer = this.io.setTimer(this.requestTimeout, {
      kind: 'fetch-timeout',
      leader: this.leaderId,
      correlationId,
    });
    const request: FetchRequest = {
      type: 'Fetch',
      correlationId,
      replicaId: this.brokerId,
      maxWaitMs: this.maxWaitMs,
      minBytes: this.minBytes,
      partitions,
    };
    this.inFlight = { correlationId, timer, keys, offsets, epochs, request };
    this.io.send(this.leaderName, request);
  }

  private processPartition(state: FetchState, response: FetchResponsePartition, requestEpoch: number): void {
    const log = state.partition.log;
    const name = state.key;
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
        this.states.delete(state.key);
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
      this.states.delete(state.key); // until a new LeaderAndIsr
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

/**
 * The index in `request` of the partition a response partition answers: the leader answers in
 * request order, so `hint` is tried first; -1 if the request did not ask for it.
 */
function requestIndex(request: FetchRequest, p: FetchResponsePartition, hint: number): number {
  const asked = request.partitions;
  const at = asked[hint];
  if (at !== undefined && at.partition === p.partition && at.topic === p.topic) return hint;
  for (let i = 0; i < asked.length; i++) {
    const q = asked[i] as FetchPartition;
    if (q.partition === p.partition && q.topic === p.topic) return i;
  }
  return -1;
}
