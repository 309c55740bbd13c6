import { Disk } from './disk.js';
import { EventQueue, type Queueable } from './event-queue.js';
import { describeFault, type Fault } from './fault.js';
import type { LatencyDistribution } from './latency.js';
import { Frame, Link } from './link.js';
import { Network, type NetworkKernel } from './network.js';
import type { Actor, ActorFactory, Peer, ProcessContext, ProcessState, TimerHandle } from './process.js';
import { Rng } from './rng.js';
import { assertSimTime, type SimTime } from './time.js';
import {
  hashString,
  KIND_CODE,
  keepsKind,
  TRACE_KINDS,
  TraceHash,
  type TraceKind,
  type TraceLevel,
  type TraceRecord,
} from './trace.js';

export interface WorldOptions<Msg = unknown> {
  /** The run's seed: every random stream is forked from it. */
  readonly seed: number | string;
  /** How much of the run to keep as trace records (default `off`; the hash is always computed). */
  readonly trace?: TraceLevel;
  /** Receives each trace record; when given, records are not kept in `world.trace`. */
  readonly onTrace?: (record: TraceRecord) => void;
  /** Default latency of every link (default: about half a millisecond, exponential). */
  readonly latency?: LatencyDistribution;
  /** Default probability that a message is lost (default 0). */
  readonly loss?: number;
  /** Event budget of each run call unless the call says otherwise (default 50 million). */
  readonly maxEvents?: number;
  /** A message's one-line description in trace records (default: its `type` field, or itself if a string or number). */
  readonly describeMessage?: (message: Msg) => string;
  /** A 32-bit digest of a message for the trace hash (default: a number itself, else FNV-1a of the default description). */
  readonly digestMessage?: (message: Msg) => number;
}

/** Why a run call returned. */
export type RunStop = 'time' | 'quiescent' | 'budget' | 'stopped';

export interface RunResult {
  readonly stop: RunStop;
  readonly now: SimTime;
  /** Events handled by this call. */
  readonly events: number;
}

export interface RunLimits {
  /** At most this many events in this call (default: the world's `maxEvents`). */
  readonly maxEvents?: number;
}

export interface WorldStats {
  /** Events handled: frames that arrived (delivered or dropped), timers fired, scheduled actions. */
  readonly events: number;
  readonly messagesSent: number;
  readonly messagesDelivered: number;
  readonly messagesDropped: number;
  readonly timersFired: number;
}

const DELIVER = KIND_CODE.deliver;
const TIMER = KIND_CODE.timer;
const WORLD_INDEX = -1;
const NO_PEER = -1;

const EV_TIMER = 0;
const EV_FRAME = 1;
const EV_ACTION = 2;

/** Where a frame is: in the event queue, stalled in its link's backlog, or parked at its paused receiver. */
// (A frame in the queue may be in the backlog too: requeued, it must still arrive in its turn.)
const QUEUED = 0;
const STALLED = 1;
const PARKED = 2;

/**
 * Everything the queue holds: one class, so the hot path sees one shape. Frame events are
 * recycled once they have arrived (nothing else holds them); timers are not, as actors hold
 * their handles.
 */
class SimEvent implements Queueable, TimerHandle {
  time: SimTime = 0;
  seq = 0;
  cancelled = false;
  queued = false;
  where = QUEUED;
  /** A frame waiting in its link's backlog (wherever it is itself). */
  inBacklog = false;
  constructor(
    public type: number,
    /** A timer's process (a frame's ends are its link's). */
    public process: SimProcess | null,
    /** A timer's incarnation, or a frame's connection stamp. */
    public stamp: number,
    /** A timer's tag, or a frame's payload. */
    public payload: unknown,
    public link: Link<SimEvent, SimProcess> | null,
    public frame: Frame,
    public action: (() => void) | null,
  ) {}
}

