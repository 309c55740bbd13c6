import type { ErrorCode, SessionId, WatchedEvent, WatchList, ZkReply, ZkRequest } from './types.js';

/**
 * The messages of the simulated ZooKeeper: client ↔ server (ZooKeeper's ConnectRequest,
 * request/reply packets, pings, notifications) and server ↔ server (availability pings and the
 * forwarding of watch notifications; ZAB itself is not simulated).
 */

// ---- client → server ---------------------------------------------------------------------------

/**
 * The first message on every connection: ConnectRequest, with the SetWatches that ClientCnxn's
 * primeConnection sends right behind it folded in. `sessionId` 0 asks for a new session.
 */
export interface ZkConnectMessage {
  readonly type: 'zk-connect';
  readonly sessionId: SessionId;
  /** The timeout the client asks for, ms (the negotiated one comes back). */
  readonly timeoutMs: number;
  /** The last zxid the client saw in a reply: watches whose events it missed since then fire at once. */
  readonly lastZxidSeen: number;
  readonly watches: WatchList;
}

export interface ZkRequestMessage {
  readonly type: 'zk-request';
  /** The client's request number: replies come back in order (FIFO per session). */
  readonly xid: number;
  readonly request: ZkRequest;
}

export interface ZkPingMessage {
  readonly type: 'zk-ping';
}

/** Ends the session: its ephemerals go at once. The server answers with a zk-response, then closes. */
export interface ZkCloseSessionMessage {
  readonly type: 'zk-close-session';
  readonly xid: number;
}

// ---- server → client ---------------------------------------------------------------------------

/** ConnectResponse: a timeout of 0 (and session 0) means the session has expired. */
export interface ZkConnectResponseMessage {
  readonly type: 'zk-connect-response';
  readonly sessionId: SessionId;
  readonly timeoutMs: number;
}

export interface ZkResponseMessage {
  readonly type: 'zk-response';
  readonly xid: number;
  /** The reply header's zxid: the write's own, or the last the server applied. */
  readonly zxid: number;
  readonly code: ErrorCode;
  readonly reply?: ZkReply;
}

export interface ZkPongMessage {
  readonly type: 'zk-pong';
}

export interface ZkWatchEventMessage {
  readonly type: 'zk-watch-event';
  readonly event: WatchedEvent;
}

// ---- server → server ---------------------------------------------------------------------------

/** Sent every tickTime: a server is in quorum while it hears from a majority. */
export interface ZkPeerPingMessage {
  readonly type: 'zk-peer-ping';
}

/** A notification for a session whose connection is on the receiving server, to pass on. */
export interface ZkPeerWatchEventMessage {
  readonly type: 'zk-peer-watch-event';
  readonly sessionId: SessionId;
  readonly client: string;
  /** The connection the session had when the event fired: a newer one re-registers its watches itself. */
  readonly connection: number;
  readonly event: WatchedEvent;
}

/** The session expired or was closed elsewhere: close its connection here. */
export interface ZkPeerCloseSessionMessage {
  readonly type: 'zk-peer-close-session';
  readonly sessionId: SessionId;
  readonly client: string;
  readonly connection: number;
}

export type ZkClientToServerMessage =
  | ZkConnectMessage
  | ZkRequestMessage
  | ZkPingMessage
  | ZkCloseSessionMessage;
export type ZkServerToClientMessage =
  | ZkConnectResponseMessage
  | ZkResponseMessage
  | ZkPongMessage
  | ZkWatchEventMessage;
export type ZkPeerMessage = ZkPeerPingMessage | ZkPeerWatchEventMessage | ZkPeerCloseSessionMessage;

export type ZkMessage = ZkClientToServerMessage | ZkServerToClientMessage | ZkPeerMessage;

const TYPES: ReadonlySet<string> = new Set<ZkMessage['type']>([
  'zk-connect',
  'zk-request',
  'zk-ping',
  'zk-close-session',
  'zk-connect-response',
  'zk-response',
  'zk-pong',
  'zk-watch-event',
  'zk-peer-ping',
  'zk-peer-watch-event',
  'zk-peer-close-session',
]);

const CLIENT_TO_SERVER: ReadonlySet<string> = new Set<ZkClientToServerMessage['type']>([
  'zk-connect',
  'zk-request',
  'zk-ping',
  'zk-close-session',
]);

const SERVER_TO_CLIENT: ReadonlySet<string> = new Set<ZkServerToClientMessage['type']>([
  'zk-connect-response',
  'zk-response',
  'zk-pong',
  'zk-watch-event',
]);

export function isZkMessage(message: unknown): message is ZkMessage {
  if (typeof message !== 'object' || message === null) return false;
  const type = (message as { type?: unknown }).type;
  return typeof type === 'string' && TYPES.has(type);
}

/** A message a client sends to a ZooKeeper server. */
export function isZkClientToServerMessage(message: unknown): message is ZkClientToServerMessage {
  return isZkMessage(message) && CLIENT_TO_SERVER.has(message.type);
}

/** A message a ZooKeeper server sends to a client (what a ZkClient handles). */
export function isZkServerToClientMessage(message: unknown): message is ZkServerToClientMessage {
  return isZkMessage(message) && SERVER_TO_CLIENT.has(message.type);
}

/** A one-line account of a message for traces: `zk-request #3 create /brokers/ids/1`. */
export function describeZkMessage(message: ZkMessage): string {
  switch (message.type) {
    case 'zk-connect':
      return `${message.type} session=0x${message.sessionId.toString(16)} timeout=${message.timeoutMs}`;
    case 'zk-connect-response':
      return `${message.type} session=0x${message.sessionId.toString(16)} timeout=${message.timeoutMs}`;
    case 'zk-request': {
      const request = message.request;
      const target = request.type === 'multi' ? `${request.ops.length} ops` : request.path;
      return `${message.type} #${message.xid} ${request.type} ${target}`;
    }
    case 'zk-response':
      return `${message.type} #${message.xid} ${message.code} zxid=${message.zxid}`;
    case 'zk-close-session':
      return `${message.type} #${message.xid}`;
    case 'zk-watch-event':
    case 'zk-peer-watch-event':
      return `${message.type} ${message.event.type} ${message.event.path}`;
    default:
      return message.type;
  }
}
