import { brokerIdOf, brokerName } from '../../kafka/broker/io.js';
import type { KafkaMessage, KafkaRequest, KafkaResponse } from '../../kafka/protocol.js';
import type { ProcessContext, TimerHandle } from '../../sim/process.js';
import type { Rng } from '../../sim/rng.js';
import { MILLISECOND, ms, type SimTime } from '../../sim/time.js';
import {
  ExponentialBackoff,
  RETRY_BACKOFF_EXP_BASE,
  RETRY_BACKOFF_JITTER,
  SeededBackoff,
} from '../backoff.js';

/** A consumer's timer: a name for the trace and what to run. */
export interface ConsumerTimer {
  readonly kind: 'consumer';
  readonly name: string;
  readonly run: () => void;
}

export type ConsumerContext = ProcessContext<KafkaMessage, ConsumerTimer>;

/** Timers in milliseconds, as Kafka's configs are. */
export class Timers {
  constructor(private readonly ctx: ConsumerContext) {}
  after(delayMs: number, name: string, run: () => void): TimerHandle {
    // At least a microsecond for any positive delay: a deadline computed in fractional
    // milliseconds may sit a rounding error past the instant its timer fires, and a re-arm that
    // rounded to zero delay would fire at the same instant forever (a heartbeat did exactly that).
    const delay = delayMs > 0 ? Math.max(1, ms(delayMs)) : 0;
    return this.ctx.setTimer(delay, { kind: 'consumer', name, run });
  }
  /**
   * A timer in whole microseconds of simulated time, for deadlines kept as SimTime: a delay
   * computed from fractional milliseconds can round to 0 µs while the deadline is still ahead,
   * and a timer that re-arms itself then fires forever at the same instant.
   */
  afterMicros(delay: SimTime, name: string, run: () => void): TimerHandle {
    return this.ctx.setTimer(Math.max(0, Math.ceil(delay)), { kind: 'consumer', name, run });
  }
  cancel(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.ctx.cancelTimer(handle);
  }
  /** The simulated clock, µs. */
  get now(): SimTime {
    return this.ctx.now;
  }
  /** The simulated clock in (fractional) milliseconds. */
  get nowMs(): number {
    return this.ctx.now / 1000;
  }
}

/** ClusterConnectionStates.ConnectionState, as far as the simulated network tells them apart. */
export type ConnectionState = 'CONNECTING' | 'READY' | 'DISCONNECTED';

interface NodeConnectionState {
  state: ConnectionState;
  /** When the last connection attempt began or the last connection ended, µs. */
  lastConnectAttempt: SimTime;
  failedAttempts: number;
  /** How long after `lastConnectAttempt` a new connection may be tried, µs. */
  reconnectBackoff: SimTime;
}

/**
 * ClusterConnectionStates: each broker's connection state and reconnect backoff. A disconnect (a
 * connection refused, broken or closed after a request timeout) keeps the node blacked out for
 * reconnect.backoff.ms, doubling (jitter 0.2) with each failure up to reconnect.backoff.max.ms,
 * until a connection is ready again. The simulated network opens connections on the first send
 * and has no handshake: a connection counts as ready when its first response arrives (Kafka: once
 * ApiVersions completes). Times are whole microseconds.
 */
export class ClusterConnectionStates {
  private readonly nodes = new Map<number, NodeConnectionState>();

  constructor(private readonly reconnectBackoff: SeededBackoff) {}

  state(node: number): ConnectionState | undefined {
    return this.nodes.get(node)?.state;
  }

  /** Not connected and past the reconnect backoff (or never tried). */
  canConnect(node: number, now: SimTime): boolean {
    const s = this.nodes.get(node);
    return (
      s === undefined || (s.state === 'DISCONNECTED' && now - s.lastConnectAttempt >= s.reconnectBackoff)
    );
  }

  isBlackedOut(node: number, now: SimTime): boolean {
    const s = this.nodes.get(node);
    return s !== undefined && s.state === 'DISCONNECTED' && now - s.lastConnectAttempt < s.reconnectBackoff;
  }

  /** How long until a connection may be tried: 0 if now, Infinity while connecting or connected. */
  connectionDelay(node: number, now: SimTime): SimTime {
    const s = this.nodes.get(node);
    if (s === undefined) return 0;
    if (s.state !== 'DISCONNECTED') return Number.POSITIVE_INFINITY;
    return Math.max(s.reconnectBackoff - (now - s.lastConnectAttempt), 0);
  }

  isReady(node: number): boolean {
    return this.nodes.get(node)?.state === 'READY';
  }

  isConnecting(node: number): boolean {
    return this.nodes.get(node)?.state === 'CONNECTING';
  }

  isDisconnected(node: number): boolean {
    return this.nodes.get(node)?.state === 'DISCONNECTED';
  }

  /** 0 for a node never tried, as ClusterConnectionStates.lastConnectAttemptMs. */
  lastConnectAttempt(node: number): SimTime {
    return this.nodes.get(node)?.lastConnectAttempt ?? 0;
  }

