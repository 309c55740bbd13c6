import { describe, expect, it } from 'vitest';
import { producerPromise, snapshotCluster } from '../../src/checks/index.js';
import { resolveProducerConfig } from '../../src/clients/producer/config.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { seconds } from '../../src/sim/time.js';

describe('snapshotCluster', () => {
  it('reads each online replica and ZooKeeper state, lists down brokers as offline, skips internal topics', () => {
    const cluster = new Cluster({ seed: 3 });
    cluster.createTopic({
      name: 't',
      assignment: [
        [1, 2, 3],
        [2, 3, 1],
      ],
    });
    cluster.addProducer('p1', { workload: { topic: 't', count: 20, rate: 100, partition: 0 } }, seconds(2));
    cluster.world.injectAt(seconds(10), { kind: 'crash', process: 'broker-3' });
    cluster.world.runUntil(seconds(12));
    const final = snapshotCluster(cluster, { quiescent: false });
    expect(final.time).toBe(seconds(12));
    expect(final.quiescent).toBe(false);
    expect(final.partitions.map((p) => `${p.topic}-${p.partition}`)).toEqual(['t-0', 't-1']);
    const [t0, t1] = final.partitions;
    expect(t0?.leader).toBe(1);
    expect(t1?.leader).toBe(2);
    expect(t0?.offline).toEqual([3]);
    expect(t0?.replicas.map((r) => [r.broker, r.role])).toEqual([
      [1, 'leader'],
      [2, 'follower'],
    ]);
    const leader = t0!.replicas[0]!;
    expect(leader.logEndOffset).toBe(20);
    expect(leader.highWatermark).toBe(20);
    expect(leader.log.map((r) => r.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(leader.log[0]?.value).toBe('p1-0');
    expect(final.partitions.some((p) => p.topic.startsWith('__'))).toBe(false);
    // plain data: it survives JSON
    expect(JSON.parse(JSON.stringify(final))).toEqual(final);
  });

  it('producerPromise: order with idempotence or max.in.flight = 1, not otherwise', () => {
    expect(producerPromise(resolveProducerConfig({})).orderPromised).toBe(true);
    expect(producerPromise(resolveProducerConfig({ acks: 1 })).orderPromised).toBe(false);
    expect(
      producerPromise(resolveProducerConfig({ acks: 1, 'max.in.flight.requests.per.connection': 1 }))
        .orderPromised,
    ).toBe(true);
  });
});
