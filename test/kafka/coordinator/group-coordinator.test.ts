import { describe, expect, it } from 'vitest';
import { isValidTransition } from '../../../src/clients/group/group-state.js';
import type { GroupFact } from '../../../src/history/cluster-history.js';
import type { BrokerConfig } from '../../../src/kafka/config.js';
import type {
  FindCoordinatorResponse,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  KafkaResponse,
  SyncGroupResponse,
} from '../../../src/kafka/protocol.js';
import { seconds } from '../../../src/sim/time.js';
import { zkCluster } from '../broker/cluster.js';
import {
  groupMember,
  type MemberLog,
  type MemberScript,
  newMemberLog,
  type ProbeAnswer,
  type ProbeStep,
  probe,
} from './group-client.js';

const BROKERS = [1, 2, 3] as const;

function setup(config: Partial<BrokerConfig> = {}, seed = 1) {
  const cluster = zkCluster({ seed, config: { 'offsets.topic.num.partitions': 3, ...config } });
  const member = (name: string, at: number, script: Partial<MemberScript> = {}): MemberLog => {
    const log = newMemberLog();
    cluster.world.spawn(name, groupMember({ brokers: BROKERS, clientId: name, ...script }, log) as never, {
      start: false,
    });
    cluster.world.at(seconds(at), () => cluster.world.start(name));
    return log;
  };
  const answers: ProbeAnswer[] = [];
  const probeAt = (steps: ProbeStep[]) => {
    cluster.world.spawn(`probe-${steps[0]?.at}`, probe(steps, answers) as never);
  };
  const facts = (group = 'g'): GroupFact[] => cluster.history.groupFacts.filter((f) => f.group === group);
  return { ...cluster, member, probeAt, answers, facts };
}

const joinRequest = (
  memberId: string,
  correlationId: number,
  sessionTimeoutMs = 10_000,
): JoinGroupRequest => ({
  type: 'JoinGroup',
  correlationId,
  groupId: 'g',
  sessionTimeoutMs,
  rebalanceTimeoutMs: 30_000,
  memberId,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: { topics: ['t'], ownedPartitions: [], generationId: -1 } }],
  clientId: 'probe',
});

function answer<T extends KafkaResponse['type']>(
  answers: readonly ProbeAnswer[],
  type: T,
  correlationId: number,
): Extract<KafkaResponse, { type: T }> & { at: number } {
  const found = answers.find((a) => a.response.type === type && a.response.correlationId === correlationId);
  if (found === undefined) throw new Error(`no ${type} ${correlationId}`);
  return { ...(found.response as Extract<KafkaResponse, { type: T }>), at: found.at };
}

/** The facts of a group never break GroupMetadata's transitions and generations never go back (per broker). */
function expectValidFacts(facts: readonly GroupFact[]): void {
  const last = new Map<number, GroupFact>();
  for (const f of facts) {
    const prev = last.get(f.broker);
    if (prev !== undefined && !f.reason.startsWith('loaded')) {
      expect(isValidTransition(prev.state, f.state), `${prev.state} → ${f.state} (${f.reason})`).toBe(true);
      expect(f.generation).toBeGreaterThanOrEqual(prev.generation);
    }
    last.set(f.broker, f);
  }
}

