/**
 * kafka-sim's public API: the engine (`sim`), the simulated ZooKeeper (`zk`), the Kafka cluster
 * (`kafka`), its clients (`clients`), the composition root that puts them in one world (`Cluster`),
 * what replicas and clients observed (`history`), scenarios (`compileScenario`, `runScenario`) and
 * fault schedules for property tests (`faults`).
 */
export * from './checks/index.js';
export * from './clients/index.js';
export * from './cluster/cluster.js';
export * from './faults/index.js';
export * from './history/client-history.js';
export * from './history/cluster-history.js';
export * from './kafka/index.js';
export { type CompiledScenario, compileScenario } from './scenario/compile.js';
export { ScenarioError } from './scenario/load.js';
export { type RunOptions, runScenario, type ScenarioRun } from './scenario/run.js';
export type {
  ConsumerFileSpec,
  ProducerFileSpec,
  ScenarioFile,
  TimelineEntry,
  TopicFileSpec,
} from './scenario/types.js';
export * from './sim/index.js';
export * from './zk/index.js';
