import { assertValidTransition, type GroupState } from '../../clients/group/group-state.js';
import type { Rng } from '../../sim/rng.js';
import type { JoinGroupMember } from '../protocol.js';
import {
  type CoordinatorTimerRef,
  EMPTY_ASSIGNMENT,
  type JoinGroupResult,
  joinError,
  type MemberMetadata,
  type SyncGroupResult,
} from './member-metadata.js';
import { ScalaMemberMap } from './scala-member-map.js';

/** A committed offset as the coordinator caches it (OffsetAndMetadata + CommitRecordMetadataAndOffset). */
export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly commitTimestamp: number;
  /** Where the commit record sits in `__consumer_offsets` (appendedBatchOffset); -1 before the append. */
  readonly recordOffset: number;
}

/** The join phase's delayed operation: DelayedJoin, or InitialDelayedJoin with its delays. */
export interface JoinTimer extends CoordinatorTimerRef {
  readonly initial?: {
    readonly configuredMs: number;
    readonly delayMs: number;
    readonly remainingMs: number;
  };
}

/**
 * A classic group on its coordinator (GroupMetadata.scala at 3.8.0): state, generation, protocol,
 * leader, members (in Scala HashMap order), the static members by group.instance.id (KIP-345),
 * KIP-394 pending members, the members whose SyncGroup is awaited, and the committed offsets.
 */
export class GroupMetadata {
  state: GroupState;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** Simulated ms of the last state change (currentStateTimestamp). */
  currentStateTimestamp: number;
  readonly members = new ScalaMemberMap<MemberMetadata>();
  /** KIP-345: group.instance.id → the member id it currently maps to (staticMembers). */
  private readonly staticMembers = new Map<string, string>();
  /** KIP-394: ids handed out with MEMBER_ID_REQUIRED, not yet joined, each with its expiry. */
  readonly pendingMembers = new Map<string, CoordinatorTimerRef | undefined>();
  readonly pendingSyncMembers = new Set<string>();
  /** InitialDelayedJoin may extend its delay: a member joined a generation-0 group during the delay. */
  newMemberAdded = false;
  readonly offsets = new Map<string, CommittedOffset>();
  /** Commits appended but not yet acknowledged, by partition key (pendingOffsetCommits). */
  readonly pendingOffsetCommits = new Map<string, CommittedOffset>();
  joinTimer: JoinTimer | undefined;
  syncTimer: CoordinatorTimerRef | undefined;
  private supportedProtocols = new Map<string, number>();

  constructor(
    readonly groupId: string,
    initialState: GroupState,
    nowMs: number,
  ) {
    this.state = initialState;
    this.currentStateTimestamp = nowMs;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  /** GroupMetadata.transitionTo, checked by assertValidTransition. */
  transitionTo(target: GroupState, nowMs: number): void {
    assertValidTransition(this.groupId, this.state, target);
    this.state = target;
    this.currentStateTimestamp = nowMs;
  }

  get size(): number {
    return this.members.size;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): MemberMetadata {
    const member = this.members.get(memberId);
    if (member === undefined) throw new Error(`Group ${this.groupId} has no member ${memberId}`);
    return member;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingMembers.has(memberId);
  }

  allMembers(): MemberMetadata[] {
    return this.members.values();
  }

  get numAwaitingJoin(): number {
    return this.allMembers().filter((m) => m.isAwaitingJoin).length;
  }

  /** GroupMetadata.add: the first member sets the protocol type and, while there is none, the leader. */
  add(member: MemberMetadata, callback?: (result: JoinGroupResult) => void): void {
    const instanceId = member.groupInstanceId;
    if (instanceId !== null) {
      if (this.staticMembers.has(instanceId))
        throw new Error(
          `Static member with groupInstanceId=${instanceId} cannot be added to group ${this.groupId} since it is already a member`,
        );
      this.staticMembers.set(instanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    for (const p of member.supportedProtocols)
      this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) + 1);
    member.awaitingJoin = callback;
    this.pendingMembers.delete(member.memberId);
  }

  /** GroupMetadata.remove: a removed leader is replaced by the first remaining member (`keys.headOption`). */
  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member !== undefined) {
      this.members.delete(memberId);
      this.decSupportedProtocols(member);
      if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.isLeader(memberId)) this.leaderId = this.members.keys()[0] ?? null;
    this.pendingMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /**
   * GroupMetadata.replaceStaticMember: the member of `groupInstanceId` continues under a new member
   * id (a static member rejoined with an unknown one). A JoinGroup or SyncGroup the old id has
   * parked is answered FENCED_INSTANCE_ID at once; the leadership follows the member.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): MemberMetadata {
    const member = this.members.get(oldMemberId);
    if (member === undefined) throw new Error(`Cannot replace non-existing member id ${oldMemberId}`);
    this.members.delete(oldMemberId);
    this.maybeInvokeJoinCallback(member, joinError(oldMemberId, 'FENCED_INSTANCE_ID'));
    this.maybeInvokeSyncCallback(member, { error: 'FENCED_INSTANCE_ID', assignment: EMPTY_ASSIGNMENT });
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  /** GroupMetadata.currentStaticMemberId. */
  currentStaticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  /** GroupMetadata.allStaticMembers: the group.instance.ids. */
  allStaticMembers(): string[] {
    return [...this.staticMembers.keys()];
  }

