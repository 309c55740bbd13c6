import { describe, expect, it } from 'vitest';
import {
  type BrokerActor,
  type BrokerMessage,
  type BrokerTimer,
  brokerActor,
} from '../../../src/kafka/broker/broker.js';
import { brokerName } from '../../../src/kafka/broker/io.js';
import { DEFAULT_BROKER_CONFIG } from '../../../src/kafka/config.js';
import { seconds } from '../../../src/sim/time.js';
import { World } from '../../../src/sim/world.js';
import { ZkEnsemble, type ZkServerTimer } from '../../../src/zk/index.js';

function clusterWithZooKeeper(seed: number) {
  const world = new World<BrokerMessage, BrokerTimer | ZkServerTimer>({ seed, trace: 'faults' });
  const ensemble = new ZkEnsemble({ servers: ['zookeeper-1'] });
  world.spawn('zookeeper-1', ensemble.serverActor('zookeeper-1') as never);
  for (const id of [1, 2, 3]) {
    world.spawn(
      brokerName(id),
      brokerActor({
        id,
        config: DEFAULT_BROKER_CONFIG,
        truncation: 'leader-epoch',
        zookeeper: ['zookeeper-1'],
      }),
    );
  }
  const broker = (id: number) => world.actorOf(brokerName(id)) as BrokerActor | undefined;
  const controllers = () => [1, 2, 3].filter((id) => broker(id)?.controller().isActive === true);
  const registered = () => ensemble.tree.node('/brokers/ids')?.children.map(Number).sort() ?? [];
  return { world, ensemble, broker, controllers, registered };
}

describe('brokers in ZooKeeper', () => {
  it('register, elect exactly one controller in epoch 1, and tell every broker', () => {
    const { world, ensemble, broker, controllers, registered } = clusterWithZooKeeper(7);
    world.runUntil(seconds(10));
    expect(registered()).toEqual([1, 2, 3]);
    const elected = controllers();
    expect(elected.length).toBe(1);
    const [controller] = elected as [number];
    expect(ensemble.tree.node('/controller_epoch')?.data).toBe('1');
    expect(JSON.parse(ensemble.tree.node('/controller')?.data ?? '{}')).toMatchObject({
      version: 2,
      brokerid: controller,
    });
    for (const id of [1, 2, 3]) {
      expect(broker(id)?.controller().activeControllerId).toBe(controller);
      expect(broker(id)?.replicaManager.controllerId).toBe(controller); // from UpdateMetadata
      expect(broker(id)?.replicaManager.isAlive(3)).toBe(true);
    }
  });

  it('elects a new controller in a higher epoch once the dead one’s session expires', () => {
    const { world, ensemble, broker, controllers, registered } = clusterWithZooKeeper(7);
    world.runUntil(seconds(10));
    const [first] = controllers() as [number];
    world.crash(brokerName(first));
    // ZooKeeper keeps the session for 18 s after it last heard from it (a ping every ~5 s before the crash)
    world.runUntil(seconds(10) + seconds(12));
    expect(registered()).toContain(first);
    world.runUntil(seconds(10) + seconds(24)); // 18 s plus at most one 3 s tick, plus the election
    expect(registered()).not.toContain(first);
    const [second] = controllers() as [number];
    expect(second).not.toBe(first);
    expect(ensemble.tree.node('/controller_epoch')?.data).toBe('2');
    for (const id of [1, 2, 3].filter((b) => b !== first)) {
      expect(broker(id)?.controller().activeControllerId).toBe(second);
      expect(broker(id)?.replicaManager.isAlive(first)).toBe(false);
    }
    const notes = world.trace.filter((r) => r.kind === 'note').map((r) => r.detail ?? '');
    expect(notes).toContain(`Ready to serve as the new controller with epoch 2`);
    // The restarted broker registers again, with a new broker epoch, and the controller learns of it.
    const epochBefore = ensemble.tree.node(`/brokers/ids/${second}`)?.stat.czxid;
    world.restart(brokerName(first));
    world.runUntil(seconds(50));
    expect(registered()).toEqual([1, 2, 3]);
    expect(broker(second)?.replicaManager.isAlive(first)).toBe(true);
    expect(ensemble.tree.node(`/brokers/ids/${second}`)?.stat.czxid).toBe(epochBefore);
    const later = world.trace.filter((r) => r.kind === 'note').map((r) => r.detail ?? '');
    expect(later).toContain(
      `Newly added brokers: ${first}, deleted brokers: , bounced brokers: , all live brokers: 1,2,3`,
    );
  });

  it('exits when restarted while its old session still holds its registration, and starts after it expired', () => {
    // Found by the replication properties: the broker stayed up but inert, so a later restart did nothing.
    const { world, registered } = clusterWithZooKeeper(7);
    world.runUntil(seconds(10));
    world.crash(brokerName(2));
    world.at(seconds(11), () => world.restart(brokerName(2)));
    world.runUntil(seconds(12));
    expect(world.state(brokerName(2))).toBe('crashed');
    const notes = world.trace
      .filter((r) => r.kind === 'note' && r.process === brokerName(2))
      .map((r) => r.detail);
    expect(notes).toContain(
      'Fatal error during KafkaServer startup. Prepare to shutdown (registration: NODE_OWNED_BY_ANOTHER_SESSION)',
    );
    world.runUntil(seconds(40)); // the old session has expired
    expect(registered()).toEqual([1, 3]);
    world.restart(brokerName(2));
    world.runUntil(seconds(45));
    expect(registered()).toEqual([1, 2, 3]);
  });
});
