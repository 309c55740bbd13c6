import { coordinatorPartition } from '../../clients/coordinator.js';
import { ms, toMillis } from '../../sim/time.js';
import type { BrokerConfig } from '../config.js';
import type { ErrorName } from '../errors.js';
import type { ProducerRecord, RecordBatch } from '../log/record.js';
import {
  type ConsumerAssignment,
  type OffsetCommitPartition,
  type TopicPartition,
  tpKey,
} from '../protocol.js';
import { type CommittedOffset, GroupMetadata } from './group-metadata.js';
import { MemberMetadata } from './member-metadata.js';
import {
  decodeGroupRecord,
  GROUP_METADATA_TOPIC_NAME,
  type GroupMetadataValue,
  groupMetadataRecord,
  type OffsetCommitValue,
  offsetCommitRecord,
} from './records.js';
import type { CoordinatorIO } from './timers.js';

/** What the manager needs of the replica manager: its internal append and a read of a local replica. */
export interface OffsetsTopicLog {
  appendToLocalLog(
    topic: string,
    partition: number,
    records: readonly ProducerRecord[],
    acks: number,
    timeoutMs: number,
    done: (error: ErrorName, baseOffset: number) => void,
  ): void;
  /** The batches of the local replica, undefined if this broker has none. */
  readLocal(topic: string, partition: number): readonly RecordBatch[] | undefined;
}

/** An offset in OffsetFetch's answer. */
export type FetchedOffset = OffsetCommitPartition & { readonly error: ErrorName };

/**
 * Loading takes simulated time (Kafka reads the partition on its scheduler thread): 1 ms, plus 1 ms
 * per 1000 records replayed. A stand-in; Kafka's time depends on the log's bytes and the disk.
 */
const LOAD_RECORDS_PER_MS = 1000;

/**
 * The coordinator's cache and its log (GroupMetadataManager.scala at 3.8.0): which offsets
 * partitions this broker owns or is loading, the groups of those partitions with their offsets,
 * and the writes to `__consumer_offsets` (storeGroup, storeOffsets) that answer only once the
 * append is acknowledged by acks = offsets.commit.required.acks (-1) within offsets.commit.timeout.ms.
 */
export class GroupMetadataManager {
  readonly groups = new Map<string, GroupMetadata>();
  readonly ownedPartitions = new Set<number>();
  readonly loadingPartitions = new Set<number>();
  /** epochForPartitionId: the newest coordinator epoch seen per partition. */
  private readonly epochs = new Map<number, number>();
  private readonly partitionCount: number;

  constructor(
    private readonly io: CoordinatorIO,
    private readonly config: BrokerConfig,
    private readonly log: OffsetsTopicLog,
    private readonly nextTimerId: () => number,
    private readonly onGroupLoaded: (group: GroupMetadata) => void,
    private readonly onGroupUnloaded: (group: GroupMetadata) => void,
  ) {
    // Kafka reads the topic's partition count from ZooKeeper at startup if it exists; the config here.
    this.partitionCount = config['offsets.topic.num.partitions'];
  }

  private get nowMs(): number {
    return Math.floor(toMillis(this.io.now));
  }

  /** GroupMetadataManager.partitionFor: Utils.abs(groupId.hashCode) % offsets.topic.num.partitions. */
  partitionFor(groupId: string): number {
    return coordinatorPartition(groupId, this.partitionCount);
  }

  isGroupLoading(groupId: string): boolean {
    return this.loadingPartitions.has(this.partitionFor(groupId));
  }

  isGroupLocal(groupId: string): boolean {
    return this.ownedPartitions.has(this.partitionFor(groupId));
  }

  getGroup(groupId: string): GroupMetadata | undefined {
    return this.groups.get(groupId);
  }

  /** getOrMaybeCreateGroup: a JoinGroup without member id creates an Empty group. */
  getOrMaybeCreateGroup(groupId: string, createIfNotExist: boolean): GroupMetadata | undefined {
    const group = this.groups.get(groupId);
    if (group !== undefined || !createIfNotExist) return group;
    return this.addGroup(new GroupMetadata(groupId, 'Empty', this.nowMs));
  }

  addGroup(group: GroupMetadata): GroupMetadata {
    const existing = this.groups.get(group.groupId);
    if (existing !== undefined) return existing;
    this.groups.set(group.groupId, group);
    return group;
  }

  // ---- writes ----------------------------------------------------------------------------------

