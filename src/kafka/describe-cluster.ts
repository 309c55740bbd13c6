import type { DescribedTopic } from './admin/describe.js';
import { decodePartitionState, decodeTopic, partitionStatePath, topicPath } from './zk-data.js';

/**
 * A topic as `kafka-topics.sh --describe` sees it, read from ZooKeeper's znodes (the topic's
 * assignment and each partition's state), as Kafka 2.1.1's `--zookeeper` describe read them; the
 * 3.8 tool reads the same through the brokers' metadata. `read` returns a znode's data.
 */
export function describedTopicFromZooKeeper(
  read: (path: string) => string | null | undefined,
  topic: string,
): DescribedTopic | undefined {
  const assignment = read(topicPath(topic));
  if (assignment === undefined || assignment === null) return undefined;
  const znode = decodeTopic(assignment);
  return {
    name: topic,
    ...(znode.topicId === undefined ? {} : { topicId: znode.topicId }),
    partitions: [...znode.partitions].map(([partition, replicas]) => {
      const state = read(partitionStatePath(topic, partition));
      const decoded = state === undefined || state === null ? undefined : decodePartitionState(state);
      return {
        partition,
        leader: decoded?.leader ?? null,
        replicas,
        isr: decoded?.isr ?? [],
        ...(znode.addingReplicas.has(partition)
          ? { addingReplicas: znode.addingReplicas.get(partition) }
          : {}),
        ...(znode.removingReplicas.has(partition)
          ? { removingReplicas: znode.removingReplicas.get(partition) }
          : {}),
      };
    }),
  };
}
