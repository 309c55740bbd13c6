import type { ClientHistory, MemberFact } from '../../history/client-history.js';
import type { ErrorName } from '../../kafka/errors.js';
import type {
  ConsumerSubscription,
  FindCoordinatorResponse,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  KafkaRequest,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchResponse,
  SyncGroupRequest,
  SyncGroupResponse,
  TopicPartition,
} from '../../kafka/protocol.js';
import type { TimerHandle } from '../../sim/process.js';
import {
  type AssignmentStrategy,
  assignPartitions,
  formatTopicPartition,
  parseTopicPartition,
} from '../assignors/index.js';
import type { SeededBackoff } from '../backoff.js';
import { type ConsumerConfig, rebalanceProtocol } from './config.js';
import type { ConsumerMetadata } from './metadata.js';
import type { NetworkClient, RequestFailure, Timers } from './network.js';
import { type AssignedPartition, type SubscriptionState, sortPartitions } from './subscription.js';

export type MemberState = 'UNJOINED' | 'PREPARING_REBALANCE' | 'COMPLETING_REBALANCE' | 'STABLE';

interface Generation {
  readonly generationId: number;
  readonly memberId: string;
  readonly protocolName: string | null;
}
const NO_GENERATION: Generation = { generationId: -1, memberId: '', protocolName: null };

export interface OffsetToCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
}

/** A commit in progress, across its attempts (commitSync retries; commitAsync tries once). */
interface PendingCommit {
  /** Its history op. */
  readonly id: number;
  readonly offsets: readonly OffsetToCommit[];
  readonly kind: 'sync' | 'async';
  /** Whole ms: commitSync gives up at this time. */
  readonly deadline: number;
  /** Whether a group member commits (with its generation), not a consumer with only a group.id. */
  readonly group: boolean;
  readonly done: (outcome: CommitOutcome) => void;
  /** An attempt failed in a way that may have applied it: a failure then is reported as info. */
  maybeApplied: boolean;
  attempts: number;
  finished: boolean;
}

function committedOffset(o: OffsetToCommit): { topic: string; partition: number; offset: number } {
  return { topic: o.topic, partition: o.partition, offset: o.offset };
}

function offsetCommitPartition(o: OffsetToCommit): OffsetCommitRequest['partitions'][number] {
  return {
    topic: o.topic,
    partition: o.partition,
    committedOffset: o.offset,
    committedLeaderEpoch: o.leaderEpoch,
  };
}

function topicPartitionOf(p: TopicPartition): TopicPartition {
  return { topic: p.topic, partition: p.partition };
}

/** The first partition's error, or NONE: the commit's outcome. */
function firstPartitionError(partitions: OffsetCommitResponse['partitions']): ErrorName {
  for (const p of partitions) if (p.error !== 'NONE') return p.error;
  return 'NONE';
}

export type CommitOutcome =
  | { readonly type: 'ok' }
  | { readonly type: 'fail' | 'info'; readonly error: string };

/** Who records: the history, the process name and the clock. */
export interface Recorder {
  readonly history: ClientHistory;
  readonly process: string;
  readonly now: () => number;
}

const COORDINATOR_GONE: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
]);

/** Errors.FENCED_INSTANCE_ID's exception, as poll and commitSync throw it. */
const FENCED =
  'FencedInstanceIdException: The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.';

type FencedBy = Extract<MemberFact, { kind: 'fenced' }>['request'];

/**
 * The group member (AbstractCoordinator + ConsumerCoordinator, classic protocol): coordinator
 * discovery, JoinGroup/SyncGroup with KIP-394's member id round, the leader's assignment, the
 * heartbeat "thread" (timers for heartbeat.interval.ms from the send, the session timer and the
 * poll timer), eager and cooperative revocation, commits and OffsetFetch.
 */
export class ConsumerCoordinator {
  state: MemberState = 'UNJOINED';
  generation: Generation = NO_GENERATION;
  coordinator: number | null = null;
  private findInFlight = false;
  private findAttempts = 0;
  private findRetryAtMs = 0;
  private rejoinNeeded = true;
  /** The subscription the last JoinGroup carried (ConsumerCoordinator.joinedSubscription). */
  private joinedSubscription: readonly string[] | undefined;
  /**
   * The leader's partition counts when it computed the assignment (ConsumerCoordinator's
   * assignmentSnapshot): a later change, e.g. partitions added, makes it rejoin.
   */
  private assignmentSnapshot: Map<string, number> | undefined;
  private rejoinReason = 'initial join';
  private needsJoinPrepare = true;
  private prepareInFlight = false;
  private prepareCommitted = false;
  private joinInFlight = false;
  private syncInFlight = false;
  /** No JoinGroup before this: joinGroupIfNeeded sleeps retry.backoff.ms after a retriable failure. */
  private joinRetryAtMs = 0;
  private joinRetryTimer: TimerHandle | undefined;
  private pendingLeader: JoinGroupResponse | undefined;
  private lastGeneration = -1;
  private readonly protocol: 'EAGER' | 'COOPERATIVE';
  /** KIP-345's group.instance.id: null for a dynamic member. */
  private readonly groupInstanceId: string | null;
  /** The eager StickyAssignor's memory of its last assignment (its userData). */
  private sticky: { partitions: TopicPartition[]; generation: number } = { partitions: [], generation: -1 };
  // heartbeat thread
  private heartbeatTimer: TimerHandle | undefined;
  private heartbeatInFlight = false;
  private heartbeatFailures = 0;
  private nextHeartbeatMs = 0;
  private sessionResetMs = 0;
  lastPollMs = 0;
  pollPending = false;
  nextAutoCommitMs: number;
  private readonly offsetFetchInFlight = new Set<string>();
  private offsetFetchRetryAtMs = 0;
  private offsetFetchAttempts = 0;
  /** A fatal group error for poll to throw once. */
  pendingError: string | undefined;
  /** Something happened that a waiting poll or commit may want. */
  onProgress: () => void = () => {};