  private append(
    groupId: string,
    records: ProducerRecord[],
    done: (error: ErrorName, baseOffset: number) => void,
  ) {
    this.log.appendToLocalLog(
      GROUP_METADATA_TOPIC_NAME,
      this.partitionFor(groupId),
      records,
      this.config['offsets.commit.required.acks'],
      this.config['offsets.commit.timeout.ms'],
      done,
    );
  }

  /**
   * storeGroup: the group's record with the given assignment (members carry the selected
   * protocol's metadata only). Append errors map as GroupMetadataManager.storeGroup does.
   */
  storeGroup(
    group: GroupMetadata,
    assignment: ReadonlyMap<string, ConsumerAssignment>,
    done: (error: ErrorName) => void,
  ): void {
    const protocol = group.protocolName;
    const value: GroupMetadataValue = {
      protocolType: group.protocolType,
      generation: group.generationId,
      protocol,
      leader: group.leaderId,
      currentStateTimestamp: group.currentStateTimestamp,
      members:
        protocol === null
          ? []
          : group.allMembers().map((m) => ({
              memberId: m.memberId,
              ...(m.groupInstanceId === null ? {} : { groupInstanceId: m.groupInstanceId }),
              clientId: m.clientId,
              rebalanceTimeoutMs: m.rebalanceTimeoutMs,
              sessionTimeoutMs: m.sessionTimeoutMs,
              subscription: m.metadata(protocol),
              assignment: assignment.get(m.memberId) ?? { partitions: [] },
            })),
    };
    this.append(group.groupId, [groupMetadataRecord(group.groupId, value, this.nowMs)], (error) => {
      done(mapStoreError(error, 'group'));
    });
  }

  /**
   * storeOffsets: stage the commits (pendingOffsetCommits), append them in one batch, and on
   * acknowledgement put them in the cache (unless the group died meanwhile).
   */
  storeOffsets(
    group: GroupMetadata,
    offsets: readonly OffsetCommitPartition[],
    done: (results: readonly (TopicPartition & { readonly error: ErrorName })[]) => void,
  ): void {
    if (offsets.length === 0) {
      done([]);
      return;
    }
    const now = this.nowMs;
    const staged = offsets.map((o) => ({
      key: tpKey(o.topic, o.partition),
      committed: {
        topic: o.topic,
        partition: o.partition,
        offset: o.committedOffset,
        leaderEpoch: o.committedLeaderEpoch,
        commitTimestamp: now,
        recordOffset: -1,
      } satisfies CommittedOffset,
    }));
    const records = offsets.map((o) => {
      const value: OffsetCommitValue = {
        offset: o.committedOffset,
        leaderEpoch: o.committedLeaderEpoch,
        commitTimestamp: now,
      };
      return offsetCommitRecord(group.groupId, o.topic, o.partition, value, now);
    });
    for (const s of staged) group.pendingOffsetCommits.set(s.key, s.committed); // prepareOffsetCommit
    // A bound method, not a closure per commit: it keeps its optimized code (bench:churn).
    this.append(group.groupId, records, this.onOffsetsAppended.bind(this, group, offsets, staged, done));
  }

  /** storeOffsets' putCacheCallback: the commits go to the cache, or their staging is undone. */
  private onOffsetsAppended(
    group: GroupMetadata,
    offsets: readonly OffsetCommitPartition[],
    staged: readonly { readonly key: string; readonly committed: CommittedOffset }[],
    done: (results: readonly (TopicPartition & { readonly error: ErrorName })[]) => void,
    error: ErrorName,
    baseOffset: number,
  ): void {
    if (!group.is('Dead')) {
      for (const s of staged) {
        if (error === 'NONE') group.onOffsetCommitAppend(s.key, { ...s.committed, recordOffset: baseOffset });
        else group.failPendingOffsetWrite(s.key, s.committed);
      }
    }
    const mapped = mapStoreError(error, 'offsets');
    done(offsets.map((o) => ({ topic: o.topic, partition: o.partition, error: mapped })));
  }

