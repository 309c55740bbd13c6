/**
 * Kafka 3.8.0's consumer partition assignors (classic protocol, no rack awareness) as pure
 * functions: `range`, `roundrobin`, `sticky` and `cooperative-sticky`.
 */
import { rangeAssign } from './range.js';
import { roundRobinAssign } from './round-robin.js';
import { cooperativeStickyAssign, type StickySubscription, stickyAssign } from './sticky.js';
import { formatTopicPartition, parseTopicPartition, type TopicPartition } from './topic-partition.js';

export type { PartitionsPerTopic } from './common.js';
export { type EagerSubscription, rangeAssign } from './range.js';
export { roundRobinAssign } from './round-robin.js';
export {
  cooperativeStickyAssign,
  type StickyResult,
  type StickySubscription,
  stickyAssign,
} from './sticky.js';
export { formatTopicPartition, parseTopicPartition, type TopicPartition } from './topic-partition.js';

export type AssignmentStrategy = 'range' | 'roundrobin' | 'sticky' | 'cooperative-sticky';

/** A member's Subscription: topics, plus for the sticky assignors what it owned and in which generation. */
export interface MemberSubscription {
  topics: string[];
  /** "topic-N" partitions the member owned (cooperative-sticky: Subscription.ownedPartitions; sticky: its userData). */
  ownedPartitions?: string[];
  /** Generation of ownedPartitions (Subscription.generationId / the StickyAssignor userData generation). */
  generation?: number;
}

/**
 * The leader's assignment for `strategy`. The order of the `subscriptions` keys is the JoinGroup
 * order in which the leader filled its HashMap (it matters only for the sticky assignors, and only
 * when member ids collide in that HashMap). Every member is a key of the result; each list is in
 * the order of the List Kafka's assignor returns for that member.
 */
export function assignPartitions(
  strategy: AssignmentStrategy,
  partitionsPerTopic: Record<string, number>,
  subscriptions: Record<string, { topics: string[]; ownedPartitions?: string[]; generation?: number }>,
): Record<string, string[]> {
  const ids = Object.keys(subscriptions);
  let assignment: Map<string, TopicPartition[]>;
  if (ids.length === 0) {
    assignment = new Map();
  } else if (strategy === 'range') {
    assignment = rangeAssign(partitionsPerTopic, subscriptions);
  } else if (strategy === 'roundrobin') {
    assignment = roundRobinAssign(partitionsPerTopic, subscriptions);
  } else if (strategy === 'sticky' || strategy === 'cooperative-sticky') {
    const sticky: Record<string, StickySubscription> = {};
    for (const id of ids) {
      const sub = subscriptions[id] as MemberSubscription;
      sticky[id] = {
        topics: sub.topics,
        ...(sub.ownedPartitions === undefined
          ? {}
          : { ownedPartitions: sub.ownedPartitions.map(parseTopicPartition) }),
        ...(sub.generation === undefined ? {} : { generation: sub.generation }),
      };
    }
    assignment =
      strategy === 'sticky'
        ? stickyAssign(partitionsPerTopic, sticky).assignment
        : cooperativeStickyAssign(partitionsPerTopic, sticky);
  } else {
    throw new RangeError(`unknown assignment strategy: ${String(strategy)}`);
  }
  const result: Record<string, string[]> = {};
  for (const id of ids) result[id] = (assignment.get(id) ?? []).map(formatTopicPartition);
  return result;
}
