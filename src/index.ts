/**
 * kafka-sim's public API: the engine (`sim`), the simulated ZooKeeper (`zk`), the Kafka cluster
 * (`kafka`), its clients (`clients`), the composition root that puts them in one world (`Cluster`)
 * and what replicas and clients observed (`history`).
 */
export * from './checks/index.js';
export * from './clients/index.js';
export * from './cluster/cluster.js';
export * from './history/client-history.js';
export * from './history/cluster-history.js';
export * from './kafka/index.js';
export * from './sim/index.js';
export * from './zk/index.js';
