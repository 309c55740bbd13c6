import { isValidPath, nameOf, parentOf, sequenceSuffix, utf8Length } from './paths.js';
import {
  type CreateMode,
  type ErrorCode,
  type EventType,
  type FailureCode,
  isEphemeralMode,
  isSequentialMode,
  type OpResult,
  type SessionId,
  type Stat,
  type WatchedEvent,
  type WatchList,
  type ZkOp,
  type ZkReply,
  type ZkRequest,
} from './types.js';
import { addWatch, removeSessionWatches, takeWatchers, type WatchTable, watchedPaths } from './watches.js';

/** A znode. Its stat is replaced, never mutated, so a stat handed out stays true to its moment. */
export interface Znode {
  data: string | null;
  stat: Stat;
  readonly children: Set<string>;
}

/** Everything the tree knows: an ordinary value (Maps and Sets), so that runs can be compared. */
export interface TreeState {
  /** The last zxid handed out: every write request and session open/close takes the next one. */
  zxid: number;
  readonly nodes: Map<string, Znode>;
  /** Open sessions, each with the paths of the ephemerals it owns. */
  readonly sessions: Map<SessionId, Set<string>>;
  /** Data watches, set by getData and exists (exists also on a missing node). */
  readonly dataWatches: WatchTable;
  /** Child watches, set by getChildren. */
  readonly childWatches: WatchTable;
}

/**
 * What a backup of the tree holds (ZooKeeper's snapshot of its DataTree): every znode with its
 * data and stat (zxids, versions, ephemeral owner), the open sessions with the ephemerals they
 * own, and the last zxid. Watches are not data: they belong to connections, and go with them.
 */
export interface TreeImage {
  readonly zxid: number;
  readonly nodes: ReadonlyMap<string, Readonly<Znode>>;
  readonly sessions: ReadonlyMap<SessionId, ReadonlySet<string>>;
}

/** A watch that fired: `event` goes to `session`. */
export interface Notification {
  readonly session: SessionId;
  readonly event: WatchedEvent;
}

/** The answer to a request: its code, what it returned, the zxid it carries and the watches it fired. */
export interface TreeResult<R extends ZkReply = ZkReply> {
  readonly code: ErrorCode;
  /** Present when the code is OK, and for a failed multi (its per-op results). */
  readonly reply?: R;
  /** The write's zxid, or for a read the last zxid the tree had applied (ZooKeeper's reply header). */
  readonly zxid: number;
  readonly notifications: readonly Notification[];
}

/** A change that fires watches once the write it belongs to has committed. */
interface Trigger {
  readonly path: string;
  readonly type: EventType;
}

type Undo = () => void;

const ROOT = '/';

function rootStat(): Stat {
  return {
    czxid: 0,
    mzxid: 0,
    pzxid: 0,
    ctime: 0,
    mtime: 0,
    version: 0,
    cversion: 0,
    ephemeralOwner: 0,
    dataLength: 0,
    numChildren: 0,
  };
}

/**
 * The znode store: ZooKeeper's DataTree with the checks of its PrepRequestProcessor, as one
 * logical copy (ZAB is not simulated). Pure: no engine, no clock; callers pass the time in ms.
 *
 * Fidelity notes:
 * - Every write request takes a zxid, even one that fails (ZooKeeper logs it as an error txn).
 * - A multi's ops share one zxid and see each other's effects; if one fails, none applies.
 * - Watches fire as DataTree fires them: create → NodeCreated on the path (data watches) and
 *   NodeChildrenChanged on the parent (child watches); setData → NodeDataChanged (data watches);
 *   delete → NodeDeleted on the path (data and child watches, once per session) and
 *   NodeChildrenChanged on the parent. exists on a missing node sets a data watch that NodeCreated fires.
 * - The tree holds only `/`: ZooKeeper's `/zookeeper` system subtree is left out.
 */
export class ZnodeTree {
  readonly state: TreeState;

  constructor() {
    this.state = {
      zxid: 0,
      nodes: new Map([[ROOT, { data: null, stat: rootStat(), children: new Set<string>() }]]),
      sessions: new Map(),
      dataWatches: new Map(),
      childWatches: new Map(),
    };
  }

  /** The last zxid handed out. */
  get zxid(): number {
    return this.state.zxid;
  }

