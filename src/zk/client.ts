import type { TimerHandle } from '../sim/process.js';
import type { Rng } from '../sim/rng.js';
import { ms, type SimTime } from '../sim/time.js';
import {
  isZkServerToClientMessage,
  type ZkClientToServerMessage,
  type ZkConnectResponseMessage,
  type ZkResponseMessage,
} from './protocol.js';
import {
  type CreateMode,
  type ErrorCode,
  type FailureCode,
  formatSessionId,
  type KeeperState,
  type OpResult,
  type SessionId,
  type Stat,
  type WatchedEvent,
  type WatchList,
  type ZkOp,
  type ZkReply,
  type ZkRequest,
} from './types.js';

/** What a ZkClient needs of the actor that embeds it: a ProcessContext fits. */
export interface ZkClientHost {
  readonly now: SimTime;
  readonly rng: Rng;
  send(to: string, message: ZkClientToServerMessage): void;
  disconnect(peer: string): void;
  setTimer(delay: SimTime, tag: ZkClientTimer): TimerHandle;
  cancelTimer(handle: TimerHandle): void;
  note(text: string): void;
}

/** The tag of every timer a ZkClient sets; it names the client that set it. */
export interface ZkClientTimer {
  readonly kind: 'zk-client';
  readonly purpose: 'tick' | 'callbacks';
  readonly client: ZkClient;
}

export function isZkClientTimer(tag: unknown): tag is ZkClientTimer {
  return typeof tag === 'object' && tag !== null && (tag as { kind?: unknown }).kind === 'zk-client';
}

export interface ZkClientOptions {
  /** The ensemble's servers (the connect string). */
  readonly servers: readonly string[];
  /** The timeout asked for: Kafka's `zookeeper.session.timeout.ms`, default 18000. */
  readonly sessionTimeoutMs?: number;
  /** Names the client in its trace notes (default `zk`). */
  readonly name?: string;
  /** SyncConnected, Disconnected (every lost connection or failed attempt) and Expired (then it stops). */
  readonly onStateChange?: (state: KeeperState) => void;
  /** A watch fired. */
  readonly onWatchEvent?: (event: WatchedEvent) => void;
}

export type ZkClientState = 'CONNECTING' | 'CONNECTED' | 'CLOSED';

/** A request's outcome: its reply's fields when OK, else only the code. */
export type Outcome<T> = ({ readonly code: 'OK' } & T) | { readonly code: FailureCode };
export type CreateCallback = (outcome: Outcome<{ readonly path: string; readonly stat: Stat }>) => void;
export type DataCallback = (outcome: Outcome<{ readonly data: string | null; readonly stat: Stat }>) => void;
export type StatCallback = (outcome: Outcome<{ readonly stat: Stat }>) => void;
export type VoidCallback = (outcome: { readonly code: ErrorCode }) => void;
export type ChildrenCallback = (
  outcome: Outcome<{ readonly children: readonly string[]; readonly stat: Stat }>,
) => void;
/** `results` is there whenever a server answered, per op, success or not (ZooKeeper's MultiResponse). */
export type MultiCallback = (outcome: {
  readonly code: ErrorCode;
  readonly results?: readonly OpResult[];
}) => void;

type Completion = (code: ErrorCode, reply: ZkReply | undefined) => void;

interface Call {
  readonly xid: number;
  /** null: the closeSession request. */
  readonly request: ZkRequest | null;
  readonly complete: Completion;
}

type Phase = 'waiting' | 'connecting' | 'connected' | 'closed';

/** ClientCnxn's MAX_SEND_PING_INTERVAL. */
const MAX_PING_INTERVAL_MS = 10_000;
/** StaticHostProvider's pause after trying every server (ClientCnxn calls next(1000)). */
const SPIN_DELAY_MS = 1000;
/** ClientCnxn.startConnect sleeps up to this long before every reconnect. */
const RECONNECT_JITTER_MS = 1000;

/** How long the client may send nothing before it pings (ClientCnxn.SendThread.run). */
function pingIntervalMs(readTimeoutMs: number): number {
  const half = Math.floor(readTimeoutMs / 2);
  // ZooKeeper pings a second early once it has been idle over a second, and at least every 10 s.
  return Math.min(half > 2000 ? half - 1000 : half, MAX_PING_INTERVAL_MS);
}

