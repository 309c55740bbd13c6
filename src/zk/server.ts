import type { Actor, ActorFactory, ProcessContext } from '../sim/process.js';
import { ms, type SimTime } from '../sim/time.js';
import {
  isZkClientToServerMessage,
  isZkMessage,
  type ZkClientToServerMessage,
  type ZkConnectMessage,
  type ZkMessage,
} from './protocol.js';
import { SessionTracker, type TrackedSession } from './sessions.js';
import type { Notification, TreeImage } from './tree.js';
import { ZnodeTree } from './tree.js';
import { formatSessionId, type SessionId, type WatchedEvent } from './types.js';

export interface ZkEnsembleOptions {
  /** The servers' process names. */
  readonly servers: readonly string[];
  /** ZooKeeper's tickTime (default 3000 ms). */
  readonly tickTimeMs?: number;
  /** Ticks a server may go without hearing from a peer before it no longer counts it (default 5). */
  readonly syncLimit?: number;
  /** Default 2 × tickTime (ZooKeeperServer). */
  readonly minSessionTimeoutMs?: number;
  /** Default 20 × tickTime (ZooKeeperServer). */
  readonly maxSessionTimeoutMs?: number;
}

/**
 * A backup of an ensemble's data, as an operator takes one by copying a server's dataDir (its
 * latest snapshot and transaction log): the znode tree with its zxids, versions and ephemeral
 * owners, and the session table with each session's timeout.
 */
export interface ZkBackup {
  /** When it was taken (simulated µs). */
  readonly takenAt: SimTime;
  readonly tree: TreeImage;
  readonly sessions: readonly { readonly id: SessionId; readonly timeoutMs: number }[];
}

/** What a restore did: the zxids on either side and which sessions came back or were lost. */
export interface ZkRestoreResult {
  /** The last zxid handed out before the restore, and the one the servers continue from. */
  readonly zxidBefore: number;
  readonly zxidAfter: number;
  /** Sessions of the backup, live again with a full timeout. */
  readonly revived: readonly SessionId[];
  /** Sessions live before the restore that the backup does not know: their clients will hear SESSIONEXPIRED. */
  readonly forgotten: readonly SessionId[];
}

/**
 * A server's timers: its tick, on every multiple of tickTime, and its first hello to its peers
 * (from a timer, so that every server of the ensemble can be spawned before any is addressed).
 */
export interface ZkServerTimer {
  readonly kind: 'zk-server-tick' | 'zk-server-hello';
}

const TICK: ZkServerTimer = { kind: 'zk-server-tick' };
const HELLO: ZkServerTimer = { kind: 'zk-server-hello' };

/**
 * A ZooKeeper ensemble: one logical znode tree and session table shared by its server actors. The
 * replication protocol (ZAB) is not simulated, but availability is: a server serves clients only
 * while it hears from a majority of the ensemble, and sessions live only while a server in quorum
 * hears from them.
 *
 * What the simulator simplifies, knowingly:
 * - a write is applied to the shared tree the moment a server in quorum receives it, so no server
 *   ever serves stale reads, and a server that has not yet noticed it lost its quorum (up to
 *   syncLimit × tickTime) can still write;
 * - sessions are tracked by the ensemble, not by a leader; when the ensemble comes back after a
 *   tick with no server in quorum, every session gets a full timeout again (as a newly elected
 *   leader's SessionTrackerImpl gives them), so a ZooKeeper restart does not expire everyone.
 */
export class ZkEnsemble {
  readonly servers: readonly string[];
  readonly tickTimeMs: number;
  readonly syncLimit: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly tree = new ZnodeTree();
  readonly sessions: SessionTracker;
  private readonly sessionCounters: number[];
  private connectionSerial = 0;
  private lastServedTick: SimTime = -1;

