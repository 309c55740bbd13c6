import { javaStringHashCode } from '../kafka/admin/java-hash-map.js';

/** Kafka's Utils.abs: the absolute value, with Integer.MIN_VALUE mapped to 0 rather than itself. */
export function javaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n);
}

/**
 * The `__consumer_offsets` partition whose leader coordinates `groupId`
 * (GroupMetadataManager.partitionFor): Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions.
 */
export function coordinatorPartition(groupId: string, offsetsTopicPartitions = 50): number {
  if (!(Number.isInteger(offsetsTopicPartitions) && offsetsTopicPartitions > 0)) {
    throw new RangeError(
      `coordinatorPartition: the partition count must be a positive integer, got ${offsetsTopicPartitions}`,
    );
  }
  return javaAbs(javaStringHashCode(groupId)) % offsetsTopicPartitions;
}