class SimProcess {
  state: ProcessState = 'not-started';
  incarnation = 0;
  actor: Actor<unknown, unknown> | null = null;
  /**
   * This process's view of its connection to each peer (by index): the id of the open connection,
   * or minus the id of the last one it knows closed, or 0. Frames stamped with an older id are stale.
   */
  readonly views: number[] = [];
  /** Outgoing links by peer index, created on first use. */
  readonly out: (Link<SimEvent, SimProcess> | undefined)[] = [];
  /** The context of the running incarnation. */
  context: Context<unknown, unknown> | null = null;
  /** Timers and frames that fell due while paused, in order. */
  parked: SimEvent[] = [];
  readonly disk = new Disk();
  constructor(
    readonly index: number,
    readonly name: string,
    readonly factory: ActorFactory<unknown, unknown>,
    readonly rng: Rng,
    /** The world it belongs to (a Peer handle must not cross worlds). */
    readonly owner: object,
  ) {}
}

function defaultDescribe(message: unknown): string {
  if (typeof message === 'string') return message;
  if (typeof message === 'number' || typeof message === 'boolean') return String(message);
  if (typeof message === 'object' && message !== null) {
    const type = (message as { type?: unknown }).type;
    if (typeof type === 'string') return type;
  }
  return '';
}

function pairKey(a: number, b: number): number {
  return a < b ? a * 1_048_576 + b : b * 1_048_576 + a;
}

/**
 * The simulated world: a virtual clock, an event queue, seeded random streams, processes with a
 * lifecycle, a TCP-like network and a trace. It knows nothing about Kafka.
 *
 * Connections behave like TCP. Between two processes there is at most one open connection,
 * opened by the first `send`, with FIFO delivery in each direction. It breaks when either end
 * crashes or closes it, or when the network loses a message on it; the other end is told
 * (`onDisconnect`) once the frames sent before the break have arrived. Messages sent on a broken
 * connection never arrive; a message that reaches a crashed process is answered with a reset,
 * so its sender learns too. A partition stalls the links it cuts, as TCP retransmits into the
 * void, and on heal they resume in order; an actor that gives up first closes the connection.
 */
export class World<Msg = unknown, Tag = unknown> {
  readonly rng: Rng;
  readonly network: Network;
  /** Trace records, when kept (see `WorldOptions.trace`). */
  readonly trace: TraceRecord[] = [];

  private events = 0;
  private messagesSent = 0;
  private messagesDelivered = 0;
  private messagesDropped = 0;
  private timersFired = 0;

  private clock: SimTime = 0;
  private readonly queue = new EventQueue<SimEvent>();
  /** Frame events that have arrived, for reuse. */
  private readonly spareFrames: SimEvent[] = [];
  private readonly processes: SimProcess[] = [];
  private readonly byName = new Map<string, SimProcess>();
  private readonly allLinks: Link<SimEvent, SimProcess>[] = [];
  private readonly connectionIds = new Map<number, number>();
  private readonly hash = new TraceHash();
  private readonly keep: boolean[];
  private readonly keepDeliveries: boolean;
  private readonly keepTimers: boolean;
  private readonly onTrace: ((record: TraceRecord) => void) | undefined;
  private readonly describe: (message: unknown) => string;
  /** The caller's message digest, if any; else `defaultDigest`'s, with each description's hash kept. */
  private readonly customDigest: ((message: unknown) => number) | undefined;
  private readonly digests = new Map<string, number>();
  private readonly networkRng: Rng;
  private readonly maxEvents: number;
  private stopRequested = false;

  constructor(options: WorldOptions<Msg>) {
    this.rng = new Rng(options.seed);
    this.networkRng = this.rng.fork('network');
    const level = options.trace ?? 'off';
    this.keep = TRACE_KINDS.map((kind) => keepsKind(level, kind));
    this.keepDeliveries = keepsKind(level, 'deliver');
    this.keepTimers = keepsKind(level, 'timer');
    this.onTrace = options.onTrace;
    this.describe = (options.describeMessage as ((m: unknown) => string) | undefined) ?? defaultDescribe;
    this.customDigest = options.digestMessage as ((m: unknown) => number) | undefined;
    this.maxEvents = options.maxEvents ?? 50_000_000;
    const kernel: NetworkKernel = {
      processIndex: (name) => this.process(name).index,
      processName: (index) => (this.processes[index] as SimProcess).name,
      link: (from, to) => this.link(this.processes[from] as SimProcess, this.processes[to] as SimProcess),
      links: () => this.allLinks,
      unblocked: (link) => this.resumeLink(link as Link<SimEvent, SimProcess>),
      record: (kind, detail) => this.emit(kind, WORLD_INDEX, NO_PEER, hashString(detail), undefined, detail),
    };
    this.network = new Network(kernel);
    if (options.latency !== undefined || options.loss !== undefined) {
      this.network.setDefaults({
        ...(options.latency === undefined ? {} : { latency: options.latency }),
        ...(options.loss === undefined ? {} : { loss: options.loss }),
      });
    }
  }

