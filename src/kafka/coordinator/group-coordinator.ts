import { canRebalance } from '../../clients/group/group-state.js';
import type { ClusterHistory } from '../../history/cluster-history.js';
import { ms, toMillis } from '../../sim/time.js';
import type { BrokerConfig } from '../config.js';
import type { ErrorName } from '../errors.js';
import type {
  ConsumerAssignment,
  HeartbeatRequest,
  JoinGroupRequest,
  KafkaMessage,
  LeaveGroupRequest,
  OffsetCommitRequest,
  OffsetFetchRequest,
  SyncGroupRequest,
  TopicPartition,
} from '../protocol.js';
import { GroupMetadata } from './group-metadata.js';
import { GroupMetadataManager, type OffsetsTopicLog } from './group-metadata-manager.js';
import {
  EMPTY_ASSIGNMENT,
  type JoinGroupResult,
  joinError,
  MemberMetadata,
  type MemberProtocol,
  type SyncGroupResult,
} from './member-metadata.js';
import { GROUP_METADATA_TOPIC_NAME } from './records.js';
import type { CoordinatorIO, GroupCoordinatorTimer } from './timers.js';

/** GroupCoordinator.NewMemberJoinTimeoutMs: how long a new member's first JoinGroup may stay parked. */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 300_000;

type GroupRequest =
  | JoinGroupRequest
  | SyncGroupRequest
  | HeartbeatRequest
  | LeaveGroupRequest
  | OffsetCommitRequest
  | OffsetFetchRequest;

/** The requests a group coordinator answers. */
export const GROUP_REQUESTS: ReadonlySet<string> = new Set([
  'JoinGroup',
  'SyncGroup',
  'Heartbeat',
  'LeaveGroup',
  'OffsetCommit',
  'OffsetFetch',
]);

export function isGroupRequest(message: KafkaMessage): message is GroupRequest {
  return GROUP_REQUESTS.has(message.type);
}

/**
 * The classic group coordinator of a ZooKeeper-mode broker (GroupCoordinator.scala at 3.8.0, with
 * DelayedJoin/InitialDelayedJoin, DelayedSync and DelayedHeartbeat as broker timers). Dynamic and
 * static members (KIP-345's group.instance.id); JoinGroup is treated as v9 (KIP-394's
 * MEMBER_ID_REQUIRED for new dynamic members, KIP-814's skipAssignment for a returning static
 * leader).
 */
export class GroupCoordinator {
  readonly manager: GroupMetadataManager;
  private nextId = 1;

  constructor(
    private readonly io: CoordinatorIO,
    private readonly brokerId: number,
    private readonly config: BrokerConfig,
    log: OffsetsTopicLog,
    private readonly history?: ClusterHistory,
  ) {
    this.manager = new GroupMetadataManager(
      io,
      config,
      log,
      () => this.nextId++,
      (group) => this.onGroupLoaded(group),
      (group) => this.onGroupUnloaded(group),
    );
  }

  private get nowMs(): number {
    return Math.floor(toMillis(this.io.now));
  }

  // ---- requests --------------------------------------------------------------------------------

  handleRequest(from: string, request: GroupRequest): void {
    switch (request.type) {
      case 'JoinGroup':
        this.handleJoinGroup(from, request);
        return;
      case 'SyncGroup':
        this.handleSyncGroup(from, request);
        return;
      case 'Heartbeat':
        this.handleHeartbeat(from, request);
        return;
      case 'LeaveGroup':
        this.handleLeaveGroup(from, request);
        return;
      case 'OffsetCommit':
        this.handleCommitOffsets(from, request);
        return;
      case 'OffsetFetch':
        this.handleFetchOffsets(from, request);
        return;
    }
  }

  /** validateGroupStatus: group id, loading (COORDINATOR_LOAD_IN_PROGRESS), ownership (NOT_COORDINATOR). */
  private validateGroupStatus(groupId: string, allowEmptyId: boolean): ErrorName | undefined {
    if (!allowEmptyId && groupId === '') return 'INVALID_GROUP_ID';
    if (this.manager.isGroupLoading(groupId)) return 'COORDINATOR_LOAD_IN_PROGRESS';
    if (!this.manager.isGroupLocal(groupId)) return 'NOT_COORDINATOR';
    return undefined;
  }

  /**
   * validateCurrentMember: with a group.instance.id, it must map to `memberId` (another member id:
   * FENCED_INSTANCE_ID, none: UNKNOWN_MEMBER_ID); then the member id must be in the group.
   */
  private validateCurrentMember(
    group: GroupMetadata,
    memberId: string,
    groupInstanceId: string | null | undefined,
    operation: string,
  ): ErrorName | undefined {
    if (groupInstanceId !== undefined && groupInstanceId !== null) {
      const current = group.currentStaticMemberId(groupInstanceId);
      if (current === undefined) return 'UNKNOWN_MEMBER_ID';
      if (current !== memberId) {
        this.io.note(
          `Request memberId=${memberId} for static member with groupInstanceId=${groupInstanceId} is fenced by current memberId=${current} during operation ${operation}`,
        );
        return 'FENCED_INSTANCE_ID';
      }
      return undefined;
    }
    return group.has(memberId) ? undefined : 'UNKNOWN_MEMBER_ID';
  }

