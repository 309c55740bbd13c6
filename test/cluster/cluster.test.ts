import { describe, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/cluster.js';
import type { SendOp } from '../../src/history/client-history.js';
import { brokerName } from '../../src/kafka/broker/io.js';
import { seconds } from '../../src/sim/time.js';

describe('Cluster: the composition root', () => {
  it('creates topics through the admin client once the brokers are up, and runs producers against them', () => {
    const cluster = new Cluster({ seed: 11, brokers: 3 });
    cluster.createTopic({ name: 'orders', partitions: 3, replicationFactor: 3 });
    cluster.createTopic({ name: 'orders', partitions: 1, replicationFactor: 1 });
    cluster.createTopic({ name: 'too-wide', partitions: 1, replicationFactor: 4 });
    cluster.addProducer('p1', { workload: { topic: 'orders', count: 30, rate: 10 } }, seconds(2));
    cluster.world.runUntil(seconds(10));
    expect(cluster.adminOutcomes.map((o) => o.results[0])).toEqual([
      { name: 'orders', error: 'NONE' },
      { name: 'orders', error: 'TOPIC_ALREADY_EXISTS', errorMessage: "Topic 'orders' already exists." },
      {
        name: 'too-wide',
        error: 'INVALID_REPLICATION_FACTOR',
        errorMessage: 'Replication factor: 4 larger than available brokers: 3.',
      },
    ]);
    for (let p = 0; p < 3; p++) expect(cluster.partitionState('orders', p)?.isr).toHaveLength(3);
    const ok = cluster.clients.ops.filter((o): o is SendOp => o.f === 'send' && o.type === 'ok');
    expect(ok).toHaveLength(30);
    const committed = [0, 1, 2].flatMap((p) => cluster.committedValues('orders', p).map((r) => r.value));
    expect(committed.sort()).toEqual(ok.map((o) => o.record.value).sort());
  });

  it('runs elections and reassignments through the controller', () => {
    const cluster = new Cluster({ seed: 12, brokers: 4 });
    cluster.createTopic({ name: 't', assignment: [[1, 2, 3]] });
    cluster.world.at(seconds(3), () =>
      cluster.admin({ kind: 'reassign', partitions: [{ topic: 't', partition: 0, replicas: [2, 3, 4] }] }),
    );
    cluster.world.runUntil(seconds(15));
    expect(cluster.adminOutcomes[1]?.results).toEqual([{ name: 't-0', error: 'NONE' }]);
    // broker 1 left the replica set: the leader moved to the new preferred replica
    expect(cluster.partitionState('t', 0)?.leader).toBe(2);
    expect(cluster.partitionState('t', 0)?.isr).toEqual([2, 3, 4]);
    // its crash is noticed when its ZooKeeper session expires (18 s): then 3 or 4 leads
    cluster.world.crash(brokerName(2));
    cluster.world.runUntil(seconds(40));
    expect([3, 4]).toContain(cluster.partitionState('t', 0)?.leader);
  });

  it('gives the same history for the same seed', () => {
    const run = () => {
      const cluster = new Cluster({ seed: 13 });
      cluster.createTopic({ name: 't', partitions: 2, replicationFactor: 3 });
      cluster.addProducer(
        'p1',
        { workload: { topic: 't', count: 20, keys: { kind: 'sequential' } } },
        seconds(2),
      );
      cluster.world.at(seconds(3), () => cluster.world.crash(brokerName(1)));
      cluster.world.runUntil(seconds(30));
      return { hash: cluster.world.traceHash(), ops: JSON.stringify(cluster.clients.ops) };
    };
    expect(run()).toEqual(run());
  });
});
