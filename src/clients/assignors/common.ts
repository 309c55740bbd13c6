/**
 * What AbstractPartitionAssignor.assign(Cluster, GroupSubscription) does before any assignor runs:
 * the leader's HashMap of subscriptions and the HashMap of subscribed topics that have partitions.
 */
import { JAVA_STRING, javaHashMapOrder } from '../../kafka/admin/java-hash-map.js';

/** Partition counts by topic name (the metadata the leader sees). */
export type PartitionsPerTopic = Readonly<Record<string, number>>;

export function checkPartitionCounts(partitionsPerTopic: PartitionsPerTopic): void {
  for (const [topic, count] of Object.entries(partitionsPerTopic)) {
    if (!Number.isInteger(count) || count < 0 || count > 2 ** 31 - 1) {
      throw new RangeError(
        `partition count of topic ${JSON.stringify(topic)} must be an integer >= 0: ${count}`,
      );
    }
  }
}

/**
 * The iteration order of the leader's `new HashMap<String, Subscription>()`
 * (ConsumerCoordinator.onLeaderElected), filled in JoinGroup response order. Here that insertion
 * order is the key order of the `subscriptions` record (JavaScript puts integer-like keys such as
 * "7" first, in numeric order; every other key in insertion order).
 */
export const memberHashMapOrder = (memberIds: readonly string[]): string[] =>
  javaHashMapOrder(memberIds, JAVA_STRING);

/**
 * AbstractPartitionAssignor.assign: the topics subscribed by any member (a HashSet filled walking
 * the members in HashMap order), kept when the metadata has at least one partition, in the order of
 * the resulting `HashMap<String, List<PartitionInfo>>`. Topics without partitions are skipped.
 */
export function subscribedTopicsWithPartitions(
  partitionsPerTopic: PartitionsPerTopic,
  memberOrder: readonly string[],
  topicsOf: (memberId: string) => readonly string[],
): Map<string, number> {
  const subscribed: string[] = [];
  for (const member of memberOrder) subscribed.push(...topicsOf(member));
  const present = javaHashMapOrder(subscribed, JAVA_STRING).filter(
    (topic) => partitionCount(partitionsPerTopic, topic) > 0,
  );
  const result = new Map<string, number>();
  for (const topic of javaHashMapOrder(present, JAVA_STRING))
    result.set(topic, partitionCount(partitionsPerTopic, topic));
  return result;
}

const partitionCount = (partitionsPerTopic: PartitionsPerTopic, topic: string): number =>
  Object.hasOwn(partitionsPerTopic, topic) ? (partitionsPerTopic[topic] ?? 0) : 0;

/**
 * AbstractPartitionAssignor.MemberInfo.compareTo: members with a group.instance.id first, by
 * instance id; then the others by member id (String.compareTo = UTF-16 code unit order).
 */
export function compareMemberInfo(
  a: { memberId: string; groupInstanceId?: string | undefined },
  b: { memberId: string; groupInstanceId?: string | undefined },
): number {
  if (a.groupInstanceId !== undefined && b.groupInstanceId !== undefined) {
    return compareStrings(a.groupInstanceId, b.groupInstanceId);
  }
  if (a.groupInstanceId !== undefined) return -1;
  if (b.groupInstanceId !== undefined) return 1;
  return compareStrings(a.memberId, b.memberId);
}

/** String.compareTo. */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
