import { describe, expect, it } from 'vitest';
import { runChecks, snapshotCluster } from '../../../src/checks/index.js';
import { type ConsumerConfig, consumerConfig } from '../../../src/clients/consumer/config.js';
import { Cluster } from '../../../src/cluster/cluster.js';
import type { MemberFact } from '../../../src/history/client-history.js';
import { type SimTime, seconds } from '../../../src/sim/time.js';

/**
 * Static membership (KIP-345, group.instance.id): a member that restarts within session.timeout.ms
 * takes its place back without a rebalance; two live instances with one group.instance.id fence
 * each other, and until the first learns, both own the same partitions in one generation.
 */

const GROUP: Partial<ConsumerConfig> = {
  'group.id': 'g',
  'session.timeout.ms': 10_000,
  'heartbeat.interval.ms': 1_000,
  'auto.offset.reset': 'earliest',
};

type Assigned = Extract<MemberFact, { kind: 'assigned' }>;

function staticCluster(seed = 1, trace: 'faults' | 'messages' = 'faults') {
  const cluster = new Cluster({
    seed,
    trace,
    brokerConfig: {
      'offsets.topic.num.partitions': 3,
      'offsets.topic.replication.factor': 3,
      'group.initial.rebalance.delay.ms': 0,
    },
  });
  cluster.createTopic({ name: 't', partitions: 3, replicationFactor: 3 });
  cluster.addProducer(
    'p1',
    { workload: { topic: 't', count: 500, rate: 10, keys: { kind: 'sequential' } } },
    seconds(4),
  );
  const consumer = (name: string, at: SimTime | null, config: Partial<ConsumerConfig> = {}) =>
    cluster.addConsumer(
      name,
      {
        subscribe: ['t'],
        commitMode: 'after-processing',
        config: { ...GROUP, 'client.id': name, ...config },
      },
      at,
    );
  const facts = (process?: string) =>
    cluster.clients.memberFacts.filter((f) => process === undefined || f.process === process);
  const assigned = (process?: string) => facts(process).filter((f): f is Assigned => f.kind === 'assigned');
  const group = () => {
    for (const id of cluster.brokerIds) {
      const g = cluster.broker(id)?.groupCoordinator.manager.getGroup('g');
      if (g !== undefined && !g.is('Dead') && cluster.world.state(`broker-${id}`) === 'up') return g;
    }
    return undefined;
  };
  const checks = () =>
    runChecks(
      {
        clients: cluster.clients,
        cluster: cluster.history,
        final: snapshotCluster(cluster, { quiescent: false }),
      },
      ['group-exclusivity'],
    )[0];
  return { cluster, world: cluster.world, consumer, facts, assigned, group, checks };
}