  /** The current simulated time, µs. */
  get now(): SimTime {
    return this.clock;
  }

  /** Counts of what happened so far. */
  get stats(): WorldStats {
    return {
      events: this.events,
      messagesSent: this.messagesSent,
      messagesDelivered: this.messagesDelivered,
      messagesDropped: this.messagesDropped,
      timersFired: this.timersFired,
    };
  }

  /** Live events waiting in the queue. */
  get pendingEvents(): number {
    return this.queue.size;
  }

  // ---- processes ---------------------------------------------------------------------------

  /** Adds a process; it starts now unless `start: false`. Names are unique. */
  spawn(name: string, factory: ActorFactory<Msg, Tag>, options: { start?: boolean } = {}): void {
    if (name === 'world' || name === '') throw new RangeError(`spawn: '${name}' is not a process name`);
    if (this.byName.has(name)) throw new RangeError(`spawn: a process named '${name}' exists already`);
    const proc = new SimProcess(
      this.processes.length,
      name,
      factory as ActorFactory<unknown, unknown>,
      this.rng.fork(`process/${name}`),
      this,
    );
    for (const other of this.processes) other.views.push(0);
    for (let i = 0; i <= this.processes.length; i++) proc.views.push(0);
    this.processes.push(proc);
    this.byName.set(name, proc);
    if (options.start !== false) this.start(name);
  }

  /** Starts a process that has not started yet. Returns false if it already has. */
  start(name: string): boolean {
    const proc = this.process(name);
    if (proc.state !== 'not-started') return false;
    this.boot(proc, 'start');
    return true;
  }

  /**
   * Kills a process: its memory and timers are gone, its connections break (peers are told after
   * what it sent has arrived), and messages on their way to it are lost. With `powerLoss`, its disk
   * also loses what was not flushed. Returns false if it was not running.
   */
  crash(name: string, options: { powerLoss?: boolean } = {}): boolean {
    const proc = this.process(name);
    if (proc.state !== 'up' && proc.state !== 'paused') return false;
    proc.state = 'crashed'; // its pending timers are now stale
    proc.actor = null;
    if (proc.context !== null) proc.context.alive = false;
    proc.context = null;
    let detail = options.powerLoss ? 'power loss' : 'killed';
    if (options.powerLoss) {
      const lost = proc.disk.powerLoss();
      if (lost.size > 0) detail += `; lost unflushed ${[...lost].map(([log, n]) => `${log}:${n}`).join(' ')}`;
    }
    this.emit('crash', proc.index, NO_PEER, options.powerLoss ? 1 : 0, undefined, detail);
    // Frames that waited for it to resume now arrive, to find it dead; its timers die.
    const parked = proc.parked;
    proc.parked = [];
    for (const ev of parked) if (ev.type === EV_FRAME) this.requeue(ev);
    for (const peer of this.processes) {
      if (peer === proc) continue;
      const view = proc.views[peer.index] as number;
      if (view > 0) this.transmit(this.link(proc, peer), Frame.Close, view, 'peer crashed');
      // Forget every connection, and refuse any frame stamped before now.
      proc.views[peer.index] = -(this.connectionIds.get(pairKey(proc.index, peer.index)) ?? 0) | 0; // | 0: never -0, a double
    }
    return true;
  }

  /** Starts a crashed process again from its disk. Returns false if it was not crashed. */
  restart(name: string): boolean {
    const proc = this.process(name);
    if (proc.state !== 'crashed') return false;
    this.boot(proc, 'restart');
    return true;
  }

  /** Stalls a process, as in a long GC pause: it handles nothing, its timers fire late, messages queue. */
  pause(name: string): boolean {
    const proc = this.process(name);
    if (proc.state !== 'up') return false;
    proc.state = 'paused';
    this.emit('pause', proc.index, NO_PEER, 0, undefined, undefined);
    return true;
  }