  constructor(options: ZkEnsembleOptions) {
    const servers = [...options.servers];
    if (servers.length === 0) throw new RangeError('ZkEnsemble: at least one server is needed');
    if (new Set(servers).size !== servers.length)
      throw new RangeError('ZkEnsemble: server names must be unique');
    this.servers = servers;
    this.tickTimeMs = options.tickTimeMs ?? 3000;
    this.syncLimit = options.syncLimit ?? 5;
    this.minSessionTimeoutMs = options.minSessionTimeoutMs ?? 2 * this.tickTimeMs;
    this.maxSessionTimeoutMs = options.maxSessionTimeoutMs ?? 20 * this.tickTimeMs;
    if (!(Number.isInteger(this.tickTimeMs) && this.tickTimeMs > 0)) {
      throw new RangeError(`ZkEnsemble: tickTimeMs must be a positive integer, got ${this.tickTimeMs}`);
    }
    if (!(Number.isInteger(this.syncLimit) && this.syncLimit > 0)) {
      throw new RangeError(`ZkEnsemble: syncLimit must be a positive integer, got ${this.syncLimit}`);
    }
    if (this.minSessionTimeoutMs > this.maxSessionTimeoutMs) {
      throw new RangeError('ZkEnsemble: minSessionTimeoutMs exceeds maxSessionTimeoutMs');
    }
    this.sessions = new SessionTracker(ms(this.tickTimeMs));
    this.sessionCounters = servers.map(() => 0);
  }

  /** The actor of server `name`; spawn it under that same name. */
  serverActor(name: string): ActorFactory<ZkMessage, ZkServerTimer> {
    if (!this.servers.includes(name)) throw new RangeError(`ZkEnsemble: '${name}' is not one of its servers`);
    return (ctx) => {
      if (ctx.name !== name) throw new RangeError(`ZkEnsemble: server '${name}' spawned as '${ctx.name}'`);
      return new ZkServer(this, ctx);
    };
  }

  /** The requested timeout clamped to [min, max] (ZooKeeperServer.processConnectRequest). */
  negotiateTimeout(requestedMs: number): number {
    return Math.min(Math.max(requestedMs, this.minSessionTimeoutMs), this.maxSessionTimeoutMs);
  }

  /** Expires a live session at the next tick (a scenario's expire-session); false if it is not live. */
  expireSession(id: SessionId): boolean {
    return this.sessions.expireSoon(id);
  }

  /** A live session, for inspection. */
  session(id: SessionId): Readonly<TrackedSession> | undefined {
    return this.sessions.get(id);
  }

  /** A deep copy of the ensemble's data and session table at `now` (see ZkBackup). */
  backup(now: SimTime): ZkBackup {
    return { takenAt: now, tree: this.tree.image(), sessions: this.sessions.image() };
  }

  /**
   * Replaces the ensemble's data with `backup`'s, as an operator restores every server's dataDir:
   * call it while every server is down, and start them again right after. The servers load the
   * restored snapshot: the backup's sessions are live again with a full timeout from `now`
   * (SessionTrackerImpl's constructor) and their ephemerals are back; sessions created since are
   * unknown, so their clients are told SESSIONEXPIRED when they reconnect. Session ids are not
   * reused (SessionTrackerImpl.initializeNextSessionId takes them from the clock).
   *
   * Zxids: a standalone server continues from the last zxid of its restored data
   * (ZooKeeperServer.loadData), so zxids handed out since the backup are handed out again, and a
   * client that has seen one is refused until the server's zxid catches up (processConnectRequest).
   * A quorum elects a leader that starts a new epoch (Leader.startZkServer sets the last processed
   * zxid to makeZxid(epoch, 0)), above every zxid of the epoch before; the simulator's zxids carry
   * no epoch, so for more than one server the counter goes on from the highest it handed out
   * (which assumes ZooKeeper kept one leader between the backup and the restore).
   */
  restore(backup: ZkBackup, now: SimTime): ZkRestoreResult {
    const zxidBefore = this.tree.zxid;
    const before = this.sessions.all().map((s) => s.id);
    const zxidAfter = this.servers.length === 1 ? backup.tree.zxid : Math.max(zxidBefore, backup.tree.zxid);
    this.tree.load(backup.tree, zxidAfter);
    this.sessions.load(backup.sessions, now);
    // Every session just got its full timeout: the expirer's next tick is no resumption.
    this.lastServedTick = now;
    const restored = new Set(backup.sessions.map((s) => s.id));
    return {
      zxidBefore,
      zxidAfter,
      revived: backup.sessions.map((s) => s.id),
      forgotten: before.filter((id) => !restored.has(id)),
    };
  }