describe('static membership (KIP-345)', () => {
  it('a static member that crashes and restarts within session.timeout.ms gets its partitions back in the same generation, without a rebalance', () => {
    const s = staticCluster();
    for (const [i, name] of ['c1', 'c2', 'c3'].entries())
      s.consumer(name, seconds(5 + i * 0.2), { 'group.instance.id': `instance-${name}` });
    s.world.runUntil(seconds(20));
    const before = s.assigned('c2').at(-1) as Assigned;
    const generation = s.group()?.generationId;
    expect(before.generation).toBe(generation);
    expect(before.memberId.startsWith('instance-c2-')).toBe(true); // generateMemberId(groupInstanceId)
    expect(s.group()?.state).toBe('Stable');

    s.world.crash('c2');
    s.world.runUntil(seconds(24)); // down 4 s: well within session.timeout.ms (10 s)
    s.world.restart('c2');
    s.world.runUntil(seconds(45));

    const after = s.assigned('c2').filter((f) => f.time > seconds(24));
    expect(after).toHaveLength(1);
    const back = after[0] as Assigned;
    expect(back.generation).toBe(before.generation); // the same generation,
    expect(back.partitions).toEqual(before.partitions); // the same partitions,
    expect(back.memberId).not.toBe(before.memberId); // under a new member id
    // nobody else rejoined: no rebalance at all
    expect(
      s
        .facts()
        .filter((f) => f.kind === 'joining' && f.time > seconds(20))
        .map((f) => f.process),
    ).toEqual(['c2']);
    expect(s.group()?.generationId).toBe(generation);
    expect(s.group()?.state).toBe('Stable');
    expect(s.group()?.currentStaticMemberId('instance-c2')).toBe(back.memberId);
    // the old member id is gone from the group; the instances map to the three members
    expect(s.group()?.has(before.memberId)).toBe(false);
    expect(s.group()?.allStaticMembers().sort()).toEqual(['instance-c1', 'instance-c2', 'instance-c3']);
    expect(s.checks()?.status).toBe('holds');
    // it read on from the committed offsets of its partitions
    const polledAfter = s.cluster.clients.ops.filter(
      (o) => o.f === 'poll' && o.type === 'ok' && o.process === 'c2' && o.time > seconds(24),
    );
    expect(polledAfter.some((o) => o.f === 'poll' && (o.records?.length ?? 0) > 0)).toBe(true);
  });

  it('the static leader restarts within session.timeout.ms: told to skip the assignment (KIP-814), it keeps its partitions and the lead', () => {
    const s = staticCluster(2);
    for (const [i, name] of ['c1', 'c2', 'c3'].entries())
      s.consumer(name, seconds(5 + i * 0.2), { 'group.instance.id': `instance-${name}` });
    s.world.runUntil(seconds(20));
    const group = s.group();
    const generation = group?.generationId;
    const leader = s
      .assigned()
      .filter((f) => f.memberId === group?.leaderId)
      .at(-1) as Assigned;
    expect(leader).toBeDefined();
    s.world.crash(leader.process);
    s.world.runUntil(seconds(23));
    s.world.restart(leader.process);
    s.world.runUntil(seconds(40));
    const back = s.assigned(leader.process).at(-1) as Assigned;
    expect(back.time).toBeGreaterThan(seconds(23));
    expect(back.generation).toBe(generation);
    expect(back.partitions).toEqual(leader.partitions);
    expect(s.group()?.leaderId).toBe(back.memberId);
    expect(s.group()?.generationId).toBe(generation);
    expect(
      s
        .facts()
        .filter((f) => f.kind === 'joining' && f.time > seconds(20))
        .map((f) => f.process),
    ).toEqual([leader.process]);
  });

  it('group.instance.id is validated as Kafka validates it (JoinGroupRequest.validateGroupInstanceId)', () => {
    expect(() => consumerConfig({ 'group.id': 'g', 'group.instance.id': '' })).toThrow(
      'InvalidConfigurationException: Group instance id is invalid: the empty string is not allowed',
    );
    expect(() => consumerConfig({ 'group.id': 'g', 'group.instance.id': 'a b' })).toThrow(
      "Group instance id is invalid: 'a b' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
    );
    expect(consumerConfig({ 'group.id': 'g', 'group.instance.id': 'pod-7' })['group.instance.id']).toBe(
      'pod-7',
    );
    expect(consumerConfig({ 'group.id': 'g' })['group.instance.id']).toBeNull();
    // ConsumerConfig.maybeOverrideClientId
    expect(consumerConfig({ 'group.id': 'g', 'group.instance.id': 'pod-7' })['client.id']).toBe(
      'consumer-g-pod-7',
    );
    expect(consumerConfig({ 'group.id': 'g' })['client.id']).toBe('consumer-g-1');
  });

  it('a static member down longer than session.timeout.ms is removed and the group rebalances', () => {
    const s = staticCluster();
    for (const [i, name] of ['c1', 'c2', 'c3'].entries())
      s.consumer(name, seconds(5 + i * 0.2), { 'group.instance.id': `instance-${name}` });
    s.world.runUntil(seconds(20));
    const generation = s.group()?.generationId as number;
    s.world.crash('c2');
    // no LeaveGroup (it crashed; a static member sends none anyway): nothing happens before the session expires
    s.world.runUntil(seconds(28));
    expect(s.group()?.generationId).toBe(generation);
    s.world.runUntil(seconds(45));
    expect(s.group()?.generationId).toBeGreaterThan(generation);
    expect(s.group()?.allStaticMembers().sort()).toEqual(['instance-c1', 'instance-c3']);
    const last = new Map<string, Assigned>();
    for (const f of s.assigned()) last.set(f.process, f);
    expect(
      [...last.values()]
        .filter((f) => f.process !== 'c2')
        .flatMap((f) => f.partitions)
        .sort(),
    ).toEqual(['t-0', 't-1', 't-2']);
  });

  it("a static member's poll timeout sends no LeaveGroup: its rejoin, with the same group.instance.id, takes its place back", () => {
    const s = staticCluster(1, 'messages');
    s.consumer('c1', seconds(5), { 'group.instance.id': 'i1' });
    s.cluster.addConsumer(
      'slow',
      {
        subscribe: ['t'],
        commitMode: 'after-processing',
        processing: { perBatchMs: 12_000 },
        config: { ...GROUP, 'client.id': 'slow', 'group.instance.id': 'i2', 'max.poll.interval.ms': 8_000 },
      },
      seconds(5.2),
    );
    s.world.runUntil(seconds(60));
    const joins = s.facts('slow').filter((f) => f.kind === 'joining');
    expect(joins.some((f) => f.kind === 'joining' && f.reason === 'consumer poll timeout has expired.')).toBe(
      true,
    );
    // the coordinator never saw a LeaveGroup: it still has i2, and c1 never had to rejoin for it
    expect(s.group()?.allStaticMembers().sort()).toEqual(['i1', 'i2']);
    const settled = (s.assigned('c1').at(-1) as Assigned).time;
    expect(s.facts('c1').filter((f) => f.kind === 'joining' && f.time > settled)).toEqual([]);
    // each rejoin got t-2 back in the same generation, under a new member id
    const slow = s.assigned('slow');
    expect(slow.length).toBeGreaterThan(2);
    expect(new Set(slow.map((f) => f.generation)).size).toBe(1);
    expect(new Set(slow.map((f) => f.memberId)).size).toBe(slow.length);
    const leaves = s.world.trace.filter((r) => r.kind === 'deliver' && r.detail === 'LeaveGroup');
    expect(leaves).toEqual([]);
  });

  it('two live instances with one group.instance.id: the second replaces the first, both own its partitions in one generation until the first is fenced, and group-exclusivity fires', () => {
    const s = staticCluster();
    s.consumer('c1', seconds(5), { 'group.instance.id': 'shared' });
    s.consumer('c2', seconds(5.2), { 'group.instance.id': 'other' });
    s.world.runUntil(seconds(20));
    const first = s.assigned('c1').at(-1) as Assigned;
    expect(first.partitions.length).toBeGreaterThan(0);
    // a second application, misconfigured with c1's group.instance.id
    s.consumer('c1-twin', seconds(20), { 'group.instance.id': 'shared' });
    s.world.runUntil(seconds(40));

    const twin = s.assigned('c1-twin')[0] as Assigned;
    expect(twin.generation).toBe(first.generation); // told the current generation…
    expect(twin.partitions).toEqual(first.partitions); // …and the old assignment
    expect(twin.memberId).not.toBe(first.memberId);
    // c1 learns only later, from the coordinator: FENCED_INSTANCE_ID for its old member id
    const fenced = s.facts('c1').find((f) => f.kind === 'fenced');
    expect(fenced).toMatchObject({
      kind: 'fenced',
      memberId: first.memberId,
      groupInstanceId: 'shared',
      generation: first.generation,
      partitions: first.partitions,
    });
    expect((fenced as MemberFact).time).toBeGreaterThan(twin.time);
    // its poll (or commit) failed with FencedInstanceIdException
    const failed = s.cluster.clients.ops.filter(
      (o) =>
        o.process === 'c1' &&
        o.type === 'fail' &&
        'error' in o &&
        String(o.error).startsWith('FencedInstanceIdException'),
    );
    expect(failed.length).toBeGreaterThan(0);
    // the checker sees two member ids owning one partition in one generation
    const result = s.checks();
    expect(result?.status).toBe('violated');
    expect(result?.violations[0]?.message).toContain(
      `${first.memberId} (c1) and ${twin.memberId} (c1-twin) both own`,
    );
  });
});
