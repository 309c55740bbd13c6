/**
 * The Kafka releases whose admin behaviour and tool output this module reproduces: 3.8.0 (the
 * reference) and 2.1.1 (the last release before KIP-455 reassignment and topic ids, whose
 * `kafka-topics.sh` still talked to ZooKeeper directly).
 */
export type KafkaVersion = '3.8.0' | '2.1.1';

export const DEFAULT_KAFKA_VERSION: KafkaVersion = '3.8.0';