  constructor(
    private readonly config: ConsumerConfig,
    private readonly groupId: string,
    /** The subscribed topics, or null for a manually assigned consumer (no membership). */
    private topics: readonly string[] | null,
    private readonly subscriptions: SubscriptionState,
    private readonly metadata: ConsumerMetadata,
    private readonly network: NetworkClient,
    private readonly timers: Timers,
    private readonly backoff: SeededBackoff,
    private readonly recorder: Recorder,
  ) {
    this.protocol = rebalanceProtocol(config);
    this.groupInstanceId = config['group.instance.id'] ?? null;
    this.nextAutoCommitMs = this.now + config['auto.commit.interval.ms'];
    if (topics === null) this.rejoinNeeded = false;
  }

  /**
   * Kafka's Time.milliseconds(): whole milliseconds. Deadlines kept in fractional milliseconds
   * drift (65031.923 + 1000 is 66031.92300000001): a timer set for such a deadline rounds to the
   * very microsecond it is set at, finds the deadline not yet reached, and re-arms itself forever.
   * Whole milliseconds are exact, and a timer of `deadline - now` ms fires at or after the deadline.
   */
  private get now(): number {
    return Math.floor(this.timers.nowMs);
  }

  get isStable(): boolean {
    return this.state === 'STABLE';
  }

  // ---- coordinator discovery -------------------------------------------------------------------

  /**
   * AbstractCoordinator.lookupCoordinator, with ensureCoordinatorReady's sleep of
   * retryBackoff.backoff(attempts++) after a failed FindCoordinator: no caller (poll, a commit,
   * the heartbeat thread) sends the next one before that backoff has passed. Kafka's attempt count
   * restarts with each ensureCoordinatorReady call (each poll); here it restarts on success.
   */
  lookupCoordinator(): void {
    if (this.coordinator !== null || this.findInFlight || this.now < this.findRetryAtMs) return;
    this.findInFlight = true;
    this.network.send(
      this.metadata.leastLoadedNode(),
      'data',
      this.findCoordinatorRequest.bind(this),
      'FindCoordinatorResponse',
      this.config['request.timeout.ms'],
      this.onFindCoordinatorResponse.bind(this),
      this.onFindCoordinatorFailure.bind(this),
    );
  }

  private findCoordinatorRequest(correlationId: number): KafkaRequest {
    return { type: 'FindCoordinator', correlationId, key: this.groupId };
  }

  /** FindCoordinatorResponseHandler. */
  private onFindCoordinatorResponse(r: FindCoordinatorResponse): void {
    if (r.error !== 'NONE' || r.nodeId < 0) {
      this.onFindCoordinatorFailure();
      return;
    }
    this.findInFlight = false;
    this.findAttempts = 0;
    this.coordinator = r.nodeId;
    // FindCoordinatorResponseHandler: a new coordinator gets a fresh session timer.
    this.sessionResetMs = this.now;
    this.scheduleHeartbeat();
    this.onProgress();
  }

  private onFindCoordinatorFailure(): void {
    this.findInFlight = false;
    const wait = this.backoff.backoff(this.findAttempts++);
    this.findRetryAtMs = this.now + wait;
    this.timers.after(wait, 'find-coordinator-backoff', this.afterFindCoordinatorBackoff.bind(this));
  }

  private afterFindCoordinatorBackoff(): void {
    this.lookupCoordinator();
    this.onProgress();
  }

  /** AbstractCoordinator.markCoordinatorUnknown: forget it and drop its connection's requests. */
  markCoordinatorUnknown(_why: string): void {
    const node = this.coordinator;
    if (node === null) return;
    this.coordinator = null;
    this.network.abandonCoordinator(node);
    this.scheduleHeartbeat();
  }

  // ---- ConsumerCoordinator.poll ----------------------------------------------------------------

  /** One step of ConsumerCoordinator.poll: discovery, (re)join, auto-commit. */
  poll(): void {
    if (this.topics === null) {
      this.maybeAutoCommit();
      return;
    }
    if (this.coordinator === null) {
      this.lookupCoordinator();
      return; // no auto-commit without a coordinator
    }
    this.checkSubscription();
    this.checkAssignmentMetadata();
    if (this.rejoinNeeded || this.state !== 'STABLE') this.ensureActiveGroup();
    this.maybeAutoCommit();
  }

  /** KafkaConsumer.subscribe with other topics: the next poll rejoins (checkSubscription). */
  changeSubscription(topics: readonly string[]): void {
    if (this.topics === null) throw new Error('IllegalStateException: not subscribed');
    this.topics = [...new Set(topics)].sort();
  }

  /** ConsumerCoordinator.rejoinNeededOrPending: rejoin when the subscription changed since the join. */
  private checkSubscription(): void {
    const joined = this.joinedSubscription;
    if (joined === undefined || this.topics === null || this.rejoinNeeded) return;
    const now = [...this.topics].sort();
    if (joined.length === now.length && joined.every((t, i) => t === now[i])) return;
    this.requestRejoin(
      `subscription has changed from [${joined.join(', ')}] at the beginning of the rebalance to [${now.join(', ')}]`,
    );
  }

