/**
 * kafka-sim's public API: the engine (`sim`), the simulated ZooKeeper (`zk`), the Kafka cluster
 * (`kafka`) and the replica facts it records (`history`).
 */
export * from './clients/index.js';
export * from './history/client-history.js';
export * from './history/cluster-history.js';
export * from './kafka/index.js';
export * from './sim/index.js';
export * from './zk/index.js';
