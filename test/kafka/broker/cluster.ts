/** A cluster of ZooKeeper-mode brokers for tests: one ZooKeeper server, brokers 1..n, and an admin client. */
import {
  type BrokerActor,
  type BrokerMessage,
  type BrokerTimer,
  brokerActor,
} from '../../../src/kafka/broker/broker.js';
import { brokerName } from '../../../src/kafka/broker/io.js';
import { type BrokerConfig, DEFAULT_BROKER_CONFIG, type TruncationMode } from '../../../src/kafka/config.js';
import {
  decodePartitionState,
  encodeTopic,
  encodeTopicConfig,
  partitionStatePath,
  topicConfigPath,
  topicPath,
} from '../../../src/kafka/zk-data.js';
import type { SimTime } from '../../../src/sim/time.js';
import { World } from '../../../src/sim/world.js';
import {
  isZkClientTimer,
  isZkMessage,
  ZkClient,
  ZkEnsemble,
  type ZkServerTimer,
} from '../../../src/zk/index.js';

export interface ZkClusterOptions {
  readonly seed?: number;
  readonly brokers?: number;
  readonly config?: Partial<BrokerConfig>;
  readonly truncation?: TruncationMode;
}

export function zkCluster(options: ZkClusterOptions = {}) {
  const world = new World<BrokerMessage, BrokerTimer | ZkServerTimer>({
    seed: options.seed ?? 1,
    trace: 'faults',
  });
  const ensemble = new ZkEnsemble({ servers: ['zookeeper-1'] });
  world.spawn('zookeeper-1', ensemble.serverActor('zookeeper-1') as never);
  const ids = Array.from({ length: options.brokers ?? 3 }, (_, i) => i + 1);
  const config = { ...DEFAULT_BROKER_CONFIG, ...options.config };
  for (const id of ids) {
    world.spawn(
      brokerName(id),
      brokerActor({
        id,
        config,
        truncation: options.truncation ?? 'leader-epoch',
        zookeeper: ['zookeeper-1'],
      }),
    );
  }
  const broker = (id: number) => world.actorOf(brokerName(id)) as BrokerActor | undefined;
  const state = (topic: string, partition: number) => {
    const node = ensemble.tree.node(partitionStatePath(topic, partition));
    return node?.data === undefined || node.data === null
      ? undefined
      : { ...decodePartitionState(node.data), zkVersion: node.stat.version };
  };
  /** At `at`, an admin tool creates a topic through ZooKeeper, as AdminZkClient.createTopicWithAssignment does. */
  const createTopic = (at: SimTime, topic: string, assignment: number[][]) => {
    world.spawn(
      `admin-${topic}`,
      (ctx) => {
        let zk: ZkClient | undefined;
        return {
          onStart() {
            zk = new ZkClient(ctx as never, {
              servers: ['zookeeper-1'],
              onStateChange: (s) => {
                if (s !== 'SyncConnected' || zk === undefined) return;
                const client = zk;
                client.create(topicConfigPath(topic), encodeTopicConfig({}), 'PERSISTENT', () => {
                  const partitions = new Map(assignment.map((r, p) => [p, r]));
                  const znode = encodeTopic({
                    partitions,
                    addingReplicas: new Map(),
                    removingReplicas: new Map(),
                  });
                  client.create(topicPath(topic), znode, 'PERSISTENT', () => client.close());
                });
              },
            });
          },
          onMessage(from, m) {
            if (isZkMessage(m)) zk?.handleMessage(from, m);
          },
          onTimer(tag) {
            if (isZkClientTimer(tag)) tag.client.handleTimer(tag);
          },
          onDisconnect(peer) {
            zk?.handleDisconnect(peer);
          },
        };
      },
      { start: false },
    );
    world.at(at, () => world.start(`admin-${topic}`));
  };
  return { world, ensemble, broker, state, createTopic, ids };
}