  /** A deep copy of the state, for comparing runs and stepping through history. */
  snapshot(): TreeState {
    return structuredClone(this.state);
  }

  /** A deep copy of the data (a snapshot as ZooKeeper writes it to its dataDir): see TreeImage. */
  image(): TreeImage {
    return structuredClone({ zxid: this.state.zxid, nodes: this.state.nodes, sessions: this.state.sessions });
  }

  /**
   * Replaces the data with a copy of `image` (ZKDatabase.loadDataBase from a restored dataDir),
   * every watch dropped, and the last zxid set to `zxid` (by default the image's own: a standalone
   * server hands out zxids again from where its data ends).
   */
  load(image: TreeImage, zxid: number = image.zxid): void {
    if (zxid < image.zxid) throw new RangeError(`load: zxid ${zxid} is below the image's ${image.zxid}`);
    const copy = structuredClone(image) as TreeImage & {
      readonly nodes: Map<string, Znode>;
      readonly sessions: Map<SessionId, Set<string>>;
    };
    const { nodes, sessions, dataWatches, childWatches } = this.state;
    nodes.clear();
    for (const [path, node] of copy.nodes) nodes.set(path, node);
    sessions.clear();
    for (const [id, paths] of copy.sessions) sessions.set(id, paths);
    dataWatches.clear();
    childWatches.clear();
    this.state.zxid = zxid;
  }

  // ---- inspection ----------------------------------------------------------------------------

  /** A read-only look at a znode (children sorted), or undefined. */
  node(
    path: string,
  ): { readonly data: string | null; readonly stat: Stat; readonly children: string[] } | undefined {
    const node = this.state.nodes.get(path);
    return node === undefined
      ? undefined
      : { data: node.data, stat: node.stat, children: [...node.children].sort() };
  }

  /** Every path in the tree, sorted. */
  paths(): string[] {
    return [...this.state.nodes.keys()].sort();
  }

  hasSession(session: SessionId): boolean {
    return this.state.sessions.has(session);
  }

  /** The ephemerals `session` owns, sorted. */
  ephemeralsOf(session: SessionId): string[] {
    return [...(this.state.sessions.get(session) ?? [])].sort();
  }

  /** The paths `session` watches now (for tests and the teaching views). */
  watchesOf(session: SessionId): { data: string[]; child: string[] } {
    return {
      data: watchedPaths(this.state.dataWatches, session),
      child: watchedPaths(this.state.childWatches, session),
    };
  }

  // ---- sessions ------------------------------------------------------------------------------

  /** Opens a session (ZooKeeper's createSession txn, which takes a zxid). Returns that zxid. */
  openSession(session: SessionId): number {
    if (this.state.sessions.has(session)) throw new RangeError(`session ${session} is open already`);
    this.state.sessions.set(session, new Set());
    return ++this.state.zxid;
  }

  /**
   * Closes a session, on the client's request or on expiry (the closeSession txn, DataTree.killSession):
   * its watches go, and its ephemerals are deleted under one zxid, firing the others' watches.
   */
  closeSession(session: SessionId): {
    readonly zxid: number;
    readonly notifications: readonly Notification[];
  } {
    const ephemerals = this.state.sessions.get(session);
    if (ephemerals === undefined) return { zxid: this.state.zxid, notifications: [] };
    const zxid = ++this.state.zxid;
    this.removeWatches(session);
    const triggers: Trigger[] = [];
    for (const path of [...ephemerals].sort()) this.deleteNode(path, zxid, triggers, undefined);
    this.state.sessions.delete(session);
    return { zxid, notifications: this.fire(triggers) };
  }

  /** Forgets a session's watches: its connection closed (the client re-registers them on reconnect). */
  removeWatches(session: SessionId): void {
    removeSessionWatches(this.state.dataWatches, session);
    removeSessionWatches(this.state.childWatches, session);
  }

