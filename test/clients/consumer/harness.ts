/** A cluster, an acks=all test producer over several partitions, and consumer applications. */
import { type ConsumerActorOptions, consumerActor } from '../../../src/clients/consumer/index.js';
import { ClientHistory, type PolledRecord } from '../../../src/history/client-history.js';
import { brokerName } from '../../../src/kafka/broker/io.js';
import type { KafkaMessage } from '../../../src/kafka/protocol.js';
import type { ProcessContext } from '../../../src/sim/process.js';
import { seconds } from '../../../src/sim/time.js';
import { zkCluster } from '../../kafka/broker/cluster.js';

export interface Acked {
  readonly partition: number;
  readonly offset: number;
  readonly value: string;
}

export function consumerWorld(
  options: { seed?: number; brokers?: number; partitions?: number; rf?: number } = {},
) {
  const brokers = options.brokers ?? 3;
  const cluster = zkCluster({
    seed: options.seed ?? 1,
    brokers,
    config: {
      'offsets.topic.num.partitions': 3,
      'offsets.topic.replication.factor': Math.min(3, brokers),
      'group.initial.rebalance.delay.ms': 0,
    },
  });
  const ids = cluster.ids;
  const partitions = options.partitions ?? 3;
  const rf = Math.min(options.rf ?? 3, brokers);
  cluster.createTopic(
    seconds(1),
    't',
    Array.from({ length: partitions }, (_, p) =>
      Array.from({ length: rf }, (_, i) => ids[(p + i) % ids.length] as number),
    ),
  );
  const history = new ClientHistory();
  const acked: Acked[] = [];
  const processed: (PolledRecord & { process: string })[] = [];
  const consumer = (name: string, at: number, opts: Partial<ConsumerActorOptions>) => {
    cluster.world.spawn(
      name,
      consumerActor({
        bootstrap: ids,
        history,
        subscribe: ['t'],
        onProcessed: (process, records) => {
          for (const r of records) processed.push({ ...r, process });
        },
        ...opts,
        config: { 'group.id': 'g', 'client.id': name, ...opts.config },
      }) as never,
      { start: false },
    );
    cluster.world.at(seconds(at), () => cluster.world.start(name));
  };
  /** One record every `everyMs` from `at` s, round robin over the partitions, acks=all, no retries. */
  const produce = (at: number, count: number, everyMs = 100) => {
    cluster.world.spawn(
      'producer',
      ((ctx: ProcessContext<KafkaMessage, string>) => {
        const leaders = new Map<number, number>();
        let sent = 0;
        let correlation = 0;
        const inFlight = new Map<number, { partition: number; value: string }>();
        const metadata = () =>
          ctx.send(brokerName(ids[ctx.rng.below(ids.length)] as number), {
            type: 'Metadata',
            correlationId: -1,
            topics: ['t'],
          });
        return {
          onStart() {
            metadata();
            ctx.setTimer(everyMs * 1000, 'tick');
          },
          onTimer() {
            if (sent >= count) return;
            const partition = sent % partitions;
            const leader = leaders.get(partition) ?? -1;
            const value = `v${sent++}`;
            if (leader >= 0) {
              const id = correlation++;
              inFlight.set(id, { partition, value });
              ctx.send(brokerName(leader), {
                type: 'Produce',
                correlationId: id,
                acks: -1,
                timeoutMs: 30_000,
                partitions: [
                  {
                    topic: 't',
                    partition,
                    records: [{ key: null, value, timestamp: 0 }],
                    producerId: -1,
                    producerEpoch: -1,
                    baseSequence: -1,
                  },
                ],
              });
            } else metadata();
            ctx.setTimer(everyMs * 1000, 'tick');
          },
          onMessage(_from: string, m: KafkaMessage) {
            if (m.type === 'MetadataResponse') {
              for (const p of m.partitions) if (p.topic === 't') leaders.set(p.partition, p.leader);
            } else if (m.type === 'ProduceResponse') {
              const r = inFlight.get(m.correlationId);
              inFlight.delete(m.correlationId);
              const [p] = m.partitions;
              if (r === undefined || p === undefined) return;
              if (p.error === 'NONE')
                acked.push({ partition: r.partition, offset: p.baseOffset, value: r.value });
              else metadata();
            }
          },
          onDisconnect() {
            inFlight.clear();
            metadata();
          },
        };
      }) as never,
      { start: false },
    );
    cluster.world.at(seconds(at), () => cluster.world.start('producer'));
  };
  const polled = () =>
    history.ops.flatMap((op) =>
      op.f === 'poll' && op.type === 'ok'
        ? (op.records ?? []).map((r) => ({ ...r, process: op.process }))
        : [],
    );
  const assignments = (process?: string) =>
    history.memberFacts.filter(
      (f) => f.kind === 'assigned' && (process === undefined || f.process === process),
    );
  return { ...cluster, history, acked, processed, consumer, produce, polled, assignments };
}