  /** ConsumerCoordinator.rejoinNeededOrPending: the leader rejoins when its metadata has changed. */
  private checkAssignmentMetadata(): void {
    const snapshot = this.assignmentSnapshot;
    if (snapshot === undefined || this.rejoinNeeded) return;
    const now = new Map([...snapshot.keys()].map((t) => [t, this.metadata.partitionCount(t) ?? 0]));
    if ([...snapshot].every(([t, c]) => now.get(t) === c)) return;
    const show = (m: Map<string, number>) => `{${[...m].map(([t, c]) => `${t}=${c}`).join(', ')}}`;
    this.assignmentSnapshot = undefined;
    this.requestRejoin(
      `cached metadata has changed from ${show(snapshot)} at the beginning of the rebalance to ${show(now)}`,
    );
  }

  /** The request field, only for a static member (a dynamic member's requests stay as they were). */
  private get instanceField(): { groupInstanceId?: string } {
    return this.groupInstanceId === null ? {} : { groupInstanceId: this.groupInstanceId };
  }

  /**
   * FENCED_INSTANCE_ID (KIP-345): another instance with this group.instance.id has replaced this
   * member id. Fatal in Kafka's consumer: poll (or commitSync) throws FencedInstanceIdException.
   * Recorded as a member fact with what the member still believed it owned. `poll`: whether the
   * next poll throws it (commitSync throws it itself; a failed async commit makes the next poll
   * throw, ConsumerCoordinator's asyncCommitFenced).
   */
  private fenced(request: FencedBy, generation: Generation, poll = true): void {
    if (poll) this.pendingError = FENCED;
    this.recorder.history.recordMember({
      kind: 'fenced',
      group: this.groupId,
      memberId: generation.memberId,
      groupInstanceId: this.groupInstanceId ?? '',
      generation: generation.generationId,
      partitions: this.subscriptions.assignedKeys(),
      request,
      time: this.recorder.now(),
      process: this.recorder.process,
    });
  }

  requestRejoin(reason: string): void {
    this.rejoinNeeded = true;
    this.rejoinReason = reason;
  }

  private ensureActiveGroup(): void {
    if (this.joinInFlight || this.syncInFlight || this.prepareInFlight) return;
    if (this.pendingLeader !== undefined) {
      this.onLeaderElected(this.pendingLeader);
      return;
    }
    if (this.state === 'STABLE' && !this.rejoinNeeded) return;
    if (this.now < this.joinRetryAtMs) {
      if (this.joinRetryTimer === undefined)
        this.joinRetryTimer = this.timers.after(
          this.joinRetryAtMs - this.now,
          'join-backoff',
          this.afterJoinBackoff.bind(this),
        );
      return;
    }
    if (this.needsJoinPrepare) {
      // ConsumerCoordinator.onJoinPrepare: auto-commit (and wait for it) before revoking.
      if (this.config['enable.auto.commit'] && !this.prepareCommitted) {
        const offsets = this.subscriptions.allConsumed();
        if (this.protocol === 'EAGER') this.subscriptions.markPendingRevocation();
        if (offsets.length > 0 && this.state === 'STABLE') {
          this.prepareInFlight = true;
          this.commit(
            offsets,
            'sync',
            this.config['max.poll.interval.ms'],
            this.onJoinPrepareCommitted.bind(this),
          );
          return;
        }
      }
      this.needsJoinPrepare = false;
      this.prepareCommitted = false;
      this.revokeBeforeJoin();
      this.recorder.history.recordMember({
        kind: 'joining',
        group: this.groupId,
        memberId: this.generation.memberId,
        reason: this.rejoinReason,
        time: this.recorder.now(),
        process: this.recorder.process,
      });
    }
    this.sendJoinGroup();
  }

  private afterJoinBackoff(): void {
    this.joinRetryTimer = undefined;
    this.onProgress();
  }

  private onJoinPrepareCommitted(): void {
    this.prepareInFlight = false;
    this.prepareCommitted = true;
    this.onProgress();
  }

  private revokeBeforeJoin(): void {
    const owned = this.subscriptions.assignedKeys();
    const fact = (kind: 'revoked' | 'lost') =>
      this.recorder.history.recordMember({
        kind,
        group: this.groupId,
        memberId: this.generation.memberId,
        generation: this.lastGeneration,
        partitions: owned,
        time: this.recorder.now(),
        process: this.recorder.process,
      });
    if (this.generation.generationId === -1 || this.generation.memberId === '') {
      // "Giving away all assigned partitions as lost since generation/memberID has been reset"
      if (owned.length > 0) fact('lost');
      this.subscriptions.assign([]);
    } else if (this.protocol === 'EAGER') {
      if (owned.length > 0) fact('revoked');
      this.subscriptions.assign([]);
    } else {
      // COOPERATIVE keeps what it owns, but revokes what its subscription no longer covers
      // (ConsumerCoordinator.onJoinPrepare).
      const topics = new Set(this.topics ?? []);
      const dropped = this.subscriptions.assigned().filter((p) => !topics.has(p.topic));
      if (dropped.length > 0) {
        this.recorder.history.recordMember({
          kind: 'revoked',
          group: this.groupId,
          memberId: this.generation.memberId,
          generation: this.lastGeneration,
          partitions: dropped.map((p) => p.key),
          time: this.recorder.now(),
          process: this.recorder.process,
        });
        this.subscriptions.assign(this.subscriptions.assigned().filter((p) => topics.has(p.topic)));
      }
    }
  }

