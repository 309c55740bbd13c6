/** A cluster with Kafka producers for the producer tests. */
import type { ProducerConfig } from '../../../src/clients/producer/config.js';
import { producerActor } from '../../../src/clients/producer/producer.js';
import type { ProducerWorkload } from '../../../src/clients/producer/workload.js';
import { ClientHistory, type SendOp } from '../../../src/history/client-history.js';
import type { BrokerConfig, TruncationMode } from '../../../src/kafka/config.js';
import { seconds } from '../../../src/sim/time.js';
import { zkCluster } from '../../kafka/broker/cluster.js';

export interface ProducerRun {
  readonly seed: number;
  readonly partitions?: number;
  readonly config?: Partial<ProducerConfig>;
  readonly broker?: Partial<BrokerConfig>;
  readonly workload?: Partial<ProducerWorkload>;
  readonly truncation?: TruncationMode;
  /** Replicas of each partition of `t` (default: RF 3, partition p led by broker p % 3 + 1). */
  readonly assignment?: number[][];
}

/** Three brokers, topic `t` (RF 3 unless `assignment`) created at 3 s, one producer `p1` started at 5 s. */
export function producerCluster(run: ProducerRun) {
  const cluster = zkCluster({
    seed: run.seed,
    ...(run.broker === undefined ? {} : { config: run.broker }),
    ...(run.truncation === undefined ? {} : { truncation: run.truncation }),
  });
  const partitions = run.assignment?.length ?? run.partitions ?? 1;
  cluster.createTopic(
    seconds(3),
    't',
    run.assignment ??
      Array.from({ length: partitions }, (_, p) => [1, 2, 3].map((_, i) => ((p + i) % 3) + 1)),
  );
  const history = new ClientHistory();
  cluster.world.spawn(
    'p1',
    producerActor({
      bootstrap: cluster.ids,
      ...(run.config === undefined ? {} : { config: run.config }),
      history,
      workload: { topic: 't', count: 50, rate: 20, ...run.workload },
    }) as never,
    { start: false },
  );
  cluster.world.at(seconds(5), () => cluster.world.start('p1'));
  /** The committed log of a partition on its current leader: values below the HW, in offset order. */
  const committed = (partition: number): string[] => {
    const leader = cluster.state('t', partition)?.leader ?? -1;
    const log = cluster.broker(leader)?.replicaManager.partitions.get(`t-${partition}`)?.log;
    if (log === undefined) return [];
    return log
      .allBatches()
      .flatMap((b) => b.records.map((r, i) => ({ offset: b.baseOffset + i, value: r.value ?? '' })))
      .filter((r) => r.offset < log.highWatermark)
      .map((r) => r.value);
  };
  const completions = (type: SendOp['type']) =>
    history.ops.filter((o): o is SendOp => o.f === 'send' && o.type === type);
  return { ...cluster, history, clusterHistory: cluster.history, committed, completions, partitions };
}

/** Send order of a producer's values: `p1-17` → 17. */
export const sendIndex = (value: string): number => Number(value.slice(value.lastIndexOf('-') + 1));