  /** @internal A new session id: the server's id (1-based) in the high bits, as ZooKeeper's are. */
  newSessionId(server: string): SessionId {
    const index = this.servers.indexOf(server);
    const next = (this.sessionCounters[index] ?? 0) + 1;
    this.sessionCounters[index] = next;
    return (index + 1) * 2 ** 32 + next;
  }

  /** @internal */
  nextConnectionSerial(): number {
    return ++this.connectionSerial;
  }

  /**
   * @internal An in-quorum server's tick at `now`. True if no server was in quorum at the previous
   * tick boundary, so that sessions must be re-tracked before anything expires.
   */
  markServed(now: SimTime): boolean {
    const resumed = this.lastServedTick < now - ms(this.tickTimeMs);
    this.lastServedTick = now;
    return resumed;
  }

  /** @internal A restarted server has no connections: forget those the ensemble thought it had. */
  forgetConnectionsAt(server: string): void {
    for (const session of this.sessions.all()) {
      if (session.connection?.server === server) {
        session.connection = null;
        this.tree.removeWatches(session.id);
      }
    }
  }
}

/** A client connection as its server sees it. */
interface ClientConnection {
  readonly sessionId: SessionId;
  readonly serial: number;
}

/** One ZooKeeper server: answers its clients from the shared tree while it is in quorum. */
class ZkServer implements Actor<ZkMessage, ZkServerTimer> {
  private inQuorum = false;
  /** When each peer was last heard from. */
  private readonly lastHeard = new Map<string, SimTime>();
  private readonly clients = new Map<string, ClientConnection>();
  private readonly peers: readonly string[];
  private readonly tickTime: SimTime;

  constructor(
    private readonly ensemble: ZkEnsemble,
    private readonly ctx: ProcessContext<ZkMessage, ZkServerTimer>,
  ) {
    this.peers = ensemble.servers.filter((server) => server !== ctx.name);
    this.tickTime = ms(ensemble.tickTimeMs);
  }

  onStart(): void {
    this.ensemble.forgetConnectionsAt(this.ctx.name);
    this.updateQuorum(); // a lone server is in quorum at once
    this.ctx.setTimer(0, HELLO);
    this.scheduleTick();
  }

  onTimer(tag: ZkServerTimer): void {
    this.pingPeers();
    this.updateQuorum();
    if (tag.kind === 'zk-server-hello') return;
    if (this.inQuorum) this.expireSessions();
    this.scheduleTick();
  }

  onMessage(from: string, message: ZkMessage): void {
    if (!isZkMessage(message)) return;
    if (this.ensemble.servers.includes(from)) {
      this.lastHeard.set(from, this.ctx.now);
      this.updateQuorum();
      this.onPeerMessage(message);
    } else if (isZkClientToServerMessage(message)) {
      this.onClientMessage(from, message);
    }
  }

  onDisconnect(peer: string): void {
    if (this.clients.has(peer)) this.dropConnection(peer);
  }

  // ---- quorum --------------------------------------------------------------------------------

  private pingPeers(): void {
    for (const peer of this.peers) this.ctx.send(peer, { type: 'zk-peer-ping' });
  }

