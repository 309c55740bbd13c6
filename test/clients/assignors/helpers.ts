import { formatTopicPartition, type TopicPartition } from '../../../src/clients/assignors/index.js';

/** Each member's partitions as a sorted list (for Kafka tests that compare sets). */
export function asSets(assignment: Record<string, string[]>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [member, list] of Object.entries(assignment)) result[member] = [...list].sort();
  return result;
}

/** Member subscriptions from each member's topic list, as assignPartitions takes them. */
export function subscribing(topicsByMember: Record<string, string[]>): Record<string, { topics: string[] }> {
  return Object.fromEntries(Object.entries(topicsByMember).map(([member, topics]) => [member, { topics }]));
}

export function fromMap(assignment: Map<string, TopicPartition[]>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [member, list] of assignment) result[member] = list.map(formatTopicPartition);
  return result;
}

/** "t-0" ... for partitions 0..n-1 of one topic. */
export const parts = (topic: string, ...partitions: number[]): string[] =>
  partitions.map((p) => `${topic}-${p}`);
