import { describe, expect, it } from 'vitest';
import { describeTopics } from '../../../src/kafka/admin/describe.js';
import type { BrokerMessage } from '../../../src/kafka/broker/broker.js';
import { brokerName } from '../../../src/kafka/broker/io.js';
import { describedTopicFromZooKeeper } from '../../../src/kafka/describe-cluster.js';
import type { ElectLeadersResponse } from '../../../src/kafka/protocol.js';
import type { ProcessContext } from '../../../src/sim/process.js';
import { seconds } from '../../../src/sim/time.js';
import { zkCluster } from './cluster.js';

/** The seeds' story (002_…): kill -9 a broker, restart it, then run a preferred replica election. */
describe('kafka-topics --describe through a broker kill, a restart and a preferred election', () => {
  it('shows leaders move and ISRs shrink, ISRs grow back while leaders stay, and leaders return on election', () => {
    const { world, ensemble, createTopic, activeController } = zkCluster({
      seed: 11,
      config: { 'auto.leader.rebalance.enable': false },
    });
    createTopic(seconds(5), 'first', [
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
    ]);
    const describeNow = () => {
      const topic = describedTopicFromZooKeeper((path) => ensemble.tree.node(path)?.data, 'first');
      return describeTopics(topic === undefined ? [] : [topic]);
    };
    world.runUntil(seconds(10));
    expect(describeNow()).toBe(
      [
        'Topic: first\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: ',
        '\tTopic: first\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\tElr: N/A\tLastKnownElr: N/A',
        '\tTopic: first\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3,1\tElr: N/A\tLastKnownElr: N/A',
        '\tTopic: first\tPartition: 2\tLeader: 3\tReplicas: 3,1,2\tIsr: 3,1,2\tElr: N/A\tLastKnownElr: N/A',
        '',
      ].join('\n'),
    );
    // kill -9 a broker that is not the controller, so the live controller handles it
    const controller = activeController();
    const victim = controller === 1 ? 2 : 1;
    world.crash(brokerName(victim));
    world.runUntil(seconds(40));
    const afterKill = describeNow();
    for (const line of afterKill.split('\n').filter((l) => l.startsWith('\tTopic'))) {
      expect(line).not.toMatch(new RegExp(`Leader: ${victim}\\t`));
      expect(line.split('Isr: ')[1]?.split('\t')[0]?.split(',')).not.toContain(String(victim));
    }
    world.restart(brokerName(victim));
    world.runUntil(seconds(70));
    const afterRestart = describeNow();
    for (const line of afterRestart.split('\n').filter((l) => l.startsWith('\tTopic'))) {
      expect(line).not.toMatch(new RegExp(`Leader: ${victim}\\t`)); // leaders stay where they moved
      expect(line.split('Isr: ')[1]?.split('\t')[0]?.split(',')).toContain(String(victim)); // ISR grew back
    }
    // kafka-leader-election.sh --election-type preferred, through the controller's ElectLeaders
    const results: ElectLeadersResponse['partitions'][] = [];
    world.spawn('leader-election', ((ctx: ProcessContext<BrokerMessage, never>) => ({
      onStart: () =>
        ctx.send(brokerName(controller), {
          type: 'ElectLeaders',
          correlationId: 1,
          partitions: [0, 1, 2]
            .map((p) => ({ topic: 'first', partition: p }))
            .concat([{ topic: 'nope', partition: 0 }]),
        }),
      onMessage(_from: string, m: BrokerMessage) {
        if (m.type === 'ElectLeadersResponse') results.push(m.partitions);
      },
    })) as never);
    world.runUntil(seconds(75));
    const byPartition = new Map(results[0]?.map((r) => [`${r.topic}-${r.partition}`, r.error]));
    expect(byPartition.get(`first-${victim === 1 ? 0 : 1}`)).toBe('NONE');
    expect(byPartition.get(`first-${victim === 1 ? 1 : 0}`)).toBe('ELECTION_NOT_NEEDED');
    expect(byPartition.get('nope-0')).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    const afterElection = describeNow();
    expect(afterElection).toContain('Partition: 0\tLeader: 1\tReplicas: 1,2,3');
    expect(afterElection).toContain('Partition: 1\tLeader: 2\tReplicas: 2,3,1');
    expect(afterElection).toContain('Partition: 2\tLeader: 3\tReplicas: 3,1,2');
  });

  it('moves leaders back by itself with auto.leader.rebalance.enable (checked every 300 s)', () => {
    const { world, ensemble, createTopic, activeController } = zkCluster({ seed: 11 });
    createTopic(seconds(5), 'first', [
      [1, 2, 3],
      [2, 3, 1],
      [3, 1, 2],
    ]);
    world.runUntil(seconds(10));
    const controller = activeController();
    const victim = controller === 1 ? 2 : 1;
    world.crash(brokerName(victim));
    world.at(seconds(60), () => world.restart(brokerName(victim)));
    const leaderOf = (p: number) =>
      JSON.parse(ensemble.tree.node(`/brokers/topics/first/partitions/${p}/state`)?.data ?? '{}')
        .leader as number;
    const preferredOfVictim = victim === 1 ? 0 : 1;
    world.runUntil(seconds(120));
    expect(leaderOf(preferredOfVictim)).not.toBe(victim);
    world.runUntil(seconds(320)); // first check 5 s after failover, then every 300 s
    expect(leaderOf(preferredOfVictim)).toBe(victim);
  });
});
