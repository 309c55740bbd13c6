import { describe, expect, it } from 'vitest';
import { brokerName } from '../../../src/kafka/broker/io.js';
import { seconds } from '../../../src/sim/time.js';
import { zkCluster } from './cluster.js';

describe('the controller moves leadership as Kafka does', () => {
  // Seeds decide which broker wins the controller race, so both paths below (leader dies, follower dies) run.
  it.each([1, 2, 3, 4, 5, 6])(
    'creates a topic, moves its leader when the leader dies, and takes the returning broker back into the ISR (seed %i)',
    (seed) => {
      const { world, broker, state, createTopic, ids, activeController } = zkCluster({ seed });
      createTopic(seconds(5), 't', [[1, 2, 3]]);
      world.runUntil(seconds(10));
      expect(state('t', 0)).toMatchObject({ leader: 1, leaderEpoch: 0, isr: [1, 2, 3], zkVersion: 0 });
      for (const id of ids) expect(broker(id)?.replicaManager.partitions.get('t-0')?.leader).toBe(1);

      const controller = activeController();
      const victim = controller === 1 ? 2 : 1; // keep the controller alive: this is the live-controller path
      world.at(seconds(20), () => world.crash(brokerName(victim)));
      world.runUntil(seconds(45));
      const after = state('t', 0);
      if (victim === 1) {
        // the leader died: the first live ISR replica in assignment order leads, in a new epoch
        expect(after).toMatchObject({ leader: 2, leaderEpoch: 1, isr: [2, 3] });
      } else {
        // a follower died: same leader, smaller ISR, and the leader epoch still moves (OfflineReplica)
        expect(after).toMatchObject({ leader: 1, leaderEpoch: 1, isr: [1, 3] });
      }
      const leader = after?.leader as number;
      expect(broker(leader)?.replicaManager.partitions.get('t-0')?.isLeader).toBe(true);

      world.at(seconds(60), () => world.restart(brokerName(victim)));
      world.runUntil(seconds(80));
      const back = state('t', 0);
      // back in the ISR through AlterPartition: the leader epoch does not change, the partition epoch does
      expect(back?.leader).toBe(leader);
      expect(back?.leaderEpoch).toBe(1);
      expect([...(back?.isr ?? [])].sort()).toEqual([1, 2, 3]);
      expect(back?.zkVersion).toBeGreaterThan(after?.zkVersion as number);
      expect(broker(victim)?.replicaManager.partitions.get('t-0')?.leader).toBe(leader);
    },
  );

  it.each([1, 2, 3, 4, 5, 6])(
    'fails over the controller itself: the new one rebuilds its view from ZooKeeper and elects leaders (seed %i)',
    (seed) => {
      const { world, broker, state, createTopic, ids, activeController } = zkCluster({ seed });
      createTopic(seconds(5), 't', [[1, 2, 3]]);
      world.runUntil(seconds(10));
      const controller = activeController();
      // kill the broker that is both controller and (if it is 1) leader
      world.at(seconds(20), () => world.crash(brokerName(controller)));
      world.runUntil(seconds(50));
      const newController = ids.find((id) => id !== controller && broker(id)?.controller().isActive);
      expect(newController).toBeDefined();
      expect(broker(newController as number)?.controller().epoch).toBe(2);
      const after = state('t', 0);
      expect(after?.isr).not.toContain(controller);
      expect(after?.leader).not.toBe(controller);
      expect(after?.leader).toBeGreaterThan(0);
      if (controller === 1) expect(after?.leaderEpoch).toBe(2); // leader -1 first, then an election: +2
    },
  );
});