/**
 * A ZooKeeper client embedded in an actor (a broker owns one), after ZooKeeper's ClientCnxn:
 * - it shuffles the server list once and walks it round-robin, pausing 1 s each time it comes
 *   back to the server it last connected to, plus a random 0-1 s before every reconnect;
 * - readTimeout = negotiated × 2/3, connectTimeout = negotiated / number of servers; it pings when
 *   it has sent nothing for about readTimeout/2 (at most 10 s), and gives the connection up when it
 *   has heard nothing for readTimeout (connectTimeout while connecting);
 * - on a lost connection it fails every pending and queued request with CONNECTIONLOSS, reports
 *   Disconnected and tries the next server with the same session, re-registering its watches;
 * - it learns of expiry only from a server it reconnects to: it reports Expired and stops for good
 *   (the owner makes a new client, as Kafka's ZooKeeperClient.reinitialize does).
 * Requests made while it is connecting wait for the connection; replies come in order.
 * Callbacks never run inside the call that made the request: a request on a closed client fails
 * with SESSIONEXPIRED from a timer, so keep forwarding this client's timers until it is done.
 */
export class ZkClient {
  readonly name: string;
  readonly sessionTimeoutMs: number;
  private readonly hosts: readonly string[];
  private readonly onStateChange: ((state: KeeperState) => void) | undefined;
  private readonly onWatch: ((event: WatchedEvent) => void) | undefined;

  private phase: Phase = 'waiting';
  private closing = false;
  private server: string | null = null;
  /** StaticHostProvider's currentIndex and lastIndex. */
  private hostIndex = -1;
  private lastIndex = -1;
  private firstConnect = true;
  private connectAt: SimTime = 0;

  private id: SessionId = 0;
  private negotiatedMs = 0;
  private readTimeoutMs: number;
  private connectTimeoutMs: number;
  private lastSend: SimTime = 0;
  private lastHeard: SimTime = 0;
  private lastZxid = 0;

  private nextXid = 1;
  /** Sent, awaiting their replies, in order. */
  private readonly pending: Call[] = [];
  /** Waiting for a connection. */
  private outgoing: Call[] = [];
  /** ZKWatchManager's registry: what to re-register on reconnect, and which events to pass on. */
  private readonly dataWatches = new Set<string>();
  private readonly existWatches = new Set<string>();
  private readonly childWatches = new Set<string>();

  private tick: { readonly handle: TimerHandle; readonly tag: ZkClientTimer } | null = null;
  private callbacksTag: ZkClientTimer | null = null;
  private deferred: (() => void)[] = [];

  constructor(
    private readonly host: ZkClientHost,
    options: ZkClientOptions,
  ) {
    if (options.servers.length === 0) throw new RangeError('ZkClient: no servers to connect to');
    this.name = options.name ?? 'zk';
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 18_000;
    this.onStateChange = options.onStateChange;
    this.onWatch = options.onWatchEvent;
    this.hosts = host.rng.shuffled(options.servers);
    // Before the first connection, the requested timeout stands in for the negotiated one.
    this.readTimeoutMs = Math.floor((this.sessionTimeoutMs * 2) / 3);
    this.connectTimeoutMs = Math.floor(this.sessionTimeoutMs / this.hosts.length);
    this.startConnecting();
  }

  // ---- what the owner reads ------------------------------------------------------------------

  get state(): ZkClientState {
    if (this.phase === 'closed') return 'CLOSED';
    return this.phase === 'connected' ? 'CONNECTED' : 'CONNECTING';
  }

  /** 0 until the first session is established. */
  get sessionId(): SessionId {
    return this.id;
  }

  /** The session timeout the server granted, ms (0 before the first connection). */
  get negotiatedSessionTimeoutMs(): number {
    return this.negotiatedMs;
  }

  /** The server it is connected to, if it is. */
  get connectedServer(): string | null {
    return this.phase === 'connected' ? this.server : null;
  }

  /** The last zxid seen in a reply. */
  get lastZxidSeen(): number {
    return this.lastZxid;
  }

  // ---- what the owner forwards ---------------------------------------------------------------

  /** True if `message` was a ZooKeeper server's message for this client (handled or stale). */
  handleMessage(from: string, message: unknown): boolean {
    if (this.phase === 'closed' || !isZkServerToClientMessage(message) || !this.hosts.includes(from))
      return false;
    if (from !== this.server || (this.phase !== 'connecting' && this.phase !== 'connected')) return true;
    this.lastHeard = this.host.now;
    switch (message.type) {
      case 'zk-connect-response':
        if (this.phase === 'connecting') this.onConnectResponse(message);
        break;
      case 'zk-response':
        this.onResponse(message);
        break;
      case 'zk-watch-event':
        this.onWatchEvent(message.event);
        break;
      case 'zk-pong':
        break;
    }
    return true;
  }