  /** In quorum while it has heard from a majority (itself included) within syncLimit × tickTime. */
  private updateQuorum(): void {
    const window = this.ensemble.syncLimit * this.tickTime;
    let heard = 1;
    for (const peer of this.peers) {
      const last = this.lastHeard.get(peer);
      if (last !== undefined && this.ctx.now - last <= window) heard++;
    }
    const inQuorum = heard * 2 > this.ensemble.servers.length;
    if (inQuorum === this.inQuorum) return;
    this.inQuorum = inQuorum;
    const of = `${heard} of ${this.ensemble.servers.length} servers`;
    if (inQuorum) {
      this.ctx.note(`zk quorum gained (${of})`);
    } else {
      // A server that drops out of the quorum stops serving (Learner shutdown): its clients move on.
      this.ctx.note(`zk quorum lost (${of}); closing ${this.clients.size} client connection(s)`);
      for (const client of [...this.clients.keys()]) this.closeClient(client);
    }
  }

  private scheduleTick(): void {
    this.ctx.setTimer(this.tickTime - (this.ctx.now % this.tickTime), TICK);
  }

  // ---- sessions ------------------------------------------------------------------------------

  /** The expirer's turn (SessionTrackerImpl.run): close every session not heard from in time. */
  private expireSessions(): void {
    const now = this.ctx.now;
    const sessions = this.ensemble.sessions;
    if (this.ensemble.markServed(now)) sessions.retrackAll(now);
    for (const session of sessions.due(now)) {
      this.ctx.note(`zk session ${formatSessionId(session.id)} expired (timeout ${session.timeoutMs} ms)`);
      sessions.remove(session.id);
      this.notify(this.ensemble.tree.closeSession(session.id).notifications);
      const connection = session.connection;
      if (connection === null) continue;
      if (connection.server === this.ctx.name) this.closeClient(connection.client);
      else {
        this.ctx.send(connection.server, {
          type: 'zk-peer-close-session',
          sessionId: session.id,
          client: connection.client,
          connection: connection.serial,
        });
      }
    }
  }

  // ---- clients -------------------------------------------------------------------------------

  private onClientMessage(client: string, message: ZkClientToServerMessage): void {
    if (message.type === 'zk-connect') {
      this.connect(client, message);
      return;
    }
    const connection = this.clients.get(client);
    const session = connection === undefined ? undefined : this.ensemble.sessions.get(connection.sessionId);
    const current =
      session?.connection?.server === this.ctx.name && session.connection.serial === connection?.serial;
    if (!this.inQuorum || session === undefined || !current) {
      // Out of quorum, expired, or moved to another server: ZooKeeper closes the connection.
      this.closeClient(client);
      return;
    }
    this.ensemble.sessions.touch(session.id, this.ctx.now);
    switch (message.type) {
      case 'zk-ping':
        this.ctx.send(client, { type: 'zk-pong' });
        break;
      case 'zk-request': {
        const result = this.ensemble.tree.execute(session.id, message.request, this.timeMs());
        // Notifications first: a watcher on this connection hears of a change before the reply.
        this.notify(result.notifications);
        this.ctx.send(client, {
          type: 'zk-response',
          xid: message.xid,
          zxid: result.zxid,
          code: result.code,
          ...(result.reply === undefined ? {} : { reply: result.reply }),
        });
        break;
      }
      case 'zk-close-session': {
        this.ensemble.sessions.remove(session.id);
        const { zxid, notifications } = this.ensemble.tree.closeSession(session.id);
        this.ctx.note(`zk session ${formatSessionId(session.id)} closed by ${client}`);
        this.notify(notifications);
        this.ctx.send(client, { type: 'zk-response', xid: message.xid, zxid, code: 'OK' });
        this.closeClient(client);
        break;
      }
    }
  }