  failedAttempts(node: number): number {
    return this.nodes.get(node)?.failedAttempts ?? 0;
  }

  connecting(node: number, now: SimTime): void {
    const s = this.nodes.get(node);
    if (s === undefined)
      // Kafka draws backoff(0) here too; it is overwritten before it is ever read, so no draw.
      this.nodes.set(node, {
        state: 'CONNECTING',
        lastConnectAttempt: now,
        failedAttempts: 0,
        reconnectBackoff: 0,
      });
    else {
      s.state = 'CONNECTING';
      s.lastConnectAttempt = now;
    }
  }

  /** resetReconnectBackoff: a connection made it. */
  ready(node: number): void {
    const s = this.nodes.get(node);
    if (s === undefined) return;
    s.state = 'READY';
    s.failedAttempts = 0;
  }

  /** updateReconnectBackoff: blacked out for backoff(failedAttempts), then one more failure. */
  disconnected(node: number, now: SimTime): void {
    let s = this.nodes.get(node);
    if (s === undefined) {
      s = { state: 'DISCONNECTED', lastConnectAttempt: now, failedAttempts: 0, reconnectBackoff: 0 };
      this.nodes.set(node, s);
    }
    s.state = 'DISCONNECTED';
    s.lastConnectAttempt = now;
    s.reconnectBackoff = this.reconnectBackoff.backoff(s.failedAttempts) * MILLISECOND;
    s.failedAttempts++;
  }
}

export type RequestFailure = 'disconnected' | 'timeout';

type ResponseOf<T extends KafkaResponse['type']> = Extract<KafkaResponse, { type: T }>;

/** Which connection a request uses: Kafka keeps a separate one to the group coordinator. */
export type Channel = 'data' | 'coordinator';

interface InFlight {
  readonly node: number;
  readonly channel: Channel;
  readonly expect: KafkaResponse['type'];
  readonly timer: TimerHandle;
  readonly onResponse: (response: KafkaResponse) => void;
  readonly onFailure: (why: RequestFailure) => void;
}

/** The configs the NetworkClient reads. */
export interface NetworkConfig {
  readonly 'reconnect.backoff.ms': number;
  readonly 'reconnect.backoff.max.ms': number;
}

/**
 * The consumer's NetworkClient (with ConsumerNetworkClient's unsent-request handling): correlation
 * ids, request timeouts (the connection is closed, as NetworkClient does when a request times out),
 * disconnects failing every request in flight to that broker, and each broker's connection state
 * with its reconnect backoff (ClusterConnectionStates). A request to a broker in reconnect backoff
 * fails as disconnected without being sent (ConsumerNetworkClient.checkDisconnects: `ready` cannot
 * initiate a connection, so the unsent request fails); callers avoid that by asking
 * `isUnavailable` first and `wakeWhenConnectable` to be woken when the backoff ends. The
 * coordinator channel can be abandoned on its own (AbstractCoordinator.markCoordinatorUnknown
 * disconnects only the coordinator's connection).
 */