  /** True if `tag` is a ZkClient timer; it runs on the client that set it. */
  handleTimer(tag: unknown): boolean {
    if (!isZkClientTimer(tag)) return false;
    tag.client.onTimer(tag);
    return true;
  }

  /** True if `peer` is one of the ensemble's servers. */
  handleDisconnect(peer: string): boolean {
    if (this.phase === 'closed' || !this.hosts.includes(peer)) return false;
    if (peer === this.server && (this.phase === 'connecting' || this.phase === 'connected')) {
      this.connectionLost(`connection to ${peer} closed`);
    }
    return true;
  }

  // ---- the API -------------------------------------------------------------------------------

  // Each answer goes through a module function bound to its callback, not a closure made per
  // request: V8 keeps a closure's optimized code only while an instance of it lives (bench:churn).

  create(path: string, data: string | null, mode: CreateMode, callback: CreateCallback): void {
    this.submit({ type: 'create', path, data, mode }, createAnswer.bind(undefined, callback));
  }

  getData(path: string, options: { readonly watch: boolean }, callback: DataCallback): void {
    this.submit({ type: 'getData', path, watch: options.watch }, getDataAnswer.bind(undefined, callback));
  }

  /** `version` -1 matches any version. */
  setData(path: string, data: string | null, version: number, callback: StatCallback): void {
    this.submit({ type: 'setData', path, data, version }, setDataAnswer.bind(undefined, callback));
  }

  /** `version` -1 matches any version. */
  delete(path: string, version: number, callback: VoidCallback): void {
    this.submit({ type: 'delete', path, version }, deleteAnswer.bind(undefined, callback));
  }

  /** With `watch`, a missing node is watched for its creation. */
  exists(path: string, options: { readonly watch: boolean }, callback: StatCallback): void {
    this.submit({ type: 'exists', path, watch: options.watch }, existsAnswer.bind(undefined, callback));
  }

  getChildren(path: string, options: { readonly watch: boolean }, callback: ChildrenCallback): void {
    this.submit(
      { type: 'getChildren', path, watch: options.watch },
      getChildrenAnswer.bind(undefined, callback),
    );
  }

  multi(ops: readonly ZkOp[], callback: MultiCallback): void {
    this.submit({ type: 'multi', ops }, multiAnswer.bind(undefined, callback));
  }

  /**
   * Ends the session: connected, it asks the server to close it (its ephemerals go at once) and
   * hangs up on the answer; otherwise it just stops, and the session expires on its own.
   * Requests made afterwards fail with SESSIONEXPIRED. No state change is reported.
   */
  close(): void {
    if (this.phase === 'closed' || this.closing) return;
    if (this.phase === 'connected') {
      this.closing = true;
      this.transmit({ xid: this.nextXid++, request: null, complete: () => {} });
      return;
    }
    const queued = this.outgoing;
    this.outgoing = [];
    this.shutdown(`closed while connecting`);
    for (const call of queued) this.defer(() => call.complete('SESSIONEXPIRED', undefined));
  }

  // ---- connecting ----------------------------------------------------------------------------

  /** Picks the next server (StaticHostProvider.next) and waits out ClientCnxn's pauses. */
  private startConnecting(): void {
    this.phase = 'waiting';
    this.server = null;
    this.hostIndex = (this.hostIndex + 1) % this.hosts.length;
    let delayMs = this.hostIndex === this.lastIndex ? SPIN_DELAY_MS : 0;
    if (this.lastIndex === -1) this.lastIndex = 0;
    if (!this.firstConnect) delayMs += this.host.rng.below(RECONNECT_JITTER_MS);
    this.connectAt = this.host.now + ms(delayMs);
    // The first attempt waits for a timer too, as ZooKeeper's send thread starts apart from its
    // constructor: the owner may build its client before the servers exist.
    if (delayMs === 0 && !this.firstConnect) this.connectNow();
    else this.armTick();
  }

  private connectNow(): void {
    const server = this.hosts[this.hostIndex] as string;
    this.phase = 'connecting';
    this.server = server;
    this.firstConnect = false;
    this.host.send(server, {
      type: 'zk-connect',
      sessionId: this.id,
      timeoutMs: this.sessionTimeoutMs,
      lastZxidSeen: this.lastZxid,
      watches: this.watchList(),
    });
    this.lastSend = this.host.now;
    this.lastHeard = this.host.now;
    this.armTick();
  }