  /** Ends a pause: everything that fell due meanwhile is handled now, in order. */
  resume(name: string): boolean {
    const proc = this.process(name);
    if (proc.state !== 'paused') return false;
    proc.state = 'up';
    const parked = proc.parked;
    proc.parked = [];
    this.emit('resume', proc.index, NO_PEER, parked.length, undefined, `${parked.length} waiting`);
    for (const ev of parked) this.requeue(ev);
    return true;
  }

  /** Applies a fault now; a process fault on a process not in a state it applies to is a no-op. */
  inject(fault: Fault): boolean {
    const net = this.network;
    switch (fault.kind) {
      // A process fault acts only on a process in a state it applies to (crash: up or paused...).
      case 'crash':
        return this.crash(fault.process);
      case 'power-loss':
        return this.crash(fault.process, { powerLoss: true });
      case 'restart':
        return this.restart(fault.process);
      case 'pause':
        return this.pause(fault.process);
      case 'resume':
        return this.resume(fault.process);
      case 'isolate':
        net.isolate(fault.process);
        break;
      case 'partition':
        net.partition(fault.groups);
        break;
      case 'one-way':
        net.partitionOneWay(fault.from, fault.to);
        break;
      case 'hold':
        net.hold(fault.from, fault.to);
        break;
      case 'release':
        net.release(fault.from, fault.to);
        break;
      case 'link':
        net.setLink(fault.from, fault.to, fault.settings, { oneWay: fault.oneWay ?? false });
        break;
      case 'reset-link':
        net.resetLink(fault.from, fault.to, { oneWay: fault.oneWay ?? false });
        break;
      case 'lift':
        net.lift(fault.rule);
        break;
      case 'heal':
        net.heal();
        break;
    }
    return true;
  }

  /** Applies a fault at simulated time `time`, labelled in the trace by what it does. */
  injectAt(time: SimTime, fault: Fault): void {
    this.at(time, () => this.inject(fault), describeFault(fault));
  }

  state(name: string): ProcessState {
    return this.process(name).state;
  }

  /** Process names in spawn order. */
  processNames(): string[] {
    return this.processes.map((p) => p.name);
  }

  /** A process's disk, for inspection by tests and checkers (actors use `ctx.disk`). */
  diskOf(name: string): Disk {
    return this.process(name).disk;
  }

  /** A running process's actor, for inspection by tests; undefined unless it is up or paused. */
  actorOf(name: string): Actor<Msg, Tag> | undefined {
    return (this.process(name).actor ?? undefined) as Actor<Msg, Tag> | undefined;
  }

  // ---- scheduling ----------------------------------------------------------------------------

  /** Runs `action` at simulated time `time` (not before now), recorded in the trace as `label`. */
  at(time: SimTime, action: () => void, label = 'action'): void {
    assertSimTime(time, 'at: time');
    if (time < this.clock) throw new RangeError(`at: time ${time} is in the past (now ${this.clock})`);
    const ev = new SimEvent(EV_ACTION, null, 0, label, null, Frame.Data, action);
    ev.time = time;
    this.queue.push(ev);
  }

  /** Runs `action` after `delay` µs. */
  after(delay: SimTime, action: () => void, label = 'action'): void {
    assertSimTime(delay, 'after: delay');
    this.at(this.clock + delay, action, label);
  }

  /** Ends the current run call after the event being handled. */
  stop(): void {
    this.stopRequested = true;
  }

  // ---- running --------------------------------------------------------------------------------

  /** Handles every event due at or before `limit`, then sets the clock to `limit`. */
  runUntil(limit: SimTime, limits: RunLimits = {}): RunResult {
    assertSimTime(limit, 'runUntil: limit');
    return this.run(limit, limits);
  }

  /** Runs for `duration` µs of simulated time. */
  runFor(duration: SimTime, limits: RunLimits = {}): RunResult {
    assertSimTime(duration, 'runFor: duration');
    return this.run(this.clock + duration, limits);
  }

  /** Runs until no event is left (or the budget is spent: a run never hangs). */
  runUntilQuiescent(limits: RunLimits = {}): RunResult {
    return this.run(Number.POSITIVE_INFINITY, limits);
  }

