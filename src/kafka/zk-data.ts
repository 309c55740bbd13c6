/**
 * Kafka's ZooKeeper paths and the JSON it writes there (ZkData.scala at 3.8.0; see
 * docs/research/controller-and-zookeeper.md §1). Kafka builds several of these objects from Scala
 * hash maps, so their key order is not the source's; kafka-sim writes one fixed order per znode,
 * the one real 3.x clusters show where known. Readers parse the JSON, so the order never matters.
 */

export const BROKER_IDS_PATH = '/brokers/ids';
export const BROKER_TOPICS_PATH = '/brokers/topics';
export const CONTROLLER_PATH = '/controller';
export const CONTROLLER_EPOCH_PATH = '/controller_epoch';
export const ISR_CHANGE_NOTIFICATION_PATH = '/isr_change_notification';
export const DELETE_TOPICS_PATH = '/admin/delete_topics';
export const REASSIGN_PARTITIONS_PATH = '/admin/reassign_partitions';
export const PREFERRED_REPLICA_ELECTION_PATH = '/admin/preferred_replica_election';
export const CONFIG_TOPICS_PATH = '/config/topics';

/** The persistent paths a broker creates at startup (ZkData.PersistentZkPaths), in Kafka's order. */
export const PERSISTENT_ZK_PATHS = [
  '/consumers',
  BROKER_IDS_PATH,
  BROKER_TOPICS_PATH,
  '/config/changes',
  DELETE_TOPICS_PATH,
  '/brokers/seqid',
  ISR_CHANGE_NOTIFICATION_PATH,
  '/latest_producer_id_block',
  '/log_dir_event_notification',
  CONFIG_TOPICS_PATH,
  '/config/clients',
  '/config/users',
  '/config/brokers',
  '/config/ips',
] as const;

export const brokerPath = (id: number): string => `${BROKER_IDS_PATH}/${id}`;
export const topicPath = (topic: string): string => `${BROKER_TOPICS_PATH}/${topic}`;
export const partitionsPath = (topic: string): string => `${topicPath(topic)}/partitions`;
export const partitionPath = (topic: string, partition: number): string =>
  `${partitionsPath(topic)}/${partition}`;
export const partitionStatePath = (topic: string, partition: number): string =>
  `${partitionPath(topic, partition)}/state`;
export const topicConfigPath = (topic: string): string => `${CONFIG_TOPICS_PATH}/${topic}`;

/** `/brokers/ids/<id>`, version 5 (IBP >= 2.7-IV0), one PLAINTEXT listener. */
export function encodeBrokerRegistration(host: string, port: number, timestampMs: number): string {
  return JSON.stringify({
    features: {},
    listener_security_protocol_map: { PLAINTEXT: 'PLAINTEXT' },
    endpoints: [`PLAINTEXT://${host}:${port}`],
    jmx_port: -1,
    port,
    host,
    version: 5,
    timestamp: String(timestampMs),
  });
}

export function decodeBrokerRegistration(json: string): { host: string; port: number } {
  const value = JSON.parse(json) as { host: string; port: number };
  return { host: value.host, port: value.port };
}

/** `/controller`: version 2, the id, and the registration time as a string (4 keys keep this order). */
export function encodeController(brokerId: number, timestampMs: number): string {
  return JSON.stringify({
    version: 2,
    brokerid: brokerId,
    timestamp: String(timestampMs),
    kraftControllerEpoch: -1,
  });
}

export function decodeController(json: string): number {
  return (JSON.parse(json) as { brokerid: number }).brokerid;
}

/** A partition's leader and ISR (`/brokers/topics/<t>/partitions/<p>/state`). */
export interface PartitionStateZNode {
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly controllerEpoch: number;
  /** 1 (RECOVERING) after an unclean election at IBP >= 3.2; omitted when RECOVERED. */
  readonly leaderRecoveryState?: 1;
}

export function encodePartitionState(state: PartitionStateZNode): string {
  return JSON.stringify({
    controller_epoch: state.controllerEpoch,
    leader: state.leader,
    version: 1,
    leader_epoch: state.leaderEpoch,
    isr: state.isr,
    ...(state.leaderRecoveryState === 1 ? { leader_recovery_state: 1 } : {}),
  });
}

export function decodePartitionState(json: string): PartitionStateZNode {
  const v = JSON.parse(json) as {
    leader: number;
    leader_epoch: number;
    isr: number[];
    controller_epoch: number;
    leader_recovery_state?: number;
  };
  return {
    leader: v.leader,
    leaderEpoch: v.leader_epoch,
    isr: v.isr,
    controllerEpoch: v.controller_epoch,
    ...(v.leader_recovery_state === 1 ? { leaderRecoveryState: 1 as const } : {}),
  };
}

/** A topic's replica assignment (`/brokers/topics/<t>`, version 3). */
export interface TopicZNode {
  readonly partitions: ReadonlyMap<number, readonly number[]>;
  readonly addingReplicas: ReadonlyMap<number, readonly number[]>;
  readonly removingReplicas: ReadonlyMap<number, readonly number[]>;
  readonly topicId?: string;
}

const toJsonMap = (m: ReadonlyMap<number, readonly number[]>): Record<string, readonly number[]> =>
  Object.fromEntries([...m].filter(([, r]) => r.length > 0).map(([p, r]) => [String(p), r]));

const fromJsonMap = (o: Record<string, number[]> | undefined): Map<number, number[]> =>
  new Map(Object.entries(o ?? {}).map(([p, r]) => [Number(p), r]));

export function encodeTopic(topic: TopicZNode): string {
  return JSON.stringify({
    partitions: Object.fromEntries([...topic.partitions].map(([p, r]) => [String(p), r])),
    ...(topic.topicId === undefined ? {} : { topic_id: topic.topicId }),
    adding_replicas: toJsonMap(topic.addingReplicas),
    removing_replicas: toJsonMap(topic.removingReplicas),
    version: 3,
  });
}

export function decodeTopic(json: string): TopicZNode {
  const v = JSON.parse(json) as {
    partitions: Record<string, number[]>;
    adding_replicas?: Record<string, number[]>;
    removing_replicas?: Record<string, number[]>;
    topic_id?: string;
  };
  const partitions = new Map([...fromJsonMap(v.partitions)].sort((a, b) => a[0] - b[0]));
  return {
    partitions,
    addingReplicas: fromJsonMap(v.adding_replicas),
    removingReplicas: fromJsonMap(v.removing_replicas),
    ...(v.topic_id === undefined ? {} : { topicId: v.topic_id }),
  };
}

/** `/config/topics/<t>`: the topic's config overrides. */
export function encodeTopicConfig(config: Readonly<Record<string, string>>): string {
  return JSON.stringify({ version: 1, config });
}

export function decodeTopicConfig(json: string): Record<string, string> {
  return (JSON.parse(json) as { config?: Record<string, string> }).config ?? {};
}

/** `/isr_change_notification/isr_change_<seq>` (only below IBP 2.7-IV2). */
export function encodeIsrChangeNotification(
  partitions: readonly { topic: string; partition: number }[],
): string {
  return JSON.stringify({ version: 1, partitions });
}