describe('classic group coordinator', () => {
  it('finds the coordinator once __consumer_offsets exists, and FindCoordinator never answers NOT_COORDINATOR', () => {
    const { world, member, state } = setup();
    const a = member('a', 5);
    world.runUntil(seconds(12));
    const finds = a.events.filter((e) => e.what === 'find-coordinator');
    expect(finds[0]?.error).toBe('COORDINATOR_NOT_AVAILABLE'); // the first one triggers the topic's creation
    expect(finds.at(-1)?.error).toBe('NONE');
    expect(finds.every((e) => e.error === 'NONE' || e.error === 'COORDINATOR_NOT_AVAILABLE')).toBe(true);
    expect(state('__consumer_offsets', 2)?.isr).toHaveLength(3); // RF offsets.topic.replication.factor = 3
    // partitionFor("g") = abs("g".hashCode = 103) % 3 = 1: the coordinator leads __consumer_offsets-1
    expect(a.coordinator).toBe(state('__consumer_offsets', 1)?.leader);
  });

  it('fails to create __consumer_offsets with too few brokers (no capping in 3.8): COORDINATOR_NOT_AVAILABLE', () => {
    const cluster = zkCluster({ seed: 3, brokers: 2, config: { 'offsets.topic.num.partitions': 3 } });
    const log = newMemberLog();
    cluster.world.spawn('a', groupMember({ brokers: [1, 2], clientId: 'a' }, log) as never, { start: false });
    cluster.world.at(seconds(5), () => cluster.world.start('a'));
    cluster.world.runUntil(seconds(20));
    const finds = log.events.filter((e) => e.what === 'find-coordinator');
    expect(finds.length).toBeGreaterThan(5);
    expect(finds.every((e) => e.error === 'COORDINATOR_NOT_AVAILABLE')).toBe(true);
    expect(cluster.ensemble.tree.node('/brokers/topics/__consumer_offsets')).toBeUndefined();
    expect(log.joins).toHaveLength(0);
  });

  it('first join: MEMBER_ID_REQUIRED with clientId-uuid, then Empty → PreparingRebalance → CompletingRebalance → Stable after the 3 s initial delay', () => {
    const { world, member, facts } = setup();
    const a = member('a', 5);
    world.runUntil(seconds(20));
    const [first, second] = a.joins as [JoinGroupResponse, JoinGroupResponse];
    expect(first.error).toBe('MEMBER_ID_REQUIRED');
    expect(first.memberId).toMatch(/^a-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(first.generationId).toBe(-1);
    expect(second).toMatchObject({
      error: 'NONE',
      generationId: 1,
      memberId: first.memberId,
      leader: first.memberId,
    });
    expect(second.members.map((m) => m.memberId)).toEqual([first.memberId]);
    const joinEvents = a.events.filter((e) => e.what === 'join');
    const waited = (joinEvents[1]?.at ?? 0) - (joinEvents[0]?.at ?? 0);
    expect(waited).toBeGreaterThanOrEqual(3);
    expect(waited).toBeLessThan(3.01); // one InitialDelayedJoin, not extended: nobody else joined
    expect(facts().map((f) => [f.state, f.generation])).toEqual([
      ['PreparingRebalance', 0],
      ['CompletingRebalance', 1],
      ['Stable', 1],
    ]);
    expect(a.state).toBe('stable');
    expect(a.heartbeatErrors.length).toBeGreaterThanOrEqual(3);
    expect(a.heartbeatErrors.every((e) => e === 'NONE')).toBe(true);
  });

  it('extends the initial delay when a member arrives during it; only the leader gets the members; SyncGroup hands out the leader assignment', () => {
    const { world, member, facts } = setup();
    const a = member('a', 5, { partitions: 5 });
    const b = member('b', 6.5, { partitions: 5 });
    world.runUntil(seconds(25));
    const aJoin = a.joins.find((j) => j.error === 'NONE') as JoinGroupResponse;
    const bJoin = b.joins.find((j) => j.error === 'NONE') as JoinGroupResponse;
    expect(aJoin.generationId).toBe(1);
    expect(bJoin.generationId).toBe(1);
    // b joined inside the first 3 s window: the delay was extended by another 3 s (InitialDelayedJoin)
    const firstJoinAt = a.events.find((e) => e.what === 'join')?.at ?? 0;
    const completedAt = a.events.find((e) => e.what === 'join' && e.error === 'NONE')?.at ?? 0;
    expect(completedAt - firstJoinAt).toBeGreaterThanOrEqual(6);
    expect(completedAt - firstJoinAt).toBeLessThan(6.01);
    expect(aJoin.leader).toBe(a.memberId); // the first member added leads
    expect(bJoin.leader).toBe(a.memberId);
    expect(aJoin.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());
    expect(bJoin.members).toEqual([]);
    const all = [...(a.assignment?.partitions ?? []), ...(b.assignment?.partitions ?? [])].map(
      (p) => p.partition,
    );
    expect(all.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(b.assignment?.partitions.length).toBeGreaterThan(0);
    expect(
      facts()
        .filter((f) => f.state === 'Stable')
        .map((f) => f.generation),
    ).toEqual([1]);
  });

  it('parks a follower SyncGroup until the leader sends its assignment', () => {
    const { world, probeAt, answers } = setup();
    const id = (c: number) => answer(answers, 'JoinGroupResponse', c).memberId;
    const gen = () => answer(answers, 'JoinGroupResponse', 3).generationId;
    const coordinator = () => {
      const found = answers.find(
        (a) => a.response.type === 'FindCoordinatorResponse' && a.response.error === 'NONE',
      );
      return found === undefined ? 1 : (found.response as FindCoordinatorResponse).nodeId;
    };
    probeAt([
      { at: 5, to: 1, request: { type: 'FindCoordinator', correlationId: 8, key: 'g' } },
      { at: 6, to: 1, request: { type: 'FindCoordinator', correlationId: 9, key: 'g' } },
      { at: 7, to: coordinator, request: joinRequest('', 1) },
      { at: 7.1, to: coordinator, request: joinRequest('', 2) },
      { at: 7.2, to: coordinator, request: () => joinRequest(id(1), 3) },
      { at: 7.3, to: coordinator, request: () => joinRequest(id(2), 4) },
      {
        at: 15,
        to: coordinator,
        request: () => ({
          type: 'SyncGroup',
          correlationId: 5,
          groupId: 'g',
          generationId: gen(),
          memberId: id(2),
          protocolName: 'range',
          assignments: [],
        }),
      },
      {
        at: 17,
        to: coordinator,
        request: () => ({
          type: 'SyncGroup',
          correlationId: 6,
          groupId: 'g',
          generationId: gen(),
          memberId: id(1),
          protocolName: 'range',
          assignments: [
            { memberId: id(1), assignment: { partitions: [{ topic: 't', partition: 0 }] } },
            { memberId: id(2), assignment: { partitions: [{ topic: 't', partition: 1 }] } },
          ],
        }),
      },
      {
        at: 17.5,
        to: coordinator,
        request: () => ({
          type: 'Heartbeat',
          correlationId: 7,
          groupId: 'g',
          generationId: gen(),
          memberId: id(2),
        }),
      },
    ]);
    world.runUntil(seconds(20));
    expect(answer(answers, 'JoinGroupResponse', 3).leader).toBe(id(1));
    const follower = answer(answers, 'SyncGroupResponse', 5);
    const leader = answer(answers, 'SyncGroupResponse', 6);
    expect(follower.error).toBe('NONE');
    expect(follower.at).toBeGreaterThanOrEqual(17); // parked from 15 s until the leader's assignment was stored
    expect(follower.at).toBeGreaterThanOrEqual(leader.at - 0.001);
    expect(follower.assignment.partitions).toEqual([{ topic: 't', partition: 1 }]);
    expect(leader.assignment.partitions).toEqual([{ topic: 't', partition: 0 }]);
    expect(answer(answers, 'HeartbeatResponse', 7).error).toBe('NONE');
  });

  it('expires a silent member after session.timeout.ms and rebalances to generation + 1 (REBALANCE_IN_PROGRESS on the survivor heartbeat)', () => {
    const { world, member, facts } = setup();
    const a = member('a', 5);
    const b = member('b', 6, { silentAt: 20, sessionTimeoutMs: 10_000 });
    world.runUntil(seconds(45));
    expect(a.heartbeatErrors).toContain('REBALANCE_IN_PROGRESS');
    const removal = facts().find((f) => f.reason.includes('heartbeat expiration'));
    expect(removal).toBeDefined();
    const removedAt = (removal?.time ?? 0) / 1e6;
    const lastBeat = b.events.find((e) => e.what === 'silent')?.at ?? 0;
    expect(removedAt).toBeGreaterThan(lastBeat + 10 - 3.2); // last heartbeat ≤ 3 s before going silent
    expect(removedAt).toBeLessThanOrEqual(lastBeat + 10.01);
    expect(removal?.members).toEqual([a.memberId]);
    const stable = facts().filter((f) => f.state === 'Stable');
    expect(stable.map((f) => f.generation)).toEqual([1, 2]);
    expect(stable.at(-1)?.members).toEqual([a.memberId]);
    expect(a.generation).toBe(2);
    expect(a.state).toBe('stable');
    expectValidFacts(facts());
  });

  it('LeaveGroup removes the member at once and rebalances; unknown members get UNKNOWN_MEMBER_ID', () => {
    const { world, member, facts, probeAt, answers } = setup();
    const a = member('a', 5);
    const b = member('b', 6, { leaveAt: 20 });
    probeAt([
      {
        at: 25,
        to: () => a.coordinator,
        request: () => ({
          type: 'LeaveGroup',
          correlationId: 1,
          groupId: 'g',
          members: [{ memberId: b.memberId }],
        }),
      },
    ]);
    world.runUntil(seconds(30));
    expect(b.events.find((e) => e.what === 'left')?.error).toBe('NONE');
    const leave = facts().find((f) => f.reason.includes('LeaveGroup'));
    expect((leave?.time ?? 0) / 1e6).toBeGreaterThanOrEqual(20);
    expect((leave?.time ?? 0) / 1e6).toBeLessThan(20.01);
    expect(facts().at(-1)).toMatchObject({ state: 'Stable', generation: 2, members: [a.memberId] });
    const again = answer(answers, 'LeaveGroupResponse', 1);
    expect(again.error).toBe('NONE');
    expect(again.members).toEqual([{ memberId: b.memberId, error: 'UNKNOWN_MEMBER_ID' }]);
    expectValidFacts(facts());
  });

  it('answers ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, NOT_COORDINATOR, INVALID_SESSION_TIMEOUT, INVALID_GROUP_ID as Kafka does', () => {
    const { world, member, probeAt, answers } = setup();
    const a = member('a', 5);
    const other = () => (a.coordinator % 3) + 1;
    const hb = (correlationId: number, generationId: number, memberId: () => string) => () => ({
      type: 'Heartbeat' as const,
      correlationId,
      groupId: 'g',
      generationId,
      memberId: memberId(),
    });
    probeAt([
      { at: 15, to: () => a.coordinator, request: hb(1, 7, () => a.memberId) },
      { at: 15.1, to: () => a.coordinator, request: hb(2, 1, () => 'nobody') },
      { at: 15.2, to: other, request: hb(3, 1, () => a.memberId) },
      {
        at: 15.3,
        to: () => a.coordinator,
        request: () => ({
          type: 'SyncGroup',
          correlationId: 4,
          groupId: 'g',
          generationId: 0,
          memberId: a.memberId,
          protocolName: 'range',
          assignments: [],
        }),
      },
      { at: 15.4, to: () => a.coordinator, request: joinRequest('', 5, 1000) },
      {
        at: 15.5,
        to: () => a.coordinator,
        request: { ...joinRequest('x-1', 6), groupId: 'unknown-group-2' },
      },
      { at: 15.6, to: () => a.coordinator, request: { ...joinRequest('', 7), groupId: '' } },
      {
        at: 15.7,
        to: () => a.coordinator,
        request: () => ({
          type: 'OffsetCommit',
          correlationId: 8,
          groupId: 'g',
          generationId: 0,
          memberId: a.memberId,
          partitions: [{ topic: 't', partition: 0, committedOffset: 1, committedLeaderEpoch: 0 }],
        }),
      },
      {
        at: 15.8,
        to: () => a.coordinator,
        request: {
          type: 'OffsetCommit',
          correlationId: 9,
          groupId: 'g',
          generationId: -1,
          memberId: '',
          partitions: [{ topic: 't', partition: 0, committedOffset: 1, committedLeaderEpoch: 0 }],
        },
      },
    ]);
    world.runUntil(seconds(17));
    expect((answer(answers, 'HeartbeatResponse', 1) as HeartbeatResponse).error).toBe('ILLEGAL_GENERATION');
    expect(answer(answers, 'HeartbeatResponse', 2).error).toBe('UNKNOWN_MEMBER_ID');
    expect(answer(answers, 'HeartbeatResponse', 3).error).toBe('NOT_COORDINATOR');
    expect((answer(answers, 'SyncGroupResponse', 4) as SyncGroupResponse).error).toBe('ILLEGAL_GENERATION');
    expect(answer(answers, 'JoinGroupResponse', 5).error).toBe('INVALID_SESSION_TIMEOUT');
    // routed to the coordinator of "g", which may not own this group; either way the member is rejected
    expect(['UNKNOWN_MEMBER_ID', 'NOT_COORDINATOR']).toContain(answer(answers, 'JoinGroupResponse', 6).error);
    expect(answer(answers, 'JoinGroupResponse', 7).error).toBe('INVALID_GROUP_ID');
    expect(answer(answers, 'OffsetCommitResponse', 8).partitions[0]?.error).toBe('ILLEGAL_GENERATION');
    // an anonymous commit (generation -1) to a group that has members
    expect(answer(answers, 'OffsetCommitResponse', 9).partitions[0]?.error).toBe('UNKNOWN_MEMBER_ID');
    expect(a.state).toBe('stable');
  });

  it('a pending member (MEMBER_ID_REQUIRED, never rejoined) does not disturb a stable group', () => {
    const { world, member, probeAt, answers, facts } = setup();
    const a = member('a', 5);
    probeAt([{ at: 15, to: () => a.coordinator, request: joinRequest('', 1) }]);
    world.runUntil(seconds(40));
    expect(answer(answers, 'JoinGroupResponse', 1).error).toBe('MEMBER_ID_REQUIRED');
    expect(facts().map((f) => f.state)).toEqual(['PreparingRebalance', 'CompletingRebalance', 'Stable']);
    expect(a.heartbeatErrors.every((e) => e === 'NONE')).toBe(true);
  });

  it('OffsetCommit is answered once the record is replicated, and OffsetFetch reads it back', () => {
    const { world, member, probeAt, answers, history } = setup();
    const a = member('a', 5, { commits: [{ at: 15, offset: 42 }], fetches: [16] });
    probeAt([
      {
        at: 17,
        to: () => a.coordinator,
        request: {
          type: 'OffsetCommit',
          correlationId: 1,
          groupId: 'manual',
          generationId: -1,
          memberId: '',
          partitions: [{ topic: 't', partition: 3, committedOffset: 7, committedLeaderEpoch: -1 }],
        },
      },
      {
        at: 18,
        to: () => a.coordinator,
        request: { type: 'OffsetFetch', correlationId: 2, groupId: 'manual' },
      },
      {
        at: 18,
        to: () => a.coordinator,
        request: {
          type: 'OffsetFetch',
          correlationId: 3,
          groupId: 'g',
          partitions: [{ topic: 't', partition: 9 }],
        },
      },
    ]);
    world.runUntil(seconds(20));
    expect(a.commits[0]?.partitions).toEqual([{ topic: 't', partition: 0, error: 'NONE' }]);
    expect(a.fetches[0]?.partitions).toEqual([
      { topic: 't', partition: 0, committedOffset: 42, committedLeaderEpoch: 0, error: 'NONE' },
    ]);
    // the commit record reached every replica of the group's offsets partition before the answer
    const commitAt = seconds(a.events.find((e) => e.what === 'commit')?.at ?? 0);
    const hwMoves = history.facts.filter(
      (f) =>
        f.topic === '__consumer_offsets' &&
        f.partition === 1 &&
        f.kind === 'high-watermark' &&
        f.time <= commitAt,
    );
    expect(hwMoves.length).toBeGreaterThan(0);
    const manual = answer(answers, 'OffsetFetchResponse', 2);
    // "manual" may live on another coordinator; if this one owns it, the anonymous commit created an Empty group
    if (manual.error === 'NONE')
      expect(manual.partitions).toEqual([
        { topic: 't', partition: 3, committedOffset: 7, committedLeaderEpoch: -1, error: 'NONE' },
      ]);
    else expect(manual.error).toBe('NOT_COORDINATOR');
    expect(answer(answers, 'OffsetFetchResponse', 3).partitions[0]).toMatchObject({
      committedOffset: -1,
      error: 'NONE',
    });
  });

  it('a coordinator crash: the new leader of the offsets partition loads the group and its offsets; members carry on without a rebalance', () => {
    const { world, member, facts, probeAt, answers, state } = setup();
    const a = member('a', 5, { commits: [{ at: 15, offset: 42 }], fetches: [40], sessionTimeoutMs: 30_000 });
    const b = member('b', 6, { sessionTimeoutMs: 30_000 });
    let old = -1;
    world.at(seconds(20), () => {
      old = a.coordinator;
      world.inject({ kind: 'crash', process: `broker-${old}` });
    });
    world.at(seconds(45), () => world.inject({ kind: 'restart', process: `broker-${old}` }));
    probeAt([
      {
        at: 70,
        to: () => old,
        request: () => ({
          type: 'Heartbeat',
          correlationId: 1,
          groupId: 'g',
          generationId: a.generation,
          memberId: a.memberId,
        }),
      },
      {
        at: 70,
        to: () => old,
        request: {
          type: 'OffsetFetch',
          correlationId: 2,
          groupId: 'g',
          partitions: [{ topic: 't', partition: 0 }],
        },
      },
    ]);
    world.runUntil(seconds(75));
    expect(a.coordinator).not.toBe(old);
    expect(a.coordinator).toBe(state('__consumer_offsets', 1)?.leader);
    const loaded = facts().find((f) => f.reason.startsWith('loaded'));
    expect(loaded).toMatchObject({ broker: a.coordinator, state: 'Stable', generation: 1 });
    expect(loaded?.members).toEqual([a.memberId, b.memberId].sort());
    expect(a.fetches.at(-1)?.partitions[0]).toMatchObject({ committedOffset: 42, error: 'NONE' });
    // no rebalance: both members kept generation 1 and heartbeat the new coordinator
    expect(a.generation).toBe(1);
    expect(b.generation).toBe(1);
    expect(facts().filter((f) => f.state === 'PreparingRebalance')).toHaveLength(1);
    expect(a.heartbeatErrors.at(-1)).toBe('NONE');
    expect(b.heartbeatErrors.at(-1)).toBe('NONE');
    // the restarted old coordinator follows the partition now
    expect(answer(answers, 'HeartbeatResponse', 1).error).toBe('NOT_COORDINATOR');
    expect(answer(answers, 'OffsetFetchResponse', 2).error).toBe('NOT_COORDINATOR');
  });
});