  /**
   * Handles exactly one event (the teaching views step through a run) and returns the trace
   * records it produced, or undefined if nothing is left.
   */
  step(): TraceRecord[] | undefined {
    const firstRecord = this.trace.length;
    const before = this.events;
    while (this.events === before) {
      const ev = this.queue.pop();
      if (ev === undefined) return undefined;
      this.clock = ev.time;
      this.dispatch(ev);
    }
    return this.trace.slice(firstRecord);
  }

  /** The trace hash of everything handled so far (see TraceHash for the function). */
  traceHash(): string {
    return this.hash.digest();
  }

  private run(limit: number, limits: RunLimits): RunResult {
    const budget = limits.maxEvents ?? this.maxEvents;
    const first = this.events;
    const queue = this.queue;
    this.stopRequested = false;
    for (;;) {
      if (this.stopRequested) return this.result('stopped', first);
      if (this.events - first >= budget) {
        const next = queue.peek();
        if (next !== undefined && next.time <= limit) return this.result('budget', first);
      }
      const next = queue.popDue(limit);
      if (next === undefined) {
        if (limit === Number.POSITIVE_INFINITY) return this.result('quiescent', first);
        if (limit > this.clock) this.clock = limit;
        return this.result('time', first);
      }
      this.clock = next.time;
      // dispatch(), its common cases written out (one call fewer per event)
      if (next.type === EV_FRAME) this.arrive(next);
      else if (next.type === EV_TIMER) this.fire(next);
      else this.dispatch(next);
    }
  }

  private result(stop: RunStop, first: number): RunResult {
    return { stop, now: this.clock, events: this.events - first };
  }

  private dispatch(ev: SimEvent): void {
    if (ev.type === EV_FRAME) this.arrive(ev);
    else if (ev.type === EV_TIMER) this.fire(ev);
    else {
      this.events++;
      const label = ev.payload as string;
      this.emit('action', WORLD_INDEX, NO_PEER, hashString(label), undefined, label);
      (ev.action as () => void)();
    }
  }

  private fire(ev: SimEvent): void {
    const proc = ev.process as SimProcess;
    if (ev.stamp !== proc.incarnation || proc.state === 'crashed') return; // died with its process
    if (proc.state === 'paused') {
      proc.parked.push(ev);
      return;
    }
    this.events++;
    this.timersFired++;
    if (this.keepTimers) {
      this.emit(
        'timer',
        proc.index,
        NO_PEER,
        0,
        undefined,
        typeof ev.payload === 'string' ? ev.payload : undefined,
      );
    } else {
      this.hash.event(TIMER, this.clock, proc.index, NO_PEER, 0);
    }
    proc.actor?.onTimer?.(ev.payload);
  }

  /** A frame reaches the end of its link. */
  private arrive(ev: SimEvent): void {
    const link = ev.link as Link<SimEvent, SimProcess>;
    const to = link.to;
    const isHead = ev.inBacklog && link.backlogHead === ev;
    if ((link.backlogLength > 0 && !isHead) || link.cut || link.held || to.state === 'paused') {
      // Blocked, or frames sent before it are waiting: it waits (behind them).
      if (!ev.inBacklog) {
        link.pushBacklog(ev);
        ev.inBacklog = true;
      }
      this.wait(ev, link, to);
      return;
    }
    if (isHead) {
      link.shiftBacklog();
      ev.inBacklog = false;
      const next = link.backlogHead;
      if (next !== undefined && next.where === STALLED) this.requeue(next);
    }
    this.events++;
    const from = link.from;
    const stamp = ev.stamp;
    const payload = ev.payload;
    const frame = ev.frame;
    ev.payload = undefined;
    this.spareFrames.push(ev);
    if (to.state !== 'up') {
      if (frame !== Frame.Close) {
        this.dropped(to, from, payload, 'peer down');
        this.reset(to, from, stamp, 'connection refused');
      } else {
        this.emit('drop', to.index, from.index, 1, undefined, 'close to a down process');
      }
      return;
    }
    const view = to.views[from.index] as number;
    if (frame === Frame.Data) {
      if (stamp === view) {
        this.deliver(to, from, payload);
      } else if (stamp > (view < 0 ? -view : view)) {
        // A connection the peer opened after the one we knew: the old one is dead.
        if (view > 0) this.disconnected(to, from, 'replaced by a new connection');
        to.views[from.index] = stamp;
        this.deliver(to, from, payload);
      } else {
        this.dropped(to, from, payload, 'stale connection');
        this.reset(to, from, stamp, 'connection reset');
      }
    } else if (frame === Frame.Lost) {
      this.dropped(to, from, payload, 'lost by the network');
      if (stamp === view) {
        to.views[from.index] = -stamp;
        this.disconnected(to, from, 'connection broken by loss');
      }
      this.reset(to, from, stamp, 'connection broken by loss');
    } else if (stamp === view) {
      to.views[from.index] = -stamp;
      this.disconnected(to, from, payload as string);
    } else {
      this.emit('drop', to.index, from.index, 2, undefined, 'close of a connection already gone');
    }
  }

