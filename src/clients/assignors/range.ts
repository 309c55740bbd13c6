/** RangeAssignor (`range`) of Kafka 3.8.0, without rack awareness (client.rack unset). */
import {
  checkPartitionCounts,
  compareMemberInfo,
  memberHashMapOrder,
  type PartitionsPerTopic,
  subscribedTopicsWithPartitions,
} from './common.js';
import type { TopicPartition } from './topic-partition.js';

/** A member's subscription as the eager assignors (range, roundrobin) read it. */
export interface EagerSubscription {
  readonly topics: readonly string[];
  /** group.instance.id of a static member. */
  readonly groupInstanceId?: string;
}

/**
 * RangeAssignor.assignPartitions: topic by topic, the members subscribed to the topic sorted by
 * MemberInfo order take contiguous ranges of floor(n/k) partitions, the first n mod k one more.
 * Each member's list follows the topic order of the partitionsPerTopic HashMap.
 */
export function rangeAssign(
  partitionsPerTopic: PartitionsPerTopic,
  subscriptions: Readonly<Record<string, EagerSubscription>>,
): Map<string, TopicPartition[]> {
  checkPartitionCounts(partitionsPerTopic);
  const order = memberHashMapOrder(Object.keys(subscriptions));
  const sub = (id: string): EagerSubscription => subscriptions[id] as EagerSubscription;
  const topics = subscribedTopicsWithPartitions(partitionsPerTopic, order, (id) => sub(id).topics);

  const assignment = new Map<string, TopicPartition[]>();
  for (const id of Object.keys(subscriptions)) assignment.set(id, []);

  // consumersPerTopic: members in HashMap order; TopicAssignmentState sorts them (stable) and
  // drops repeats (a LinkedHashMap keyed by member id).
  for (const [topic, count] of topics) {
    const members = order
      .filter((id) => sub(id).topics.includes(topic))
      .map((id) => ({ memberId: id, groupInstanceId: sub(id).groupInstanceId }))
      .sort(compareMemberInfo)
      .map((m) => m.memberId);
    if (members.length === 0) continue;
    const perMember = Math.trunc(count / members.length);
    let withExtra = count % members.length;
    let next = 0;
    for (const member of members) {
      if (next >= count) break;
      const take = Math.min(perMember + (withExtra > 0 ? 1 : 0), count - next);
      if (take === 0) continue;
      const list = assignment.get(member) as TopicPartition[];
      for (let i = 0; i < take; i++) list.push({ topic, partition: next + i });
      next += take;
      if (take > perMember) withExtra--;
    }
  }
  return assignment;
}