  /**
   * Re-registers a reconnecting session's watches (DataTree.setWatches): a watch whose event the
   * session missed since `relativeZxid` (the last zxid it saw) fires at once, the others are set again.
   */
  setWatches(session: SessionId, relativeZxid: number, watches: WatchList): Notification[] {
    if (!this.state.sessions.has(session)) return [];
    const fired: Notification[] = [];
    const tell = (type: EventType, path: string): void => {
      fired.push({ session, event: { type, path } });
    };
    for (const path of watches.data) {
      const node = this.state.nodes.get(path);
      if (node === undefined) tell('NodeDeleted', path);
      else if (node.stat.mzxid > relativeZxid) tell('NodeDataChanged', path);
      else addWatch(this.state.dataWatches, path, session);
    }
    for (const path of watches.exist) {
      if (this.state.nodes.has(path)) tell('NodeCreated', path);
      else addWatch(this.state.dataWatches, path, session);
    }
    for (const path of watches.child) {
      const node = this.state.nodes.get(path);
      if (node === undefined) tell('NodeDeleted', path);
      else if (node.stat.pzxid > relativeZxid) tell('NodeChildrenChanged', path);
      else addWatch(this.state.childWatches, path, session);
    }
    return fired;
  }

  // ---- requests ------------------------------------------------------------------------------

  /** Runs one request of `session` at time `timeMs`. */
  execute(session: SessionId, request: ZkRequest, timeMs: number): TreeResult {
    switch (request.type) {
      case 'getData':
        return this.getData(session, request.path, request.watch);
      case 'exists':
        return this.exists(session, request.path, request.watch);
      case 'getChildren':
        return this.getChildren(session, request.path, request.watch);
      case 'multi':
        return this.multi(session, request.ops, timeMs);
      default:
        return this.write(session, request, timeMs);
    }
  }

  create(
    session: SessionId,
    path: string,
    data: string | null,
    mode: CreateMode,
    timeMs: number,
  ): TreeResult<Extract<ZkReply, { type: 'create' }>> {
    return this.write(session, { type: 'create', path, data, mode }, timeMs) as TreeResult<
      Extract<ZkReply, { type: 'create' }>
    >;
  }

  setData(
    session: SessionId,
    path: string,
    data: string | null,
    version: number,
    timeMs: number,
  ): TreeResult<Extract<ZkReply, { type: 'setData' }>> {
    return this.write(session, { type: 'setData', path, data, version }, timeMs) as TreeResult<
      Extract<ZkReply, { type: 'setData' }>
    >;
  }

  delete(
    session: SessionId,
    path: string,
    version: number,
    timeMs: number,
  ): TreeResult<Extract<ZkReply, { type: 'delete' }>> {
    return this.write(session, { type: 'delete', path, version }, timeMs) as TreeResult<
      Extract<ZkReply, { type: 'delete' }>
    >;
  }

  /** All-or-nothing: the reply's results follow ZooKeeper's MultiResponse, on success and on failure. */
  multi(
    session: SessionId,
    ops: readonly ZkOp[],
    timeMs: number,
  ): TreeResult<Extract<ZkReply, { type: 'multi' }>> {
    const zxid = ++this.state.zxid;
    const outcome = this.runOps(session, ops, zxid, timeMs);
    return {
      code: outcome.code,
      reply: { type: 'multi', results: outcome.results },
      zxid,
      notifications: outcome.notifications,
    };
  }

  getData(
    session: SessionId,
    path: string,
    watch: boolean,
  ): TreeResult<Extract<ZkReply, { type: 'getData' }>> {
    const failed = this.checkRead(session, path);
    if (failed !== undefined) return failed;
    const node = this.state.nodes.get(path);
    if (node === undefined) return this.answer('NONODE');
    if (watch) addWatch(this.state.dataWatches, path, session);
    return this.answer('OK', { type: 'getData', data: node.data, stat: node.stat });
  }

  /** Sets a data watch even when the node is missing: its creation fires NodeCreated (DataTree.statNode). */
  exists(session: SessionId, path: string, watch: boolean): TreeResult<Extract<ZkReply, { type: 'exists' }>> {
    const failed = this.checkRead(session, path);
    if (failed !== undefined) return failed;
    if (watch) addWatch(this.state.dataWatches, path, session);
    const node = this.state.nodes.get(path);
    if (node === undefined) return this.answer('NONODE');
    return this.answer('OK', { type: 'exists', stat: node.stat });
  }

  getChildren(
    session: SessionId,
    path: string,
    watch: boolean,
  ): TreeResult<Extract<ZkReply, { type: 'getChildren' }>> {
    const failed = this.checkRead(session, path);
    if (failed !== undefined) return failed;
    const node = this.state.nodes.get(path);
    if (node === undefined) return this.answer('NONODE');
    if (watch) addWatch(this.state.childWatches, path, session);
    return this.answer('OK', { type: 'getChildren', children: [...node.children].sort(), stat: node.stat });
  }