  /** ConnectRequest: a new session, or an existing one moving here (with its watches), or "expired". */
  private connect(client: string, message: ZkConnectMessage): void {
    if (this.clients.has(client)) this.dropConnection(client);
    if (!this.inQuorum) {
      this.closeClient(client);
      return;
    }
    const { sessions, tree } = this.ensemble;
    if (message.lastZxidSeen > tree.zxid) {
      // ZooKeeperServer.processConnectRequest (CLIENT_ZXID_AHEAD): a server never serves a client
      // that has seen more than it has, such as after its data was restored from an older backup.
      this.ctx.note(
        `Refusing session request for client ${client} as it has seen zxid 0x${message.lastZxidSeen.toString(16)} our last zxid is 0x${tree.zxid.toString(16)} client must try another server`,
      );
      this.closeClient(client);
      return;
    }
    const now = this.ctx.now;
    let session: TrackedSession | undefined;
    if (message.sessionId === 0) {
      const id = this.ensemble.newSessionId(this.ctx.name);
      tree.openSession(id);
      session = sessions.add(id, this.ensemble.negotiateTimeout(message.timeoutMs), now);
      this.ctx.note(
        `zk session ${formatSessionId(id)} created for ${client} (timeout ${session.timeoutMs} ms)`,
      );
    } else {
      session = sessions.get(message.sessionId);
      if (session === undefined) {
        // ZooKeeperServer.finishSessionInit(valid = false): timeout 0 tells the client it expired.
        this.ctx.send(client, { type: 'zk-connect-response', sessionId: 0, timeoutMs: 0 });
        this.closeClient(client);
        return;
      }
      sessions.touch(session.id, now);
      tree.removeWatches(session.id);
    }
    const serial = this.ensemble.nextConnectionSerial();
    session.connection = { server: this.ctx.name, client, serial };
    this.clients.set(client, { sessionId: session.id, serial });
    this.ctx.send(client, {
      type: 'zk-connect-response',
      sessionId: session.id,
      timeoutMs: session.timeoutMs,
    });
    this.notify(tree.setWatches(session.id, message.lastZxidSeen, message.watches));
  }

  /** Closes a client's connection from this side. */
  private closeClient(client: string): void {
    this.ctx.disconnect(client);
    this.dropConnection(client);
  }

  /** A client connection is gone: the session stays, its watches go (the client sets them again). */
  private dropConnection(client: string): void {
    const connection = this.clients.get(client);
    if (connection === undefined) return;
    this.clients.delete(client);
    const session = this.ensemble.sessions.get(connection.sessionId);
    if (session?.connection?.server === this.ctx.name && session.connection.serial === connection.serial) {
      session.connection = null;
      this.ensemble.tree.removeWatches(session.id);
    }
  }

  // ---- notifications -------------------------------------------------------------------------

  /** Sends each notification to its session's connection, through the server that holds it. */
  private notify(notifications: readonly Notification[]): void {
    for (const { session: id, event } of notifications) {
      const connection = this.ensemble.sessions.get(id)?.connection;
      if (connection === null || connection === undefined) continue;
      if (connection.server === this.ctx.name) this.forward(id, connection.client, connection.serial, event);
      else {
        this.ctx.send(connection.server, {
          type: 'zk-peer-watch-event',
          sessionId: id,
          client: connection.client,
          connection: connection.serial,
          event,
        });
      }
    }
  }

  private forward(id: SessionId, client: string, serial: number, event: WatchedEvent): void {
    const connection = this.clients.get(client);
    if (connection?.sessionId === id && connection.serial === serial) {
      this.ctx.send(client, { type: 'zk-watch-event', event });
    }
  }

  private onPeerMessage(message: ZkMessage): void {
    switch (message.type) {
      case 'zk-peer-watch-event':
        this.forward(message.sessionId, message.client, message.connection, message.event);
        break;
      case 'zk-peer-close-session': {
        const connection = this.clients.get(message.client);
        if (connection?.sessionId === message.sessionId && connection.serial === message.connection) {
          this.closeClient(message.client);
        }
        break;
      }
      default:
        break; // a ping: hearing it was the point
    }
  }

  /** Stat times are wall-clock ms in ZooKeeper; here, simulated ms. */
  private timeMs(): number {
    return Math.floor(this.ctx.now / 1000);
  }
}