export class NetworkClient {
  private nextCorrelationId = 0;
  private readonly inFlight = new Map<number, InFlight>();
  readonly connections: ClusterConnectionStates;
  /** Per node, the pending timer that wakes the consumer when its reconnect backoff ends. */
  private readonly wakeups = new Map<number, TimerHandle>();
  /** Called when a node's reconnect backoff that someone waited on has ended. */
  onConnectable: () => void = () => {};

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly timers: Timers,
    config: NetworkConfig,
    reconnectRng: Rng,
    /** NetworkClient.randOffset: where leastLoadedNode starts looking. */
    private readonly nodeRng: Rng,
  ) {
    // ClusterConnectionStates: ExponentialBackoff(reconnect.backoff.ms, RECONNECT_BACKOFF_EXP_BASE = 2,
    // reconnect.backoff.max.ms, RECONNECT_BACKOFF_JITTER = 0.2), the same constants as KIP-580's.
    this.connections = new ClusterConnectionStates(
      new SeededBackoff(
        new ExponentialBackoff(
          config['reconnect.backoff.ms'],
          RETRY_BACKOFF_EXP_BASE,
          config['reconnect.backoff.max.ms'],
          RETRY_BACKOFF_JITTER,
        ),
        reconnectRng,
      ),
    );
  }

  send<T extends KafkaResponse['type']>(
    node: number,
    channel: Channel,
    request: (correlationId: number) => KafkaRequest,
    expect: T,
    timeoutMs: number,
    onResponse: (response: ResponseOf<T>) => void,
    onFailure: (why: RequestFailure) => void,
  ): void {
    const now = this.ctx.now;
    if (this.connections.isBlackedOut(node, now)) {
      // Never sent: it fails with a disconnect at the next poll of the network client.
      this.timers.afterMicros(0, 'unsent-request-failed', () => onFailure('disconnected'));
      return;
    }
    if (this.connections.canConnect(node, now)) this.connections.connecting(node, now);
    const correlationId = this.nextCorrelationId++;
    // A bound method, not a closure per request: it keeps its optimized code (bench:churn).
    const timer = this.timers.after(timeoutMs, 'request-timeout', this.timeout.bind(this, correlationId));
    this.inFlight.set(correlationId, {
      node,
      channel,
      expect,
      timer,
      onResponse: onResponse as (response: KafkaResponse) => void,
      onFailure,
    });
    this.ctx.send(brokerName(node), request(correlationId));
  }

  /** Routes a response to its request; false if nothing awaits it (late, or abandoned). */
  handleResponse(response: KafkaResponse): boolean {
    const request = this.inFlight.get(response.correlationId);
    if (request === undefined || request.expect !== response.type) return false;
    this.inFlight.delete(response.correlationId);
    this.timers.cancel(request.timer);
    // The connection works: ClusterConnectionStates.ready resets the reconnect backoff.
    if (!this.connections.isReady(request.node)) this.connections.ready(request.node);
    request.onResponse(response);
    return true;
  }

  handleDisconnect(peer: string): void {
    const node = brokerIdOf(peer);
    if (node === undefined) return;
    // NetworkClient.processDisconnection: the node enters its reconnect backoff.
    if (!this.connections.isDisconnected(node)) this.connections.disconnected(node, this.ctx.now);
    this.failAll(node, undefined, 'disconnected');
  }

  /** Gives up on every request on `node`'s coordinator channel (they fail as disconnected). */
  abandonCoordinator(node: number): void {
    this.failAll(node, 'coordinator', 'disconnected');
  }

  inFlightCount(node: number): number {
    let n = 0;
    for (const r of this.inFlight.values()) if (r.node === node) n++;
    return n;
  }

  /** ConsumerNetworkClient.isUnavailable: the connection failed and the reconnect backoff has not ended. */
  isUnavailable(node: number): boolean {
    return this.connections.isBlackedOut(node, this.ctx.now);
  }

  /** NetworkClient.connectionDelay, µs: 0 when a connection may be tried now. */
  connectionDelay(node: number): SimTime {
    return this.connections.connectionDelay(node, this.ctx.now);
  }

  /**
   * Wakes the consumer (`onConnectable`) when `node`'s reconnect backoff ends, once however many
   * ask: what a poll timeout bounded by the connection delay does in Kafka, without spinning.
   */
  wakeWhenConnectable(node: number): void {
    if (this.wakeups.has(node) || !this.isUnavailable(node)) return;
    const delay = this.connectionDelay(node);
    this.wakeups.set(
      node,
      this.timers.afterMicros(delay, 'reconnect-backoff', () => {
        this.wakeups.delete(node);
        this.onConnectable();
      }),
    );
  }

  /**
   * NetworkClient.leastLoadedNode: a ready node with no request in flight, else the ready node with
   * the fewest, else one whose connection is being set up, else the node that may connect and was
   * tried longest ago; never a node in reconnect backoff. Undefined if there is none. The search
   * starts at a random offset.
   */
  leastLoadedNode(nodes: readonly number[]): number | undefined {
    const n = nodes.length;
    if (n === 0) return undefined;
    const now = this.ctx.now;
    const offset = this.nodeRng.below(n);
    let inflight = Number.POSITIVE_INFINITY;
    let foundReady: number | undefined;
    let foundConnecting: number | undefined;
    let foundCanConnect: number | undefined;
    for (let i = 0; i < n; i++) {
      const node = nodes[(offset + i) % n] as number;
      if (this.connections.isReady(node)) {
        const count = this.inFlightCount(node);
        if (count === 0) return node;
        if (count < inflight) {
          inflight = count;
          foundReady = node;
        }
      } else if (this.connections.isConnecting(node)) foundConnecting = node;
      else if (
        this.connections.canConnect(node, now) &&
        (foundCanConnect === undefined ||
          this.connections.lastConnectAttempt(foundCanConnect) > this.connections.lastConnectAttempt(node))
      )
        foundCanConnect = node;
    }
    return foundReady ?? foundConnecting ?? foundCanConnect;
  }

  private timeout(correlationId: number): void {
    const request = this.inFlight.get(correlationId);
    if (request === undefined) return;
    this.inFlight.delete(correlationId);
    if (request.channel === 'data') {
      // NetworkClient.handleTimedOutRequests: "Disconnecting from node due to request timeout"; the
      // node enters its reconnect backoff (processDisconnection) before the callbacks run, and the
      // other requests on it fail too.
      this.ctx.disconnect(brokerName(request.node));
      if (!this.connections.isDisconnected(request.node))
        this.connections.disconnected(request.node, this.ctx.now);
      request.onFailure('timeout');
      this.failAll(request.node, undefined, 'disconnected');
    } else {
      request.onFailure('timeout');
      this.failAll(request.node, 'coordinator', 'disconnected');
    }
  }

  private failAll(node: number, channel: Channel | undefined, why: RequestFailure): void {
    for (const [id, r] of [...this.inFlight]) {
      if (r.node !== node || (channel !== undefined && r.channel !== channel)) continue;
      this.inFlight.delete(id);
      this.timers.cancel(r.timer);
      r.onFailure(why);
    }
  }
}
