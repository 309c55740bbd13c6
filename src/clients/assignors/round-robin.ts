/** RoundRobinAssignor (`roundrobin`) of Kafka 3.8.0. */
import {
  checkPartitionCounts,
  compareMemberInfo,
  compareStrings,
  type PartitionsPerTopic,
} from './common.js';
import type { EagerSubscription } from './range.js';
import type { TopicPartition } from './topic-partition.js';

/**
 * RoundRobinAssignor.assign: all members sorted by MemberInfo order in a circular iterator; all
 * partitions of the subscribed topics, topics by name (TreeSet) and partitions ascending; each
 * partition goes to the next member (cursor shared across topics) that subscribes to its topic.
 * No HashMap order is involved.
 */
export function roundRobinAssign(
  partitionsPerTopic: PartitionsPerTopic,
  subscriptions: Readonly<Record<string, EagerSubscription>>,
): Map<string, TopicPartition[]> {
  checkPartitionCounts(partitionsPerTopic);
  const ids = Object.keys(subscriptions);
  const sub = (id: string): EagerSubscription => subscriptions[id] as EagerSubscription;
  const assignment = new Map<string, TopicPartition[]>();
  for (const id of ids) assignment.set(id, []);

  const members = ids
    .map((id) => ({ memberId: id, groupInstanceId: sub(id).groupInstanceId }))
    .sort(compareMemberInfo)
    .map((m) => m.memberId);
  const topics = [...new Set(ids.flatMap((id) => sub(id).topics))].sort(compareStrings);

  let cursor = 0;
  for (const topic of topics) {
    // The Cluster path only passes topics whose metadata has partitions.
    const count = Object.hasOwn(partitionsPerTopic, topic) ? (partitionsPerTopic[topic] ?? 0) : 0;
    for (let partition = 0; partition < count; partition++) {
      // The topic is subscribed by someone, so this stops within one lap.
      while (!sub(members[cursor] as string).topics.includes(topic)) cursor = (cursor + 1) % members.length;
      (assignment.get(members[cursor] as string) as TopicPartition[]).push({ topic, partition });
      cursor = (cursor + 1) % members.length;
    }
  }
  return assignment;
}
