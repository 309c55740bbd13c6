/**
 * `kafka-topics.sh --describe` output, byte for byte, for Kafka 3.8.0 (TopicCommand in tools/,
 * talking to the brokers through the AdminClient) and Kafka 2.1.1 (kafka.admin.TopicCommand,
 * reading ZooKeeper directly). See docs/research/controller-and-zookeeper.md §7.
 */
import { JAVA_STRING, javaHashMapOrder } from './java-hash-map.js';
import { DEFAULT_KAFKA_VERSION, type KafkaVersion } from './kafka-version.js';

/** No leader: what ZooKeeper's partition state holds (-1) and the AdminClient turns into `none`. */
export const NO_LEADER = -1;

/** Uuid.ZERO_UUID as Kafka prints it: a topic without an id. */
export const ZERO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

export interface DescribedPartition {
  readonly partition: number;
  /**
   * The leader's id, or NO_LEADER (-1) (-2 while the topic is being deleted). 3.8.0 prints any
   * negative id as `none`; 2.1.1 prints the raw number. `null` means the partition has no state
   * znode at all (it never came online): 2.1.1 then prints `Leader: none` and an empty ISR.
   */
  readonly leader: number | null;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** Replicas a reassignment is adding; printed (3.8.0) only while a reassignment is in progress. */
  readonly addingReplicas?: readonly number[];
  /** Replicas a reassignment is removing. */
  readonly removingReplicas?: readonly number[];
}

export interface DescribedTopic {
  readonly name: string;
  /** The topic id (base64 Uuid); absent or ZERO_TOPIC_ID when the topic has none. 3.8.0 only. */
  readonly topicId?: string;
  /**
   * Configs that are not defaults, printed `k=v` joined by `,` in the order given. (3.8.0 prints
   * them in the java.util.HashMap order of all the topic's config names, 2.1.1 in the order of the
   * topic's override Properties; callers choose the order.)
   */
  readonly configs?: readonly (readonly [string, string])[];
  readonly partitions: readonly DescribedPartition[];
  /** `/admin/delete_topics/<name>` exists: 2.1.1 says so in the header; 3.8.0 never prints it. */
  readonly markedForDeletion?: boolean;
}

export interface DescribeOptions {
  /** Which kafka-topics.sh to imitate; default 3.8.0. */
  readonly version?: KafkaVersion;
  /** The line separator (Java's line.separator); default `\n`. */
  readonly lineSeparator?: string;
}

const ids = (brokers: readonly number[] | undefined): string => (brokers ?? []).join(',');

const isReassigning = (p: DescribedPartition): boolean =>
  (p.addingReplicas?.length ?? 0) > 0 || (p.removingReplicas?.length ?? 0) > 0;

const byPartition = (topic: DescribedTopic): DescribedPartition[] =>
  [...topic.partitions].sort((a, b) => a.partition - b.partition);

/**
 * The order 3.8.0 prints several topics in: TopicCommand sorts the names, the AdminClient puts
 * them into a `new HashMap<>(n)` of futures, DescribeTopicsResult copies that into another
 * `new HashMap<>(n)`, and TopicCommand walks its values (KafkaAdminClient and
 * DescribeTopicsResult.all at 3.8.0).
 */
export function describeTopicOrder38(names: readonly string[]): string[] {
  const sorted = [...new Set(names)].sort(JAVA_STRING.compare);
  const futures = javaHashMapOrder(sorted, JAVA_STRING, sorted.length);
  return javaHashMapOrder(futures, JAVA_STRING, futures.length);
}

/** The header and partition lines of one topic as 3.8.0 prints them (TopicCommand, TC:294-389). */
function describeTopic38(topic: DescribedTopic): string[] {
  const partitions = byPartition(topic);
  const first = partitions[0];
  // During a reassignment of the first partition its replica list includes the replicas being
  // added; the replication factor is what it will be once they are in and the removed ones gone.
  const replicationFactor =
    first === undefined
      ? 0
      : first.replicas.length - (isReassigning(first) ? (first.addingReplicas?.length ?? 0) : 0);
  const configs = (topic.configs ?? []).map(([key, value]) => `${key}=${value}`).join(',');
  const hasId = topic.topicId !== undefined && topic.topicId !== ZERO_TOPIC_ID;
  const header =
    `Topic: ${topic.name}` +
    (hasId ? `\tTopicId: ${topic.topicId}` : '') +
    `\tPartitionCount: ${partitions.length}\tReplicationFactor: ${replicationFactor}\tConfigs: ${configs}`;
  const lines = partitions.map((p) => {
    // The Metadata response drops negative leader ids (-1, and -2 while a topic is being deleted).
    const leader = p.leader === null || p.leader < 0 ? 'none' : String(p.leader);
    const reassignment = isReassigning(p)
      ? `\tAdding Replicas: ${ids(p.addingReplicas)}\tRemoving Replicas: ${ids(p.removingReplicas)}`
      : '';
    // A ZooKeeper-mode broker has no DescribeTopicPartitions API, so the AdminClient falls back to
    // Metadata, which carries no ELR: both columns always read N/A.
    return (
      `\tTopic: ${topic.name}\tPartition: ${p.partition}\tLeader: ${leader}` +
      `\tReplicas: ${ids(p.replicas)}\tIsr: ${ids(p.isr)}${reassignment}\tElr: N/A\tLastKnownElr: N/A`
    );
  });
  return [header, ...lines];
}

/** One topic as 2.1.1 prints it (kafka.admin.TopicCommand.describeTopic at tag 2.1.1). */
function describeTopic211(topic: DescribedTopic): string[] {
  const partitions = byPartition(topic);
  // 2.1.1 takes the first entry of its Scala assignment map, which is not always partition 0; the
  // counts only differ while a 2.1.1 reassignment has written old and new replicas together.
  const replicationFactor = partitions[0]?.replicas.length ?? 0;
  const configs = (topic.configs ?? []).map(([key, value]) => `${key}=${value}`).join(',');
  const header =
    `Topic:${topic.name}\tPartitionCount:${partitions.length}\tReplicationFactor:${replicationFactor}` +
    `\tConfigs:${configs}${topic.markedForDeletion ? '\tMarkedForDeletion:true' : ''}`;
  const lines = partitions.map((p) => {
    // The raw leader field of the state znode: -1 prints as -1; without a znode, none and no ISR.
    const leader = p.leader === null ? 'none' : String(p.leader);
    const isr = p.leader === null ? '' : ids(p.isr);
    return `\tTopic: ${topic.name}\tPartition: ${p.partition}\tLeader: ${leader}\tReplicas: ${ids(p.replicas)}\tIsr: ${isr}`;
  });
  return [header, ...lines];
}

/**
 * What `kafka-topics.sh --describe` prints for these topics, every line ended by the line
 * separator. Topics come in the order the tool prints them: Java HashMap order in 3.8.0, sorted by
 * name in 2.1.1; partitions sorted by id.
 */
export function describeTopics(topics: readonly DescribedTopic[], options: DescribeOptions = {}): string {
  const version = options.version ?? DEFAULT_KAFKA_VERSION;
  const separator = options.lineSeparator ?? '\n';
  const byName = new Map(topics.map((topic) => [topic.name, topic]));
  const order =
    version === '3.8.0'
      ? describeTopicOrder38([...byName.keys()])
      : [...byName.keys()].sort(JAVA_STRING.compare);
  const describeOne = version === '3.8.0' ? describeTopic38 : describeTopic211;
  return order
    .flatMap((name) => describeOne(byName.get(name) as DescribedTopic))
    .map((line) => `${line}${separator}`)
    .join('');
}
