import type { ErrorName } from './errors.js';
import type { ProducerRecord, RecordBatch } from './log/record.js';

/**
 * The Kafka requests and responses the simulated processes exchange, by Kafka's API names, with
 * the fields that matter to replication. A request carries a correlation id that its response echoes.
 */

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export const tpKey = (topic: string, partition: number): string => `${topic}-${partition}`;

/** The partition state in LeaderAndIsr and UpdateMetadata. */
export interface PartitionStateData extends TopicPartition {
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly partitionEpoch: number;
  readonly replicas: readonly number[];
  readonly isNew?: boolean;
}

/** UpdateMetadataPartitionState: the partition state plus the replicas on dead brokers. */
export interface UpdateMetadataPartitionState extends PartitionStateData {
  readonly offlineReplicas: readonly number[];
}

export interface LeaderAndIsrRequest {
  readonly type: 'LeaderAndIsr';
  readonly correlationId: number;
  readonly controllerId: number;
  readonly controllerEpoch: number;
  readonly brokerEpoch: number;
  readonly partitions: readonly PartitionStateData[];
}

export interface LeaderAndIsrResponse {
  readonly type: 'LeaderAndIsrResponse';
  readonly correlationId: number;
  readonly error: ErrorName;
  readonly partitionErrors: readonly (TopicPartition & { readonly error: ErrorName })[];
}

export interface UpdateMetadataRequest {
  readonly type: 'UpdateMetadata';
  readonly correlationId: number;
  readonly controllerId: number;
  readonly controllerEpoch: number;
  readonly brokerEpoch: number;
  readonly liveBrokers: readonly number[];
  readonly partitions: readonly UpdateMetadataPartitionState[];
}

export interface StopReplicaRequest {
  readonly type: 'StopReplica';
  readonly correlationId: number;
  readonly controllerId: number;
  readonly controllerEpoch: number;
  readonly brokerEpoch: number;
  readonly partitions: readonly (TopicPartition & {
    readonly leaderEpoch: number;
    readonly deletePartition: boolean;
  })[];
}

export interface ControllerResponse {
  readonly type: 'UpdateMetadataResponse' | 'StopReplicaResponse';
  readonly correlationId: number;
  readonly error: ErrorName;
}

export interface FetchPartition extends TopicPartition {
  readonly fetchOffset: number;
  readonly currentLeaderEpoch: number;
  /** The epoch of the last batch the follower has (KIP-595 truncation on fetch); -1 for none. */
  readonly lastFetchedEpoch: number;
}

export interface FetchRequest {
  readonly type: 'Fetch';
  readonly correlationId: number;
  /** The fetching broker's id, or -1 for a consumer. */
  readonly replicaId: number;
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly partitions: readonly FetchPartition[];
}

export interface FetchResponsePartition extends TopicPartition {
  readonly error: ErrorName;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  /** Set when the follower's log diverges from the leader's: where the leader's copy of that epoch ends. */
  readonly divergingEpoch?: { readonly epoch: number; readonly endOffset: number };
  /**
   * With OFFSET_OUT_OF_RANGE: the leader's log end. It stands in for the ListOffsets round trip
   * Kafka's follower makes next (AbstractFetcherThread.fetchOffsetAndTruncate).
   */
  readonly logEndOffset?: number;
  readonly records: readonly RecordBatch[];
}

export interface FetchResponse {
  readonly type: 'FetchResponse';
  readonly correlationId: number;
  readonly partitions: readonly FetchResponsePartition[];
}

