/** The coordinator without the network: a fake broker clock, timers and `__consumer_offsets` log. */

import { describe, expect, it } from 'vitest';
import { GroupMetadata } from '../../../src/kafka/coordinator/group-metadata.js';
import { MemberMetadata } from '../../../src/kafka/coordinator/member-metadata.js';
import { groupMetadataRecord, offsetCommitRecord } from '../../../src/kafka/coordinator/records.js';
import { ScalaMemberMap } from '../../../src/kafka/coordinator/scala-member-map.js';
import { Rng } from '../../../src/sim/rng.js';
import { fakeBroker, join, SUB, stableGroup } from './fake-broker.js';

describe('GroupCoordinator without the network', () => {
  it('answers COORDINATOR_LOAD_IN_PROGRESS while loading (SyncGroup: REBALANCE_IN_PROGRESS, Heartbeat: NONE), NOT_COORDINATOR before', () => {
    const b = fakeBroker();
    b.request('c', join(''));
    expect(b.last('c').error).toBe('NOT_COORDINATOR');
    b.coordinator.onElection(1, 3);
    b.advance(0); // the load task starts: the partition is loading for 1 ms
    b.request('c', join(''));
    expect(b.last('c').error).toBe('COORDINATOR_LOAD_IN_PROGRESS');
    b.request('c', {
      type: 'SyncGroup',
      correlationId: 2,
      groupId: 'g',
      generationId: 1,
      memberId: 'm',
      protocolName: 'range',
      assignments: [],
    });
    expect(b.last('c').error).toBe('REBALANCE_IN_PROGRESS');
    b.request('c', { type: 'Heartbeat', correlationId: 3, groupId: 'g', generationId: 1, memberId: 'm' });
    expect(b.last('c').error).toBe('NONE');
    b.request('c', { type: 'OffsetFetch', correlationId: 4, groupId: 'g' });
    expect(b.last('c').error).toBe('COORDINATOR_LOAD_IN_PROGRESS');
    b.advance(1_000);
    b.request('c', join(''));
    expect(b.last('c').error).toBe('MEMBER_ID_REQUIRED');
  });

  it('a leader SyncGroup whose group record times out: parked SyncGroups get REBALANCE_IN_PROGRESS and the group rebalances', () => {
    const b = stableGroup(['a', 'b']);
    const [a, bb] = b.ids as [string, string];
    const joined = b.responses('a').find((r) => r.type === 'JoinGroupResponse' && r.error === 'NONE');
    expect(joined).toMatchObject({ generationId: 1, leader: a });
    const sync = (
      from: string,
      memberId: string,
      correlationId: number,
      assignments: { memberId: string }[],
    ) =>
      b.request(from, {
        type: 'SyncGroup',
        correlationId,
        groupId: 'g',
        generationId: 1,
        memberId,
        protocolName: 'range',
        assignments: assignments.map((x) => ({ memberId: x.memberId, assignment: { partitions: [] } })),
      });
    sync('b', bb, 10, []);
    expect(b.last('b').type).toBe('JoinGroupResponse'); // parked
    b.setAppend({ kind: 'answer', error: 'REQUEST_TIMED_OUT' });
    sync('a', a, 11, [{ memberId: a }, { memberId: bb }]);
    expect(b.last('a')).toMatchObject({ type: 'SyncGroupResponse', error: 'REBALANCE_IN_PROGRESS' });
    expect(b.last('b')).toMatchObject({ type: 'SyncGroupResponse', error: 'REBALANCE_IN_PROGRESS' });
    expect(b.coordinator.manager.getGroup('g')?.state).toBe('PreparingRebalance');
  });

  it('CompletingRebalance: a rejoin with the same metadata gets the current generation again; other metadata rebalances; commits get REBALANCE_IN_PROGRESS', () => {
    const b = stableGroup(['a', 'b']);
    const [a, bb] = b.ids as [string, string];
    b.request('b', join(bb, 20));
    expect(b.last('b')).toMatchObject({
      type: 'JoinGroupResponse',
      error: 'NONE',
      generationId: 1,
      members: [],
    });
    b.request('a', join(a, 21));
    const leaderAgain = b.last('a') as unknown as { members: { memberId: string }[] };
    expect(leaderAgain.members.map((m) => m.memberId).sort()).toEqual([a, bb].sort());
    b.request('a', {
      type: 'OffsetCommit',
      correlationId: 22,
      groupId: 'g',
      generationId: 1,
      memberId: a,
      partitions: [{ topic: 't', partition: 0, committedOffset: 5, committedLeaderEpoch: 0 }],
    });
    expect(b.last('a')).toMatchObject({ partitions: [{ error: 'REBALANCE_IN_PROGRESS' }] });
    b.request('b', join(bb, 23, ['t', 'u']));
    expect(b.coordinator.manager.getGroup('g')?.state).toBe('PreparingRebalance');
  });

  it('OffsetFetch during an unacknowledged commit answers UNSTABLE_OFFSET_COMMIT, then the offset', () => {
    const b = fakeBroker();
    b.coordinator.onElection(1, 0);
    b.advance(10_000);
    b.setAppend({ kind: 'hold' });
    b.request('c', {
      type: 'OffsetCommit',
      correlationId: 1,
      groupId: 'g',
      generationId: -1,
      memberId: '',
      partitions: [{ topic: 't', partition: 0, committedOffset: 9, committedLeaderEpoch: 2 }],
    });
    expect(b.responses('c')).toHaveLength(0); // not answered before the append is acknowledged
    const fetch = {
      type: 'OffsetFetch',
      correlationId: 2,
      groupId: 'g',
      partitions: [{ topic: 't', partition: 0 }],
    } as const;
    b.request('c', fetch);
    expect(b.last('c')).toMatchObject({
      partitions: [{ committedOffset: -1, error: 'UNSTABLE_OFFSET_COMMIT' }],
    });
    b.release();
    expect(b.responses('c')[1]).toMatchObject({
      type: 'OffsetCommitResponse',
      partitions: [{ error: 'NONE' }],
    });
    b.request('c', fetch);
    expect(b.last('c')).toMatchObject({
      partitions: [{ committedOffset: 9, committedLeaderEpoch: 2, error: 'NONE' }],
    });
  });

  it('loads the last group record and the last commits from the log (tombstones remove); loaded members expire without heartbeats', () => {
    const b = fakeBroker();
    const member = (memberId: string) => ({
      memberId,
      clientId: memberId,
      rebalanceTimeoutMs: 30_000,
      sessionTimeoutMs: 10_000,
      subscription: SUB,
      assignment: { partitions: [{ topic: 't', partition: memberId === 'x' ? 0 : 1 }] },
    });
    const value = (generation: number, members: string[]) => ({
      protocolType: 'consumer',
      generation,
      protocol: 'range',
      leader: 'x',
      currentStateTimestamp: 0,
      members: members.map(member),
    });
    const commit = (partition: number, offset: number) =>
      offsetCommitRecord('g', 't', partition, { offset, leaderEpoch: 0, commitTimestamp: 0 }, 0);
    const records = [
      groupMetadataRecord('g', value(4, ['x']), 0),
      commit(0, 10),
      commit(1, 11),
      groupMetadataRecord('g', value(5, ['x', 'y']), 0),
      commit(0, 20),
      { ...commit(1, 0), value: null },
    ];
    // as an earlier coordinator wrote them
    b.batches.push({
      baseOffset: 0,
      lastOffset: records.length - 1,
      partitionLeaderEpoch: 0,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      records,
    });
    b.coordinator.onElection(1, 7);
    b.advance(2_000);
    const group = b.coordinator.manager.getGroup('g');
    expect(group).toMatchObject({ state: 'Stable', generationId: 5, protocolName: 'range', leaderId: 'x' });
    expect(group?.members.keys()).toEqual(['x', 'y']);
    expect(group?.get('y').assignment.partitions).toEqual([{ topic: 't', partition: 1 }]);
    b.request('c', { type: 'OffsetFetch', correlationId: 1, groupId: 'g' });
    expect(b.last('c')).toMatchObject({
      error: 'NONE',
      partitions: [{ topic: 't', partition: 0, committedOffset: 20 }],
    });
    // x heartbeats, y does not: after the session timeout y is removed and the group rebalances
    b.advance(5_000_000);
    b.request('x', { type: 'Heartbeat', correlationId: 2, groupId: 'g', generationId: 5, memberId: 'x' });
    expect(b.last('x').error).toBe('NONE');
    b.advance(5_500_000);
    expect(b.coordinator.manager.getGroup('g')?.state).toBe('PreparingRebalance');
    expect(b.coordinator.manager.getGroup('g')?.has('y')).toBe(false);
  });

  it('unloading answers a parked JoinGroup NOT_COORDINATOR and forgets the group', () => {
    const b = fakeBroker();
    b.coordinator.onElection(1, 0);
    b.advance(10_000);
    b.request('a', join(''));
    const id = (b.last('a') as { memberId: string }).memberId;
    b.request('a', join(id, 2));
    expect(b.responses('a')).toHaveLength(1); // parked in the initial delay
    b.coordinator.onResignation(1, 1);
    b.advance(0);
    expect(b.last('a')).toMatchObject({ type: 'JoinGroupResponse', error: 'NOT_COORDINATOR' });
    expect(b.coordinator.manager.getGroup('g')).toBeUndefined();
    b.request('a', { type: 'Heartbeat', correlationId: 3, groupId: 'g', generationId: 0, memberId: id });
    expect(b.last('a').error).toBe('NOT_COORDINATOR');
    // an older epoch cannot take the partition back
    b.coordinator.onElection(1, 0);
    b.advance(10_000);
    expect(b.coordinator.manager.ownedPartitions.has(1)).toBe(false);
  });
});

