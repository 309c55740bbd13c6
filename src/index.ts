/**
 * kafka-sim's public API. The engine (`sim`) is general; the Kafka actors, clients, checkers and
 * scenarios arrive on top of it.
 */
export * from './sim/index.js';
export * from './zk/index.js';
