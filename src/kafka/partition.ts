import type { SimTime } from '../sim/time.js';
import type { ReplicaLog } from './log/replica-log.js';

/** A broker id that means "no leader" (LeaderAndIsr.NoLeader). */
export const NO_LEADER = -1;

/**
 * What the leader knows of one follower, from its fetches (Replica.ReplicaState at 3.8.0).
 * `logEndOffset` is the fetch offset of its last Fetch; -1 until it has fetched under this leader.
 */
export interface FollowerState {
  readonly logEndOffset: number;
  readonly lastCaughtUpTime: SimTime;
  readonly lastFetchLeaderLogEndOffset: number;
  readonly lastFetchTime: SimTime;
}

/**
 * "Never", for the follower times. Kafka uses 0 because its clock is the wall clock; simulated time
 * starts at 0, where 0 is a real moment.
 */
const NEVER = Number.NEGATIVE_INFINITY;

const UNKNOWN_FOLLOWER: FollowerState = {
  logEndOffset: -1,
  lastCaughtUpTime: NEVER,
  lastFetchLeaderLogEndOffset: -1,
  lastFetchTime: NEVER,
};

/**
 * The ISR as the leader holds it (Partition.PartitionState): committed, or with an AlterPartition
 * in flight. While a change is pending, `maximal` is the ISR the high watermark must respect: the
 * old ISR plus the joiner for an expansion, the old ISR for a shrink.
 */
export type IsrState =
  | { readonly kind: 'committed'; readonly isr: readonly number[] }
  | {
      readonly kind: 'pending-expand' | 'pending-shrink';
      readonly isr: readonly number[];
      readonly maximal: readonly number[];
      readonly proposed: readonly number[];
    };

/** The LeaderAndIsr partition state the controller sends. */
export interface LeaderAndIsrState {
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly partitionEpoch: number;
  readonly replicas: readonly number[];
}

/** The answer to "has a produce with acks=all reached `requiredOffset`?" (Partition.checkEnoughReplicasReachOffset). */
export type ReplicationCheck =
  | 'pending'
  | 'NONE'
  | 'NOT_ENOUGH_REPLICAS_AFTER_APPEND'
  | 'NOT_LEADER_OR_FOLLOWER';

/**
 * One partition as seen by one broker (Partition.scala at 3.8.0): its log, who leads, the leader
 * epoch, and, on the leader, each follower's fetch state, the ISR and the high watermark rules.
 * Pure logic: the broker actor feeds it requests and time, and sends what it asks for.
 */