  private subscriptionFor(name: AssignmentStrategy): ConsumerSubscription {
    const topics = [...(this.topics ?? [])];
    if (name === 'sticky')
      return { topics, ownedPartitions: this.sticky.partitions, generationId: this.sticky.generation };
    const owned = sortPartitions(this.subscriptions.assigned()).map(topicPartitionOf);
    return { topics, ownedPartitions: owned, generationId: this.generation.generationId };
  }

  private sendJoinGroup(): void {
    const node = this.coordinator;
    if (node === null) return;
    this.state = 'PREPARING_REBALANCE';
    this.rejoinNeeded = true;
    this.joinInFlight = true;
    this.joinedSubscription = [...(this.topics ?? [])].sort();
    this.cancelHeartbeat();
    this.network.send(
      node,
      'coordinator',
      this.joinGroupRequest.bind(this),
      'JoinGroupResponse',
      // AbstractCoordinator: max(request.timeout.ms, rebalance timeout + JOIN_GROUP_TIMEOUT_LAPSE)
      Math.max(this.config['request.timeout.ms'], this.config['max.poll.interval.ms'] + 5000),
      this.onJoinGroupResponse.bind(this),
      this.onJoinGroupFailure.bind(this),
    );
  }

  private joinGroupRequest(correlationId: number): KafkaRequest {
    const protocols: JoinGroupRequest['protocols'][number][] = [];
    for (const name of this.config['partition.assignment.strategy'])
      protocols.push({ name, metadata: this.subscriptionFor(name) });
    return {
      type: 'JoinGroup',
      correlationId,
      groupId: this.groupId,
      sessionTimeoutMs: this.config['session.timeout.ms'],
      rebalanceTimeoutMs: this.config['max.poll.interval.ms'],
      memberId: this.generation.memberId,
      ...this.instanceField,
      protocolType: 'consumer',
      protocols,
      reason: this.rejoinReason,
    };
  }

  /** JoinGroupResponseHandler. */
  private onJoinGroupResponse(r: JoinGroupResponse): void {
    this.joinInFlight = false;
    this.handleJoinResponse(r);
    this.onProgress();
  }

  private onJoinGroupFailure(why: RequestFailure): void {
    this.joinInFlight = false;
    this.markCoordinatorUnknown(`JoinGroup ${why}`);
    this.retryJoinLater();
    this.onProgress();
  }

  /**
   * AbstractCoordinator.joinGroupIfNeeded: after a retriable failure of the join (or of the
   * SyncGroup that completes it), `timer.sleep(rebalanceConfig.retryBackoffMs)`: a fixed
   * retry.backoff.ms in 3.8, not the exponential backoff. UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION,
   * REBALANCE_IN_PROGRESS and MEMBER_ID_REQUIRED rejoin at once.
   */
  private retryJoinLater(): void {
    this.joinRetryAtMs = this.now + this.config['retry.backoff.ms'];
  }

  private handleJoinResponse(r: JoinGroupResponse): void {
    switch (r.error) {
      case 'NONE':
        if (this.state !== 'PREPARING_REBALANCE') return;
        this.generation = {
          generationId: r.generationId,
          memberId: r.memberId,
          protocolName: r.protocolName,
        };
        this.state = 'COMPLETING_REBALANCE';
        this.enableHeartbeat();
        if (r.leader === r.memberId) this.onLeaderElected(r);
        else {
          this.assignmentSnapshot = undefined; // only the leader watches the metadata
          this.sendSyncGroup([]);
        }
        return;
      case 'MEMBER_ID_REQUIRED':
        this.generation = { ...this.generation, memberId: r.memberId };
        return;
      case 'UNKNOWN_MEMBER_ID':
        this.resetGeneration(true, 'JoinGroup UNKNOWN_MEMBER_ID');
        return;
      case 'ILLEGAL_GENERATION':
        this.resetGeneration(false, 'JoinGroup ILLEGAL_GENERATION');
        return;
      case 'REBALANCE_IN_PROGRESS':
        return;
      case 'COORDINATOR_NOT_AVAILABLE':
      case 'NOT_COORDINATOR':
        this.markCoordinatorUnknown(`JoinGroup ${r.error}`);
        this.retryJoinLater();
        return;
      case 'COORDINATOR_LOAD_IN_PROGRESS':
        this.retryJoinLater();
        return;
      case 'FENCED_INSTANCE_ID':
        // "The group instance id ... has been fenced by another instance": fatal, whatever the generation.
        this.fenced('JoinGroup', this.generation);
        this.retryJoinLater();
        return;
      default:
        this.pendingError = `${r.error} in JoinGroup`;
        this.retryJoinLater();
    }
  }

  /**
   * ConsumerCoordinator.onLeaderElected: the leader runs the group's assignor; a returning static
   * leader told to skip it (KIP-814) keeps its assignment and syncs with none.
   */
  private onLeaderElected(r: JoinGroupResponse): void {
    if (r.skipAssignment === true) {
      // "Skipped assignment for returning static leader at generation N": watch the metadata it has.
      const counts = new Map<string, number>();
      for (const m of r.members)
        for (const t of m.metadata.topics) {
          const c = this.metadata.partitionCount(t);
          if (c !== undefined) counts.set(t, c);
        }
      this.pendingLeader = undefined;
      this.assignmentSnapshot = counts;
      this.sendSyncGroup([]);
      return;
    }
    const strategy = r.protocolName as AssignmentStrategy;
    // groupInstanceId: Range and RoundRobin order static members first (AbstractPartitionAssignor.MemberInfo).
    const subs: Record<
      string,
      { topics: string[]; ownedPartitions: string[]; generation: number; groupInstanceId?: string }
    > = {};
    const topics = new Set<string>();
    for (const m of r.members) {
      subs[m.memberId] = {
        topics: [...m.metadata.topics],
        ownedPartitions: m.metadata.ownedPartitions.map(formatTopicPartition),
        generation: m.metadata.generationId,
        ...(m.groupInstanceId === undefined || m.groupInstanceId === null
          ? {}
          : { groupInstanceId: m.groupInstanceId }),
      };
      for (const t of m.metadata.topics) topics.add(t);
    }
    const counts: Record<string, number> = {};
    for (const t of topics) {
      const c = this.metadata.partitionCount(t);
      if (c === undefined) {
        this.pendingLeader = r; // wait for the metadata of every subscribed topic
        this.metadata.addTopics(topics);
        return;
      }
      counts[t] = c;
    }
    this.pendingLeader = undefined;
    this.assignmentSnapshot = new Map(Object.entries(counts));
    const result = assignPartitions(strategy, counts, subs);
    this.sendSyncGroup(
      r.members.map((m) => ({
        memberId: m.memberId,
        assignment: { partitions: (result[m.memberId] ?? []).map(parseTopicPartition) },
      })),
    );
  }

