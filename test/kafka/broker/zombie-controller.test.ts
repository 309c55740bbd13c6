import { describe, expect, it } from 'vitest';
import { brokerName } from '../../../src/kafka/broker/io.js';
import { seconds } from '../../../src/sim/time.js';
import { zkCluster } from './cluster.js';
import { cluster } from './harness.js';

describe('a zombie controller is fenced', () => {
  it('a controller cut off from ZooKeeper loses its session; another takes a higher epoch; the old one resigns on return', () => {
    const { world, ensemble, broker, createTopic, ids, history, activeController } = zkCluster({ seed: 5 });
    createTopic(seconds(5), 't', [[1, 2, 3]]);
    world.runUntil(seconds(10));
    const zombie = activeController();
    world.network.partition([[brokerName(zombie)], ['zookeeper-1']]);
    world.runUntil(seconds(40));
    const active = ids.filter((id) => broker(id)?.controller().isActive);
    // the zombie still believes it is controller: it has not heard from ZooKeeper that it is not
    expect(active).toContain(zombie);
    const successor = active.find((id) => id !== zombie) as number;
    expect(successor).toBeDefined();
    expect(broker(successor)?.controller().epoch).toBe(2);
    expect(ensemble.tree.node('/controller_epoch')?.data).toBe('2');
    // every broker follows the newer epoch (its UpdateMetadata came with epoch 2)
    for (const id of ids.filter((b) => b !== zombie))
      expect(broker(id)?.replicaManager.controllerEpoch).toBe(2);
    world.network.heal();
    world.runUntil(seconds(60));
    expect(ids.filter((id) => broker(id)?.controller().isActive)).toEqual([successor]);
    expect(broker(zombie)?.controller().activeControllerId).toBe(successor);
    expect(ensemble.tree.node(`/brokers/ids/${zombie}`)).toBeDefined(); // registered again, new session
    const zombieFacts = history.brokerFacts
      .filter((f) => f.broker === zombie)
      .map((f): string => (f.kind === 'zk-session' ? f.state : f.kind));
    // its story, in order: elected, cut off, expired, resigned, registered again with a new session
    const order = ['controller-elected', 'Disconnected', 'Expired', 'controller-resigned', 'registered'];
    const positions = order.map((kind) => zombieFacts.lastIndexOf(kind));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const elected = history.brokerFacts.filter((f) => f.kind === 'controller-elected');
    expect(elected.map((f) => (f.kind === 'controller-elected' ? f.controllerEpoch : -1))).toEqual([1, 2]);
  });

  it('brokers ignore LeaderAndIsr, UpdateMetadata and StopReplica from an older controller epoch', () => {
    const { world, rm } = cluster();
    world.runUntil(seconds(1));
    const replicas = rm(2);
    const sent: string[] = [];
    const inbox = (m: { type: string; error?: string }) => sent.push(`${m.type} ${m.error ?? ''}`);
    const before = replicas.partitions.get('t-0')?.leaderEpoch;
    replicas.controllerEpoch = 5;
    const io = replicas as unknown as { io: { send(to: string, m: { type: string; error?: string }): void } };
    const send = io.io.send;
    io.io.send = (_to, m) => inbox(m);
    replicas.handleLeaderAndIsr('broker-0', {
      type: 'LeaderAndIsr',
      correlationId: 1,
      controllerId: 0,
      controllerEpoch: 4,
      brokerEpoch: -1,
      partitions: [
        {
          topic: 't',
          partition: 0,
          leader: 2,
          leaderEpoch: 9,
          isr: [2],
          partitionEpoch: 9,
          replicas: [1, 2, 3],
        },
      ],
    });
    replicas.handleUpdateMetadata('broker-0', {
      type: 'UpdateMetadata',
      correlationId: 2,
      controllerId: 0,
      controllerEpoch: 4,
      brokerEpoch: -1,
      liveBrokers: [],
      partitions: [],
    });
    replicas.handleStopReplica('broker-0', {
      type: 'StopReplica',
      correlationId: 3,
      controllerId: 0,
      controllerEpoch: 4,
      brokerEpoch: -1,
      partitions: [{ topic: 't', partition: 0, leaderEpoch: 9, deletePartition: true }],
    });
    io.io.send = send;
    expect(sent).toEqual([
      'LeaderAndIsrResponse STALE_CONTROLLER_EPOCH',
      'UpdateMetadataResponse STALE_CONTROLLER_EPOCH',
      'StopReplicaResponse STALE_CONTROLLER_EPOCH',
    ]);
    expect(replicas.partitions.get('t-0')?.leaderEpoch).toBe(before);
    expect(replicas.isAlive(1)).toBe(true);
  });
});