  // ---- internals -----------------------------------------------------------------------------

  private answer<R extends ZkReply>(code: ErrorCode, reply?: R): TreeResult<R> {
    return reply === undefined
      ? { code, zxid: this.state.zxid, notifications: [] }
      : { code, reply, zxid: this.state.zxid, notifications: [] };
  }

  private checkRead(session: SessionId, path: string): TreeResult<never> | undefined {
    if (!this.state.sessions.has(session)) return this.answer('SESSIONEXPIRED');
    if (!isValidPath(path)) return this.answer('BADARGUMENTS');
    return undefined;
  }

  /** A single create, setData or delete: a one-op multi whose failure is reported plainly. */
  private write(session: SessionId, op: Exclude<ZkOp, { type: 'check' }>, timeMs: number): TreeResult {
    const zxid = ++this.state.zxid;
    const outcome = this.runOps(session, [op], zxid, timeMs);
    if (outcome.code !== 'OK') return { code: outcome.code, zxid, notifications: [] };
    return { code: 'OK', reply: outcome.results[0] as ZkReply, zxid, notifications: outcome.notifications };
  }

  /** Applies `ops` in order; at the first failure undoes them all (PrepRequestProcessor's rollback). */
  private runOps(
    session: SessionId,
    ops: readonly ZkOp[],
    zxid: number,
    timeMs: number,
  ): { code: ErrorCode; results: OpResult[]; notifications: Notification[] } {
    const undo: Undo[] = [];
    const triggers: Trigger[] = [];
    const results: OpResult[] = [];
    for (let i = 0; i < ops.length; i++) {
      const result = this.applyOp(session, ops[i] as ZkOp, zxid, timeMs, undo, triggers);
      if (typeof result === 'string') {
        for (let u = undo.length - 1; u >= 0; u--) (undo[u] as Undo)();
        const failed: OpResult[] = ops.map((_, j) => ({
          type: 'error',
          code: j < i ? 'OK' : j === i ? result : 'RUNTIMEINCONSISTENCY',
        }));
        return { code: result, results: failed, notifications: [] };
      }
      results.push(result);
    }
    return { code: 'OK', results, notifications: this.fire(triggers) };
  }

  private applyOp(
    session: SessionId,
    op: ZkOp,
    zxid: number,
    timeMs: number,
    undo: Undo[],
    triggers: Trigger[],
  ): OpResult | FailureCode {
    if (!this.state.sessions.has(session)) return 'SESSIONEXPIRED';
    const nodes = this.state.nodes;
    switch (op.type) {
      case 'create': {
        const slash = op.path.lastIndexOf('/');
        if (slash < 0) return 'BADARGUMENTS';
        const parentPath = slash === 0 ? ROOT : op.path.slice(0, slash);
        const parent = nodes.get(parentPath);
        if (parent === undefined) return 'NONODE';
        const path = isSequentialMode(op.mode) ? op.path + sequenceSuffix(parent.stat.cversion) : op.path;
        if (!isValidPath(path)) return 'BADARGUMENTS';
        if (nodes.has(path)) return 'NODEEXISTS';
        if (parent.stat.ephemeralOwner !== 0) return 'NOCHILDRENFOREPHEMERALS';
        const owner = isEphemeralMode(op.mode) ? session : 0;
        const stat = this.createNode(path, parentPath, op.data, owner, zxid, timeMs, triggers, undo);
        return { type: 'create', path, stat };
      }
      case 'setData': {
        if (!isValidPath(op.path)) return 'BADARGUMENTS';
        const node = nodes.get(op.path);
        if (node === undefined) return 'NONODE';
        if (op.version !== -1 && op.version !== node.stat.version) return 'BADVERSION';
        const { data: oldData, stat: oldStat } = node;
        node.data = op.data;
        node.stat = {
          ...oldStat,
          version: oldStat.version + 1,
          mzxid: zxid,
          mtime: timeMs,
          dataLength: utf8Length(op.data),
        };
        undo.push(() => {
          node.data = oldData;
          node.stat = oldStat;
        });
        triggers.push({ path: op.path, type: 'NodeDataChanged' });
        return { type: 'setData', stat: node.stat };
      }
      case 'delete': {
        if (!isValidPath(op.path) || op.path === ROOT) return 'BADARGUMENTS';
        if (!nodes.has(parentOf(op.path))) return 'NONODE';
        const node = nodes.get(op.path);
        if (node === undefined) return 'NONODE';
        if (op.version !== -1 && op.version !== node.stat.version) return 'BADVERSION';
        if (node.children.size > 0) return 'NOTEMPTY';
        this.deleteNode(op.path, zxid, triggers, undo);
        return { type: 'delete' };
      }
      case 'check': {
        if (!isValidPath(op.path)) return 'BADARGUMENTS';
        const node = nodes.get(op.path);
        if (node === undefined) return 'NONODE';
        if (op.version !== -1 && op.version !== node.stat.version) return 'BADVERSION';
        return { type: 'check' };
      }
    }
  }