  handleJoinGroup(from: string, request: JoinGroupRequest): void {
    // The response callback is a bound method, not a closure per request: it keeps its optimized
    // code (bench:churn).
    const respond = this.respondJoinGroup.bind(this, from, request.correlationId);
    const { groupId, memberId, sessionTimeoutMs } = request;
    const status = this.validateGroupStatus(groupId, false);
    if (status !== undefined) {
      respond(joinError(memberId, status));
      return;
    }
    if (
      sessionTimeoutMs < this.config['group.min.session.timeout.ms'] ||
      sessionTimeoutMs > this.config['group.max.session.timeout.ms']
    ) {
      respond(joinError(memberId, 'INVALID_SESSION_TIMEOUT'));
      return;
    }
    const isUnknownMember = memberId === '';
    const group = this.manager.getOrMaybeCreateGroup(groupId, isUnknownMember);
    if (group === undefined) {
      respond(joinError(memberId, 'UNKNOWN_MEMBER_ID'));
      return;
    }
    const protocols: MemberProtocol[] = request.protocols.map((p) => ({
      name: p.name,
      metadata: p.metadata,
    }));
    const reason = request.reason ?? 'not provided';
    const clientId = request.clientId ?? from;
    if (!this.acceptJoiningMember(group, memberId)) {
      group.remove(memberId);
      respond(joinError('', 'GROUP_MAX_SIZE_REACHED'));
    } else if (isUnknownMember) {
      this.doNewMemberJoinGroup(group, clientId, request, protocols, respond);
    } else {
      this.doCurrentMemberJoinGroup(group, clientId, request, protocols, reason, respond);
    }
    if (group.is('PreparingRebalance')) this.checkAndCompleteJoin(group);
  }

  private respondJoinGroup(from: string, correlationId: number, result: JoinGroupResult): void {
    this.io.send(from, { type: 'JoinGroupResponse', correlationId, ...result });
  }

  private respondSyncGroup(from: string, correlationId: number, result: SyncGroupResult): void {
    this.io.send(from, { type: 'SyncGroupResponse', correlationId, ...result });
  }