export class Partition {
  leader = NO_LEADER;
  leaderEpoch = -1;
  partitionEpoch = -1;
  replicas: readonly number[] = [];
  /** The leader's LEO when it became leader in this epoch (Partition.leaderEpochStartOffsetOpt). */
  leaderEpochStartOffset: number | undefined;
  private isrState: IsrState = { kind: 'committed', isr: [] };
  private readonly followers = new Map<number, FollowerState>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly localBrokerId: number,
    readonly log: ReplicaLog,
  ) {}

  get isLeader(): boolean {
    return this.leader === this.localBrokerId;
  }

  /** The committed ISR. */
  get isr(): readonly number[] {
    return this.isrState.isr;
  }

  /** The ISR the HW and NOT_ENOUGH_REPLICAS_AFTER_APPEND respect. */
  get maximalIsr(): readonly number[] {
    return this.isrState.kind === 'committed' ? this.isrState.isr : this.isrState.maximal;
  }

  get isrChangeInFlight(): boolean {
    return this.isrState.kind !== 'committed';
  }

  get state(): IsrState {
    return this.isrState;
  }

  follower(id: number): FollowerState | undefined {
    return this.followers.get(id);
  }

  /**
   * Becomes (or stays) leader on a LeaderAndIsr (Partition.makeLeader). Returns false and changes
   * nothing if the request's partition epoch is older than ours. On a new leader epoch it writes
   * (epoch, LEO) to the epoch cache (KAFKA-7415) and resets what it knew of the followers.
   */
  makeLeader(state: LeaderAndIsrState, now: SimTime): boolean {
    if (state.partitionEpoch < this.partitionEpoch) return false;
    const wasLeader = this.isLeader;
    const isNewLeaderEpoch = state.leaderEpoch > this.leaderEpoch;
    this.replicas = state.replicas;
    this.isrState = { kind: 'committed', isr: state.isr };
    for (const id of [...this.followers.keys()]) if (!state.replicas.includes(id)) this.followers.delete(id);
    if (isNewLeaderEpoch) {
      const leo = this.log.logEndOffset;
      this.log.epochCache.assign(state.leaderEpoch, leo);
      for (const id of state.replicas) {
        if (id === this.localBrokerId) continue;
        const inSync = state.isr.includes(id);
        const old = this.followers.get(id) ?? UNKNOWN_FOLLOWER;
        this.followers.set(
          id,
          wasLeader
            ? {
                logEndOffset: old.logEndOffset,
                lastCaughtUpTime: inSync ? now : NEVER,
                lastFetchLeaderLogEndOffset: leo,
                lastFetchTime: inSync ? now : NEVER,
              }
            : { ...UNKNOWN_FOLLOWER, lastCaughtUpTime: inSync ? now : NEVER },
        );
      }
      this.leaderEpoch = state.leaderEpoch;
      this.leaderEpochStartOffset = leo;
    } else {
      for (const id of state.replicas) {
        if (id !== this.localBrokerId && !this.followers.has(id)) this.followers.set(id, UNKNOWN_FOLLOWER);
      }
    }
    this.partitionEpoch = state.partitionEpoch;
    this.leader = this.localBrokerId;
    return true;
  }

  /**
   * Becomes a follower (Partition.makeFollower). No truncation here: at 3.8 the fetcher finds the
   * divergence. Returns whether the leader epoch is new (the fetcher restarts if so), or undefined
   * if the request is older than what we have.
   */
  makeFollower(state: LeaderAndIsrState): boolean | undefined {
    if (state.partitionEpoch < this.partitionEpoch) return undefined;
    const isNewLeaderEpoch = state.leaderEpoch > this.leaderEpoch;
    this.leader = state.leader;
    this.leaderEpoch = state.leaderEpoch;
    this.leaderEpochStartOffset = undefined;
    this.partitionEpoch = state.partitionEpoch;
    this.replicas = state.replicas;
    this.isrState = { kind: 'committed', isr: [] };
    this.followers.clear();
    return isNewLeaderEpoch;
  }

  /**
   * A follower fetched from `fetchOffset`; `leaderEndAtRead` is the leader's LEO captured before
   * the read (Replica.updateFetchStateOrThrow). A follower is caught up at a time when its fetch
   * offset reached what the leader had then.
   */
  updateFollowerFetchState(
    replicaId: number,
    fetchOffset: number,
    leaderEndAtRead: number,
    now: SimTime,
  ): void {
    const old = this.followers.get(replicaId) ?? UNKNOWN_FOLLOWER;
    let lastCaughtUpTime = old.lastCaughtUpTime;
    if (fetchOffset >= leaderEndAtRead) lastCaughtUpTime = Math.max(old.lastCaughtUpTime, now);
    else if (fetchOffset >= old.lastFetchLeaderLogEndOffset) {
      lastCaughtUpTime = Math.max(old.lastCaughtUpTime, old.lastFetchTime);
    }
    this.followers.set(replicaId, {
      logEndOffset: fetchOffset,
      lastCaughtUpTime,
      lastFetchLeaderLogEndOffset: Math.max(leaderEndAtRead, old.lastFetchLeaderLogEndOffset),
      lastFetchTime: now,
    });
  }

  /** Replica.isCaughtUp: at the leader's LEO, or caught up within the lag time. */
  isCaughtUp(replicaId: number, now: SimTime, maxLag: SimTime): boolean {
    const f = this.followers.get(replicaId);
    if (f === undefined) return false;
    return f.logEndOffset === this.log.logEndOffset || now - f.lastCaughtUpTime <= maxLag;
  }

  /**
   * The ISR a follower would join, if it may (Partition.maybeExpandIsr): no change in flight, not in
   * the ISR yet, alive, and its LEO at or above both the HW and this epoch's start offset (lag time
   * is not considered). Marks the change pending and returns the proposed ISR.
   */
  maybeExpandIsr(replicaId: number, isAlive: boolean): readonly number[] | undefined {
    if (!this.isLeader || this.isrChangeInFlight || !isAlive) return undefined;
    if (this.isrState.isr.includes(replicaId)) return undefined;
    const f = this.followers.get(replicaId);
    if (f === undefined) return undefined;
    const inSync =
      f.logEndOffset >= this.log.highWatermark && f.logEndOffset >= (this.leaderEpochStartOffset ?? 0);
    if (!inSync) return undefined;
    const proposed = [...this.isrState.isr, replicaId];
    this.isrState = { kind: 'pending-expand', isr: this.isrState.isr, maximal: proposed, proposed };
    return proposed;
  }

  /**
   * The ISR without its members that are out of sync (Partition.maybeShrinkIsr, run every
   * replica.lag.time.max.ms / 2): a member is out of sync unless at the leader's LEO or caught up
   * within `maxLag`. Marks the change pending and returns the proposed ISR, if any member is out.
   */
  maybeShrinkIsr(now: SimTime, maxLag: SimTime): readonly number[] | undefined {
    if (!this.isLeader || this.isrChangeInFlight) return undefined;
    const out = this.isrState.isr.filter(
      (id) => id !== this.localBrokerId && !this.isCaughtUp(id, now, maxLag),
    );
    if (out.length === 0) return undefined;
    const proposed = this.isrState.isr.filter((id) => !out.includes(id));
    this.isrState = { kind: 'pending-shrink', isr: this.isrState.isr, maximal: this.isrState.isr, proposed };
    return proposed;
  }

  /**
   * The controller accepted an ISR change (AlterPartition response): commit it if it is for our
   * epoch and not older than what we hold (Partition.handleAlterPartitionUpdate).
   */
  commitIsr(isr: readonly number[], leaderEpoch: number, partitionEpoch: number): boolean {
    if (!this.isLeader || leaderEpoch !== this.leaderEpoch || partitionEpoch < this.partitionEpoch)
      return false;
    this.isrState = { kind: 'committed', isr };
    this.partitionEpoch = partitionEpoch;
    return true;
  }

  /** An ISR change the controller refused for good: back to the committed ISR. */
  abandonIsrChange(): void {
    this.isrState = { kind: 'committed', isr: this.isrState.isr };
  }

  /** The committed ISR is below the effective min.insync.replicas (capped at the replica count). */
  isUnderMinIsr(minInsyncReplicas: number): boolean {
    return this.isrState.isr.length < Math.min(minInsyncReplicas, this.replicas.length);
  }

  /**
   * Advances the HW to the least LEO among the leader, the maximal ISR and any caught-up eligible
   * replica outside it; frozen while the committed ISR is under min.insync.replicas (KAFKA-15583,
   * 3.7+). Partition.maybeIncrementLeaderHW. Returns whether the HW moved.
   */
  maybeIncrementLeaderHW(
    now: SimTime,
    maxLag: SimTime,
    minInsyncReplicas: number,
    isAlive: (id: number) => boolean,
  ): boolean {
    if (!this.isLeader || this.isUnderMinIsr(minInsyncReplicas)) return false;
    let candidate = this.log.logEndOffset;
    const maximal = this.maximalIsr;
    for (const id of this.replicas) {
      if (id === this.localBrokerId) continue;
      const f = this.followers.get(id);
      if (f === undefined) continue;
      const counts = maximal.includes(id) || (this.isCaughtUp(id, now, maxLag) && isAlive(id));
      if (counts && f.logEndOffset < candidate) candidate = f.logEndOffset;
    }
    if (candidate < 0) return false;
    return this.log.maybeIncrementHighWatermark(candidate);
  }

  /** Whether a produce with acks=all that needs `requiredOffset` can be answered, and how. */
  checkEnoughReplicasReachOffset(requiredOffset: number, minInsyncReplicas: number): ReplicationCheck {
    if (!this.isLeader) return 'NOT_LEADER_OR_FOLLOWER';
    if (this.log.highWatermark < requiredOffset) return 'pending';
    const effectiveMinIsr = Math.min(minInsyncReplicas, this.replicas.length);
    return this.maximalIsr.length >= effectiveMinIsr ? 'NONE' : 'NOT_ENOUGH_REPLICAS_AFTER_APPEND';
  }
}
