import type { TimerHandle } from '../../sim/process.js';
import type { ErrorName } from '../errors.js';
import type { ConsumerAssignment, ConsumerSubscription, JoinGroupMember } from '../protocol.js';

/** What a parked JoinGroup is answered with (GroupCoordinator's JoinGroupResult). */
export interface JoinGroupResult {
  readonly error: ErrorName;
  readonly generationId: number;
  readonly protocolName: string | null;
  readonly leader: string;
  readonly memberId: string;
  readonly members: readonly JoinGroupMember[];
  /** KIP-814: the leader must not run the assignor (a returning static leader of a Stable group). */
  readonly skipAssignment?: boolean;
}

/** What a parked SyncGroup is answered with (SyncGroupResult). */
export interface SyncGroupResult {
  readonly error: ErrorName;
  readonly assignment: ConsumerAssignment;
}

/** JoinGroupResult(memberId, error): generation -1, no protocol, no leader (UNKNOWN_GENERATION_ID). */
export function joinError(memberId: string, error: ErrorName): JoinGroupResult {
  return { error, generationId: -1, protocolName: null, leader: '', memberId, members: [] };
}

export const EMPTY_ASSIGNMENT: ConsumerAssignment = { partitions: [] };

export interface MemberProtocol {
  readonly name: string;
  readonly metadata: ConsumerSubscription;
}

/** A timer the coordinator set, with the id its tag carries (a fired tag whose id differs is stale). */
export interface CoordinatorTimerRef {
  readonly id: number;
  readonly handle: TimerHandle;
}

/**
 * One member of a classic group (MemberMetadata.scala at 3.8.0), dynamic or static (KIP-345: with
 * a group.instance.id, whose member id a rejoin may replace). The callbacks are the parked
 * JoinGroup and SyncGroup requests.
 */
export class MemberMetadata {
  assignment: ConsumerAssignment = EMPTY_ASSIGNMENT;
  awaitingJoin: ((result: JoinGroupResult) => void) | undefined;
  awaitingSync: ((result: SyncGroupResult) => void) | undefined;
  /** Added by a JoinGroup that is still parked: its heartbeat deadline is the 5-minute new-member join timeout. */
  isNew = false;
  heartbeatSatisfied = false;
  isLeaving = false;
  /** The member's DelayedHeartbeat. */
  heartbeat: CoordinatorTimerRef | undefined;

  constructor(
    /** `var memberId`: replaceStaticMember gives a static member a new one. */
    public memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    public rebalanceTimeoutMs: number,
    public sessionTimeoutMs: number,
    readonly protocolType: string,
    public supportedProtocols: readonly MemberProtocol[],
  ) {}

  get isStaticMember(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== undefined;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== undefined;
  }

  /** MemberMetadata.hasSatisfiedHeartbeat: members parked in a rebalance count as alive, new ones do not. */
  get hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return this.heartbeatSatisfied;
    if (this.isAwaitingJoin || this.isAwaitingSync) return true;
    return this.heartbeatSatisfied;
  }

  /** The member's metadata for a protocol (MemberMetadata.metadata). */
  metadata(protocol: string): ConsumerSubscription {
    const found = this.supportedProtocols.find((p) => p.name === protocol);
    if (found === undefined) throw new Error(`Member ${this.memberId} does not support protocol ${protocol}`);
    return found.metadata;
  }

  /** MemberMetadata.matches: the same protocols, in the same order, with the same metadata. */
  matches(protocols: readonly MemberProtocol[]): boolean {
    return (
      protocols.length === this.supportedProtocols.length &&
      protocols.every((p, i) => {
        const mine = this.supportedProtocols[i] as MemberProtocol;
        return p.name === mine.name && sameSubscription(p.metadata, mine.metadata);
      })
    );
  }

  /** MemberMetadata.vote: the first of this member's protocols that every member supports. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.supportedProtocols.find((p) => candidates.has(p.name));
    if (choice === undefined)
      throw new Error(`Member ${this.memberId} does not support any of the candidates`);
    return choice.name;
  }
}

/** Byte equality of two encoded subscriptions, on the decoded form. */
export function sameSubscription(a: ConsumerSubscription, b: ConsumerSubscription): boolean {
  return (
    a.generationId === b.generationId &&
    a.topics.length === b.topics.length &&
    a.topics.every((t, i) => t === b.topics[i]) &&
    a.ownedPartitions.length === b.ownedPartitions.length &&
    a.ownedPartitions.every(
      (p, i) => p.topic === b.ownedPartitions[i]?.topic && p.partition === b.ownedPartitions[i]?.partition,
    )
  );
}
