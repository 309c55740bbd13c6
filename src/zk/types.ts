/**
 * The vocabulary shared by the znode tree, the wire protocol and the client: ZooKeeper's own names
 * (KeeperException.Code, CreateMode, Stat, Watcher.Event), as ZooKeeper 3.8 has them.
 */

/** A session's id, as ZooKeeper's `long` session id (kept below 2^53 here). */
export type SessionId = number;

/** The codes of ZooKeeper's KeeperException.Code that the simulator produces, with their wire values. */
export const ERROR_CODE_VALUES = {
  OK: 0,
  RUNTIMEINCONSISTENCY: -2,
  CONNECTIONLOSS: -4,
  BADARGUMENTS: -8,
  NONODE: -101,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
} as const;

export type ErrorCode = keyof typeof ERROR_CODE_VALUES;
export type FailureCode = Exclude<ErrorCode, 'OK'>;

/** ZooKeeper's CreateMode (containers and TTL nodes are not modelled: Kafka 3.8 does not use them). */
export type CreateMode = 'PERSISTENT' | 'EPHEMERAL' | 'PERSISTENT_SEQUENTIAL' | 'EPHEMERAL_SEQUENTIAL';

export function isEphemeralMode(mode: CreateMode): boolean {
  return mode === 'EPHEMERAL' || mode === 'EPHEMERAL_SEQUENTIAL';
}

export function isSequentialMode(mode: CreateMode): boolean {
  return mode === 'PERSISTENT_SEQUENTIAL' || mode === 'EPHEMERAL_SEQUENTIAL';
}

/** org.apache.zookeeper.data.Stat (without the ACL version: ACLs are not modelled). Times are simulated ms. */
export interface Stat {
  readonly czxid: number;
  readonly mzxid: number;
  readonly pzxid: number;
  readonly ctime: number;
  readonly mtime: number;
  /** The data version: +1 on every setData. */
  readonly version: number;
  /** +1 on every child created (ZooKeeper 3.8 does not count deletions; see DataTree.deleteNode). */
  readonly cversion: number;
  /** The owning session of an ephemeral node, else 0. */
  readonly ephemeralOwner: SessionId;
  readonly dataLength: number;
  readonly numChildren: number;
}

/** Watcher.Event.EventType, less `None` (session events are a KeeperState, see the client). */
export type EventType = 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged';

/** What a watch tells its session: one-shot, path-level, no data (ZooKeeper's WatchedEvent). */
export interface WatchedEvent {
  readonly type: EventType;
  readonly path: string;
}

/** The session states a client reports (Watcher.Event.KeeperState). */
export type KeeperState = 'SyncConnected' | 'Disconnected' | 'Expired';

/** One operation of a `multi` (ZooKeeper's Op.Create, Op.SetData, Op.Delete, Op.Check). */
export type ZkOp =
  | {
      readonly type: 'create';
      readonly path: string;
      readonly data: string | null;
      readonly mode: CreateMode;
    }
  | {
      readonly type: 'setData';
      readonly path: string;
      readonly data: string | null;
      readonly version: number;
    }
  | { readonly type: 'delete'; readonly path: string; readonly version: number }
  | { readonly type: 'check'; readonly path: string; readonly version: number };

/**
 * One entry of a multi's answer, as ZooKeeper's OpResult: when the multi fails every entry is an
 * ErrorResult (OK before the failed op, its code at it, RUNTIMEINCONSISTENCY after it; DataTree).
 * A create's result carries the stat as create2 gives it.
 */
export type OpResult =
  | { readonly type: 'create'; readonly path: string; readonly stat: Stat }
  | { readonly type: 'setData'; readonly stat: Stat }
  | { readonly type: 'delete' }
  | { readonly type: 'check' }
  | { readonly type: 'error'; readonly code: ErrorCode };

/** A request a session makes (the client API's operations). */
export type ZkRequest =
  | Exclude<ZkOp, { readonly type: 'check' }>
  | { readonly type: 'getData'; readonly path: string; readonly watch: boolean }
  | { readonly type: 'exists'; readonly path: string; readonly watch: boolean }
  | { readonly type: 'getChildren'; readonly path: string; readonly watch: boolean }
  | { readonly type: 'multi'; readonly ops: readonly ZkOp[] };

/** What a successful request returns (and a failed multi, its per-op results). */
export type ZkReply =
  | { readonly type: 'create'; readonly path: string; readonly stat: Stat }
  | { readonly type: 'setData'; readonly stat: Stat }
  | { readonly type: 'delete' }
  | { readonly type: 'getData'; readonly data: string | null; readonly stat: Stat }
  | { readonly type: 'exists'; readonly stat: Stat }
  /** Children sorted by name: ZooKeeper gives no order, the simulator picks one that is deterministic. */
  | { readonly type: 'getChildren'; readonly children: readonly string[]; readonly stat: Stat }
  | { readonly type: 'multi'; readonly results: readonly OpResult[] };

/** The watches a client re-registers when it reconnects (ZooKeeper's SetWatches). */
export interface WatchList {
  /** Set by getData, or by exists on a node that existed. */
  readonly data: readonly string[];
  /** Set by exists on a node that did not exist. */
  readonly exist: readonly string[];
  readonly child: readonly string[];
}

/** `0x…`, as ZooKeeper and Kafka print session ids. */
export function formatSessionId(id: SessionId): string {
  return `0x${id.toString(16)}`;
}
