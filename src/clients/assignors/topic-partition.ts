/**
 * org.apache.kafka.common.TopicPartition for the assignors: the value, its "topic-N" text form, and
 * the Java hashCode that decides where it sits in a HashMap/HashSet.
 */
import { type JavaKeyType, javaHashMapOrder, javaStringHashCode } from '../../kafka/admin/java-hash-map.js';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** TopicPartition.toString: "topic-N". */
export const formatTopicPartition = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

/** Reads "topic-N"; the topic may itself contain '-', the partition is after the last one. */
export function parseTopicPartition(text: string): TopicPartition {
  const dash = text.lastIndexOf('-');
  const digits = text.slice(dash + 1);
  if (dash <= 0 || !/^(0|[1-9][0-9]*)$/.test(digits) || Number(digits) > 2 ** 31 - 1) {
    throw new RangeError(`not a topic partition "topic-N": ${JSON.stringify(text)}`);
  }
  return { topic: text.slice(0, dash), partition: Number(digits) };
}

/** A Map/Set key for a partition (the same as its text form). */
export const tpKey = formatTopicPartition;

export const sameTopicPartition = (a: TopicPartition, b: TopicPartition): boolean =>
  a.topic === b.topic && a.partition === b.partition;

/** TopicPartition.hashCode: 31 * (31 + partition) + topic.hashCode(), in 32 bits. */
export function javaTopicPartitionHashCode(tp: TopicPartition): number {
  return (Math.imul(31, (31 + tp.partition) | 0) + javaStringHashCode(tp.topic)) | 0;
}

/**
 * TopicPartition as a HashMap key. TopicPartition is not Comparable, so Java would order colliding
 * keys of a tree bin by identity hash; the text order used here only matters in that (ignored) case.
 */
export const JAVA_TOPIC_PARTITION: JavaKeyType<TopicPartition> = {
  hashCode: javaTopicPartitionHashCode,
  compare: (a, b) => {
    const x = tpKey(a);
    const y = tpKey(b);
    return x < y ? -1 : x > y ? 1 : 0;
  },
};

/** java.util.HashSet<TopicPartition> with removals: its capacity never shrinks. */
export class JavaTopicPartitionHashSet {
  private readonly entries = new Map<string, TopicPartition>();
  private capacity = 16;

  get size(): number {
    return this.entries.size;
  }

  add(tp: TopicPartition): void {
    const key = tpKey(tp);
    if (this.entries.has(key)) return;
    this.entries.set(key, tp);
    // HashMap.putVal: resize once ++size > 0.75 * capacity.
    if (this.entries.size > this.capacity * 0.75) this.capacity *= 2;
  }

  delete(tp: TopicPartition): void {
    this.entries.delete(tpKey(tp));
  }

  /** iterator().next(): buckets in order, insertion order inside a bucket (tree bins ignored). */
  first(): TopicPartition | undefined {
    const ordered = javaHashMapOrder([...this.entries.values()], JAVA_TOPIC_PARTITION, this.capacity);
    return ordered[0];
  }
}
