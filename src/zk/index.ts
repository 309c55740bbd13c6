/**
 * The simulated ZooKeeper of Kafka's ZooKeeper era: the znode tree, the ensemble's server actors
 * and the client a broker embeds.
 */
export {
  type ChildrenCallback,
  type CreateCallback,
  type DataCallback,
  isZkClientTimer,
  type MultiCallback,
  type Outcome,
  type StatCallback,
  type VoidCallback,
  ZkClient,
  type ZkClientHost,
  type ZkClientOptions,
  type ZkClientState,
  type ZkClientTimer,
} from './client.js';
export { treeInvariantViolations } from './invariants.js';
export { invalidPathReason, isValidPath } from './paths.js';
export {
  describeZkMessage,
  isZkClientToServerMessage,
  isZkMessage,
  isZkServerToClientMessage,
  type ZkClientToServerMessage,
  type ZkCloseSessionMessage,
  type ZkConnectMessage,
  type ZkConnectResponseMessage,
  type ZkMessage,
  type ZkPeerCloseSessionMessage,
  type ZkPeerMessage,
  type ZkPeerPingMessage,
  type ZkPeerWatchEventMessage,
  type ZkPingMessage,
  type ZkPongMessage,
  type ZkRequestMessage,
  type ZkResponseMessage,
  type ZkServerToClientMessage,
  type ZkWatchEventMessage,
} from './protocol.js';
export {
  type ZkBackup,
  ZkEnsemble,
  type ZkEnsembleOptions,
  type ZkRestoreResult,
  type ZkServerTimer,
} from './server.js';
export { type SessionConnection, SessionTracker, type TrackedSession } from './sessions.js';
export {
  type Notification,
  type TreeImage,
  type TreeResult,
  type TreeState,
  type Znode,
  ZnodeTree,
} from './tree.js';
export {
  type CreateMode,
  ERROR_CODE_VALUES,
  type ErrorCode,
  type EventType,
  type FailureCode,
  formatSessionId,
  isEphemeralMode,
  isSequentialMode,
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