  private sendSyncGroup(assignments: SyncGroupRequest['assignments']): void {
    const node = this.coordinator;
    if (node === null) return;
    const generation = this.generation;
    this.syncInFlight = true;
    this.network.send(
      node,
      'coordinator',
      this.syncGroupRequest.bind(this, generation, assignments),
      'SyncGroupResponse',
      this.config['request.timeout.ms'],
      this.onSyncGroupResponse.bind(this, generation, node),
      this.onSyncGroupFailure.bind(this),
    );
  }

  private syncGroupRequest(
    generation: Generation,
    assignments: SyncGroupRequest['assignments'],
    correlationId: number,
  ): KafkaRequest {
    return {
      type: 'SyncGroup',
      correlationId,
      groupId: this.groupId,
      generationId: generation.generationId,
      memberId: generation.memberId,
      ...this.instanceField,
      protocolName: generation.protocolName,
      assignments,
    };
  }

  /** SyncGroupResponseHandler. */
  private onSyncGroupResponse(generation: Generation, node: number, r: SyncGroupResponse): void {
    this.syncInFlight = false;
    if (this.generation !== generation) return;
    if (r.error === 'NONE') {
      if (this.state === 'COMPLETING_REBALANCE') this.onJoinComplete(r.assignment.partitions, node);
    } else if (r.error === 'REBALANCE_IN_PROGRESS') this.requestRejoin('SyncGroup REBALANCE_IN_PROGRESS');
    else if (r.error === 'FENCED_INSTANCE_ID') {
      this.fenced('SyncGroup', generation);
      this.requestRejoin('SyncGroup FENCED_INSTANCE_ID');
      this.retryJoinLater();
    } else if (r.error === 'UNKNOWN_MEMBER_ID') this.resetGeneration(true, 'SyncGroup UNKNOWN_MEMBER_ID');
    else if (r.error === 'ILLEGAL_GENERATION') this.resetGeneration(false, 'SyncGroup ILLEGAL_GENERATION');
    else if (COORDINATOR_GONE.has(r.error)) {
      this.markCoordinatorUnknown(`SyncGroup ${r.error}`);
      this.retryJoinLater();
    } else this.retryJoinLater();
    if (r.error !== 'NONE') this.state = this.state === 'UNJOINED' ? 'UNJOINED' : 'PREPARING_REBALANCE';
    this.onProgress();
  }

  private onSyncGroupFailure(why: RequestFailure): void {
    this.syncInFlight = false;
    if (this.state === 'COMPLETING_REBALANCE') this.state = 'PREPARING_REBALANCE';
    this.markCoordinatorUnknown(`SyncGroup ${why}`);
    this.retryJoinLater();
    this.onProgress();
  }

  /** ConsumerCoordinator.onJoinComplete. */
  private onJoinComplete(assigned: readonly TopicPartition[], coordinator: number): void {
    this.state = 'STABLE';
    this.rejoinNeeded = false;
    this.needsJoinPrepare = true;
    const owned = this.subscriptions.assignedKeys();
    const assignedKeys = assigned.map(formatTopicPartition);
    if (this.protocol === 'COOPERATIVE') {
      const revoked = owned.filter((k) => !assignedKeys.includes(k));
      if (revoked.length > 0) {
        this.recorder.history.recordMember({
          kind: 'revoked',
          group: this.groupId,
          memberId: this.generation.memberId,
          generation: this.lastGeneration,
          partitions: revoked,
          time: this.recorder.now(),
          process: this.recorder.process,
        });
        this.requestRejoin('need to revoke partitions and re-join');
      }
    }
    this.subscriptions.assign(assigned);
    this.lastGeneration = this.generation.generationId;
    this.sticky = { partitions: [...assigned], generation: this.generation.generationId };
    this.nextAutoCommitMs = this.now + this.config['auto.commit.interval.ms'];
    this.recorder.history.recordMember({
      kind: 'assigned',
      group: this.groupId,
      memberId: this.generation.memberId,
      generation: this.generation.generationId,
      partitions: assignedKeys,
      coordinator,
      time: this.recorder.now(),
      process: this.recorder.process,
    });
  }

  /** AbstractCoordinator.resetStateAndGeneration (+ requestRejoin). */
  private resetGeneration(resetMemberId: boolean, reason: string): void {
    this.generation = resetMemberId
      ? NO_GENERATION
      : { ...NO_GENERATION, memberId: this.generation.memberId };
    this.state = 'UNJOINED';
    if (!this.prepareInFlight) this.needsJoinPrepare = true;
    this.requestRejoin(reason);
    this.cancelHeartbeat();
  }

