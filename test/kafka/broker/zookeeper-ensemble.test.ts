import { describe, expect, it } from 'vitest';
import { brokerName } from '../../../src/kafka/broker/io.js';
import { seconds } from '../../../src/sim/time.js';
import { type ProducedRecord, testProducer, zkCluster } from './cluster.js';

describe('a three-server ZooKeeper ensemble under the cluster', () => {
  it('keeps the cluster running when one ZooKeeper server dies, and fails over leaders meanwhile', () => {
    const { world, broker, state, createTopic, ids, activeController } = zkCluster({
      seed: 6,
      zookeepers: 3,
    });
    createTopic(seconds(8), 't', [[1, 2, 3]]);
    const produced: ProducedRecord[] = [];
    world.spawn(
      'producer',
      testProducer({ acks: -1, everyMs: 200, count: 300, brokers: ids, log: produced }),
      {
        start: false,
      },
    );
    world.at(seconds(10), () => world.start('producer'));
    world.at(seconds(15), () => world.crash('zookeeper-1'));
    world.runUntil(seconds(40));
    expect(ids.filter((id) => broker(id)?.controller().isActive).length).toBe(1);
    const controller = activeController();
    const victim =
      ids.find((id) => id !== controller && id === state('t', 0)?.leader) ??
      ids.find((id) => id !== controller);
    world.at(seconds(41), () => world.crash(brokerName(victim as number)));
    world.runUntil(seconds(75));
    expect(state('t', 0)?.isr).not.toContain(victim);
    expect(state('t', 0)?.leader).not.toBe(victim);
    const acked = produced.filter((p) => p.outcome?.error === 'NONE');
    expect(acked.length).toBeGreaterThan(100);
  });

  it('stops the brokers’ ZooKeeper work when the ensemble loses its quorum, and recovers when it is back', () => {
    const { world, broker, ids, state, createTopic } = zkCluster({ seed: 6, zookeepers: 3 });
    createTopic(seconds(8), 't', [[1, 2, 3]]);
    world.at(seconds(15), () => {
      world.crash('zookeeper-1');
      world.crash('zookeeper-2');
    });
    world.runUntil(seconds(60));
    const epochBefore = state('t', 0)?.leaderEpoch;
    world.at(seconds(61), () => {
      world.restart('zookeeper-1');
      world.restart('zookeeper-2');
    });
    world.runUntil(seconds(120));
    // sessions survive a ZooKeeper outage (the new quorum gives them a fresh timeout): no broker was lost
    expect(state('t', 0)?.isr).toEqual([1, 2, 3]);
    expect(state('t', 0)?.leaderEpoch).toBe(epochBefore);
    expect(ids.filter((id) => broker(id)?.controller().isActive).length).toBe(1);
  });
});
