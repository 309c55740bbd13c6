import { brokerIdOf, brokerName } from '../../kafka/broker/io.js';
import type { KafkaMessage, KafkaRequest, KafkaResponse } from '../../kafka/protocol.js';
import type { ProcessContext, TimerHandle } from '../../sim/process.js';
import type { Rng } from '../../sim/rng.js';
import { ms } from '../../sim/time.js';

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
  cancel(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.ctx.cancelTimer(handle);
  }
  /** The simulated clock in (fractional) milliseconds. */
  get nowMs(): number {
    return this.ctx.now / 1000;
  }
}

/**
 * ExponentialBackoff(retry.backoff.ms, 2, retry.backoff.max.ms, 0.2) from Kafka's common utils,
 * with its jitter drawn from the process's seeded stream.
 */
export class ExponentialBackoff {
  private readonly expMax: number;
  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly rng: Rng,
    private readonly multiplier = 2,
    private readonly jitter = 0.2,
  ) {
    this.expMax = maxMs > initialMs ? Math.log(maxMs / Math.max(initialMs, 1)) / Math.log(multiplier) : 0;
  }
  backoff(attempts: number): number {
    if (this.expMax === 0) return this.initialMs;
    const exp = Math.min(attempts, this.expMax);
    const term = this.initialMs * this.multiplier ** exp;
    const factor = this.rng.floatBetween(1 - this.jitter, 1 + this.jitter);
    return Math.min(Math.floor(factor * term), this.maxMs);
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

/**
 * The consumer's NetworkClient: correlation ids, request timeouts (the connection is closed, as
 * NetworkClient does when a request times out) and disconnects failing every request in flight
 * to that broker. The coordinator channel can be abandoned on its own
 * (AbstractCoordinator.markCoordinatorUnknown disconnects only the coordinator's connection).
 */
export class NetworkClient {
  private nextCorrelationId = 0;
  private readonly inFlight = new Map<number, InFlight>();

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly timers: Timers,
  ) {}

  send<T extends KafkaResponse['type']>(
    node: number,
    channel: Channel,
    request: (correlationId: number) => KafkaRequest,
    expect: T,
    timeoutMs: number,
    onResponse: (response: ResponseOf<T>) => void,
    onFailure: (why: RequestFailure) => void,
  ): void {
    const correlationId = this.nextCorrelationId++;
    const timer = this.timers.after(timeoutMs, 'request-timeout', () => this.timeout(correlationId));
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
    request.onResponse(response);
    return true;
  }

  handleDisconnect(peer: string): void {
    const node = brokerIdOf(peer);
    if (node !== undefined) this.failAll(node, undefined, 'disconnected');
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

  private timeout(correlationId: number): void {
    const request = this.inFlight.get(correlationId);
    if (request === undefined) return;
    this.inFlight.delete(correlationId);
    request.onFailure('timeout');
    if (request.channel === 'data') {
      // NetworkClient: "Disconnecting from node due to request timeout"; the others on it fail too.
      this.ctx.disconnect(brokerName(request.node));
      this.failAll(request.node, undefined, 'disconnected');
    } else this.failAll(request.node, 'coordinator', 'disconnected');
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