  /**
   * AbstractCoordinator.maybeLeaveGroup: a dynamic member sends LeaveGroup, then forgets its
   * generation. A static member sends none ("only dynamic members will send LeaveGroupRequest"
   * since 2.3): the coordinator keeps it until session.timeout.ms, and its rejoin, with the same
   * group.instance.id, takes its place back.
   */
  maybeLeaveGroup(reason: string): void {
    const node = this.coordinator;
    if (
      this.groupInstanceId === null &&
      node !== null &&
      this.state !== 'UNJOINED' &&
      this.generation.memberId !== ''
    ) {
      const memberId = this.generation.memberId;
      this.network.send(
        node,
        'coordinator',
        (correlationId) => ({
          type: 'LeaveGroup',
          correlationId,
          groupId: this.groupId,
          members: [{ memberId, reason }],
        }),
        'LeaveGroupResponse',
        this.config['request.timeout.ms'],
        () => {},
        () => {},
      );
    }
    this.resetGeneration(true, reason);
  }

  // ---- heartbeat thread (AbstractCoordinator.HeartbeatThread, Heartbeat) -------------------------

  private enableHeartbeat(): void {
    this.sessionResetMs = this.now;
    this.nextHeartbeatMs = this.now + this.config['heartbeat.interval.ms'];
    this.heartbeatFailures = 0;
    this.scheduleHeartbeat();
  }

