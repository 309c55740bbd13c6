/** Static membership (KIP-345) on the coordinator, without the network (GroupCoordinator.scala at 3.8.0). */

import { describe, expect, it } from 'vitest';
import type { ErrorName } from '../../../src/kafka/errors.js';
import type { JoinGroupResponse, KafkaResponse } from '../../../src/kafka/protocol.js';
import { fakeBroker, join } from './fake-broker.js';

type Broker = ReturnType<typeof fakeBroker>;

const staticJoin = (instance: string, memberId = '', correlationId = 1) => ({
  ...join(memberId, correlationId),
  groupInstanceId: instance,
  clientId: `client-${instance}`,
});

const sync = (
  memberId: string,
  instance: string | null,
  generationId: number,
  assignments: [string, number[]][] = [],
) => ({
  type: 'SyncGroup' as const,
  correlationId: 50,
  groupId: 'g',
  generationId,
  memberId,
  ...(instance === null ? {} : { groupInstanceId: instance }),
  protocolName: 'range',
  assignments: assignments.map(([id, ps]) => ({
    memberId: id,
    assignment: { partitions: ps.map((partition) => ({ topic: 't', partition })) },
  })),
});

const heartbeat = (memberId: string, instance: string | null, generationId: number) => ({
  type: 'Heartbeat' as const,
  correlationId: 60,
  groupId: 'g',
  generationId,
  memberId,
  ...(instance === null ? {} : { groupInstanceId: instance }),
});

const lastOf = <T extends KafkaResponse['type']>(b: Broker, to: string, type: T) =>
  b
    .responses(to)
    .filter((r) => r.type === type)
    .at(-1) as Extract<KafkaResponse, { type: T }>;

/** Static members `instances` (one process each, named after the instance) join; the leader assigns partition i to member i. */
function staticGroup(instances: readonly string[]) {
  const b = fakeBroker();
  b.coordinator.onElection(1, 0);
  b.advance(10_000);
  for (const i of instances) b.request(i, staticJoin(i));
  b.advance(instances.length > 1 ? 6_000_000 : 3_000_000);
  const joined = instances.map((i) => lastOf(b, i, 'JoinGroupResponse'));
  const generation = (joined[0] as JoinGroupResponse).generationId;
  const ids = joined.map((r) => r.memberId);
  const leaderIndex = joined.findIndex((r) => r.leader === r.memberId);
  instances.forEach((instance, i) => {
    if (i !== leaderIndex) b.request(instance, sync(ids[i] as string, instance, generation));
  });
  b.request(
    instances[leaderIndex] as string,
    sync(
      ids[leaderIndex] as string,
      instances[leaderIndex] as string,
      generation,
      ids.map((id, i) => [id, [i]]),
    ),
  );
  const group = () => b.coordinator.manager.getGroup('g');
  return { ...b, ids, generation, leaderIndex, group };
}