  private createNode(
    path: string,
    parentPath: string,
    data: string | null,
    owner: SessionId,
    zxid: number,
    timeMs: number,
    triggers: Trigger[],
    undo: Undo[],
  ): Stat {
    const parent = this.state.nodes.get(parentPath) as Znode;
    const stat: Stat = {
      czxid: zxid,
      mzxid: zxid,
      pzxid: zxid,
      ctime: timeMs,
      mtime: timeMs,
      version: 0,
      cversion: 0,
      ephemeralOwner: owner,
      dataLength: utf8Length(data),
      numChildren: 0,
    };
    const oldParentStat = parent.stat;
    const name = nameOf(path);
    parent.stat = {
      ...oldParentStat,
      cversion: oldParentStat.cversion + 1,
      pzxid: zxid,
      numChildren: oldParentStat.numChildren + 1,
    };
    parent.children.add(name);
    this.state.nodes.set(path, { data, stat, children: new Set() });
    const owned = owner === 0 ? undefined : this.state.sessions.get(owner);
    owned?.add(path);
    undo.push(() => {
      this.state.nodes.delete(path);
      parent.children.delete(name);
      parent.stat = oldParentStat;
      owned?.delete(path);
    });
    triggers.push({ path, type: 'NodeCreated' }, { path: parentPath, type: 'NodeChildrenChanged' });
    return stat;
  }

  /** Removes a childless node; with `undo`, records how to put it back. */
  private deleteNode(path: string, zxid: number, triggers: Trigger[], undo: Undo[] | undefined): void {
    const parentPath = parentOf(path);
    const parent = this.state.nodes.get(parentPath) as Znode;
    const node = this.state.nodes.get(path) as Znode;
    const oldParentStat = parent.stat;
    const name = nameOf(path);
    parent.children.delete(name);
    parent.stat = { ...oldParentStat, pzxid: zxid, numChildren: oldParentStat.numChildren - 1 };
    this.state.nodes.delete(path);
    const owned =
      node.stat.ephemeralOwner === 0 ? undefined : this.state.sessions.get(node.stat.ephemeralOwner);
    owned?.delete(path);
    undo?.push(() => {
      this.state.nodes.set(path, node);
      parent.children.add(name);
      parent.stat = oldParentStat;
      owned?.add(path);
    });
    triggers.push({ path, type: 'NodeDeleted' }, { path: parentPath, type: 'NodeChildrenChanged' });
  }

  /** Fires the watches of a committed write, in the order of its changes (DataTree). */
  private fire(triggers: readonly Trigger[]): Notification[] {
    const fired: Notification[] = [];
    const tell = (sessions: readonly SessionId[], type: EventType, path: string): void => {
      for (const session of sessions) fired.push({ session, event: { type, path } });
    };
    const { dataWatches, childWatches } = this.state;
    for (const { path, type } of triggers) {
      if (type === 'NodeChildrenChanged') {
        tell(takeWatchers(childWatches, path), type, path);
      } else if (type === 'NodeDeleted') {
        // A session watching both ways hears it once (WatchManager's `processed` set).
        const told = takeWatchers(dataWatches, path);
        tell(told, type, path);
        tell(
          takeWatchers(childWatches, path).filter((session) => !told.includes(session)),
          type,
          path,
        );
      } else {
        tell(takeWatchers(dataWatches, path), type, path);
      }
    }
    return fired;
  }
}