  /** ClientCnxn.onConnected. */
  private onConnectResponse(message: ZkConnectResponseMessage): void {
    if (message.timeoutMs <= 0) {
      this.expired();
      return;
    }
    this.negotiatedMs = message.timeoutMs;
    this.readTimeoutMs = Math.floor((message.timeoutMs * 2) / 3);
    this.connectTimeoutMs = Math.floor(message.timeoutMs / this.hosts.length);
    this.lastIndex = this.hostIndex;
    this.id = message.sessionId;
    this.phase = 'connected';
    this.host.note(
      `${this.name}: session ${formatSessionId(this.id)} established with ${this.server}, timeout ${this.negotiatedMs} ms`,
    );
    // What was asked while connecting goes first, in order.
    const queued = this.outgoing;
    this.outgoing = [];
    for (const call of queued) this.transmit(call);
    this.armTick();
    this.onStateChange?.('SyncConnected');
  }

  /** The connection is gone: fail what is in flight, say Disconnected, try the next server. */
  private connectionLost(reason: string): void {
    if (this.server !== null) this.host.disconnect(this.server);
    const lost = [...this.pending, ...this.outgoing];
    this.pending.length = 0;
    this.outgoing = [];
    if (this.closing) {
      this.shutdown(`closed (${reason})`);
      for (const call of lost) call.complete('CONNECTIONLOSS', undefined);
      return;
    }
    this.host.note(`${this.name}: session ${formatSessionId(this.id)} disconnected: ${reason}`);
    this.startConnecting();
    for (const call of lost) call.complete('CONNECTIONLOSS', undefined);
    this.onStateChange?.('Disconnected');
  }

  /** The server said the session is gone: report Expired and stop. */
  private expired(): void {
    const lost = [...this.pending, ...this.outgoing];
    this.pending.length = 0;
    this.outgoing = [];
    this.dataWatches.clear();
    this.existWatches.clear();
    this.childWatches.clear();
    this.shutdown(`session ${formatSessionId(this.id)} expired`);
    this.onStateChange?.('Expired');
    for (const call of lost) call.complete('SESSIONEXPIRED', undefined);
  }

  private shutdown(why: string): void {
    if (this.server !== null) this.host.disconnect(this.server);
    this.phase = 'closed';
    this.closing = false;
    this.server = null;
    if (this.tick !== null) this.host.cancelTimer(this.tick.handle);
    this.tick = null;
    this.host.note(`${this.name}: ${why}`);
  }

  // ---- the clock -----------------------------------------------------------------------------

  private onTimer(tag: ZkClientTimer): void {
    if (tag === this.callbacksTag) {
      this.callbacksTag = null;
      const due = this.deferred;
      this.deferred = [];
      for (const run of due) run();
      return;
    }
    if (this.tick?.tag !== tag) return; // stale
    this.tick = null;
    const now = this.host.now;
    switch (this.phase) {
      case 'waiting':
        if (now >= this.connectAt) this.connectNow();
        else this.armTick();
        return;
      case 'connecting':
        if (now - this.lastHeard >= ms(this.connectTimeoutMs)) {
          this.connectionLost(`no answer from ${this.server} in ${this.connectTimeoutMs} ms`);
        } else this.armTick();
        return;
      case 'connected': {
        const idleMs = Math.floor((now - this.lastHeard) / 1000);
        if (now - this.lastHeard >= ms(this.readTimeoutMs)) {
          this.connectionLost(`have not heard from ${this.server} in ${idleMs} ms`);
          return;
        }
        if (now - this.lastSend >= ms(pingIntervalMs(this.readTimeoutMs))) {
          this.host.send(this.server as string, { type: 'zk-ping' });
          this.lastSend = now;
        }
        this.armTick();
        return;
      }
      case 'closed':
        return;
    }
  }

  /**
   * One timer at the earliest deadline. Sending and hearing only push deadlines later, so a timer
   * that fires early just sets the next one; phase changes re-arm it.
   */
  private armTick(): void {
    if (this.tick !== null) this.host.cancelTimer(this.tick.handle);
    this.tick = null;
    let wake: SimTime;
    if (this.phase === 'waiting') wake = this.connectAt;
    else if (this.phase === 'connecting') wake = this.lastHeard + ms(this.connectTimeoutMs);
    else if (this.phase === 'connected') {
      wake = Math.min(
        this.lastHeard + ms(this.readTimeoutMs),
        this.lastSend + ms(pingIntervalMs(this.readTimeoutMs)),
      );
    } else return;
    const tag: ZkClientTimer = { kind: 'zk-client', purpose: 'tick', client: this };
    this.tick = { handle: this.host.setTimer(Math.max(0, wake - this.host.now), tag), tag };
  }

  /** Runs `callback` from a timer, soon: callbacks never run inside the call that made the request. */
  private defer(callback: () => void): void {
    this.deferred.push(callback);
    if (this.callbacksTag !== null) return;
    const tag: ZkClientTimer = { kind: 'zk-client', purpose: 'callbacks', client: this };
    this.callbacksTag = tag;
    this.host.setTimer(0, tag);
  }

