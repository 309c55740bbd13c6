import { ms, type SimTime } from '../sim/time.js';
import type { SessionId } from './types.js';

/** Where a session is connected: a server, the client process, and which of its connections. */
export interface SessionConnection {
  readonly server: string;
  readonly client: string;
  /** Tells a connection from earlier ones between the same two processes. */
  readonly serial: number;
}

export interface TrackedSession {
  readonly id: SessionId;
  /** The negotiated timeout, ms. */
  readonly timeoutMs: number;
  /** The tick boundary at which the ensemble expires it unless it hears from it first, µs. */
  expiresAt: SimTime;
  connection: SessionConnection | null;
  /** Expired on purpose: it goes at the next tick whatever the client sends meanwhile. */
  doomed?: boolean;
}

/**
 * The ensemble's live sessions and when each expires, as ZooKeeper's SessionTrackerImpl keeps them
 * in an ExpiryQueue: hearing from a session moves its expiry to the first multiple of tickTime
 * strictly after now + timeout, and the expirer wakes on those multiples. A session is therefore
 * expired between `timeout` and `timeout + tickTime` after the last time it was heard from.
 */
export class SessionTracker {
  private readonly sessions = new Map<SessionId, TrackedSession>();

  constructor(private readonly tickTime: SimTime) {}

  add(id: SessionId, timeoutMs: number, now: SimTime): TrackedSession {
    const session: TrackedSession = {
      id,
      timeoutMs,
      expiresAt: this.expiryFor(now, timeoutMs),
      connection: null,
    };
    this.sessions.set(id, session);
    return session;
  }

  get(id: SessionId): TrackedSession | undefined {
    return this.sessions.get(id);
  }

  /** The session was heard from (SessionTrackerImpl.touchSession). False if it is not live. */
  touch(id: SessionId, now: SimTime): boolean {
    const session = this.sessions.get(id);
    if (session === undefined) return false;
    if (!session.doomed) session.expiresAt = this.expiryFor(now, session.timeoutMs);
    return true;
  }

  /**
   * Makes a live session expire at the expirer's next tick, as Kafka's tests force it
   * (ZooKeeper's session-kill: the server closes it, its ephemerals go, watchers hear). False if
   * it is not live.
   */
  expireSoon(id: SessionId): boolean {
    const session = this.sessions.get(id);
    if (session === undefined) return false;
    session.doomed = true;
    session.expiresAt = 0;
    return true;
  }

  remove(id: SessionId): void {
    this.sessions.delete(id);
  }

  /** Sessions whose expiry time has come, oldest first. */
  due(now: SimTime): TrackedSession[] {
    const due: TrackedSession[] = [];
    for (const session of this.sessions.values()) if (session.expiresAt <= now) due.push(session);
    return due;
  }

  /** Every session gets a full timeout from now, as a new leader's tracker gives them. */
  retrackAll(now: SimTime): void {
    for (const session of this.sessions.values())
      if (!session.doomed) session.expiresAt = this.expiryFor(now, session.timeoutMs);
  }

  /** The session table as a snapshot keeps it (ZooKeeper's sessionsWithTimeouts): ids and timeouts. */
  image(): { readonly id: SessionId; readonly timeoutMs: number }[] {
    return [...this.sessions.values()].map(({ id, timeoutMs }) => ({ id, timeoutMs }));
  }

  /**
   * Replaces the table with `image`'s sessions, each unconnected and with a full timeout from
   * `now`, as a server started on restored data tracks them (SessionTrackerImpl's constructor).
   */
  load(image: readonly { readonly id: SessionId; readonly timeoutMs: number }[], now: SimTime): void {
    this.sessions.clear();
    for (const { id, timeoutMs } of image) this.add(id, timeoutMs, now);
  }

  /** Live sessions, oldest first. */
  all(): TrackedSession[] {
    return [...this.sessions.values()];
  }

  /** ExpiryQueue.roundToNextInterval(now + timeout). */
  private expiryFor(now: SimTime, timeoutMs: number): SimTime {
    return (Math.floor((now + ms(timeoutMs)) / this.tickTime) + 1) * this.tickTime;
  }
}