  /** A number itself, else FNV-1a of the default description (computed once per description). */
  private defaultDigest(message: unknown): number {
    if (typeof message === 'number' && (message | 0) === message) return message;
    const text = defaultDescribe(message);
    let digest = this.digests.get(text);
    if (digest === undefined) {
      digest = hashString(text);
      if (this.digests.size < 4096) this.digests.set(text, digest);
    }
    return digest;
  }

  private deliver(to: SimProcess, from: SimProcess, payload: unknown): void {
    this.messagesDelivered++;
    const digest = this.customDigest === undefined ? this.defaultDigest(payload) : this.customDigest(payload);
    if (this.keepDeliveries) {
      this.emit('deliver', to.index, from.index, digest, payload, this.describe(payload));
    } else {
      this.hash.event(DELIVER, this.clock, to.index, from.index, digest);
    }
    (to.actor as Actor<unknown, unknown>).onMessage(from.name, payload);
  }

  private dropped(to: SimProcess, from: SimProcess, payload: unknown, reason: string): void {
    this.messagesDropped++;
    this.emit('drop', to.index, from.index, hashString(reason), payload, reason);
  }

  private disconnected(proc: SimProcess, peer: SimProcess, reason: string): void {
    this.emit('disconnect', proc.index, peer.index, hashString(reason), undefined, reason);
    proc.actor?.onDisconnect?.(peer.name);
  }

  /** `from` answers a frame stamped `stamp` with a reset, so that its sender `to` learns. */
  private reset(from: SimProcess, to: SimProcess, stamp: number, reason: string): void {
    this.transmit(this.link(from, to), Frame.Close, stamp, reason);
  }

  /** Puts a frame on a link, due at its arrival time. */
  private transmit(link: Link<SimEvent, SimProcess>, frame: Frame, stamp: number, payload: unknown): void {
    let ev = this.spareFrames.pop();
    if (ev === undefined) {
      ev = new SimEvent(EV_FRAME, null, stamp, payload, link, frame, null);
    } else {
      ev.stamp = stamp;
      ev.payload = payload;
      ev.link = link;
      ev.frame = frame; // a spare frame arrived from the queue and left any backlog: QUEUED, not inBacklog
    }
    ev.time = link.arrivalFrom(this.clock);
    this.queue.push(ev);
  }

  /**
   * A frame in the backlog waits: parked at its paused receiver, to be handled in the order things
   * fell due when it resumes; or stalled on a blocked link (or behind a stalled frame), to move
   * when it reaches the head of an open link.
   */
  private wait(ev: SimEvent, link: Link<SimEvent, SimProcess>, to: SimProcess): void {
    if (to.state === 'paused' && !link.cut && !link.held) {
      ev.where = PARKED;
      to.parked.push(ev);
    } else {
      ev.where = STALLED;
    }
  }

  /** Due now: a parked timer or frame, or a link's stalled head frame. */
  private requeue(ev: SimEvent): void {
    ev.where = QUEUED;
    ev.time = this.clock;
    this.queue.push(ev);
  }

  /** A link opened again: its waiting frames move on, in order. */
  private resumeLink(link: Link<SimEvent, SimProcess>): void {
    const head = link.backlogHead;
    if (head !== undefined && head.where === STALLED) this.requeue(head);
  }