describe('GroupCoordinator timeouts and limits', () => {
  const syncOf = (memberId: string, correlationId: number, assignments: string[] = []) => ({
    type: 'SyncGroup' as const,
    correlationId,
    groupId: 'g',
    generationId: 1,
    memberId,
    protocolName: 'range',
    assignments: assignments.map((m) => ({ memberId: m, assignment: { partitions: [] } })),
  });

  it('DelayedSync: a member that sends no SyncGroup within the rebalance timeout is removed and the group rebalances', () => {
    const b = stableGroup(['a', 'b']);
    const [a, bb] = b.ids as [string, string];
    b.request('a', syncOf(a, 10, [a, bb]));
    expect(b.last('a')).toMatchObject({ type: 'SyncGroupResponse', error: 'NONE' });
    expect(b.coordinator.manager.getGroup('g')?.state).toBe('Stable');
    // a keeps heartbeating; b never syncs
    for (let i = 0; i < 10; i++) {
      b.advance(3_000_000);
      b.request('a', {
        type: 'Heartbeat',
        correlationId: 11 + i,
        groupId: 'g',
        generationId: 1,
        memberId: a,
      });
    }
    expect(b.last('a').error).toBe('REBALANCE_IN_PROGRESS'); // 30 s rebalance timeout passed
    const group = b.coordinator.manager.getGroup('g');
    expect(group?.has(bb)).toBe(false);
    expect(group?.state).toBe('PreparingRebalance');
  });

  it('group.max.size: a new member beyond the limit gets GROUP_MAX_SIZE_REACHED', () => {
    const b = stableGroup(['a'], { 'group.max.size': 1 });
    // checked before KIP-394's MEMBER_ID_REQUIRED (acceptJoiningMember)
    b.request('c', { ...join(''), clientId: 'c' });
    expect(b.last('c')).toMatchObject({ error: 'GROUP_MAX_SIZE_REACHED', memberId: '' });
    expect(b.coordinator.manager.getGroup('g')?.size).toBe(1);
  });

  it('a pending member holds a DelayedJoin open until its session timeout removes it', () => {
    const b = stableGroup(['a']);
    const [a] = b.ids as [string];
    b.request('a', syncOf(a, 10, [a]));
    b.request('p', join('', 11)); // MEMBER_ID_REQUIRED, never comes back
    b.request('a', join(a, 12)); // the leader rejoins: rebalance, everybody joined but the pending member
    expect(b.coordinator.manager.getGroup('g')?.state).toBe('PreparingRebalance');
    b.advance(9_900_000);
    expect(b.last('a').type).toBe('SyncGroupResponse'); // still parked
    b.advance(200_000); // the pending member's 10 s session timeout
    expect(b.last('a')).toMatchObject({ type: 'JoinGroupResponse', error: 'NONE', generationId: 2 });
  });

  it('a new member parked in JoinGroup is dropped after 5 minutes (NewMemberJoinTimeoutMs)', () => {
    const b = stableGroup(['a']);
    const [a] = b.ids as [string];
    b.request('a', syncOf(a, 10, [a]));
    b.request('n', { ...join(''), clientId: 'n', rebalanceTimeoutMs: 600_000 });
    const id = (b.last('n') as { memberId: string }).memberId;
    b.request('n', { ...join(id, 2), rebalanceTimeoutMs: 600_000 }); // Stable → PreparingRebalance, 10-min DelayedJoin
    // a never rejoins but keeps heartbeating (REBALANCE_IN_PROGRESS)
    for (let i = 0; i < 101; i++) {
      b.advance(3_000_000);
      b.request('a', {
        type: 'Heartbeat',
        correlationId: 20 + i,
        groupId: 'g',
        generationId: 1,
        memberId: a,
      });
    }
    expect(b.last('n')).toMatchObject({ type: 'JoinGroupResponse', error: 'UNKNOWN_MEMBER_ID' });
    expect(b.coordinator.manager.getGroup('g')?.has(id)).toBe(false);
  });
});

