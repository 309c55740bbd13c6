/**
 * A small cluster for the replica manager's tests: brokers that run only their replica manager,
 * and a scripted controller (process `broker-0`) that sends LeaderAndIsr/UpdateMetadata and
 * accepts AlterPartition as Kafka's controller does, without ZooKeeper.
 */
import { brokerName, type ReplicaManagerTimer } from '../../../src/kafka/broker/io.js';
import { ReplicaManager } from '../../../src/kafka/broker/replica-manager.js';
import { type BrokerConfig, DEFAULT_BROKER_CONFIG, type TruncationMode } from '../../../src/kafka/config.js';
import type { ErrorName } from '../../../src/kafka/errors.js';
import type { KafkaMessage, PartitionStateData } from '../../../src/kafka/protocol.js';
import type { ProcessContext } from '../../../src/sim/process.js';
import { ms } from '../../../src/sim/time.js';
import { World } from '../../../src/sim/world.js';

export type Tag = ReplicaManagerTimer | { kind: 'produce' };

export function brokerActor(id: number, config: BrokerConfig, truncation: TruncationMode) {
  return (ctx: ProcessContext<KafkaMessage, Tag>) => {
    const rm = new ReplicaManager(ctx, ctx.disk, id, config, truncation);
    rm.brokerEpoch = ctx.incarnation;
    return {
      replicaManager: rm,
      onStart: () => rm.startup(),
      onMessage: (from: string, m: KafkaMessage) => void rm.handleMessage(from, m),
      onTimer: (tag: Tag) => {
        if (tag.kind !== 'produce') rm.handleTimer(tag);
      },
      onDisconnect: (peer: string) => rm.handleDisconnect(peer),
    };
  };
}

/** The controller's view of one partition t-0. */
export interface ControllerState {
  leader: number;
  leaderEpoch: number;
  isr: number[];
  partitionEpoch: number;
  replicas: number[];
}

export function fakeController(state: ControllerState, brokers: number[]) {
  return (ctx: ProcessContext<KafkaMessage, Tag>) => {
    let correlation = 0;
    const partition = (): PartitionStateData => ({ topic: 't', partition: 0, ...state });
    const sendState = (to: number[]) => {
      for (const b of to) {
        ctx.send(brokerName(b), {
          type: 'UpdateMetadata',
          correlationId: correlation++,
          controllerId: 0,
          controllerEpoch: 1,
          brokerEpoch: -1,
          liveBrokers: brokers,
          partitions: [{ ...partition(), offlineReplicas: [] }],
        });
        ctx.send(brokerName(b), {
          type: 'LeaderAndIsr',
          correlationId: correlation++,
          controllerId: 0,
          controllerEpoch: 1,
          brokerEpoch: -1,
          partitions: [partition()],
        });
      }
    };
    return {
      state,
      sendState,
      onStart: () => sendState(brokers),
      onMessage(from: string, m: KafkaMessage) {
        if (m.type !== 'AlterPartition') return;
        const [p] = m.partitions;
        if (p === undefined) return;
        let error: ErrorName = 'NONE';
        if (p.leaderEpoch < state.leaderEpoch) error = 'FENCED_LEADER_EPOCH';
        else if (p.partitionEpoch < state.partitionEpoch) error = 'INVALID_UPDATE_VERSION';
        else {
          state.isr = [...p.newIsr];
          state.partitionEpoch++;
        }
        ctx.send(from, {
          type: 'AlterPartitionResponse',
          correlationId: m.correlationId,
          error: 'NONE',
          partitions: [{ topic: 't', partition: 0, error, ...state }],
        });
      },
    };
  };
}

export interface Ack {
  readonly value: string;
  readonly sent: number;
  readonly error: ErrorName;
  readonly offset: number;
  readonly time: number;
}

/** A producer that sends one record every `every` ms to the current leader (read from `leaderOf`), acks=-1. */
export function producer(acks: number, every: number, count: number, leaderOf: () => number, acked: Ack[]) {
  return (ctx: ProcessContext<KafkaMessage, Tag>) => {
    let n = 0;
    const inFlight = new Map<number, { value: string; sent: number }>();
    return {
      onStart: () => void ctx.setTimer(ms(every), { kind: 'produce' }),
      onTimer() {
        const value = `v${n++}`;
        inFlight.set(n, { value, sent: ctx.now });
        ctx.send(brokerName(leaderOf()), {
          type: 'Produce',
          correlationId: n,
          acks,
          timeoutMs: 30_000,
          partitions: [
            {
              topic: 't',
              partition: 0,
              records: [{ key: null, value, timestamp: 0 }],
              producerId: -1,
              producerEpoch: -1,
              baseSequence: -1,
            },
          ],
        });
        if (n < count) ctx.setTimer(ms(every), { kind: 'produce' });
      },
      onMessage(_from: string, m: KafkaMessage) {
        if (m.type !== 'ProduceResponse') return;
        const request = inFlight.get(m.correlationId);
        const [p] = m.partitions;
        if (request === undefined || p === undefined) return;
        inFlight.delete(m.correlationId);
        acked.push({ ...request, error: p.error, offset: p.baseOffset, time: ctx.now });
      },
    };
  };
}

export interface ClusterOptions {
  readonly seed?: number;
  readonly brokers?: number[];
  readonly config?: Partial<BrokerConfig>;
  readonly truncation?: TruncationMode;
  readonly state?: ControllerState;
}

export function cluster(options: ClusterOptions = {}) {
  const brokers = options.brokers ?? [1, 2, 3];
  const config = { ...DEFAULT_BROKER_CONFIG, ...options.config };
  const world = new World<KafkaMessage, Tag>({ seed: options.seed ?? 1, trace: 'faults' });
  const state: ControllerState = options.state ?? {
    leader: 1,
    leaderEpoch: 0,
    isr: [...brokers],
    partitionEpoch: 0,
    replicas: [...brokers],
  };
  for (const id of brokers)
    world.spawn(brokerName(id), brokerActor(id, config, options.truncation ?? 'leader-epoch'));
  world.spawn('broker-0', fakeController(state, brokers));
  const rm = (id: number): ReplicaManager =>
    (world.actorOf(brokerName(id)) as unknown as { replicaManager: ReplicaManager }).replicaManager;
  const controller = () => world.actorOf('broker-0') as unknown as { sendState(to: number[]): void };
  return { world, state, rm, controller, config };
}