  // ---- what actors do -------------------------------------------------------------------------

  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: Context calls it through ActorPort
  private sendFrom(proc: SimProcess, target: string | Peer, message: unknown): void {
    let to: SimProcess | undefined;
    if (typeof target === 'string') {
      to = this.byName.get(target);
      if (to === undefined) throw new RangeError(`${proc.name}: send to unknown process '${target}'`);
    } else {
      to = target as SimProcess;
      if (to.owner !== this) throw new RangeError(`${proc.name}: send to a process of another world`);
    }
    let stamp = proc.views[to.index] as number;
    if (stamp <= 0) stamp = this.open(proc, to, -stamp);
    const link = proc.out[to.index] ?? this.link(proc, to);
    const lost = link.loss > 0 && link.rng.next() < link.loss;
    this.messagesSent++;
    this.transmit(link, lost ? Frame.Lost : Frame.Data, stamp, message);
  }

  /**
   * Opens a connection from `proc` to `to`, which knew connections up to `floor`. If `to` has just
   * opened one to `proc` that `proc` has not heard of yet, this is TCP's simultaneous open: both
   * ends share that connection, rather than each resetting the other's.
   */
  private open(proc: SimProcess, to: SimProcess, floor: number): number {
    const key = pairKey(proc.index, to.index);
    const latest = this.connectionIds.get(key) ?? 0;
    let id: number;
    if (latest > floor && to.views[proc.index] === latest) id = latest;
    else {
      id = latest + 1;
      this.connectionIds.set(key, id);
    }
    proc.views[to.index] = id;
    return id;
  }

  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: Context calls it through ActorPort
  private disconnectFrom(proc: SimProcess, peerName: string): void {
    const peer = this.process(peerName);
    const view = proc.views[peer.index] as number;
    if (view <= 0) return;
    proc.views[peer.index] = -view;
    this.transmit(this.link(proc, peer), Frame.Close, view, 'closed by peer');
  }

  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: Context calls it through ActorPort
  private setTimer(proc: SimProcess, delay: SimTime, tag: unknown): TimerHandle {
    if (!(delay >= 0) || !Number.isFinite(delay))
      throw new RangeError(`${proc.name}: bad timer delay ${delay}`);
    const ev = new SimEvent(EV_TIMER, proc, proc.incarnation, tag, null, Frame.Data, null);
    ev.time = this.clock + Math.round(delay);
    this.queue.push(ev);
    return ev;
  }

  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: Context calls it through ActorPort
  private peerOf(name: string): Peer {
    return this.process(name);
  }

  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: Context calls it through ActorPort
  private exitFrom(proc: SimProcess, reason: string): void {
    const incarnation = proc.incarnation;
    this.at(
      this.clock,
      () => {
        if (proc.incarnation === incarnation) this.crash(proc.name);
      },
      `${proc.name} exits: ${reason}`,
    );
  }

  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: Context calls it through ActorPort
  private noteFrom(proc: SimProcess, text: string): void {
    this.emit('note', proc.index, NO_PEER, hashString(text), undefined, text);
  }

  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: Context calls it through ActorPort
  private cancelTimer(proc: SimProcess, handle: TimerHandle): void {
    if (!(handle instanceof SimEvent) || handle.type !== EV_TIMER || handle.process !== proc) {
      throw new RangeError(`${proc.name}: cancelTimer with a handle that is not one of its timers`);
    }
    this.queue.cancel(handle);
  }

  // ---- internals ------------------------------------------------------------------------------

  private process(name: string): SimProcess {
    const proc = this.byName.get(name);
    if (proc === undefined) throw new RangeError(`unknown process '${name}'`);
    return proc;
  }

  private link(from: SimProcess, to: SimProcess): Link<SimEvent, SimProcess> {
    let link = from.out[to.index];
    if (link === undefined) {
      if (from === to) throw new RangeError(`${from.name}: a process cannot connect to itself`);
      link = new Link<SimEvent, SimProcess>(
        from,
        to,
        from.index,
        to.index,
        this.networkRng.fork(`${from.name}->${to.name}`),
        () => 0,
        0,
      );
      this.network.initLink(link as Link<unknown>);
      from.out[to.index] = link;
      this.allLinks.push(link);
    }
    return link;
  }

