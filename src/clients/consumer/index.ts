/** Kafka's consumer client (classic group protocol) as a simulated process. */
export {
  type CommitMode,
  type ConsumerActor,
  type ConsumerActorOptions,
  consumerActor,
} from './application.js';
export {
  ConfigException,
  type ConsumerConfig,
  consumerConfig,
  DEFAULT_CONSUMER_CONFIG,
  rebalanceProtocol,
} from './config.js';
export { KafkaConsumer, type PollResult } from './consumer.js';
export type { ConsumerTimer } from './network.js';