export interface ProducePartition extends TopicPartition {
  readonly records: readonly ProducerRecord[];
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

export interface ProduceRequest {
  readonly type: 'Produce';
  readonly correlationId: number;
  /** 0, 1 or -1 (all); anything else is INVALID_REQUIRED_ACKS. */
  readonly acks: number;
  readonly timeoutMs: number;
  readonly partitions: readonly ProducePartition[];
}

export interface ProduceResponse {
  readonly type: 'ProduceResponse';
  readonly correlationId: number;
  readonly partitions: readonly (TopicPartition & {
    readonly error: ErrorName;
    readonly baseOffset: number;
  })[];
}

export interface AlterPartitionRequest {
  readonly type: 'AlterPartition';
  readonly correlationId: number;
  /** The request version: below 2 the controller answers OPERATION_NOT_ATTEMPTED for INELIGIBLE_REPLICA. */
  readonly version: number;
  readonly brokerId: number;
  readonly brokerEpoch: number;
  readonly partitions: readonly (TopicPartition & {
    readonly leaderEpoch: number;
    readonly newIsr: readonly number[];
    readonly partitionEpoch: number;
  })[];
}

export interface AlterPartitionResponse {
  readonly type: 'AlterPartitionResponse';
  readonly correlationId: number;
  readonly error: ErrorName;
  readonly partitions: readonly (TopicPartition & {
    readonly error: ErrorName;
    readonly leader: number;
    readonly leaderEpoch: number;
    readonly isr: readonly number[];
    readonly partitionEpoch: number;
  })[];
}

export interface MetadataRequest {
  readonly type: 'Metadata';
  readonly correlationId: number;
  /** Undefined: all topics. */
  readonly topics?: readonly string[];
}

export interface MetadataResponse {
  readonly type: 'MetadataResponse';
  readonly correlationId: number;
  readonly controllerId: number;
  readonly brokers: readonly number[];
  readonly partitions: readonly UpdateMetadataPartitionState[];
}

/** CreateTopics (ZooKeeper mode: handled by any broker, written to ZooKeeper by ZkAdminManager). */
export interface CreateTopicsRequest {
  readonly type: 'CreateTopics';
  readonly correlationId: number;
  readonly topics: readonly {
    readonly name: string;
    /** -1: the broker's num.partitions. */
    readonly numPartitions: number;
    /** -1: the broker's default.replication.factor. */
    readonly replicationFactor: number;
    /** An explicit assignment (partition i gets element i), or empty. */
    readonly assignments: readonly (readonly number[])[];
    readonly configs: Readonly<Record<string, string>>;
  }[];
  readonly timeoutMs: number;
}

/** An admin answer per topic: a Kafka error name (NONE on success) and its message. */
export interface AdminTopicResult {
  readonly name: string;
  readonly error: ErrorName;
  readonly errorMessage?: string;
  readonly topicId?: string;
}

export interface CreateTopicsResponse {
  readonly type: 'CreateTopicsResponse';
  readonly correlationId: number;
  readonly topics: readonly AdminTopicResult[];
}

export interface CreatePartitionsRequest {
  readonly type: 'CreatePartitions';
  readonly correlationId: number;
  readonly topics: readonly {
    readonly name: string;
    /** The partition count wanted in total. */
    readonly count: number;
    readonly assignments?: readonly (readonly number[])[];
  }[];
  readonly timeoutMs: number;
}

export interface CreatePartitionsResponse {
  readonly type: 'CreatePartitionsResponse';
  readonly correlationId: number;
  readonly topics: readonly AdminTopicResult[];
}

export interface DeleteTopicsRequest {
  readonly type: 'DeleteTopics';
  readonly correlationId: number;
  readonly topics: readonly string[];
  readonly timeoutMs: number;
}

export interface DeleteTopicsResponse {
  readonly type: 'DeleteTopicsResponse';
  readonly correlationId: number;
  readonly topics: readonly AdminTopicResult[];
}

/** InitProducerId for an idempotent producer (no transactional id): any broker answers. */
export interface InitProducerIdRequest {
  readonly type: 'InitProducerId';
  readonly correlationId: number;
  readonly transactionalId: null;
}

export interface InitProducerIdResponse {
  readonly type: 'InitProducerIdResponse';
  readonly correlationId: number;
  readonly error: ErrorName;
  readonly producerId: number;
  readonly producerEpoch: number;
}

/** ElectLeaders (KIP-460), preferred elections only; all partitions when `partitions` is undefined. */
export interface ElectLeadersRequest {
  readonly type: 'ElectLeaders';
  readonly correlationId: number;
  readonly partitions?: readonly TopicPartition[];
}

export interface ElectLeadersResponse {
  readonly type: 'ElectLeadersResponse';
  readonly correlationId: number;
  readonly error: ErrorName;
  readonly partitions: readonly (TopicPartition & {
    readonly error: ErrorName;
    readonly errorMessage?: string;
  })[];
}

/** AlterPartitionReassignments (KIP-455), answered by the controller. `replicas: null` cancels. */
export interface AlterPartitionReassignmentsRequest {
  readonly type: 'AlterPartitionReassignments';
  readonly correlationId: number;
  readonly partitions: readonly (TopicPartition & { readonly replicas: readonly number[] | null })[];
}

export interface AlterPartitionReassignmentsResponse {
  readonly type: 'AlterPartitionReassignmentsResponse';
  readonly correlationId: number;
  readonly error: ErrorName;
  readonly partitions: readonly (TopicPartition & {
    readonly error: ErrorName;
    readonly errorMessage?: string;
  })[];
}

// ---- consumer groups (classic protocol) and consumers --------------------------------------------

/** FindCoordinator for a group (key type GROUP), sent to any broker (KafkaApis.getCoordinator). */
export interface FindCoordinatorRequest {
  readonly type: 'FindCoordinator';
  readonly correlationId: number;
  /** The group id. */
  readonly key: string;
}

export interface FindCoordinatorResponse {
  readonly type: 'FindCoordinatorResponse';
  readonly correlationId: number;
  readonly error: ErrorName;
  /** The coordinator's broker id; -1 with an error. */
  readonly nodeId: number;
}

/** ConsumerProtocolSubscription, decoded: what a member puts in JoinGroup's protocol metadata. */
export interface ConsumerSubscription {
  readonly topics: readonly string[];
  /** What the member owns now (cooperative-sticky; the sticky assignor carries it in its userData). */
  readonly ownedPartitions: readonly TopicPartition[];
  /** The generation of ownedPartitions, -1 when none (Subscription.generationId). */
  readonly generationId: number;
}

/** ConsumerProtocolAssignment, decoded: what SyncGroup hands each member. */
export interface ConsumerAssignment {
  readonly partitions: readonly TopicPartition[];
}

export interface JoinGroupRequest {
  readonly type: 'JoinGroup';
  readonly correlationId: number;
  readonly groupId: string;
  readonly sessionTimeoutMs: number;
  /** The consumer's max.poll.interval.ms. */
  readonly rebalanceTimeoutMs: number;
  /** Empty on the first join (KIP-394 answers MEMBER_ID_REQUIRED with an id to rejoin with). */
  readonly memberId: string;
  /** KIP-345's group.instance.id of a static member; absent or null for a dynamic one. */
  readonly groupInstanceId?: string | null;
  readonly protocolType: 'consumer';
  /** Assignor names in preference order, each with the member's subscription. */
  readonly protocols: readonly { readonly name: string; readonly metadata: ConsumerSubscription }[];
  /** Why the member (re)joins, as the client logs it (JoinGroup v8 reason). */
  readonly reason?: string;
  /**
   * The request header's client.id: the coordinator names a new member `${clientId}-${uuid}`.
   * Undefined: the sender's process name stands in.
   */
  readonly clientId?: string;
}

export interface JoinGroupMember {
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
  readonly metadata: ConsumerSubscription;
}

export interface JoinGroupResponse {
  readonly type: 'JoinGroupResponse';
  readonly correlationId: number;
  readonly error: ErrorName;
  readonly generationId: number;
  readonly protocolName: string | null;
  readonly leader: string;
  readonly memberId: string;
  /** Only the leader gets the members, in the coordinator's order; others get []. */
  readonly members: readonly JoinGroupMember[];
  /**
   * KIP-814 (JoinGroup v9): a returning static leader of a Stable group must not run the assignor;
   * it syncs with no assignments and keeps its current one.
   */
  readonly skipAssignment?: boolean;
}

export interface SyncGroupRequest {
  readonly type: 'SyncGroup';
  readonly correlationId: number;
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
  readonly protocolName: string | null;
  /** The leader's assignment for every member; [] from followers. */
  readonly assignments: readonly { readonly memberId: string; readonly assignment: ConsumerAssignment }[];
}

export interface SyncGroupResponse {
  readonly type: 'SyncGroupResponse';
  readonly correlationId: number;
  readonly error: ErrorName;
  readonly assignment: ConsumerAssignment;
}

export interface HeartbeatRequest {
  readonly type: 'Heartbeat';
  readonly correlationId: number;
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
}

export interface HeartbeatResponse {
  readonly type: 'HeartbeatResponse';
  readonly correlationId: number;
  readonly error: ErrorName;
}

export interface LeaveGroupRequest {
  readonly type: 'LeaveGroup';
  readonly correlationId: number;
  readonly groupId: string;
  /** MemberIdentity: an empty member id with a group.instance.id removes that static member (admin). */
  readonly members: readonly {
    readonly memberId: string;
    readonly groupInstanceId?: string | null;
    readonly reason?: string;
  }[];
}

export interface LeaveGroupResponse {
  readonly type: 'LeaveGroupResponse';
  readonly correlationId: number;
  readonly error: ErrorName;
  readonly members: readonly { readonly memberId: string; readonly error: ErrorName }[];
}

export interface OffsetCommitPartition extends TopicPartition {
  /** The next offset to read. */
  readonly committedOffset: number;
  readonly committedLeaderEpoch: number;
}

export interface OffsetCommitRequest {
  readonly type: 'OffsetCommit';
  readonly correlationId: number;
  readonly groupId: string;
  /** -1 with an empty member id: a commit from outside the group (simple consumer). */
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId?: string | null;
  readonly partitions: readonly OffsetCommitPartition[];
}

export interface OffsetCommitResponse {
  readonly type: 'OffsetCommitResponse';
  readonly correlationId: number;
  readonly partitions: readonly (TopicPartition & { readonly error: ErrorName })[];
}

export interface OffsetFetchRequest {
  readonly type: 'OffsetFetch';
  readonly correlationId: number;
  readonly groupId: string;
  /** Undefined: every partition the group has offsets for. */
  readonly partitions?: readonly TopicPartition[];
}

export interface OffsetFetchResponse {
  readonly type: 'OffsetFetchResponse';
  readonly correlationId: number;
  readonly error: ErrorName;
  /** committedOffset -1 when the group has none for the partition. */
  readonly partitions: readonly (OffsetCommitPartition & { readonly error: ErrorName })[];
}

/** ListOffsets from a consumer (replica id -1): EARLIEST_TIMESTAMP -2 or LATEST_TIMESTAMP -1. */
export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

export interface ListOffsetsRequest {
  readonly type: 'ListOffsets';
  readonly correlationId: number;
  readonly replicaId: number;
  readonly partitions: readonly (TopicPartition & {
    readonly currentLeaderEpoch: number;
    readonly timestamp: number;
  })[];
}

export interface ListOffsetsResponse {
  readonly type: 'ListOffsetsResponse';
  readonly correlationId: number;
  readonly partitions: readonly (TopicPartition & {
    readonly error: ErrorName;
    readonly offset: number;
    readonly leaderEpoch: number;
  })[];
}

/**
 * OffsetsForLeaderEpoch (KIP-101; from a consumer, KIP-320): for each partition, where the leader's
 * log of the largest epoch <= `leaderEpoch` ends. `replicaId` is -1 for a consumer (the request's
 * version 3+ field); `currentLeaderEpoch` -1 skips the leader-epoch check.
 */
export interface OffsetsForLeaderEpochRequest {
  readonly type: 'OffsetsForLeaderEpoch';
  readonly correlationId: number;
  readonly replicaId: number;
  readonly partitions: readonly (TopicPartition & {
    readonly currentLeaderEpoch: number;
    readonly leaderEpoch: number;
  })[];
}

/** EpochEndOffset per partition: -1 and -1 (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET) when unknown. */
export interface OffsetsForLeaderEpochResponse {
  readonly type: 'OffsetsForLeaderEpochResponse';
  readonly correlationId: number;
  readonly partitions: readonly (TopicPartition & {
    readonly error: ErrorName;
    readonly leaderEpoch: number;
    readonly endOffset: number;
  })[];
}

export type KafkaRequest =
  | LeaderAndIsrRequest
  | UpdateMetadataRequest
  | StopReplicaRequest
  | FetchRequest
  | ProduceRequest
  | AlterPartitionRequest
  | MetadataRequest
  | CreateTopicsRequest
  | CreatePartitionsRequest
  | DeleteTopicsRequest
  | InitProducerIdRequest
  | ElectLeadersRequest
  | AlterPartitionReassignmentsRequest
  | FindCoordinatorRequest
  | JoinGroupRequest
  | SyncGroupRequest
  | HeartbeatRequest
  | LeaveGroupRequest
  | OffsetCommitRequest
  | OffsetFetchRequest
  | ListOffsetsRequest
  | OffsetsForLeaderEpochRequest;

export type KafkaResponse =
  | LeaderAndIsrResponse
  | ControllerResponse
  | FetchResponse
  | ProduceResponse
  | AlterPartitionResponse
  | MetadataResponse
  | CreateTopicsResponse
  | CreatePartitionsResponse
  | DeleteTopicsResponse
  | InitProducerIdResponse
  | ElectLeadersResponse
  | AlterPartitionReassignmentsResponse
  | FindCoordinatorResponse
  | JoinGroupResponse
  | SyncGroupResponse
  | HeartbeatResponse
  | LeaveGroupResponse
  | OffsetCommitResponse
  | OffsetFetchResponse
  | ListOffsetsResponse
  | OffsetsForLeaderEpochResponse;

export type KafkaMessage = KafkaRequest | KafkaResponse;
