import { describe, expect, it } from 'vitest';
import { runChecks, snapshotCluster } from '../../src/checks/index.js';
import { Cluster, type ZooKeeperRestore } from '../../src/cluster/cluster.js';
import type { ReplicaFact } from '../../src/history/cluster-history.js';
import { seconds } from '../../src/sim/time.js';

/**
 * Three brokers, t-0 on [1, 2, 3], a producer (acks=all, 10 records/s, 1500 records) from 2 s.
 * A ZooKeeper backup at 8 s; broker 1 (t-0's leader) crashes at 10 s; broker 3 crashes at 30 s and
 * comes back at 55 s; with `restore`, ZooKeeper is restored from the backup at 60 s; broker 1
 * comes back at 85 s. The final state is taken at 250 s.
 */
function run(restore: boolean) {
  const cluster = new Cluster({ seed: 1, trace: 'faults' });
  cluster.createTopic({ name: 't', assignment: [[1, 2, 3]] });
  cluster.addProducer('p1', { workload: { topic: 't', count: 1500, rate: 10 } }, seconds(2));
  const world = cluster.world;
  world.at(seconds(8), () => cluster.backupZooKeeper('b1'));
  world.injectAt(seconds(10), { kind: 'crash', process: 'broker-1' });
  world.injectAt(seconds(30), { kind: 'crash', process: 'broker-3' });
  world.injectAt(seconds(55), { kind: 'restart', process: 'broker-3' });
  let restored: ZooKeeperRestore | undefined;
  if (restore) world.at(seconds(60), () => (restored = cluster.restoreZooKeeper('b1')));
  world.injectAt(seconds(85), { kind: 'restart', process: 'broker-1' });
  world.runUntil(seconds(250));
  const final = snapshotCluster(cluster, { quiescent: true });
  const results = runChecks({ clients: cluster.clients, cluster: cluster.history, final });
  const status = (name: string) => results.find((r) => r.name === name)?.status;
  const messages = (name: string) => results.find((r) => r.name === name)?.violations.map((v) => v.message);
  const becameLeader = cluster.history.facts
    .filter((f): f is Extract<ReplicaFact, { kind: 'become-leader' }> => f.kind === 'become-leader')
    .map((f) => `broker ${f.broker} epoch ${f.leaderEpoch}`);
  const notes = world.trace.filter((r) => r.kind === 'note').map((r) => `${r.process} ${r.detail}`);
  return { cluster, final, status, messages, becameLeader, notes, restored: () => restored };
}

describe('ZooKeeper restored from a backup', () => {
  it('without the restore: one leader per epoch, nothing acknowledged lost', () => {
    const r = run(false);
    expect(r.becameLeader).toEqual(['broker 1 epoch 0', 'broker 2 epoch 1', 'broker 2 epoch 2']);
    expect(r.status('split-brain')).toBe('holds');
    expect(r.status('lost-write')).toBe('holds');
    expect(r.status('hw-regression')).toBe('holds');
    expect(r.cluster.partitionState('t', 0)).toMatchObject({ leader: 2, leaderEpoch: 2, isr: [2, 3, 1] });
  });

  it('with it: the restarted broker re-issues leader epochs broker 2 led, and two brokers lead epoch 2 for good', () => {
    const r = run(true);
    const restored = r.restored() as ZooKeeperRestore;
    // What rolled back: t-0's leadership, and the standalone server's zxids.
    expect(restored.before.partitions.get('t-0')).toMatchObject({ leader: 2, leaderEpoch: 2, isr: [2, 3] });
    expect(restored.after.partitions.get('t-0')).toMatchObject({ leader: 1, leaderEpoch: 0, isr: [1, 2, 3] });
    expect(restored.after.brokers.map((b) => b.id)).toEqual([1, 2, 3]);
    expect(restored.zxidAfter).toBeLessThan(restored.zxidBefore);
    expect(restored).toMatchObject({ revivedSessions: 3, forgottenSessions: 1 });
    // Brokers 2 and 3 had seen later zxids: refused until broker 1's writes caught up.
    expect(r.notes.some((n) => /Refusing session request for client broker-2 /.test(n))).toBe(true);
    expect(r.notes.some((n) => /Refusing session request for client broker-3 /.test(n))).toBe(true);
    expect(r.notes).toContain('broker-1 t-0: leader 1, leader epoch 2, ISR [1]');
    // Broker 1 gets epoch 0, then the batch's last state, epoch 2 (ControllerBrokerRequestBatch
    // keeps one state per partition): broker 2 led epoch 2 already.
    expect(r.becameLeader).toEqual([
      'broker 1 epoch 0',
      'broker 2 epoch 1',
      'broker 2 epoch 2',
      'broker 1 epoch 0',
      'broker 1 epoch 2',
    ]);
    expect(r.status('split-brain')).toBe('violated');
    expect(r.messages('split-brain')).toEqual([
      'split brain: brokers 2 and 1 each became leader of t-0 in leader epoch 2',
      'split brain: brokers 1 and 2 each lead t-0 in leader epoch 2 at the end',
    ]);
    // Back in, brokers 2 and 3 refuse epoch 2 (not newer): broker 3 still follows broker 2.
    const replicas = r.final.partitions.find((p) => p.topic === 't')?.replicas ?? [];
    expect(replicas.map((x) => [x.broker, x.role, x.leaderEpoch])).toEqual([
      [1, 'leader', 2],
      [2, 'leader', 2],
      [3, 'follower', 2],
    ]);
    expect(r.cluster.broker(3)?.replicaManager.partitions.get('t-0')?.leader).toBe(2);
    // ZooKeeper and every broker's metadata name broker 1, whose log ends at 80 records.
    expect(r.cluster.partitionState('t', 0)).toMatchObject({ leader: 1, leaderEpoch: 2, isr: [1] });
    for (const id of [1, 2, 3])
      expect(
        r.cluster
          .broker(id)
          ?.replicaManager.metadataPartitions()
          .find((p) => p.topic === 't')?.leader,
      ).toBe(1);
    expect(r.cluster.committedValues('t', 0)).toHaveLength(80);
    expect(r.status('lost-write')).toBe('violated');
    expect(r.messages('lost-write')?.[0]).toBe(
      'acked record t-0@80 (p1-80) lost: not in the final committed log of t-0 (leader broker 1, HW 80)',
    );
    expect(r.status('hw-regression')).toBe('violated');
    // The producer id block went back too: broker 1 takes the one broker 3 took before the restore.
    const blocks = r.notes.filter((n) => n.includes('Acquired new producerId block 3000-3999'));
    expect(blocks.map((n) => n.split(' ')[0])).toEqual(['broker-3', 'broker-1']);
  });
});