describe('static membership on the coordinator (KIP-345)', () => {
  it('a static member joins without KIP-394: no MEMBER_ID_REQUIRED, a member id of groupInstanceId-uuid', () => {
    const s = staticGroup(['a', 'b']);
    expect(s.ids.every((id, i) => id.startsWith(`${['a', 'b'][i]}-`))).toBe(true);
    expect(s.responses('a').some((r) => 'error' in r && r.error === 'MEMBER_ID_REQUIRED')).toBe(false);
    expect(s.group()?.state).toBe('Stable');
    expect(s.group()?.allStaticMembers().sort()).toEqual(['a', 'b']);
    // the leader's member list names each member's group.instance.id
    const leaderJoin = lastOf(s, ['a', 'b'][s.leaderIndex] as string, 'JoinGroupResponse');
    expect(leaderJoin.members.map((m) => m.groupInstanceId).sort()).toEqual(['a', 'b']);
  });

  it('a follower rejoining a Stable group with an unknown member id replaces its old id: same generation and assignment, no rebalance; the old id is fenced', () => {
    const s = staticGroup(['a', 'b']);
    const f = 1 - s.leaderIndex;
    const instance = ['a', 'b'][f] as string;
    const oldId = s.ids[f] as string;
    const before = s.batches.length;
    s.request(instance, staticJoin(instance, '', 70));
    const rejoined = lastOf(s, instance, 'JoinGroupResponse');
    expect(rejoined).toMatchObject({
      error: 'NONE',
      generationId: s.generation,
      leader: s.ids[s.leaderIndex],
      members: [],
    });
    expect(rejoined.skipAssignment).toBe(false);
    const newId = rejoined.memberId;
    expect(newId).not.toBe(oldId);
    expect(s.batches.length).toBe(before + 1); // the group record, stored with the new id
    expect(s.group()?.state).toBe('Stable');
    expect(s.group()?.currentStaticMemberId(instance)).toBe(newId);
    // SyncGroup hands the new id the old assignment
    s.request(instance, sync(newId, instance, s.generation));
    expect(lastOf(s, instance, 'SyncGroupResponse')).toMatchObject({
      error: 'NONE',
      assignment: { partitions: [{ topic: 't', partition: f }] },
    });
    // the old id: FENCED_INSTANCE_ID with the instance id, UNKNOWN_MEMBER_ID without
    s.request('old', heartbeat(oldId, instance, s.generation));
    expect(lastOf(s, 'old', 'HeartbeatResponse').error).toBe('FENCED_INSTANCE_ID');
    s.request('old', heartbeat(oldId, null, s.generation));
    expect(lastOf(s, 'old', 'HeartbeatResponse').error).toBe('UNKNOWN_MEMBER_ID');
    s.request('old', {
      type: 'OffsetCommit',
      correlationId: 80,
      groupId: 'g',
      generationId: s.generation,
      memberId: oldId,
      groupInstanceId: instance,
      partitions: [{ topic: 't', partition: f, committedOffset: 5, committedLeaderEpoch: 0 }],
    });
    expect(lastOf(s, 'old', 'OffsetCommitResponse').partitions[0]?.error).toBe('FENCED_INSTANCE_ID');
    s.request('old', sync(oldId, instance, s.generation));
    expect(lastOf(s, 'old', 'SyncGroupResponse').error).toBe('FENCED_INSTANCE_ID');
    s.request('old', staticJoin(instance, oldId, 81));
    expect(lastOf(s, 'old', 'JoinGroupResponse').error).toBe('FENCED_INSTANCE_ID');
    // and the new id heartbeats normally
    s.request(instance, heartbeat(newId, instance, s.generation));
    expect(lastOf(s, instance, 'HeartbeatResponse').error).toBe('NONE');
  });

  it('a returning static leader of a Stable group is told to skip the assignment (KIP-814) and keeps its own', () => {
    const s = staticGroup(['a', 'b']);
    const instance = ['a', 'b'][s.leaderIndex] as string;
    s.request(instance, staticJoin(instance, '', 70));
    const rejoined = lastOf(s, instance, 'JoinGroupResponse');
    expect(rejoined).toMatchObject({ error: 'NONE', generationId: s.generation, skipAssignment: true });
    expect(rejoined.leader).toBe(rejoined.memberId);
    expect(rejoined.members.map((m) => m.memberId).sort()).toEqual(
      [rejoined.memberId, s.ids[1 - s.leaderIndex]].sort(),
    );
    s.request(instance, sync(rejoined.memberId, instance, s.generation));
    expect(lastOf(s, instance, 'SyncGroupResponse')).toMatchObject({
      error: 'NONE',
      assignment: { partitions: [{ topic: 't', partition: s.leaderIndex }] },
    });
    expect(s.group()?.leaderId).toBe(rejoined.memberId);
    expect(s.group()?.generationId).toBe(s.generation);
  });

  it('a failed store of the replacement undoes it and answers the error; the old id keeps its place', () => {
    const s = staticGroup(['a', 'b']);
    const f = 1 - s.leaderIndex;
    const instance = ['a', 'b'][f] as string;
    s.setAppend({ kind: 'answer', error: 'NOT_ENOUGH_REPLICAS' as ErrorName });
    s.request(instance, staticJoin(instance, '', 70));
    const answer = lastOf(s, instance, 'JoinGroupResponse');
    expect(answer.error).toBe('COORDINATOR_NOT_AVAILABLE'); // storeGroup's mapping of NOT_ENOUGH_REPLICAS
    expect(answer.memberId).toBe('');
    expect(s.group()?.currentStaticMemberId(instance)).toBe(s.ids[f]);
    s.setAppend({ kind: 'answer', error: 'NONE' });
    s.request(instance, heartbeat(s.ids[f] as string, instance, s.generation));
    expect(lastOf(s, instance, 'HeartbeatResponse').error).toBe('NONE');
  });

  it('a static rejoin while the group completes a rebalance starts another; a SyncGroup parked by the old id is answered FENCED_INSTANCE_ID', () => {
    const b = fakeBroker();
    b.coordinator.onElection(1, 0);
    b.advance(10_000);
    b.request('a', staticJoin('a'));
    b.request('b', staticJoin('b'));
    b.advance(6_000_000);
    const ja = lastOf(b, 'a', 'JoinGroupResponse');
    const jb = lastOf(b, 'b', 'JoinGroupResponse');
    const [follower, followerInstance] = ja.leader === ja.memberId ? [jb, 'b'] : [ja, 'a'];
    // the follower's SyncGroup parks (the leader has not assigned yet)
    b.request('parked', sync(follower.memberId, followerInstance, follower.generationId));
    expect(b.responses('parked')).toEqual([]);
    // …and another instance with its group.instance.id joins
    b.request('twin', staticJoin(followerInstance, '', 90));
    expect(lastOf(b, 'parked', 'SyncGroupResponse')).toMatchObject({ error: 'FENCED_INSTANCE_ID' });
    expect(b.coordinator.manager.getGroup('g')?.state).toBe('PreparingRebalance');
  });

  it('a static member that does not rejoin a rebalance stays in the group (only dynamic ones are dropped) until its session expires', () => {
    const s = staticGroup(['a', 'b']);
    const f = 1 - s.leaderIndex;
    const followerInstance = ['a', 'b'][f] as string;
    const followerId = s.ids[f] as string;
    const leaderInstance = ['a', 'b'][s.leaderIndex] as string;
    const leaderId = s.ids[s.leaderIndex] as string;
    // the leader rejoins with its member id and new metadata: a rebalance
    s.request(leaderInstance, {
      ...staticJoin(leaderInstance, leaderId, 71),
      protocols: join('', 71, ['t', 'u']).protocols,
    });
    expect(s.group()?.state).toBe('PreparingRebalance');
    // the follower keeps heartbeating (REBALANCE_IN_PROGRESS) but never rejoins, for the whole
    // rebalance timeout (30 s)
    for (let t = 0; t < 11; t++) {
      s.advance(3_000_000);
      s.request(followerInstance, heartbeat(followerId, followerInstance, s.generation));
    }
    const next = lastOf(s, leaderInstance, 'JoinGroupResponse');
    expect(next).toMatchObject({ error: 'NONE', generationId: s.generation + 1 });
    // onCompleteJoin dropped nobody: the static follower is a member of the new generation
    expect(s.group()?.has(followerId)).toBe(true);
    expect(next.members.map((m) => m.memberId).sort()).toEqual([leaderId, followerId].sort());
    // silent from now on (the leader is not), its session expires (10 s) and it is removed
    for (let t = 0; t < 4; t++) {
      s.advance(3_000_000);
      s.request(leaderInstance, heartbeat(leaderId, leaderInstance, s.generation + 1));
    }
    expect(s.group()?.has(followerId)).toBe(false);
    expect(s.group()?.allStaticMembers()).toEqual([leaderInstance]);
  });

  it('LeaveGroup naming only a group.instance.id removes that static member (administrative removal) and rebalances', () => {
    const s = staticGroup(['a', 'b']);
    const f = 1 - s.leaderIndex;
    const instance = ['a', 'b'][f] as string;
    s.request('admin', {
      type: 'LeaveGroup',
      correlationId: 95,
      groupId: 'g',
      members: [
        { memberId: '', groupInstanceId: instance, reason: 'removed by admin' },
        { memberId: '', groupInstanceId: 'nobody' },
      ],
    });
    expect(lastOf(s, 'admin', 'LeaveGroupResponse')).toMatchObject({
      error: 'NONE',
      members: [
        { memberId: '', error: 'NONE' },
        { memberId: '', error: 'UNKNOWN_MEMBER_ID' },
      ],
    });
    expect(s.group()?.has(s.ids[f] as string)).toBe(false);
    expect(s.group()?.state).toBe('PreparingRebalance');
  });

  it('the group record carries each static member, and a loaded group knows them', () => {
    const s = staticGroup(['a', 'b']);
    const record = s.batches.at(-1)?.records[0];
    const value = JSON.parse(record?.value ?? '{}') as {
      members: { memberId: string; groupInstanceId?: string }[];
    };
    expect(value.members.map((m) => m.groupInstanceId).sort()).toEqual(['a', 'b']);
    // the partition moves away and back: the group is loaded from the log
    s.coordinator.onResignation(1, 0);
    s.advance(1_000);
    s.coordinator.onElection(1, 1);
    s.advance(10_000);
    expect(s.group()?.allStaticMembers().sort()).toEqual(['a', 'b']);
    expect(s.group()?.currentStaticMemberId('a')).toBe(s.ids[0]);
  });
});