  /**
   * getOffsets with requireStable = true (what the 3.8 consumer sends): a partition with a commit
   * in flight answers UNSTABLE_OFFSET_COMMIT; no group, a Dead group or no commit: offset -1.
   */
  getOffsets(groupId: string, partitions: readonly TopicPartition[] | undefined): FetchedOffset[] {
    const none = (p: TopicPartition): FetchedOffset => ({
      topic: p.topic,
      partition: p.partition,
      committedOffset: -1,
      committedLeaderEpoch: -1,
      error: 'NONE',
    });
    const group = this.groups.get(groupId);
    if (group === undefined || group.is('Dead')) return (partitions ?? []).map(none);
    const found = (o: CommittedOffset): FetchedOffset => ({
      topic: o.topic,
      partition: o.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: o.leaderEpoch,
      error: 'NONE',
    });
    if (partitions === undefined) {
      // Kafka walks a HashMap; here by topic, then partition.
      return [...group.offsets.values()]
        .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition))
        .map(found);
    }
    return partitions.map((p) => {
      const key = tpKey(p.topic, p.partition);
      if (group.hasPendingOffsetCommit(key)) return { ...none(p), error: 'UNSTABLE_OFFSET_COMMIT' };
      const committed = group.offsets.get(key);
      return committed === undefined ? none(p) : found(committed);
    });
  }

  // ---- loading and unloading -------------------------------------------------------------------

  /** maybeUpdateCoordinatorEpoch: keep the newest epoch; false if `epoch` is older than it. */
  private maybeUpdateCoordinatorEpoch(partition: number, epoch: number | undefined): boolean {
    const current = this.epochs.get(partition);
    let updated = current;
    if (current === undefined) updated = epoch;
    else if (epoch !== undefined && epoch > current) updated = epoch;
    if (updated === undefined) this.epochs.delete(partition);
    else this.epochs.set(partition, updated);
    return epoch === undefined || epoch === updated;
  }

  /** scheduleLoadGroupAndOffsets: the load runs as a task on the broker's scheduler. */
  scheduleLoad(partition: number, epoch: number): void {
    this.io.note(
      `Scheduling loading of offsets and group metadata from ${GROUP_METADATA_TOPIC_NAME}-${partition} for epoch ${epoch}`,
    );
    this.io.setTimer(0, { kind: 'group-coordinator', op: 'load', id: this.nextTimerId(), partition, epoch });
  }

  /** removeGroupsForPartition: the unload runs as a task on the broker's scheduler. */
  scheduleUnload(partition: number, epoch: number | undefined): void {
    // No trace note here: every follower transition of an offsets partition resigns, owned or not.
    this.io.setTimer(0, {
      kind: 'group-coordinator',
      op: 'unload',
      id: this.nextTimerId(),
      partition,
      epoch,
    });
  }

  /** loadGroupsAndOffsets, first half: check the epoch, mark the partition loading, read for a while. */
  startLoad(partition: number, epoch: number): void {
    if (!this.maybeUpdateCoordinatorEpoch(partition, epoch)) return;
    if (this.ownedPartitions.has(partition) || this.loadingPartitions.has(partition)) return;
    this.loadingPartitions.add(partition);
    const records =
      this.log.readLocal(GROUP_METADATA_TOPIC_NAME, partition)?.reduce((n, b) => n + b.records.length, 0) ??
      0;
    const delayMs = 1 + Math.floor(records / LOAD_RECORDS_PER_MS);
    this.io.setTimer(ms(delayMs), {
      kind: 'group-coordinator',
      op: 'load-done',
      id: this.nextTimerId(),
      partition,
      epoch,
    });
  }

  /**
   * doLoadGroupsAndOffsets: replay the local replica to its log end, the last group record per group
   * and the last commit per partition winning (tombstones remove); then the partition is owned and
   * every loaded group goes through onGroupLoaded.
   */
  finishLoad(partition: number, epoch: number): void {
    if (!this.loadingPartitions.has(partition) || this.epochs.get(partition) !== epoch) return;
    const offsets = new Map<string, Map<string, CommittedOffset>>();
    const groupRecords = new Map<string, GroupMetadataValue | null>();
    for (const batch of this.log.readLocal(GROUP_METADATA_TOPIC_NAME, partition) ?? []) {
      batch.records.forEach((record, i) => {
        const decoded = decodeGroupRecord(record);
        if (decoded === undefined) return;
        if (decoded.key.type === 'offset') {
          const { group, topic, partition: p } = decoded.key;
          const byGroup = offsets.get(group) ?? new Map<string, CommittedOffset>();
          offsets.set(group, byGroup);
          const value = decoded.value as OffsetCommitValue | null;
          if (value === null) byGroup.delete(tpKey(topic, p));
          else
            byGroup.set(tpKey(topic, p), {
              topic,
              partition: p,
              offset: value.offset,
              leaderEpoch: value.leaderEpoch,
              commitTimestamp: value.commitTimestamp,
              recordOffset: batch.baseOffset + i,
            });
        } else {
          groupRecords.delete(decoded.key.group); // the last record decides the order, too
          groupRecords.set(decoded.key.group, decoded.value as GroupMetadataValue | null);
        }
      });
    }
    this.loadingPartitions.delete(partition);
    this.ownedPartitions.add(partition);
    const loaded: GroupMetadata[] = [];
    for (const [groupId, value] of groupRecords) {
      if (value === null) continue; // a tombstone: the group was deleted
      loaded.push(this.readGroup(groupId, value, offsets.get(groupId)));
    }
    // Groups with offsets but no group record (manual-assignment committers) load as Empty groups.
    for (const [groupId, byGroup] of offsets) {
      if (groupRecords.has(groupId) || byGroup.size === 0) continue;
      loaded.push(this.readGroup(groupId, undefined, byGroup));
    }
    let count = 0;
    for (const group of loaded) {
      if (this.groups.has(group.groupId)) continue;
      this.groups.set(group.groupId, group);
      count++;
      this.onGroupLoaded(group);
    }
    this.io.note(
      `Finished loading offsets and group metadata from ${GROUP_METADATA_TOPIC_NAME}-${partition}: ${count} group(s)`,
    );
  }

  /** readGroupMessageValue + loadGroup: Empty without members, else Stable, with the stored generation. */
  private readGroup(
    groupId: string,
    value: GroupMetadataValue | undefined,
    offsets: ReadonlyMap<string, CommittedOffset> | undefined,
  ): GroupMetadata {
    const state = value === undefined || value.members.length === 0 ? 'Empty' : 'Stable';
    const group = new GroupMetadata(groupId, state, value?.currentStateTimestamp ?? this.nowMs);
    if (value !== undefined) {
      group.generationId = value.generation;
      group.protocolType = value.protocolType;
      group.protocolName = value.protocol;
      for (const m of value.members) {
        const member = new MemberMetadata(
          m.memberId,
          m.groupInstanceId ?? null,
          m.clientId,
          m.rebalanceTimeoutMs,
          m.sessionTimeoutMs,
          value.protocolType ?? 'consumer',
          [{ name: value.protocol ?? '', metadata: m.subscription }],
        );
        member.assignment = m.assignment;
        group.add(member);
      }
      group.protocolType = value.protocolType;
      group.leaderId = value.leader;
    }
    for (const [key, o] of offsets ?? []) group.offsets.set(key, o);
    return group;
  }

  /** removeGroupsAndOffsets: unless the epoch is stale, drop ownership and unload the partition's groups. */
  unload(partition: number, epoch: number | undefined): void {
    if (!this.maybeUpdateCoordinatorEpoch(partition, epoch)) return;
    const wasOwned = this.ownedPartitions.has(partition) || this.loadingPartitions.has(partition);
    this.ownedPartitions.delete(partition);
    this.loadingPartitions.delete(partition);
    let count = 0;
    for (const group of [...this.groups.values()]) {
      if (this.partitionFor(group.groupId) !== partition) continue;
      this.onGroupUnloaded(group);
      this.groups.delete(group.groupId);
      count++;
    }
    if (wasOwned || count > 0)
      this.io.note(`Finished unloading ${GROUP_METADATA_TOPIC_NAME}-${partition}: removed ${count} group(s)`);
  }
}

/**
 * GroupMetadataManager's mapping of append errors for storeGroup and storeOffsets: they differ only
 * in a timeout, which a group store answers as REBALANCE_IN_PROGRESS and an offset store keeps.
 */
function mapStoreError(error: ErrorName, store: 'group' | 'offsets'): ErrorName {
  switch (error) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
    case 'NOT_ENOUGH_REPLICAS':
    case 'NOT_ENOUGH_REPLICAS_AFTER_APPEND':
      return 'COORDINATOR_NOT_AVAILABLE';
    case 'NOT_LEADER_OR_FOLLOWER':
      return 'NOT_COORDINATOR';
    case 'REQUEST_TIMED_OUT':
      return store === 'group' ? 'REBALANCE_IN_PROGRESS' : error;
    default:
      return error;
  }
}