  /** acceptJoiningMember: group.max.size, counting parked members while preparing a rebalance. */
  private acceptJoiningMember(group: GroupMetadata, memberId: string): boolean {
    const max = this.config['group.max.size'];
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance':
        return (group.has(memberId) && group.get(memberId).isAwaitingJoin) || group.numAwaitingJoin < max;
      default:
        return group.has(memberId) || group.size < max;
    }
  }

  /**
   * doNewMemberJoinGroup: a static member (group.instance.id) joins at once
   * (doStaticNewMemberJoinGroup), a dynamic one gets an id to come back with
   * (doDynamicNewMemberJoinGroup with requireKnownMemberId, KIP-394).
   */
  private doNewMemberJoinGroup(
    group: GroupMetadata,
    clientId: string,
    request: JoinGroupRequest,
    protocols: MemberProtocol[],
    respond: (result: JoinGroupResult) => void,
  ): void {
    if (group.is('Dead')) {
      respond(joinError('', 'COORDINATOR_NOT_AVAILABLE'));
      return;
    }
    if (
      !group.supportsProtocols(
        request.protocolType,
        protocols.map((p) => p.name),
      )
    ) {
      respond(joinError('', 'INCONSISTENT_GROUP_PROTOCOL'));
      return;
    }
    const instanceId = request.groupInstanceId ?? null;
    const newMemberId = GroupMetadata.generateMemberId(clientId, this.io.rng, instanceId);
    if (instanceId !== null) {
      this.doStaticNewMemberJoinGroup(group, instanceId, newMemberId, clientId, request, protocols, respond);
      return;
    }
    // addPendingMemberExpiration: the id must come back within the session timeout.
    const id = this.nextId++;
    const handle = this.io.setTimer(ms(request.sessionTimeoutMs), {
      kind: 'group-coordinator',
      op: 'pending-member',
      id,
      groupId: group.groupId,
      memberId: newMemberId,
    });
    group.pendingMembers.set(newMemberId, { id, handle });
    respond(joinError(newMemberId, 'MEMBER_ID_REQUIRED'));
  }

  /**
   * doStaticNewMemberJoinGroup: a known group.instance.id with an unknown member id replaces the
   * member id it mapped to (updateStaticMemberAndRebalance); a new one is added as a member.
   */
  private doStaticNewMemberJoinGroup(
    group: GroupMetadata,
    groupInstanceId: string,
    newMemberId: string,
    clientId: string,
    request: JoinGroupRequest,
    protocols: MemberProtocol[],
    respond: (result: JoinGroupResult) => void,
  ): void {
    const reason = request.reason ?? 'not provided';
    const oldMemberId = group.currentStaticMemberId(groupInstanceId);
    if (oldMemberId !== undefined) {
      this.io.note(
        `Static member with groupInstanceId=${groupInstanceId} and unknown member id joins group ${group.groupId} in ${group.state} state. Replacing previously mapped member ${oldMemberId} with this groupInstanceId.`,
      );
      this.updateStaticMemberAndRebalance(
        group,
        oldMemberId,
        newMemberId,
        groupInstanceId,
        request,
        protocols,
        reason,
        respond,
      );
    } else {
      this.io.note(
        `Static member with groupInstanceId=${groupInstanceId} and unknown member id joins group ${group.groupId} in ${group.state} state. Created a new member id ${newMemberId} for this member and add to the group.`,
      );
      this.addMemberAndRebalance(
        group,
        clientId,
        { ...request, memberId: newMemberId },
        protocols,
        reason,
        respond,
      );
    }
  }

  /**
   * updateStaticMemberAndRebalance: the member keeps its place, assignment and generation under the
   * new id, and its old id is fenced. In a Stable group whose selected protocol would not change
   * there is no rebalance: the group record is stored with the new id (on failure the replacement is
   * undone) and the member is answered with the current generation; the leader, with
   * skipAssignment (KIP-814, JoinGroup v9), is told it leads but must not assign. A group
   * completing a rebalance rebalances again (the leader may have assigned to the old id); one
   * preparing a rebalance just keeps the member's JoinGroup parked.
   */
  private updateStaticMemberAndRebalance(
    group: GroupMetadata,
    oldMemberId: string,
    newMemberId: string,
    groupInstanceId: string,
    request: JoinGroupRequest,
    protocols: MemberProtocol[],
    reason: string,
    respond: (result: JoinGroupResult) => void,
  ): void {
    const currentLeader = group.leaderId ?? '';
    const member = group.replaceStaticMember(groupInstanceId, oldMemberId, newMemberId);
    // The old id's DelayedHeartbeat expires without effect; a new one watches the new id.
    this.completeAndScheduleNextExpiration(group, member);
    const oldRebalanceTimeoutMs = member.rebalanceTimeoutMs;
    const oldSessionTimeoutMs = member.sessionTimeoutMs;
    group.updateMember(member, protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond);
    // As 3.8 reads them: after the update (so a failed store keeps the new protocols).
    const oldProtocols = member.supportedProtocols;
    switch (group.state) {
      case 'Stable': {
        const selected = group.selectProtocol();
        if (group.protocolName !== selected) {
          this.maybePrepareRebalance(
            group,
            `Group's selectedProtocol will change because static member ${member.memberId} with instance id ${groupInstanceId} joined with change of protocol; client reason: ${reason}`,
          );
          return;
        }
        this.io.note(
          "Static member which joins during Stable stage and doesn't affect selectProtocol will not trigger rebalance.",
        );
        const assignment = new Map<string, ConsumerAssignment>();
        for (const m of group.allMembers()) assignment.set(m.memberId, m.assignment);
        this.manager.storeGroup(group, assignment, (error) => {
          if (error !== 'NONE') {
            this.io.note(`Failed to persist metadata for group ${group.groupId}: ${error}`);
            group.updateMember(member, oldProtocols, oldRebalanceTimeoutMs, oldSessionTimeoutMs, undefined);
            const oldMember = group.replaceStaticMember(groupInstanceId, newMemberId, oldMemberId);
            this.completeAndScheduleNextExpiration(group, oldMember);
            respond({
              error,
              generationId: group.generationId,
              protocolName: group.protocolName,
              leader: currentLeader,
              memberId: '',
              members: [],
            });
            return;
          }
          const isLeader = group.isLeader(newMemberId);
          if (isLeader && (group.is('PreparingRebalance') || group.is('Dead'))) {
            // The group moved on while the record was written: Kafka's currentMemberMetadata throws
            // IllegalStateException in this callback, and the JoinGroup stays parked (a rebalance
            // answers it).
            this.io.note(
              `Cannot obtain member metadata for group ${group.groupId} in state ${group.state}: JoinGroup of static leader ${newMemberId} stays parked`,
            );
            return;
          }
          group.maybeInvokeJoinCallback(member, {
            error: 'NONE',
            generationId: group.generationId,
            protocolName: group.protocolName,
            leader: group.leaderId ?? '',
            memberId: newMemberId,
            members: isLeader ? group.currentMemberMetadata() : [],
            skipAssignment: isLeader,
          });
        });
        return;
      }
      case 'CompletingRebalance':
        this.prepareRebalance(
          group,
          `Updating metadata for static member ${member.memberId} with instance id ${groupInstanceId}; client reason: ${reason}`,
        );
        return;
      case 'PreparingRebalance':
        return;
      default:
        throw new Error(
          `Group ${group.groupId} was not supposed to be in the state ${group.state} when the unknown static member ${groupInstanceId} rejoins.`,
        );
    }
  }

  /** doCurrentMemberJoinGroup. */
  private doCurrentMemberJoinGroup(
    group: GroupMetadata,
    clientId: string,
    request: JoinGroupRequest,
    protocols: MemberProtocol[],
    reason: string,
    respond: (result: JoinGroupResult) => void,
  ): void {
    const { memberId } = request;
    if (group.is('Dead')) {
      respond(joinError(memberId, 'COORDINATOR_NOT_AVAILABLE'));
      return;
    }
    if (
      !group.supportsProtocols(
        request.protocolType,
        protocols.map((p) => p.name),
      )
    ) {
      respond(joinError(memberId, 'INCONSISTENT_GROUP_PROTOCOL'));
      return;
    }
    if (group.isPendingMember(memberId)) {
      // A pending member is never static (static members are not asked for a member id).
      if ((request.groupInstanceId ?? null) !== null)
        throw new Error(
          `Received unexpected JoinGroup with groupInstanceId=${request.groupInstanceId} for pending member with memberId=${memberId}`,
        );
      this.addMemberAndRebalance(group, clientId, request, protocols, reason, respond);
      return;
    }
    const error = this.validateCurrentMember(group, memberId, request.groupInstanceId, 'join-group');
    if (error !== undefined) {
      respond(joinError(memberId, error));
      return;
    }
    const member = group.get(memberId);
    const update = (why: string) =>
      this.updateMemberAndRebalance(
        group,
        member,
        request,
        protocols,
        `${why}; client reason: ${reason}`,
        respond,
      );
    const current = (members: JoinGroupResult['members']): JoinGroupResult => ({
      error: 'NONE',
      generationId: group.generationId,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId,
      members,
    });
    switch (group.state) {
      case 'PreparingRebalance':
        update(`Member ${memberId} joining group during PreparingRebalance`);
        return;
      case 'CompletingRebalance':
        // The same metadata: the member missed its JoinGroup answer; give it the current generation again.
        if (member.matches(protocols))
          respond(current(group.isLeader(memberId) ? group.currentMemberMetadata() : []));
        else update(`Updating metadata for member ${memberId} during CompletingRebalance`);
        return;
      case 'Stable':
        // A leader's JoinGroup always rebalances (it may have seen topic metadata change).
        if (group.isLeader(memberId)) update(`Leader ${memberId} re-joining group during Stable`);
        else if (!member.matches(protocols)) update(`Updating metadata for member ${memberId} during Stable`);
        else respond(current([]));
        return;
      default:
        respond(joinError(memberId, 'UNKNOWN_MEMBER_ID'));
    }
  }

  /** addMemberAndRebalance: a pending member becomes a member; a generation-0 join may extend the initial delay. */
  private addMemberAndRebalance(
    group: GroupMetadata,
    clientId: string,
    request: JoinGroupRequest,
    protocols: MemberProtocol[],
    reason: string,
    respond: (result: JoinGroupResult) => void,
  ): void {
    const pending = group.pendingMembers.get(request.memberId);
    if (pending !== undefined) this.io.cancelTimer(pending.handle);
    const member = new MemberMetadata(
      request.memberId,
      request.groupInstanceId ?? null,
      clientId,
      request.rebalanceTimeoutMs,
      request.sessionTimeoutMs,
      request.protocolType,
      protocols,
    );
    member.isNew = true;
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
    group.add(member, respond);
    // New members cannot heartbeat while parked: their first JoinGroup times out after 5 minutes.
    this.completeAndScheduleNextExpiration(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
    this.maybePrepareRebalance(
      group,
      `Adding new member ${member.memberId} with group instance id ${member.groupInstanceId === null ? 'None' : `Some(${member.groupInstanceId})`}; client reason: ${reason}`,
    );
  }

  private updateMemberAndRebalance(
    group: GroupMetadata,
    member: MemberMetadata,
    request: JoinGroupRequest,
    protocols: MemberProtocol[],
    reason: string,
    respond: (result: JoinGroupResult) => void,
  ): void {
    group.updateMember(member, protocols, request.rebalanceTimeoutMs, request.sessionTimeoutMs, respond);
    this.maybePrepareRebalance(group, reason);
  }

  handleSyncGroup(from: string, request: SyncGroupRequest): void {
    const respond = this.respondSyncGroup.bind(this, from, request.correlationId);
    const status = this.validateGroupStatus(request.groupId, false);
    if (status !== undefined) {
      // Loading: the rebalance's state is lost, so the member must rejoin (not LOAD_IN_PROGRESS).
      const error = status === 'COORDINATOR_LOAD_IN_PROGRESS' ? 'REBALANCE_IN_PROGRESS' : status;
      respond({ error, assignment: EMPTY_ASSIGNMENT });
      return;
    }
    const group = this.manager.getGroup(request.groupId);
    if (group === undefined) {
      respond({ error: 'UNKNOWN_MEMBER_ID', assignment: EMPTY_ASSIGNMENT });
      return;
    }
    this.doSyncGroup(group, request, respond);
  }

  /** validateSyncGroup. */
  private validateSyncGroup(group: GroupMetadata, request: SyncGroupRequest): ErrorName | undefined {
    if (group.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    const memberError = this.validateCurrentMember(
      group,
      request.memberId,
      request.groupInstanceId,
      'sync-group',
    );
    if (memberError !== undefined) return memberError;
    if (request.generationId !== group.generationId) return 'ILLEGAL_GENERATION';
    if (request.protocolName !== null && request.protocolName !== group.protocolName)
      return 'INCONSISTENT_GROUP_PROTOCOL';
    return undefined;
  }

  private doSyncGroup(
    group: GroupMetadata,
    request: SyncGroupRequest,
    respond: (result: SyncGroupResult) => void,
  ): void {
    const { memberId, generationId } = request;
    const fail = (error: ErrorName) => respond({ error, assignment: EMPTY_ASSIGNMENT });
    const invalid = this.validateSyncGroup(group, request);
    if (invalid !== undefined) {
      fail(invalid);
      return;
    }
    switch (group.state) {
      case 'Empty':
        fail('UNKNOWN_MEMBER_ID');
        return;
      case 'PreparingRebalance':
        fail('REBALANCE_IN_PROGRESS');
        return;
      case 'CompletingRebalance': {
        group.get(memberId).awaitingSync = respond;
        this.removePendingSyncMember(group, memberId);
        if (!group.isLeader(memberId)) return;
        // The leader's assignment: missing members get an empty one; persist, then → Stable.
        const assignment = new Map<string, ConsumerAssignment>();
        for (const a of request.assignments) assignment.set(a.memberId, a.assignment);
        for (const id of group.members.keys()) if (!assignment.has(id)) assignment.set(id, EMPTY_ASSIGNMENT);
        this.io.note(
          `Assignment received from leader ${memberId} for group ${group.groupId} for generation ${group.generationId}`,
        );
        this.manager.storeGroup(group, assignment, (error) => {
          if (!(group.is('CompletingRebalance') && generationId === group.generationId)) return;
          if (error !== 'NONE') {
            this.resetAndPropagateAssignmentError(group, error);
            this.maybePrepareRebalance(
              group,
              `Error ${error} when storing group assignment during SyncGroup (member: ${memberId})`,
            );
          } else {
            for (const member of group.allMembers())
              member.assignment = assignment.get(member.memberId) ?? EMPTY_ASSIGNMENT;
            this.propagateAssignment(group, 'NONE');
            group.transitionTo('Stable', this.nowMs);
            this.fact(group, `assignment of generation ${group.generationId} stored`);
          }
        });
        return;
      }
      case 'Stable': {
        this.removePendingSyncMember(group, memberId);
        const member = group.get(memberId);
        respond({ error: 'NONE', assignment: member.assignment });
        this.completeAndScheduleNextExpiration(group, member);
        return;
      }
    }
  }

  handleHeartbeat(from: string, request: HeartbeatRequest): void {
    const status = this.validateGroupStatus(request.groupId, false);
    let error: ErrorName;
    if (status === undefined) error = this.doHeartbeat(request);
    else error = status === 'COORDINATOR_LOAD_IN_PROGRESS' ? 'NONE' : status; // loading: answer blindly
    this.io.send(from, { type: 'HeartbeatResponse', correlationId: request.correlationId, error });
  }

  private doHeartbeat(request: HeartbeatRequest): ErrorName {
    const group = this.manager.getGroup(request.groupId);
    if (group === undefined) return 'UNKNOWN_MEMBER_ID';
    // validateHeartbeat
    if (group.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    const memberError = this.validateCurrentMember(
      group,
      request.memberId,
      request.groupInstanceId,
      'heartbeat',
    );
    if (memberError !== undefined) return memberError;
    if (request.generationId !== group.generationId) return 'ILLEGAL_GENERATION';
    if (group.is('Empty')) return 'UNKNOWN_MEMBER_ID';
    // CompletingRebalance answers NONE: members heartbeat between their JoinGroup and SyncGroup answers.
    this.completeAndScheduleNextExpiration(group, group.get(request.memberId));
    return group.is('PreparingRebalance') ? 'REBALANCE_IN_PROGRESS' : 'NONE';
  }

  handleLeaveGroup(from: string, request: LeaveGroupRequest): void {
    const respond = (error: ErrorName, members: { memberId: string; error: ErrorName }[]): void =>
      this.io.send(from, {
        type: 'LeaveGroupResponse',
        correlationId: request.correlationId,
        error,
        members,
      });
    const status = this.validateGroupStatus(request.groupId, false);
    const group = this.manager.getGroup(request.groupId);
    if (status !== undefined) respond(status, []);
    else if (group === undefined)
      respond(
        'NONE',
        request.members.map((m) => ({ memberId: m.memberId, error: 'UNKNOWN_MEMBER_ID' })),
      );
    else if (group.is('Dead')) respond('COORDINATOR_NOT_AVAILABLE', []);
    else respond('NONE', this.doLeaveGroup(group, request));
  }

  private doLeaveGroup(
    group: GroupMetadata,
    request: LeaveGroupRequest,
  ): { memberId: string; error: ErrorName }[] {
    const remove = (member: MemberMetadata, reason: string | undefined) => {
      this.removeHeartbeatForLeavingMember(member);
      this.removeMemberAndUpdateGroup(
        group,
        member,
        `Removing member ${member.memberId} on LeaveGroup; client reason: ${reason ?? 'not provided'}`,
      );
    };
    return request.members.map((leaving) => {
      const { memberId } = leaving;
      const instanceId = leaving.groupInstanceId ?? null;
      // An administrative removal names the static member by its group.instance.id alone.
      if (memberId === '') {
        const current = instanceId === null ? undefined : group.currentStaticMemberId(instanceId);
        if (current === undefined) return { memberId, error: 'UNKNOWN_MEMBER_ID' as ErrorName };
        remove(group.get(current), leaving.reason);
        return { memberId, error: 'NONE' as ErrorName };
      }
      if (group.isPendingMember(memberId)) {
        this.removePendingMemberAndUpdateGroup(group, memberId);
        return { memberId, error: 'NONE' as ErrorName };
      }
      const error = this.validateCurrentMember(group, memberId, instanceId, 'leave-group');
      if (error !== undefined) return { memberId, error };
      remove(group.get(memberId), leaving.reason);
      return { memberId, error: 'NONE' as ErrorName };
    });
  }

  handleCommitOffsets(from: string, request: OffsetCommitRequest): void {
    const respondAll = (error: ErrorName): void =>
      this.io.send(from, {
        type: 'OffsetCommitResponse',
        correlationId: request.correlationId,
        partitions: request.partitions.map((p) => ({ topic: p.topic, partition: p.partition, error })),
      });
    const status = this.validateGroupStatus(request.groupId, true);
    if (status !== undefined) {
      respondAll(status);
      return;
    }
    let group = this.manager.getGroup(request.groupId);
    if (group === undefined) {
      // Not relying on group management (generation < 0): the commit creates an Empty group.
      if (request.generationId >= 0) {
        respondAll('ILLEGAL_GENERATION');
        return;
      }
      group = this.manager.addGroup(new GroupMetadata(request.groupId, 'Empty', this.nowMs));
    }
    const invalid = this.validateOffsetCommit(group, request);
    if (invalid !== undefined) {
      respondAll(invalid);
      return;
    }
    const memberId = request.memberId;
    switch (group.state) {
      case 'Empty':
        this.storeOffsets(group, from, request);
        return;
      case 'Stable':
      case 'PreparingRebalance':
        // Members of the generation may still commit while the rebalance is prepared; it refreshes their session.
        this.completeAndScheduleNextExpiration(group, group.get(memberId));
        this.storeOffsets(group, from, request);
        return;
      default:
        respondAll('REBALANCE_IN_PROGRESS');
    }
  }

  private storeOffsets(group: GroupMetadata, from: string, request: OffsetCommitRequest): void {
    this.manager.storeOffsets(
      group,
      request.partitions,
      this.respondOffsetCommit.bind(this, from, request.correlationId),
    );
  }

  private respondOffsetCommit(
    from: string,
    correlationId: number,
    partitions: readonly (TopicPartition & { readonly error: ErrorName })[],
  ): void {
    this.io.send(from, { type: 'OffsetCommitResponse', correlationId, partitions });
  }

  /** validateOffsetCommit: members must match the generation; anonymous commits only to an Empty group. */
  private validateOffsetCommit(group: GroupMetadata, request: OffsetCommitRequest): ErrorName | undefined {
    if (group.is('Dead')) return 'COORDINATOR_NOT_AVAILABLE';
    const instanceId = request.groupInstanceId ?? null;
    if (request.generationId >= 0 || request.memberId !== '' || instanceId !== null) {
      const error = this.validateCurrentMember(group, request.memberId, instanceId, 'offset-commit');
      if (error !== undefined) return error;
      if (request.generationId !== group.generationId) return 'ILLEGAL_GENERATION';
      return undefined;
    }
    return group.is('Empty') ? undefined : 'UNKNOWN_MEMBER_ID';
  }

  handleFetchOffsets(from: string, request: OffsetFetchRequest): void {
    const status = this.validateGroupStatus(request.groupId, true);
    this.io.send(from, {
      type: 'OffsetFetchResponse',
      correlationId: request.correlationId,
      error: status ?? 'NONE',
      partitions: status === undefined ? this.manager.getOffsets(request.groupId, request.partitions) : [],
    });
  }

  // ---- rebalance -------------------------------------------------------------------------------

  private maybePrepareRebalance(group: GroupMetadata, reason: string): void {
    if (canRebalance(group.state)) this.prepareRebalance(group, reason);
  }

  /** prepareRebalance: parked SyncGroups get REBALANCE_IN_PROGRESS; an Empty group waits InitialDelayedJoin. */
  private prepareRebalance(group: GroupMetadata, reason: string): void {
    if (group.is('CompletingRebalance'))
      this.resetAndPropagateAssignmentError(group, 'REBALANCE_IN_PROGRESS');
    this.removeSyncExpiration(group);
    const wasEmpty = group.is('Empty');
    const rebalanceTimeoutMs = group.rebalanceTimeoutMs;
    const delay = this.config['group.initial.rebalance.delay.ms'];
    group.transitionTo('PreparingRebalance', this.nowMs);
    this.fact(group, reason);
    this.io.note(
      `Preparing to rebalance group ${group.groupId} in state PreparingRebalance with old generation ${group.generationId} (${GROUP_METADATA_TOPIC_NAME}-${this.manager.partitionFor(group.groupId)}) (reason: ${reason})`,
    );
    if (wasEmpty)
      this.watchJoin(group, delay, {
        configuredMs: delay,
        delayMs: delay,
        remainingMs: Math.max(rebalanceTimeoutMs - delay, 0),
      });
    else this.watchJoin(group, rebalanceTimeoutMs);
  }

  /** tryCompleteElseWatch of a DelayedJoin (completes at once if everybody joined) or an InitialDelayedJoin (never early). */
  private watchJoin(
    group: GroupMetadata,
    delayMs: number,
    initial?: { configuredMs: number; delayMs: number; remainingMs: number },
  ): void {
    if (initial === undefined && group.hasAllMembersJoined) {
      this.onCompleteJoin(group);
      return;
    }
    const id = this.nextId++;
    const handle = this.io.setTimer(ms(delayMs), {
      kind: 'group-coordinator',
      op: 'join',
      id,
      groupId: group.groupId,
    });
    group.joinTimer = initial === undefined ? { id, handle } : { id, handle, initial };
  }

  /** rebalancePurgatory.checkAndComplete(GroupJoinKey): a DelayedJoin completes once everybody joined. */
  private checkAndCompleteJoin(group: GroupMetadata): void {
    const timer = group.joinTimer;
    if (timer === undefined || timer.initial !== undefined || !group.hasAllMembersJoined) return;
    this.io.cancelTimer(timer.handle);
    group.joinTimer = undefined;
    this.onCompleteJoin(group);
  }

  /** The join operation expired: InitialDelayedJoin may wait again, else onCompleteJoin. */
  private onJoinExpired(group: GroupMetadata): void {
    const timer = group.joinTimer;
    group.joinTimer = undefined;
    const initial = timer?.initial;
    if (initial !== undefined && group.newMemberAdded && initial.remainingMs !== 0) {
      group.newMemberAdded = false;
      const delay = Math.min(initial.configuredMs, initial.remainingMs);
      const remaining = Math.max(initial.remainingMs - initial.delayMs, 0);
      this.watchJoin(group, delay, {
        configuredMs: initial.configuredMs,
        delayMs: delay,
        remainingMs: remaining,
      });
      return;
    }
    this.onCompleteJoin(group);
  }

  /**
   * onCompleteJoin: drop the dynamic members that did not rejoin (a static member stays until its
   * session expires), next generation, answer every JoinGroup.
   */
  private onCompleteJoin(group: GroupMetadata): void {
    for (const failed of group.notYetRejoinedMembers().filter((m) => !m.isStaticMember)) {
      group.remove(failed.memberId);
      this.removeHeartbeatForLeavingMember(failed);
    }
    if (group.is('Dead')) return;
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      this.watchJoin(group, group.rebalanceTimeoutMs);
      return;
    }
    group.initNextGeneration(this.nowMs);
    if (group.is('Empty')) {
      this.fact(group, `rebalance completed with no members: generation ${group.generationId}`);
      this.manager.storeGroup(group, new Map(), (error) => {
        if (error !== 'NONE')
          this.io.note(`Failed to write empty metadata for group ${group.groupId}: ${error}`);
      });
      return;
    }
    this.fact(group, `rebalance completed: generation ${group.generationId}`);
    this.io.note(
      `Stabilized group ${group.groupId} generation ${group.generationId} with ${group.size} members`,
    );
    const leaderMembers = group.currentMemberMetadata();
    for (const member of group.allMembers()) {
      group.maybeInvokeJoinCallback(member, {
        error: 'NONE',
        generationId: group.generationId,
        protocolName: group.protocolName,
        leader: group.leaderId ?? '',
        memberId: member.memberId,
        members: group.isLeader(member.memberId) ? leaderMembers : [],
      });
      this.completeAndScheduleNextExpiration(group, member);
      member.isNew = false;
      group.pendingSyncMembers.add(member.memberId);
    }
    this.schedulePendingSync(group);
  }

  /** DelayedSync: members that send no SyncGroup within the rebalance timeout are removed. */
  private schedulePendingSync(group: GroupMetadata): void {
    this.removeSyncExpiration(group);
    const id = this.nextId++;
    const handle = this.io.setTimer(ms(group.rebalanceTimeoutMs), {
      kind: 'group-coordinator',
      op: 'sync',
      id,
      groupId: group.groupId,
    });
    group.syncTimer = { id, handle };
  }

  private removeSyncExpiration(group: GroupMetadata): void {
    if (group.syncTimer !== undefined) this.io.cancelTimer(group.syncTimer.handle);
    group.syncTimer = undefined;
  }

  private removePendingSyncMember(group: GroupMetadata, memberId: string): void {
    group.pendingSyncMembers.delete(memberId);
    if (group.pendingSyncMembers.size === 0) this.removeSyncExpiration(group);
  }

  /** onExpirePendingSync. */
  private onExpirePendingSync(group: GroupMetadata): void {
    group.syncTimer = undefined;
    if (!(group.is('CompletingRebalance') || group.is('Stable')) || group.pendingSyncMembers.size === 0)
      return;
    const missing = [...group.pendingSyncMembers];
    for (const memberId of missing) {
      const member = group.members.get(memberId);
      group.remove(memberId);
      if (member !== undefined) this.removeHeartbeatForLeavingMember(member);
    }
    this.prepareRebalance(group, `Removing [${missing.join(', ')}] on pending sync request expiration`);
  }

  private resetAndPropagateAssignmentError(group: GroupMetadata, error: ErrorName): void {
    for (const member of group.allMembers()) member.assignment = EMPTY_ASSIGNMENT;
    this.propagateAssignment(group, error);
  }

  /** propagateAssignment: answer parked SyncGroups; each answer restarts the member's session. */
  private propagateAssignment(group: GroupMetadata, error: ErrorName): void {
    for (const member of group.allMembers()) {
      if (group.maybeInvokeSyncCallback(member, { error, assignment: member.assignment }))
        this.completeAndScheduleNextExpiration(group, member);
    }
  }

  // ---- membership and sessions -----------------------------------------------------------------

  /** completeAndScheduleNextExpiration: the current DelayedHeartbeat is satisfied; a new one starts. */
  private completeAndScheduleNextExpiration(
    group: GroupMetadata,
    member: MemberMetadata,
    timeoutMs = member.sessionTimeoutMs,
  ): void {
    if (member.heartbeat !== undefined) this.io.cancelTimer(member.heartbeat.handle);
    member.heartbeatSatisfied = false;
    const id = this.nextId++;
    const handle = this.io.setTimer(ms(timeoutMs), {
      kind: 'group-coordinator',
      op: 'heartbeat',
      id,
      groupId: group.groupId,
      memberId: member.memberId,
    });
    member.heartbeat = { id, handle };
  }

  private removeHeartbeatForLeavingMember(member: MemberMetadata): void {
    member.isLeaving = true;
    if (member.heartbeat !== undefined) this.io.cancelTimer(member.heartbeat.handle);
    member.heartbeat = undefined;
  }

  /** onExpireHeartbeat. */
  private onExpireHeartbeat(group: GroupMetadata, member: MemberMetadata): void {
    member.heartbeat = undefined;
    if (group.is('Dead') || !group.has(member.memberId) || member.hasSatisfiedHeartbeat) return;
    this.io.note(
      `Member ${member.memberId} in group ${group.groupId} has failed, removing it from the group`,
    );
    this.removeMemberAndUpdateGroup(
      group,
      member,
      `removing member ${member.memberId} on heartbeat expiration`,
    );
  }

  /** removeMemberAndUpdateGroup: a parked JoinGroup gets UNKNOWN_MEMBER_ID; then rebalance or re-check the join. */
  private removeMemberAndUpdateGroup(group: GroupMetadata, member: MemberMetadata, reason: string): void {
    group.maybeInvokeJoinCallback(member, joinError('', 'UNKNOWN_MEMBER_ID'));
    group.remove(member.memberId);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.maybePrepareRebalance(group, reason);
        return;
      case 'PreparingRebalance':
        this.checkAndCompleteJoin(group);
        return;
      default:
    }
  }

  private removePendingMemberAndUpdateGroup(group: GroupMetadata, memberId: string): void {
    const pending = group.pendingMembers.get(memberId);
    if (pending !== undefined) this.io.cancelTimer(pending.handle);
    group.remove(memberId);
    if (group.is('PreparingRebalance')) this.checkAndCompleteJoin(group);
  }

  // ---- leadership of __consumer_offsets partitions ---------------------------------------------

  /** GroupCoordinator.onElection: load the partition's groups and offsets. */
  onElection(partition: number, coordinatorEpoch: number): void {
    this.manager.scheduleLoad(partition, coordinatorEpoch);
  }

  /** GroupCoordinator.onResignation: unload them. */
  onResignation(partition: number, coordinatorEpoch: number | undefined): void {
    this.manager.scheduleUnload(partition, coordinatorEpoch);
  }

  /** onGroupLoaded: every loaded member gets a fresh session. */
  private onGroupLoaded(group: GroupMetadata): void {
    this.fact(group, `loaded from ${GROUP_METADATA_TOPIC_NAME}-${this.manager.partitionFor(group.groupId)}`);
    if (group.size > this.config['group.max.size'])
      this.prepareRebalance(
        group,
        `Freshly-loaded group is over capacity (${this.config['group.max.size']})`,
      );
    for (const member of group.allMembers()) this.completeAndScheduleNextExpiration(group, member);
  }

  /** onGroupUnloaded: → Dead; parked JoinGroup/SyncGroup answered NOT_COORDINATOR; timers dropped. */
  private onGroupUnloaded(group: GroupMetadata): void {
    const previous = group.state;
    group.transitionTo('Dead', this.nowMs);
    this.fact(
      group,
      `unloaded: ${GROUP_METADATA_TOPIC_NAME}-${this.manager.partitionFor(group.groupId)} moved`,
    );
    for (const member of group.allMembers()) {
      if (previous === 'PreparingRebalance')
        group.maybeInvokeJoinCallback(member, joinError(member.memberId, 'NOT_COORDINATOR'));
      else if (previous === 'Stable' || previous === 'CompletingRebalance')
        group.maybeInvokeSyncCallback(member, { error: 'NOT_COORDINATOR', assignment: EMPTY_ASSIGNMENT });
      this.removeHeartbeatForLeavingMember(member);
    }
    for (const pending of group.pendingMembers.values())
      if (pending !== undefined) this.io.cancelTimer(pending.handle);
    if (group.joinTimer !== undefined) this.io.cancelTimer(group.joinTimer.handle);
    group.joinTimer = undefined;
    this.removeSyncExpiration(group);
  }

  // ---- timers ----------------------------------------------------------------------------------

  onTimer(tag: GroupCoordinatorTimer): void {
    switch (tag.op) {
      case 'load':
        this.manager.startLoad(tag.partition, tag.epoch as number);
        return;
      case 'load-done':
        this.manager.finishLoad(tag.partition, tag.epoch as number);
        return;
      case 'unload':
        this.manager.unload(tag.partition, tag.epoch);
        return;
      default:
    }
    const group = this.manager.getGroup(tag.groupId);
    if (group === undefined) return;
    switch (tag.op) {
      case 'join':
        if (group.joinTimer?.id === tag.id) this.onJoinExpired(group);
        return;
      case 'sync':
        if (group.syncTimer?.id === tag.id) this.onExpirePendingSync(group);
        return;
      case 'heartbeat': {
        const member = group.members.get(tag.memberId);
        if (member !== undefined && member.heartbeat?.id === tag.id) this.onExpireHeartbeat(group, member);
        return;
      }
      case 'pending-member':
        if (group.pendingMembers.get(tag.memberId)?.id === tag.id && !group.is('Dead')) {
          this.io.note(
            `Pending member ${tag.memberId} in group ${group.groupId} has been removed after session timeout expiration`,
          );
          this.removePendingMemberAndUpdateGroup(group, tag.memberId);
        }
        return;
    }
  }

  // ---- history ---------------------------------------------------------------------------------

  private fact(group: GroupMetadata, reason: string): void {
    this.history?.recordGroup({
      time: this.io.now,
      broker: this.brokerId,
      group: group.groupId,
      state: group.state,
      generation: group.generationId,
      members: [...group.members.keys()].sort(),
      leader: group.leaderId,
      protocol: group.protocolName,
      reason,
    });
  }
}
