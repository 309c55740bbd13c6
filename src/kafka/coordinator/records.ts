import type { ProducerRecord } from '../log/record.js';
import type { ConsumerAssignment, ConsumerSubscription } from '../protocol.js';

/**
 * The records the group coordinator writes to `__consumer_offsets` (GroupMetadataManager's
 * OffsetCommitKey/Value and GroupMetadataKey/Value), as JSON strings in a ProducerRecord's key and
 * value instead of Kafka's binary schemas. A null value is a tombstone.
 *
 * - offset commit: key `{"type":"offset","group":g,"topic":t,"partition":p}`,
 *   value `{"offset":o,"leaderEpoch":e,"commitTimestamp":ms}`;
 * - group metadata: key `{"type":"group","group":g}`, value {@link GroupMetadataValue} (members
 *   carry only the metadata of the selected protocol, as Kafka stores it).
 */

export { GROUP_METADATA_TOPIC_NAME } from '../admin/topic-name.js';

export type GroupRecordKey =
  | { readonly type: 'offset'; readonly group: string; readonly topic: string; readonly partition: number }
  | { readonly type: 'group'; readonly group: string };

export interface OffsetCommitValue {
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly commitTimestamp: number;
}

export interface GroupMemberValue {
  readonly memberId: string;
  /** GroupMetadataValue v3+ (KIP-345): a static member's group.instance.id; absent for a dynamic one. */
  readonly groupInstanceId?: string | null;
  readonly clientId: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly subscription: ConsumerSubscription;
  readonly assignment: ConsumerAssignment;
}

export interface GroupMetadataValue {
  readonly protocolType: string | null;
  readonly generation: number;
  readonly protocol: string | null;
  readonly leader: string | null;
  readonly currentStateTimestamp: number;
  readonly members: readonly GroupMemberValue[];
}

export function offsetCommitRecord(
  group: string,
  topic: string,
  partition: number,
  value: OffsetCommitValue,
  timestampMs: number,
): ProducerRecord {
  const key: GroupRecordKey = { type: 'offset', group, topic, partition };
  return { key: JSON.stringify(key), value: JSON.stringify(value), timestamp: timestampMs };
}

export function groupMetadataRecord(
  group: string,
  value: GroupMetadataValue,
  timestampMs: number,
): ProducerRecord {
  const key: GroupRecordKey = { type: 'group', group };
  return { key: JSON.stringify(key), value: JSON.stringify(value), timestamp: timestampMs };
}

/** A record of `__consumer_offsets`, decoded; undefined for a record this coordinator did not write. */
export function decodeGroupRecord(
  record: ProducerRecord,
):
  | { readonly key: Extract<GroupRecordKey, { type: 'offset' }>; readonly value: OffsetCommitValue | null }
  | { readonly key: Extract<GroupRecordKey, { type: 'group' }>; readonly value: GroupMetadataValue | null }
  | undefined {
  if (record.key === null) return undefined;
  const key = JSON.parse(record.key) as GroupRecordKey;
  const value = record.value === null ? null : JSON.parse(record.value);
  if (key.type === 'offset') return { key, value: value as OffsetCommitValue | null };
  if (key.type === 'group') return { key, value: value as GroupMetadataValue | null };
  return undefined;
}