  /** GroupMetadata.updateMember: new protocols and timeouts; the callback parks (or unparks) its JoinGroup. */
  updateMember(
    member: MemberMetadata,
    protocols: MemberMetadata['supportedProtocols'],
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    callback: ((result: JoinGroupResult) => void) | undefined,
  ): void {
    this.decSupportedProtocols(member);
    member.supportedProtocols = protocols;
    for (const p of protocols)
      this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) + 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    member.awaitingJoin = callback;
  }

  private decSupportedProtocols(member: MemberMetadata): void {
    for (const p of member.supportedProtocols) {
      const n = (this.supportedProtocols.get(p.name) ?? 0) - 1;
      if (n <= 0) this.supportedProtocols.delete(p.name);
      else this.supportedProtocols.set(p.name, n);
    }
  }

  /** GroupMetadata.rebalanceTimeoutMs: the longest of the members' rebalance timeouts. */
  get rebalanceTimeoutMs(): number {
    return this.allMembers().reduce((max, m) => Math.max(max, m.rebalanceTimeoutMs), 0);
  }

  /** GroupMetadata.hasAllMembersJoined: everybody is parked in JoinGroup and nobody is pending. */
  get hasAllMembersJoined(): boolean {
    return this.members.size === this.numAwaitingJoin && this.pendingMembers.size === 0;
  }

  notYetRejoinedMembers(): MemberMetadata[] {
    return this.allMembers().filter((m) => !m.isAwaitingJoin);
  }

  /** GroupMetadata.supportsProtocols (GroupMetadata.scala L464-L469). */
  supportsProtocols(protocolType: string, protocols: readonly string[]): boolean {
    if (this.is('Empty')) return protocolType.length > 0 && protocols.length > 0;
    return (
      this.protocolType === protocolType &&
      // withDefaultValue(0): a group that lost all its members while rebalancing accepts any protocol
      protocols.some((p) => (this.supportedProtocols.get(p) ?? 0) === this.members.size)
    );
  }

  /**
   * GroupMetadata.selectProtocol: every member votes for its first protocol all members support;
   * most votes wins. Kafka breaks ties by a Scala immutable-map order; here the tie goes to the
   * protocol whose first vote came first in member order (research §3.8, open question 2).
   */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error('Cannot select protocol for empty group');
    const candidates = new Set(
      [...this.supportedProtocols].filter(([, n]) => n === this.members.size).map(([name]) => name),
    );
    const votes = new Map<string, number>();
    for (const member of this.allMembers()) {
      const vote = member.vote(candidates);
      votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, n] of votes)
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    return best;
  }

  /** GroupMetadata.maybeElectNewJoinedLeader: if the leader did not rejoin, the first member that did. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader?.isAwaitingJoin) return true;
    const joined = this.allMembers().find((m) => m.isAwaitingJoin);
    if (joined === undefined) return false;
    this.leaderId = joined.memberId;
    return true;
  }

  /** GroupMetadata.initNextGeneration: generation + 1, → CompletingRebalance (or Empty without members). */
  initNextGeneration(nowMs: number): void {
    this.generationId += 1;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.transitionTo('CompletingRebalance', nowMs);
    } else {
      this.protocolName = null;
      this.transitionTo('Empty', nowMs);
    }
    this.pendingSyncMembers.clear();
  }

  /** GroupMetadata.currentMemberMetadata: what the leader's JoinGroup answer lists, in member order. */
  currentMemberMetadata(): JoinGroupMember[] {
    if (this.is('Dead') || this.is('PreparingRebalance') || this.protocolName === null)
      throw new Error(`Cannot obtain member metadata for group ${this.groupId} in state ${this.state}`);
    const protocol = this.protocolName;
    return this.allMembers().map((m) => ({
      memberId: m.memberId,
      ...(m.groupInstanceId === null ? {} : { groupInstanceId: m.groupInstanceId }),
      metadata: m.metadata(protocol),
    }));
  }

  /** GroupMetadata.maybeInvokeJoinCallback: answers a parked JoinGroup; false if none was parked. */
  maybeInvokeJoinCallback(member: MemberMetadata, result: JoinGroupResult): boolean {
    const callback = member.awaitingJoin;
    if (callback === undefined) return false;
    member.awaitingJoin = undefined;
    callback(result);
    return true;
  }

  /** GroupMetadata.maybeInvokeSyncCallback: answers a parked SyncGroup; false if none was parked. */
  maybeInvokeSyncCallback(member: MemberMetadata, result: SyncGroupResult): boolean {
    const callback = member.awaitingSync;
    if (callback === undefined) return false;
    member.awaitingSync = undefined;
    callback(result);
    return true;
  }

  /**
   * GroupMetadata.generateMemberId: `clientId-UUID`, or `groupInstanceId-UUID` for a static member,
   * the UUID (version 4, as java.util.UUID.randomUUID prints it) drawn from the coordinator's
   * seeded stream.
   */
  static generateMemberId(clientId: string, rng: Rng, groupInstanceId: string | null = null): string {
    const bytes = Array.from({ length: 16 }, () => rng.below(256));
    bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${groupInstanceId ?? clientId}-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** GroupMetadata.hasPendingOffsetCommitsForTopicPartition (non-transactional commits only). */
  hasPendingOffsetCommit(key: string): boolean {
    return this.pendingOffsetCommits.has(key);
  }

  /** GroupMetadata.onOffsetCommitAppend: the append is acknowledged; keep the newer record. */
  onOffsetCommitAppend(key: string, committed: CommittedOffset): void {
    if (this.pendingOffsetCommits.has(key)) {
      const current = this.offsets.get(key);
      if (current === undefined || current.recordOffset < committed.recordOffset)
        this.offsets.set(key, committed);
    }
    const staged = this.pendingOffsetCommits.get(key);
    if (
      staged !== undefined &&
      staged.offset === committed.offset &&
      staged.leaderEpoch === committed.leaderEpoch
    )
      this.pendingOffsetCommits.delete(key);
  }

  /** GroupMetadata.failPendingOffsetWrite. */
  failPendingOffsetWrite(key: string, committed: CommittedOffset): void {
    const staged = this.pendingOffsetCommits.get(key);
    if (
      staged !== undefined &&
      staged.offset === committed.offset &&
      staged.leaderEpoch === committed.leaderEpoch
    )
      this.pendingOffsetCommits.delete(key);
  }
}

/** A readable summary of a member list, for trace notes. */
export function describeMembers(group: GroupMetadata): string {
  return `[${group.members.keys().join(', ')}]`;
}