  // ---- requests and replies ------------------------------------------------------------------

  private submit(request: ZkRequest, complete: Completion): void {
    if (this.phase === 'closed' || this.closing) {
      // ClientCnxn.conLossPacket with state CLOSED.
      this.defer(() => complete('SESSIONEXPIRED', undefined));
      return;
    }
    const call: Call = { xid: this.nextXid++, request, complete };
    if (this.phase === 'connected') this.transmit(call);
    else this.outgoing.push(call);
  }

  private transmit(call: Call): void {
    const server = this.server as string;
    this.host.send(
      server,
      call.request === null
        ? { type: 'zk-close-session', xid: call.xid }
        : { type: 'zk-request', xid: call.xid, request: call.request },
    );
    this.lastSend = this.host.now;
    this.pending.push(call);
  }

  private onResponse(message: ZkResponseMessage): void {
    const call = this.pending[0];
    if (call === undefined || call.xid !== message.xid) {
      this.connectionLost(`reply #${message.xid} out of order`);
      return;
    }
    this.pending.shift();
    if (message.zxid > 0) this.lastZxid = message.zxid;
    if (call.request === null) {
      this.shutdown(`session ${formatSessionId(this.id)} closed`);
      call.complete(message.code, undefined);
      return;
    }
    this.registerWatch(call.request, message.code);
    call.complete(message.code, message.reply);
  }

  /** Which reads leave a watch behind (ZooKeeper's WatchRegistration subclasses). */
  private registerWatch(request: ZkRequest, code: ErrorCode): void {
    switch (request.type) {
      case 'getData':
        if (request.watch && code === 'OK') this.dataWatches.add(request.path);
        break;
      case 'exists':
        if (request.watch && code === 'OK') this.dataWatches.add(request.path);
        else if (request.watch && code === 'NONODE') this.existWatches.add(request.path);
        break;
      case 'getChildren':
        if (request.watch && code === 'OK') this.childWatches.add(request.path);
        break;
      default:
        break;
    }
  }

  /** ZKWatchManager.materialize: an event consumes the watches it fires, and is passed on if it fired one. */
  private onWatchEvent(event: WatchedEvent): void {
    const path = event.path;
    let fired = false;
    if (event.type !== 'NodeChildrenChanged') {
      fired = this.dataWatches.delete(path) || fired;
      fired = this.existWatches.delete(path) || fired;
    }
    if (event.type === 'NodeChildrenChanged' || event.type === 'NodeDeleted') {
      fired = this.childWatches.delete(path) || fired;
    }
    if (fired) this.onWatch?.(event);
  }

  private watchList(): WatchList {
    return {
      data: [...this.dataWatches].sort(),
      exist: [...this.existWatches].sort(),
      child: [...this.childWatches].sort(),
    };
  }
}

function createAnswer(callback: CreateCallback, code: ErrorCode, reply: ZkReply | undefined): void {
  callback(
    reply?.type === 'create' && code === 'OK' ? { code, path: reply.path, stat: reply.stat } : failed(code),
  );
}

function getDataAnswer(callback: DataCallback, code: ErrorCode, reply: ZkReply | undefined): void {
  callback(
    reply?.type === 'getData' && code === 'OK' ? { code, data: reply.data, stat: reply.stat } : failed(code),
  );
}

function setDataAnswer(callback: StatCallback, code: ErrorCode, reply: ZkReply | undefined): void {
  callback(reply?.type === 'setData' && code === 'OK' ? { code, stat: reply.stat } : failed(code));
}

function deleteAnswer(callback: VoidCallback, code: ErrorCode): void {
  callback({ code });
}

function existsAnswer(callback: StatCallback, code: ErrorCode, reply: ZkReply | undefined): void {
  callback(reply?.type === 'exists' && code === 'OK' ? { code, stat: reply.stat } : failed(code));
}

function getChildrenAnswer(callback: ChildrenCallback, code: ErrorCode, reply: ZkReply | undefined): void {
  callback(
    reply?.type === 'getChildren' && code === 'OK'
      ? { code, children: reply.children, stat: reply.stat }
      : failed(code),
  );
}

function multiAnswer(callback: MultiCallback, code: ErrorCode, reply: ZkReply | undefined): void {
  callback(reply?.type === 'multi' ? { code, results: reply.results } : { code });
}

function failed(code: ErrorCode): { readonly code: FailureCode } {
  if (code === 'OK') throw new Error('ZkClient: a reply said OK but carried no result');
  return { code };
}