  private cancelHeartbeat(): void {
    this.timers.cancel(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  /** Sets the thread's next wake-up: the next heartbeat, the session deadline or the poll deadline. */
  scheduleHeartbeat(): void {
    this.cancelHeartbeat();
    if (this.state !== 'STABLE' && this.state !== 'COMPLETING_REBALANCE') return;
    let at: number;
    if (this.coordinator === null) at = this.now + this.config['retry.backoff.ms'];
    else {
      at = this.sessionResetMs + this.config['session.timeout.ms'];
      if (!this.heartbeatInFlight) at = Math.min(at, this.nextHeartbeatMs);
      if (!this.pollPending) at = Math.min(at, this.lastPollMs + this.config['max.poll.interval.ms']);
    }
    this.heartbeatTimer = this.timers.after(at - this.now, 'heartbeat', this.onHeartbeatTimer.bind(this));
  }

  private onHeartbeatTimer(): void {
    this.heartbeatTimer = undefined;
    this.heartbeatTick();
    this.onProgress();
  }

  private heartbeatTick(): void {
    if (this.state !== 'STABLE' && this.state !== 'COMPLETING_REBALANCE') return;
    if (this.coordinator === null) this.lookupCoordinator();
    else if (this.now - this.sessionResetMs >= this.config['session.timeout.ms'])
      this.markCoordinatorUnknown('session timed out without receiving a heartbeat response');
    else if (!this.pollPending && this.now - this.lastPollMs >= this.config['max.poll.interval.ms']) {
      // AbstractCoordinator.handlePollTimeoutExpiry
      this.maybeLeaveGroup('consumer poll timeout has expired.');
      return;
    } else if (!this.heartbeatInFlight && this.now >= this.nextHeartbeatMs)
      this.sendHeartbeat(this.coordinator);
    this.scheduleHeartbeat();
  }

  private sendHeartbeat(node: number): void {
    const generation = this.generation;
    this.heartbeatInFlight = true;
    this.nextHeartbeatMs = this.now + this.config['heartbeat.interval.ms'];
    this.network.send(
      node,
      'coordinator',
      this.heartbeatRequest.bind(this, generation),
      'HeartbeatResponse',
      this.config['request.timeout.ms'],
      this.onHeartbeatResponse.bind(this, generation),
      this.onHeartbeatFailure.bind(this),
    );
  }

  private heartbeatRequest(generation: Generation, correlationId: number): KafkaRequest {
    return {
      type: 'Heartbeat',
      correlationId,
      groupId: this.groupId,
      generationId: generation.generationId,
      memberId: generation.memberId,
      ...this.instanceField,
    };
  }

  /** HeartbeatResponseHandler. */
  private onHeartbeatResponse(generation: Generation, r: HeartbeatResponse): void {
    this.heartbeatInFlight = false;
    if (r.error === 'NONE' || r.error === 'REBALANCE_IN_PROGRESS') {
      this.sessionResetMs = this.now;
      this.heartbeatFailures = 0;
      if (r.error === 'REBALANCE_IN_PROGRESS' && this.state === 'STABLE')
        this.requestRejoin('group is already rebalancing');
    } else if (r.error === 'UNKNOWN_MEMBER_ID' || r.error === 'ILLEGAL_GENERATION') {
      if (this.generation === generation)
        this.resetGeneration(r.error === 'UNKNOWN_MEMBER_ID', `Heartbeat ${r.error}`);
    } else if (r.error === 'FENCED_INSTANCE_ID') {
      // HeartbeatResponseHandler: reset generation and member id; the heartbeat thread fails
      // and the next poll throws FencedInstanceIdException.
      if (this.generation === generation) {
        this.fenced('Heartbeat', generation);
        this.resetGeneration(true, 'encountered FENCED_INSTANCE_ID from HEARTBEAT response');
      }
    } else if (COORDINATOR_GONE.has(r.error)) {
      this.markCoordinatorUnknown(`Heartbeat ${r.error}`);
      this.heartbeatFailed();
    } else this.heartbeatFailed();
    this.scheduleHeartbeat();
    this.onProgress();
  }

  private onHeartbeatFailure(why: RequestFailure): void {
    this.heartbeatInFlight = false;
    this.markCoordinatorUnknown(`Heartbeat ${why}`);
    this.heartbeatFailed();
    this.scheduleHeartbeat();
  }

  /** Heartbeat.failHeartbeat: the next one after the retry backoff. */
  private heartbeatFailed(): void {
    this.nextHeartbeatMs = this.now + this.backoff.backoff(this.heartbeatFailures++);
  }

  /** The poll timer restarts (AbstractCoordinator.pollHeartbeat). */
  pollHeartbeat(pending: boolean): void {
    this.lastPollMs = this.now;
    this.pollPending = pending;
    if (this.heartbeatTimer !== undefined || this.state === 'STABLE' || this.state === 'COMPLETING_REBALANCE')
      this.scheduleHeartbeat();
  }

  // ---- commits ---------------------------------------------------------------------------------

  /** ConsumerCoordinator.maybeAutoCommitOffsetsAsync. */
  private maybeAutoCommit(): void {
    if (!this.config['enable.auto.commit'] || this.now < this.nextAutoCommitMs) return;
    this.nextAutoCommitMs = this.now + this.config['auto.commit.interval.ms'];
    const offsets = this.subscriptions.allConsumed();
    if (offsets.length === 0) return;
    this.commit(offsets, 'async', this.config['request.timeout.ms'], this.onAutoCommitted.bind(this));
  }

  private onAutoCommitted(outcome: CommitOutcome): void {
    if (outcome.type !== 'ok' && outcome.error.startsWith('Retriable'))
      this.nextAutoCommitMs = this.now + this.config['retry.backoff.ms'];
  }

  /**
   * Commits `offsets` (commitSync: retried on retriable errors until `timeoutMs`; commitAsync: one
   * attempt once the coordinator is known). Recorded in the history as invoke then ok, fail (it
   * certainly did not happen) or info (it may have).
   */
  commit(
    offsets: readonly OffsetToCommit[],
    kind: 'sync' | 'async',
    timeoutMs: number,
    done: (outcome: CommitOutcome) => void,
  ): void {
    const group = this.topics !== null;
    const id = this.recorder.history.invoke('commit', this.recorder.process, this.recorder.now(), {
      group: this.groupId,
      generation: group ? this.generation.generationId : -1,
      memberId: group ? this.generation.memberId : '',
      offsets: offsets.map(committedOffset),
    });
    this.attemptCommit({
      id,
      offsets,
      kind,
      deadline: this.now + timeoutMs,
      group,
      done,
      maybeApplied: false,
      attempts: 0,
      finished: false,
    });
  }

  private finishCommit(commit: PendingCommit, outcome: CommitOutcome, generation: Generation): void {
    if (commit.finished) return;
    commit.finished = true;
    const type = outcome.type === 'fail' && commit.maybeApplied ? 'info' : outcome.type;
    this.recorder.history.complete(commit.id, 'commit', type, this.recorder.process, this.recorder.now(), {
      group: this.groupId,
      generation: generation.generationId,
      memberId: generation.memberId,
      offsets: commit.offsets.map(committedOffset),
      ...(outcome.type === 'ok' ? {} : { error: outcome.error }),
    });
    commit.done(
      type === outcome.type ? outcome : { type: 'info', error: (outcome as { error: string }).error },
    );
  }

  private retryCommit(commit: PendingCommit, error: string, generation: Generation): void {
    const wait = this.backoff.backoff(commit.attempts++);
    if (commit.kind === 'sync' && this.now + wait < commit.deadline)
      this.timers.after(wait, 'commit-backoff', this.attemptCommit.bind(this, commit));
    else
      this.finishCommit(
        commit,
        {
          type: commit.maybeApplied ? 'info' : 'fail',
          error: commit.kind === 'sync' ? 'TimeoutException' : `RetriableCommitFailedException: ${error}`,
        },
        generation,
      );
  }

  private attemptCommit(commit: PendingCommit): void {
    if (commit.finished) return;
    const generation = commit.group ? this.generation : NO_GENERATION;
    if (commit.group && this.state !== 'STABLE') {
      const rebalancing = this.state === 'PREPARING_REBALANCE' || this.state === 'COMPLETING_REBALANCE';
      this.finishCommit(
        commit,
        { type: 'fail', error: rebalancing ? 'RebalanceInProgressException' : 'CommitFailedException' },
        generation,
      );
      return;
    }
    const node = this.coordinator;
    if (node === null) {
      this.lookupCoordinator();
      if (this.now >= commit.deadline) this.retryCommit(commit, 'COORDINATOR_NOT_AVAILABLE', generation);
      else
        this.timers.after(
          Math.min(this.config['retry.backoff.ms'], commit.deadline - this.now),
          'commit-wait-coordinator',
          this.attemptCommit.bind(this, commit),
        );
      return;
    }
    this.network.send(
      node,
      'coordinator',
      this.offsetCommitRequest.bind(this, commit, generation),
      'OffsetCommitResponse',
      this.config['request.timeout.ms'],
      this.onOffsetCommitResponse.bind(this, commit, generation),
      this.onOffsetCommitFailure.bind(this, commit, generation),
    );
  }

  private offsetCommitRequest(
    commit: PendingCommit,
    generation: Generation,
    correlationId: number,
  ): KafkaRequest {
    return {
      type: 'OffsetCommit',
      correlationId,
      groupId: this.groupId,
      generationId: generation.generationId,
      memberId: generation.memberId,
      ...(commit.group ? this.instanceField : {}),
      partitions: commit.offsets.map(offsetCommitPartition),
    };
  }

  /** ConsumerCoordinator.OffsetCommitResponseHandler. */
  private onOffsetCommitResponse(
    commit: PendingCommit,
    generation: Generation,
    r: OffsetCommitResponse,
  ): void {
    const error = firstPartitionError(r.partitions);
    if (error === 'NONE') this.finishCommit(commit, { type: 'ok' }, generation);
    else if (COORDINATOR_GONE.has(error)) {
      this.markCoordinatorUnknown(`OffsetCommit ${error}`);
      this.retryCommit(commit, error, generation);
    } else if (error === 'REQUEST_TIMED_OUT') {
      commit.maybeApplied = true;
      this.markCoordinatorUnknown('OffsetCommit REQUEST_TIMED_OUT');
      this.retryCommit(commit, error, generation);
    } else if (error === 'COORDINATOR_LOAD_IN_PROGRESS' || error === 'UNKNOWN_TOPIC_OR_PARTITION')
      this.retryCommit(commit, error, generation);
    else if (error === 'REBALANCE_IN_PROGRESS') {
      this.requestRejoin('OffsetCommit REBALANCE_IN_PROGRESS');
      this.finishCommit(commit, { type: 'fail', error: 'RebalanceInProgressException' }, generation);
    } else if (error === 'FENCED_INSTANCE_ID') {
      // OffsetCommitResponseHandler: fatal if the generation is unchanged, else the old
      // generation was fenced after a rebalance this member took part in.
      if (this.generation === generation) {
        this.fenced('OffsetCommit', generation, commit.kind === 'async');
        this.finishCommit(commit, { type: 'fail', error: FENCED }, generation);
      } else
        this.finishCommit(
          commit,
          {
            type: 'fail',
            error:
              this.state === 'PREPARING_REBALANCE' ? 'RebalanceInProgressException' : 'CommitFailedException',
          },
          generation,
        );
    } else if (error === 'UNKNOWN_MEMBER_ID' || error === 'ILLEGAL_GENERATION') {
      if (this.generation === generation)
        this.resetGeneration(error === 'UNKNOWN_MEMBER_ID', `OffsetCommit ${error}`);
      this.finishCommit(commit, { type: 'fail', error: 'CommitFailedException' }, generation);
    } else this.finishCommit(commit, { type: 'fail', error }, generation);
    this.onProgress();
  }

  private onOffsetCommitFailure(commit: PendingCommit, generation: Generation, why: RequestFailure): void {
    commit.maybeApplied = true;
    this.markCoordinatorUnknown(`OffsetCommit ${why}`);
    this.retryCommit(commit, why, generation);
    this.onProgress();
  }

  // ---- committed offsets for new partitions (ConsumerCoordinator.refreshCommittedOffsetsIfNeeded) --

  refreshCommittedOffsets(): void {
    const wanted = this.subscriptions
      .assigned()
      .filter((p) => p.state === 'initializing' && !this.offsetFetchInFlight.has(p.key));
    if (wanted.length === 0 || this.now < this.offsetFetchRetryAtMs) return;
    const node = this.coordinator;
    if (node === null) {
      this.lookupCoordinator();
      return;
    }
    for (const p of wanted) this.offsetFetchInFlight.add(p.key);
    this.network.send(
      node,
      'coordinator',
      this.offsetFetchRequest.bind(this, wanted),
      'OffsetFetchResponse',
      this.config['request.timeout.ms'],
      this.onOffsetFetchResponse.bind(this, wanted),
      this.onOffsetFetchFailure.bind(this, wanted),
    );
  }

  private offsetFetchRequest(wanted: readonly AssignedPartition[], correlationId: number): KafkaRequest {
    return {
      type: 'OffsetFetch',
      correlationId,
      groupId: this.groupId,
      partitions: wanted.map(topicPartitionOf),
    };
  }

  /** OffsetFetchResponseHandler. */
  private onOffsetFetchResponse(wanted: readonly AssignedPartition[], r: OffsetFetchResponse): void {
    this.offsetFetchSettled(wanted);
    if (r.error !== 'NONE') {
      if (COORDINATOR_GONE.has(r.error)) this.markCoordinatorUnknown(`OffsetFetch ${r.error}`);
      this.retryOffsetFetch();
    } else {
      // A partition's error (UNSTABLE_OFFSET_COMMIT, ...) retries the fetch once, not once per partition.
      let failed = false;
      for (const c of r.partitions) {
        const p = this.subscriptions.get(c.topic, c.partition);
        if (p === undefined || p.state !== 'initializing') continue;
        if (c.error !== 'NONE') failed = true;
        else if (c.committedOffset >= 0)
          this.subscriptions.seek(p, c.committedOffset, c.committedLeaderEpoch);
        else this.subscriptions.requestReset(p);
      }
      if (failed) this.retryOffsetFetch();
      else this.offsetFetchAttempts = 0;
    }
    this.onProgress();
  }

  private onOffsetFetchFailure(wanted: readonly AssignedPartition[], why: RequestFailure): void {
    this.offsetFetchSettled(wanted);
    this.markCoordinatorUnknown(`OffsetFetch ${why}`);
    this.retryOffsetFetch();
    this.onProgress();
  }

  private offsetFetchSettled(wanted: readonly AssignedPartition[]): void {
    for (const p of wanted) this.offsetFetchInFlight.delete(p.key);
  }

  private retryOffsetFetch(): void {
    this.offsetFetchRetryAtMs = this.now + this.backoff.backoff(this.offsetFetchAttempts++);
    this.timers.after(this.offsetFetchRetryAtMs - this.now, 'offset-fetch-backoff', this.onProgress);
  }
}