describe('GroupMetadata', () => {
  const member = (id: string, protocols = ['range']) =>
    new MemberMetadata(
      id,
      null,
      id,
      30_000,
      10_000,
      'consumer',
      protocols.map((name) => ({ name, metadata: SUB })),
    );

  it('follows the group state machine (assertValidTransition) and counts generations', () => {
    const g = new GroupMetadata('g', 'Empty', 0);
    expect(() => g.transitionTo('Stable', 0)).toThrow(/should be in the CompletingRebalance states/);
    g.add(member('a'), () => {});
    g.transitionTo('PreparingRebalance', 0);
    g.initNextGeneration(0);
    expect([g.state, g.generationId, g.protocolName]).toEqual(['CompletingRebalance', 1, 'range']);
    g.remove('a');
    expect(g.leaderId).toBeNull();
    g.transitionTo('PreparingRebalance', 0);
    g.initNextGeneration(0);
    expect([g.state, g.generationId, g.protocolName]).toEqual(['Empty', 2, null]);
  });

  it('selects the protocol every member supports by votes, and a removed leader is replaced in member order', () => {
    const g = new GroupMetadata('g', 'Empty', 0);
    g.add(member('a', ['roundrobin', 'range']));
    g.add(member('b', ['range', 'roundrobin']));
    g.add(member('c', ['range']));
    expect(g.selectProtocol()).toBe('range');
    expect(g.supportsProtocols('consumer', ['sticky'])).toBe(true); // an Empty group takes any protocol
    g.transitionTo('PreparingRebalance', 0);
    expect(g.supportsProtocols('consumer', ['sticky'])).toBe(false);
    expect(g.supportsProtocols('consumer', ['sticky', 'range'])).toBe(true);
    expect(g.leaderId).toBe('a');
    g.remove('a');
    expect(g.leaderId).toBe(g.members.keys()[0]);
  });

  it('iterates members as a Scala mutable.HashMap: by bucket of the improved String.hashCode, then hash', () => {
    const map = new ScalaMemberMap<number>();
    for (const [i, key] of ['consumer1', 'consumer2', 'consumer3', 'consumer4'].entries()) map.set(key, i);
    // one key per bucket: the same order as java.util.HashMap's for these keys (research §0.1)
    expect(map.keys()).toEqual(['consumer4', 'consumer3', 'consumer2', 'consumer1']);
    const big = new ScalaMemberMap<number>();
    const keys = Array.from({ length: 20 }, (_, i) => `m-${i}`);
    for (const k of keys) big.set(k, 0);
    expect([...big.keys()].sort()).toEqual([...keys].sort());
    expect(big.keys()).not.toEqual(keys); // 32 buckets: not insertion order
  });

  it('draws member ids clientId-uuid(v4) from the seeded stream', () => {
    const one = GroupMetadata.generateMemberId('c', new Rng('s'));
    expect(one).toBe(GroupMetadata.generateMemberId('c', new Rng('s')));
    expect(one).toMatch(/^c-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
