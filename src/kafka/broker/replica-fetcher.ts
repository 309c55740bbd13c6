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

const NO_KEYS: readonly string[] = [];

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
export class ReplicaFetcher {
  /** The followed partitions by key, and the same in the order they were added (no iterators). */
  private readonly states = new Map<string, FetchState>();
  private readonly order: FetchState[] = [];
  /**
   * The Fetch in flight, its timeout and its partitions' keys in request order (the request holds
   * each partition's position and epoch as they were when it went).
   */
  private inFlight: FetchRequest | undefined;
  private inFlightTimer: TimerHandle | undefined;
  private inFlightKeys: readonly string[] = [];
  private backoff: TimerHandle | undefined;
  /** The leader's process name, and the config this fetcher reads on every Fetch, read once. */
  private readonly leaderName: string;
  private readonly maxWaitMs: number;
  private readonly minBytes: number;
  private readonly requestTimeout: SimTime;
  private readonly sendsLastFetchedEpoch: boolean;

  constructor(
    readonly leaderId: number,
    private readonly io: BrokerIO,
    private readonly brokerId: number,
    private readonly config: BrokerConfig,
    truncation: TruncationMode,
    private readonly nextCorrelationId: () => number,
    private readonly onTruncated: (partition: Partition, removedRecords: number) => void,
  ) {
    this.leaderName = brokerName(leaderId);
    this.maxWaitMs = config['replica.fetch.wait.max.ms'];
    this.minBytes = config['replica.fetch.min.bytes'];
    this.requestTimeout = ms(config['request.timeout.ms']);
    this.sendsLastFetchedEpoch = truncation === 'leader-epoch';
  }

  get isEmpty(): boolean {
    return this.states.size === 0;
  }

  /** Starts following `partition` from `fetchOffset` in the leader's epoch. */
  add(partition: Partition, fetchOffset: number): void {
    const key = tpKey(partition.topic, partition.partition);
    this.setState({
      key,
      partition,
      fetchOffset,
      currentLeaderEpoch: partition.leaderEpoch,
      delayedUntil: 0,
    });
    this.maybeFetch();
  }

  remove(partition: Partition): void {
    this.deleteState(tpKey(partition.topic, partition.partition));
  }

  /** Stops everything (the fetcher is dropped). */
  close(): void {
    if (this.inFlightTimer !== undefined) this.io.cancelTimer(this.inFlightTimer);
    if (this.backoff !== undefined) this.io.cancelTimer(this.backoff);
    this.clearInFlight();
    this.backoff = undefined;
    this.states.clear();
    this.order.length = 0;
  }

  handleResponse(response: FetchResponse): void {
    const request = this.inFlight;
    if (request === undefined || request.correlationId !== response.correlationId) return;
    const keys = this.inFlightKeys;
    this.io.cancelTimer(this.inFlightTimer as TimerHandle);
    this.clearInFlight();
    const partitions = response.partitions;
    for (let i = 0; i < partitions.length; i++) {
      const p = partitions[i] as FetchResponsePartition;
      const j = requestIndex(request, p, i);
      if (j < 0) continue; // not asked for
      const asked = request.partitions[j] as FetchPartition;
      const state = this.states.get(keys[j] as string);
      // Ignore a partition whose position moved since the request (AbstractFetcherThread).
      if (state === undefined || state.fetchOffset !== asked.fetchOffset) continue;
      this.processPartition(state, p, asked.currentLeaderEpoch);
    }
    this.maybeFetch();
  }

  /** The Fetch failed: the connection broke, or request.timeout.ms passed. */
  handleFailure(correlationId?: number): void {
    if (this.inFlight === undefined) return;
    if (correlationId !== undefined && this.inFlight.correlationId !== correlationId) return;
    this.io.cancelTimer(this.inFlightTimer as TimerHandle);
    this.clearInFlight();
    const until = this.io.now + ms(this.config['replica.fetch.backoff.ms']);
    for (const state of this.order) state.delayedUntil = until;
    this.maybeFetch();
  }

  backoffElapsed(): void {
    this.backoff = undefined;
    this.maybeFetch();
  }

  maybeFetch(): void {
    if (this.inFlight !== undefined || this.backoff !== undefined || this.states.size === 0) return;
    const now = this.io.now;
    const order = this.order;
    let ready = 0;
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < order.length; i++) {
      const s = order[i] as FetchState;
      if (s.delayedUntil <= now) ready++;
      else if (s.delayedUntil < next) next = s.delayedUntil;
    }
    if (ready === 0) {
      this.backoff = this.io.setTimer(next - now, { kind: 'fetch-backoff', leader: this.leaderId });
      return;
    }
    // Arrays of exactly the ready partitions, in the order they were added.
    let keys: string[];
    let partitions: FetchPartition[];
    if (ready === order.length && ready === 1) {
      const s = order[0] as FetchState;
      keys = [s.key];
      partitions = [this.fetchPartition(s)];
    } else {
      keys = [];
      partitions = [];
      for (let i = 0; i < order.length; i++) {
        const s = order[i] as FetchState;
        if (s.delayedUntil > now) continue;
        keys.push(s.key);
        partitions.push(this.fetchPartition(s));
      }
    }
    const correlationId = this.nextCorrelationId();
    this.inFlightTimer = this.io.setTimer(this.requestTimeout, {
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
    this.inFlight = request;
    this.inFlightKeys = keys;
    this.io.send(this.leaderName, request);
  }

  private fetchPartition(s: FetchState): FetchPartition {
    return {
      topic: s.partition.topic,
      partition: s.partition.partition,
      fetchOffset: s.fetchOffset,
      currentLeaderEpoch: s.currentLeaderEpoch,
      // Truncation on fetch (KIP-595, Kafka 2.8+) in leader-epoch mode; pre-0.11 followers send none.
      lastFetchedEpoch: this.sendsLastFetchedEpoch ? s.partition.log.lastFetchedEpoch : -1,
    };
  }

  private clearInFlight(): void {
    this.inFlight = undefined;
    this.inFlightTimer = undefined;
    this.inFlightKeys = NO_KEYS;
  }

  /** As Map.set: a partition added again keeps its place in the order. */
  private setState(state: FetchState): void {
    const old = this.states.get(state.key);
    this.states.set(state.key, state);
    if (old === undefined) this.order.push(state);
    else this.order[this.order.indexOf(old)] = state;
  }

  private deleteState(key: string): void {
    const old = this.states.get(key);
    if (old === undefined) return;
    this.states.delete(key);
    this.order.splice(this.order.indexOf(old), 1);
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
        this.deleteState(state.key);
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
      this.deleteState(state.key); // until a new LeaderAndIsr
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
