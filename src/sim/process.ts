import type { Disk } from './disk.js';
import type { Rng } from './rng.js';
import type { SimTime } from './time.js';

/**
 * An actor: the code of one simulated process. It reacts to messages, timers and broken
 * connections, and acts only through its context. Its fields are its memory: a crash throws the
 * actor away, and a restart builds a new one from the factory, which finds only the disk.
 */
export interface Actor<Msg = unknown, Tag = unknown> {
  /** Called when the process starts or restarts, before anything is delivered to it. */
  onStart?(): void;
  /** A message from `from`, delivered in FIFO order per connection. */
  onMessage(from: string, message: Msg): void;
  /** A timer set with `ctx.setTimer` fires. */
  onTimer?(tag: Tag): void;
  /**
   * The connection to `peer` broke: the peer crashed, closed it, reset it, or the network lost a
   * message on it. Nothing sent on that connection will arrive any more, in either direction, so
   * any request awaiting a reply from `peer` has failed (Kafka's NetworkClient sees a disconnect).
   * The next `send` to `peer` opens a new connection.
   */
  onDisconnect?(peer: string): void;
}

export type ActorFactory<Msg = unknown, Tag = unknown> = (ctx: ProcessContext<Msg, Tag>) => Actor<Msg, Tag>;

/** An opaque handle on another process of the same world. */
export interface Peer {
  readonly name: string;
}

/** An opaque handle to a pending timer. */
export interface TimerHandle {
  readonly time: SimTime;
}

/** What an actor may do: the only door from an actor to the world. */
export interface ProcessContext<Msg = unknown, Tag = unknown> {
  readonly name: string;
  /** The current simulated time, µs. */
  readonly now: SimTime;
  /** 1 for the first start, +1 for each restart. */
  readonly incarnation: number;
  /** This process's own random stream (forked from the run's seed by the process name). */
  readonly rng: Rng;
  /** What survives a restart. */
  readonly disk: Disk;
  /**
   * Sends over the connection to `to` (a process name, or a handle from `peer`), opening one if
   * there is none. A handle saves the name lookup on a hot path.
   */
  send(to: string | Peer, message: Msg): void;
  /** A handle on the process named `name`, for `send`; throws if there is no such process. */
  peer(name: string): Peer;
  /** Closes the connection to `peer` (if open); the peer is told once what was sent before arrives. */
  disconnect(peer: string): void;
  /** Fires `onTimer(tag)` after `delay` µs, unless cancelled or the process crashes first. */
  setTimer(delay: SimTime, tag: Tag): TimerHandle;
  cancelTimer(handle: TimerHandle): void;
  /** Records a line in the trace (kept from the `faults` level up) and folds it into the trace hash. */
  note(text: string): void;
  /**
   * The process stops itself (a process that exits, as a Kafka broker whose startup fails): it is
   * crashed right after the current event, and only a restart brings it back.
   */
  exit(reason: string): void;
}

export type ProcessState = 'not-started' | 'up' | 'paused' | 'crashed';
