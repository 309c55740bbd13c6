import { describe, expect, it } from 'vitest';
import { brokerName } from '../../../src/kafka/broker/io.js';
import { seconds } from '../../../src/sim/time.js';
import { testProducer, zkCluster } from './cluster.js';

describe('ISR changes below inter.broker.protocol.version 2.7-IV2 (Kafka 2.1)', () => {
  it.each([9, 10, 11, 12])(
    'the leader writes the ISR into ZooKeeper itself and the controller learns it from /isr_change_notification (seed %i)',
    (seed) => {
      const { world, ensemble, broker, state, createTopic, ids } = zkCluster({
        seed,
        config: { 'inter.broker.protocol.version': '2.1' },
      });
      createTopic(seconds(5), 't', [[1, 2, 3]]);
      // traffic: an idle follower that stops fetching stays "caught up" (its LEO equals the leader's)
      world.spawn('producer', testProducer({ acks: 1, everyMs: 500, count: 200, brokers: ids, log: [] }), {
        start: false,
      });
      world.at(seconds(6), () => world.start('producer'));
      world.runUntil(seconds(10));
      expect(state('t', 0)).toMatchObject({ leader: 1, leaderEpoch: 0, isr: [1, 2, 3], zkVersion: 0 });
      // a follower that is not the controller is cut off from the other brokers; it can still talk to
      // ZooKeeper, so only the leader's own ISR check can remove it
      const controller = ids.find((id) => broker(id)?.controller().isActive);
      const victim = [2, 3].find((id) => id !== controller) as number;
      const others = ids.filter((id) => id !== victim);
      world.network.partition([[brokerName(victim)], others.map(brokerName)]);
      world.runUntil(seconds(60));
      expect(state('t', 0)).toMatchObject({ leader: 1, leaderEpoch: 0, isr: others, zkVersion: 1 });
      // one notification was published (isr_change_0000000000: the parent's cversion is 1) and consumed
      expect(ensemble.tree.node('/isr_change_notification')?.stat.cversion).toBe(1);
      expect(ensemble.tree.node('/isr_change_notification')?.children).toEqual([]);
      for (const id of others) {
        const meta = broker(id)
          ?.replicaManager.metadataPartitions()
          .find((p) => p.topic === 't');
        expect(meta?.isr).toEqual(others);
      }
      world.network.heal();
      world.runUntil(seconds(80));
      expect(state('t', 0)).toMatchObject({
        leader: 1,
        leaderEpoch: 0,
        isr: [...others, victim],
        zkVersion: 2,
      });
      expect(ensemble.tree.node('/isr_change_notification')?.stat.cversion).toBe(2);
    },
  );
});