  private boot(proc: SimProcess, kind: 'start' | 'restart'): void {
    proc.state = 'up';
    proc.incarnation++;
    proc.parked = [];
    this.emit(kind, proc.index, NO_PEER, proc.incarnation, undefined, `incarnation ${proc.incarnation}`);
    // The context calls this world's private methods directly: a closure per call would sit on the hot path.
    const context = new Context<unknown, unknown>(this as unknown as ActorPort, proc);
    proc.context = context;
    const actor = proc.factory(context);
    proc.actor = actor;
    actor.onStart?.();
  }

  /** Folds an event into the hash and, if the level keeps its kind, records it. */
  private emit(
    kind: TraceKind,
    processIndex: number,
    peerIndex: number,
    digest: number,
    message: unknown,
    detail: string | undefined,
  ): void {
    const code = KIND_CODE[kind];
    this.hash.event(code, this.clock, processIndex, peerIndex, digest);
    if (!this.keep[code]) return;
    const process =
      processIndex === WORLD_INDEX ? 'world' : (this.processes[processIndex] as SimProcess).name;
    const hasDetail = detail !== undefined && detail !== '';
    let record: { -readonly [K in keyof TraceRecord]: TraceRecord[K] };
    if (peerIndex !== NO_PEER && hasDetail && message !== undefined) {
      // A delivery, as the `messages` level keeps one per message: built whole, in one piece.
      const peer = (this.processes[peerIndex] as SimProcess).name;
      record = { event: this.events - 1, time: this.clock, kind, process, peer, detail, message };
    } else {
      // The optional fields are added only when present, in this order (no spreads).
      record = { event: this.events - 1, time: this.clock, kind, process };
      if (peerIndex !== NO_PEER) record.peer = (this.processes[peerIndex] as SimProcess).name;
      if (hasDetail) record.detail = detail;
      if (message !== undefined) record.message = message;
    }
    if (this.onTrace !== undefined) this.onTrace(record);
    else this.trace.push(record);
  }
}

/** What a context may ask of the world: World's private methods of these names. */
interface ActorPort {
  readonly now: SimTime;
  sendFrom(proc: SimProcess, to: string | Peer, message: unknown): void;
  peerOf(name: string): Peer;
  disconnectFrom(proc: SimProcess, peer: string): void;
  setTimer(proc: SimProcess, delay: SimTime, tag: unknown): TimerHandle;
  cancelTimer(proc: SimProcess, handle: TimerHandle): void;
  noteFrom(proc: SimProcess, text: string): void;
  exitFrom(proc: SimProcess, reason: string): void;
}

/** An actor's context: a thin door onto the world, valid for one incarnation of its process. */
class Context<Msg, Tag> implements ProcessContext<Msg, Tag> {
  readonly incarnation: number;
  /** False once its incarnation has crashed. */
  alive = true;
  constructor(
    private readonly port: ActorPort,
    private readonly proc: SimProcess,
  ) {
    this.incarnation = proc.incarnation;
  }
  get name(): string {
    return this.proc.name;
  }
  get now(): SimTime {
    return this.port.now;
  }
  get rng(): Rng {
    return this.proc.rng;
  }
  get disk(): Disk {
    return this.proc.disk;
  }
  send(to: string | Peer, message: Msg): void {
    if (!this.alive) this.check(); // throws
    this.port.sendFrom(this.proc, to, message);
  }
  peer(name: string): Peer {
    return this.port.peerOf(name);
  }
  disconnect(peer: string): void {
    this.check();
    this.port.disconnectFrom(this.proc, peer);
  }
  setTimer(delay: SimTime, tag: Tag): TimerHandle {
    if (!this.alive) this.check(); // throws
    return this.port.setTimer(this.proc, delay, tag);
  }
  cancelTimer(handle: TimerHandle): void {
    this.port.cancelTimer(this.proc, handle);
  }
  note(text: string): void {
    this.check();
    this.port.noteFrom(this.proc, text);
  }
  exit(reason: string): void {
    this.check();
    this.port.exitFrom(this.proc, reason);
  }
  private check(): void {
    if (!this.alive) throw new Error(`${this.proc.name}: an actor of a crashed incarnation tried to act`);
  }
}
