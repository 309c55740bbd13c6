import fc from 'fast-check';
/** A cluster of ZooKeeper-mode brokers for tests: one ZooKeeper server, brokers 1..n, and an admin client. */

import { ClusterHistory } from '../../../src/history/cluster-history.js';
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
import { type SimTime, seconds } from '../../../src/sim/time.js';
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
  /** ZooKeeper servers in the ensemble (default 1). */
  readonly zookeepers?: number;
}

export function zkCluster(options: ZkClusterOptions = {}) {
  const world = new World<BrokerMessage, BrokerTimer | ZkServerTimer>({
    seed: options.seed ?? 1,
    trace: 'faults',
  });
  const zookeeper = Array.from({ length: options.zookeepers ?? 1 }, (_, i) => `zookeeper-${i + 1}`);
  const ensemble = new ZkEnsemble({ servers: zookeeper });
  for (const server of zookeeper) world.spawn(server, ensemble.serverActor(server) as never);
  const ids = Array.from({ length: options.brokers ?? 3 }, (_, i) => i + 1);
  const config = { ...DEFAULT_BROKER_CONFIG, ...options.config };
  const history = new ClusterHistory();
  for (const id of ids) {
    world.spawn(
      brokerName(id),
      brokerActor({
        id,
        config,
        truncation: options.truncation ?? 'leader-epoch',
        zookeeper,
        history,
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
  /**
   * At `at`, an admin tool (actor `admin-<label>-<n>`) connects its own ZooKeeper client and acts;
   * `act` closes the client when done.
   */
  let admins = 0;
  const zkAction = (at: SimTime, label: string, act: (client: ZkClient) => void) => {
    const name = `admin-${label}-${admins++}`;
    world.spawn(
      name,
      (ctx) => {
        let zk: ZkClient | undefined;
        return {
          onStart() {
            zk = new ZkClient(ctx as never, {
              servers: zookeeper,
              onStateChange: (s) => {
                if (s === 'SyncConnected' && zk !== undefined) act(zk);
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
    world.at(at, () => world.start(name));
  };
  /** At `at`, an admin tool creates a topic through ZooKeeper, as AdminZkClient.createTopicWithAssignment does. */
  const createTopic = (at: SimTime, topic: string, assignment: number[][]) =>
    zkAction(at, topic, (client) =>
      client.create(topicConfigPath(topic), encodeTopicConfig({}), 'PERSISTENT', () => {
        const partitions = new Map(assignment.map((r, p) => [p, r]));
        const znode = encodeTopic({ partitions, addingReplicas: new Map(), removingReplicas: new Map() });
        client.create(topicPath(topic), znode, 'PERSISTENT', () => client.close());
      }),
    );
  /** The broker whose controller is active now (the first, while a zombie still believes it is). */
  const activeController = (): number => {
    const id = ids.find((b) => broker(b)?.controller().isActive);
    if (id === undefined) throw new Error('no broker is the active controller');
    return id;
  };
  return { world, ensemble, broker, state, createTopic, zkAction, activeController, ids, history };
}

export interface ProducedRecord {
  readonly value: string;
  readonly sentAt: SimTime;
  /** NONE with the offset, an error name, or `timeout`/`disconnected` when the outcome is unknown. */
  outcome?: { readonly error: string; readonly offset: number; readonly at: SimTime };
}

const METADATA_RETRY = -2;
// The test producer's timers reuse the broker's `local` timer shape (its world's tag type).
const TICK: BrokerTimer = { kind: 'local', message: { type: 'Metadata', correlationId: -1 } };

/**
 * A bare producer for replication tests (not Kafka's client): one record every `everyMs`, sent once
 * (no retries) to the leader it learned from Metadata; asks again after any error.
 */
export function testProducer(options: {
  readonly acks: number;
  readonly everyMs: number;
  readonly count: number;
  readonly brokers: readonly number[];
  readonly log: ProducedRecord[];
}) {
  return (
    ctx: import('../../../src/sim/process.js').ProcessContext<BrokerMessage, BrokerTimer | ZkServerTimer>,
  ) => {
    let leader = -1;
    let sent = 0;
    let correlation = 0;
    const inFlight = new Map<number, { record: ProducedRecord; to: number }>();
    const askMetadata = () => {
      const to = options.brokers[ctx.rng.below(options.brokers.length)] as number;
      ctx.send(brokerName(to), { type: 'Metadata', correlationId: correlation++, topics: ['t'] });
    };
    const fail = (id: number, error: string) => {
      const request = inFlight.get(id);
      if (request === undefined) return;
      inFlight.delete(id);
      request.record.outcome = { error, offset: -1, at: ctx.now };
      leader = -1;
      askMetadata();
    };
    return {
      onStart() {
        askMetadata();
        ctx.setTimer(options.everyMs * 1000, TICK);
      },
      onTimer(tag: BrokerTimer | ZkServerTimer) {
        if ('message' in tag && tag.message.correlationId === METADATA_RETRY) {
          askMetadata();
          return;
        }
        if (sent < options.count) {
          const record: ProducedRecord = { value: `v${sent++}`, sentAt: ctx.now };
          options.log.push(record);
          if (leader < 0) record.outcome = { error: 'no-leader', offset: -1, at: ctx.now };
          else {
            const id = correlation++;
            inFlight.set(id, { record, to: leader });
            ctx.send(brokerName(leader), {
              type: 'Produce',
              correlationId: id,
              acks: options.acks,
              timeoutMs: 30_000,
              partitions: [
                {
                  topic: 't',
                  partition: 0,
                  records: [{ key: null, value: record.value, timestamp: ctx.now / 1000 }],
                  producerId: -1,
                  producerEpoch: -1,
                  baseSequence: -1,
                },
              ],
            });
            if (options.acks === 0) inFlight.delete(id);
          }
          ctx.setTimer(options.everyMs * 1000, TICK);
        }
        // a request unanswered for 30 s has timed out (request.timeout.ms)
        for (const [id, r] of inFlight) if (ctx.now - r.record.sentAt > 30_000_000) fail(id, 'timeout');
      },
      onMessage(_from: string, m: BrokerMessage) {
        if (m.type === 'MetadataResponse') {
          const p = m.partitions.find((x) => x.topic === 't' && x.partition === 0);
          leader = p === undefined ? -1 : p.leader;
          if (leader < 0)
            ctx.setTimer(100_000, {
              kind: 'local',
              message: { type: 'Metadata', correlationId: METADATA_RETRY },
            });
        } else if (m.type === 'ProduceResponse') {
          const request = inFlight.get(m.correlationId);
          const [p] = m.partitions;
          if (request === undefined || p === undefined) return;
          if (p.error !== 'NONE') {
            fail(m.correlationId, p.error);
            return;
          }
          inFlight.delete(m.correlationId);
          request.record.outcome = { error: 'NONE', offset: p.baseOffset, at: ctx.now };
        }
      },
      onDisconnect(peer: string) {
        for (const [id, r] of inFlight) if (brokerName(r.to) === peer) fail(id, 'disconnected');
        // a Metadata request to a dead broker is lost too: ask another one shortly
        if (leader < 0)
          ctx.setTimer(100_000, {
            kind: 'local',
            message: { type: 'Metadata', correlationId: METADATA_RETRY },
          });
      },
    };
  };
}

export type BrokerFaultKind = 'crash' | 'restart' | 'pause' | 'resume' | 'isolate' | 'heal' | 'hold';

/** A fault on one broker at `at` seconds. */
export interface BrokerFault {
  readonly at: number;
  readonly kind: BrokerFaultKind;
  readonly broker: number;
}

/** Random broker faults between `minAt` and `maxAt` seconds, for properties. */
export function brokerFaultArbitrary(minAt: number, maxAt: number): fc.Arbitrary<BrokerFault> {
  return fc.record({
    at: fc.integer({ min: minAt, max: maxAt }),
    broker: fc.integer({ min: 1, max: 3 }),
    kind: fc.constantFrom(
      'crash' as const,
      'restart' as const,
      'isolate' as const,
      'heal' as const,
      'hold' as const,
    ),
  });
}

/**
 * Schedules a fault in a cluster's world. `heal` heals the whole network; `hold` stalls the
 * broker's answers to the process named `producer` for 35 s (longer than its 30 s request timeout).
 */
export function scheduleFault(world: ReturnType<typeof zkCluster>['world'], f: BrokerFault): void {
  scheduleFaultFor(world, f, 'producer', 35);
}

/** As `scheduleFault`, with `hold` stalling the broker's answers to `client` for `holdSeconds`. */
export function scheduleFaultFor(
  world: ReturnType<typeof zkCluster>['world'],
  f: BrokerFault,
  client: string,
  holdSeconds: number,
): void {
  const name = brokerName(f.broker);
  const at = seconds(f.at);
  if (f.kind === 'heal') world.injectAt(at, { kind: 'heal' });
  else if (f.kind === 'hold') {
    world.injectAt(at, { kind: 'hold', from: name, to: client });
    world.injectAt(seconds(f.at + holdSeconds), { kind: 'release', from: name, to: client });
  } else world.injectAt(at, { kind: f.kind, process: name });
}
