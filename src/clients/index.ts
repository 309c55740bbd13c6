/** Kafka's clients: the producer's partitioning and the consumer group's coordinator and assignors. */
export { coordinatorPartition, javaAbs } from './coordinator.js';
export { murmur2, partitionForKey, toPositive } from './murmur2.js';
