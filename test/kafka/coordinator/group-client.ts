/**
 * Scripted group members for the coordinator tests (not Kafka's consumer): enough of
 * AbstractCoordinator to find the coordinator, join (with KIP-394's second JoinGroup), sync (the
 * leader hands out partitions of topic `t` round robin over the member ids, sorted), heartbeat,
 * commit and leave, with a log of every answer. A 100 ms tick drives everything.
 */

import type { BrokerMessage, BrokerTimer } from '../../../src/kafka/broker/broker.js';
import { brokerIdOf, brokerName } from '../../../src/kafka/broker/io.js';
import type {
  ConsumerAssignment,
  JoinGroupResponse,
  KafkaRequest,
  KafkaResponse,
  OffsetCommitResponse,
  OffsetFetchResponse,
  SyncGroupResponse,
} from '../../../src/kafka/protocol.js';
import type { ProcessContext } from '../../../src/sim/process.js';
import { seconds } from '../../../src/sim/time.js';

const TICK: BrokerTimer = { kind: 'local', message: { type: 'Metadata', correlationId: -7 } };
const TICK_US = 100_000;

export interface MemberScript {
  readonly brokers: readonly number[];
  readonly groupId?: string;
  readonly clientId?: string;
  readonly sessionTimeoutMs?: number;
  readonly rebalanceTimeoutMs?: number;
  readonly heartbeatMs?: number;
  /** Partitions of topic `t` the leader assigns. */
  readonly partitions?: number;
  readonly topics?: readonly string[];
  /** At this time (s) the member goes silent: no heartbeat, no request (a hung process). */
  readonly silentAt?: number;
  /** At this time (s) the member sends LeaveGroup and stops. */
  readonly leaveAt?: number;
  /** At these times (s) the member commits `offset` for t-0 with its generation. */
  readonly commits?: readonly { readonly at: number; readonly offset: number }[];
  /** At these times (s) the member fetches its committed offset for t-0. */
  readonly fetches?: readonly number[];
}

export interface MemberEvent {
  readonly at: number;
  readonly what: string;
  readonly error: string;
  readonly generation?: number;
}

export interface MemberLog {
  memberId: string;
  generation: number;
  leader: string;
  assignment: ConsumerAssignment | undefined;
  coordinator: number;
  state: 'unjoined' | 'joining' | 'syncing' | 'stable' | 'silent' | 'left';
  readonly events: MemberEvent[];
  readonly joins: JoinGroupResponse[];
  readonly syncs: SyncGroupResponse[];
  readonly commits: OffsetCommitResponse[];
  readonly fetches: OffsetFetchResponse[];
  readonly heartbeatErrors: string[];
}

export function newMemberLog(): MemberLog {
  return {
    memberId: '',
    generation: -1,
    leader: '',
    assignment: undefined,
    coordinator: -1,
    state: 'unjoined',
    events: [],
    joins: [],
    syncs: [],
    commits: [],
    fetches: [],
    heartbeatErrors: [],
  };
}

export function groupMember(script: MemberScript, log: MemberLog) {
  const groupId = script.groupId ?? 'g';
  const heartbeatUs = (script.heartbeatMs ?? 3000) * 1000;
  return (ctx: ProcessContext<BrokerMessage, BrokerTimer>) => {
    let correlation = 0;
    const inFlight = new Map<number, { type: string; to: number }>();
    let findInFlight = false;
    let lastHeartbeat = 0;
    let heartbeatInFlight = false;
    let nextDiscovery = 0;
    let brokerIndex = 0;
    const done = new Set<string>();
    const now = () => ctx.now / 1_000_000;
    const event = (what: string, error: string, generation?: number) =>
      log.events.push({ at: now(), what, error, ...(generation === undefined ? {} : { generation }) });
    const send = (to: number, request: KafkaRequest) => {
      inFlight.set(request.correlationId, { type: request.type, to });
      ctx.send(brokerName(to), request);
    };
    const toCoordinator = (build: (correlationId: number) => KafkaRequest) => {
      if (log.coordinator < 0) return;
      send(log.coordinator, build(correlation++));
    };
    const discover = () => {
      if (findInFlight || ctx.now < nextDiscovery) return;
      findInFlight = true;
      const to = script.brokers[brokerIndex++ % script.brokers.length] as number;
      send(to, { type: 'FindCoordinator', correlationId: correlation++, key: groupId });
    };
    const coordinatorUnknown = () => {
      log.coordinator = -1;
      heartbeatInFlight = false;
      nextDiscovery = ctx.now + 100_000;
    };
    const join = () => {
      log.state = 'joining';
      toCoordinator((correlationId) => ({
        type: 'JoinGroup',
        correlationId,
        groupId,
        sessionTimeoutMs: script.sessionTimeoutMs ?? 10_000,
        rebalanceTimeoutMs: script.rebalanceTimeoutMs ?? 30_000,
        memberId: log.memberId,
        protocolType: 'consumer',
        protocols: [
          {
            name: 'range',
            metadata: { topics: script.topics ?? ['t'], ownedPartitions: [], generationId: -1 },
          },
        ],
        ...(script.clientId === undefined ? {} : { clientId: script.clientId }),
      }));
    };
    const rejoin = (resetMemberId: boolean) => {
      if (resetMemberId) log.memberId = '';
      log.generation = -1;
      join();
    };
    const onJoin = (m: JoinGroupResponse) => {
      log.joins.push(m);
      event('join', m.error, m.generationId);
      if (m.error === 'MEMBER_ID_REQUIRED') {
        log.memberId = m.memberId;
        join();
      } else if (m.error === 'NONE') {
        log.memberId = m.memberId;
        log.generation = m.generationId;
        log.leader = m.leader;
        log.state = 'syncing';
        lastHeartbeat = ctx.now;
        const assignments =
          m.leader === m.memberId
            ? roundRobin(
                m.members.map((x) => x.memberId),
                script.partitions ?? 4,
              )
            : [];
        toCoordinator((correlationId) => ({
          type: 'SyncGroup',
          correlationId,
          groupId,
          generationId: m.generationId,
          memberId: m.memberId,
          protocolName: m.protocolName,
          assignments,
        }));
      } else if (m.error === 'NOT_COORDINATOR' || m.error === 'COORDINATOR_NOT_AVAILABLE') {
        coordinatorUnknown();
      } else if (m.error === 'UNKNOWN_MEMBER_ID') rejoin(true);
      else if (m.error === 'COORDINATOR_LOAD_IN_PROGRESS') join();
    };
    const onSync = (m: SyncGroupResponse) => {
      log.syncs.push(m);
      event('sync', m.error, log.generation);
      if (m.error === 'NONE') {
        log.assignment = m.assignment;
        log.state = 'stable';
      } else if (m.error === 'NOT_COORDINATOR' || m.error === 'COORDINATOR_NOT_AVAILABLE') {
        log.state = 'joining';
        coordinatorUnknown();
      } else rejoin(m.error === 'UNKNOWN_MEMBER_ID');
    };
    const onHeartbeat = (error: string) => {
      heartbeatInFlight = false;
      log.heartbeatErrors.push(error);
      if (error !== 'NONE') event('heartbeat', error, log.generation);
      if (error === 'REBALANCE_IN_PROGRESS' && log.state === 'stable') rejoin(false);
      else if (error === 'ILLEGAL_GENERATION') rejoin(false);
      else if (error === 'UNKNOWN_MEMBER_ID') rejoin(true);
      else if (error === 'NOT_COORDINATOR' || error === 'COORDINATOR_NOT_AVAILABLE') coordinatorUnknown();
    };
    const tick = () => {
      const t = now();
      if (log.state === 'left' || log.state === 'silent') return;
      if (script.silentAt !== undefined && t >= script.silentAt) {
        log.state = 'silent';
        event('silent', 'NONE');
        return;
      }
      if (script.leaveAt !== undefined && t >= script.leaveAt) {
        toCoordinator((correlationId) => ({
          type: 'LeaveGroup',
          correlationId,
          groupId,
          members: [{ memberId: log.memberId, reason: 'the consumer is being closed' }],
        }));
        log.state = 'left';
        event('leave', 'NONE');
        return;
      }
      if (log.coordinator < 0) {
        discover();
        return;
      }
      if (log.state === 'unjoined') join();
      for (const [i, c] of (script.commits ?? []).entries())
        if (t >= c.at && !done.has(`c${i}`) && done.add(`c${i}`))
          toCoordinator((correlationId) => ({
            type: 'OffsetCommit',
            correlationId,
            groupId,
            generationId: log.generation,
            memberId: log.memberId,
            partitions: [{ topic: 't', partition: 0, committedOffset: c.offset, committedLeaderEpoch: 0 }],
          }));
      for (const [i, at] of (script.fetches ?? []).entries())
        if (t >= at && !done.has(`f${i}`) && done.add(`f${i}`))
          toCoordinator((correlationId) => ({
            type: 'OffsetFetch',
            correlationId,
            groupId,
            partitions: [{ topic: 't', partition: 0 }],
          }));
      if (
        (log.state === 'stable' || log.state === 'syncing') &&
        !heartbeatInFlight &&
        ctx.now - lastHeartbeat >= heartbeatUs
      ) {
        heartbeatInFlight = true;
        lastHeartbeat = ctx.now;
        toCoordinator((correlationId) => ({
          type: 'Heartbeat',
          correlationId,
          groupId,
          generationId: log.generation,
          memberId: log.memberId,
        }));
      }
    };
    return {
      onStart() {
        ctx.setTimer(TICK_US, TICK);
      },
      onTimer() {
        tick();
        ctx.setTimer(TICK_US, TICK);
      },
      onMessage(_from: string, m: BrokerMessage) {
        if (!('correlationId' in m) || !inFlight.delete(m.correlationId)) return;
        if (log.state === 'silent' || log.state === 'left') {
          if (m.type === 'LeaveGroupResponse') event('left', m.error);
          return;
        }
        const response = m as KafkaResponse;
        switch (response.type) {
          case 'FindCoordinatorResponse':
            findInFlight = false;
            event('find-coordinator', response.error);
            if (response.error === 'NONE') {
              log.coordinator = response.nodeId;
              lastHeartbeat = ctx.now - heartbeatUs; // heartbeat (or join) at once with what we have
              if (log.state === 'joining') join();
            } else nextDiscovery = ctx.now + 500_000;
            return;
          case 'JoinGroupResponse':
            onJoin(response);
            return;
          case 'SyncGroupResponse':
            onSync(response);
            return;
          case 'HeartbeatResponse':
            onHeartbeat(response.error);
            return;
          case 'OffsetCommitResponse':
            log.commits.push(response);
            event('commit', response.partitions[0]?.error ?? 'NONE', log.generation);
            return;
          case 'OffsetFetchResponse':
            log.fetches.push(response);
            event('fetch', response.error);
            return;
          default:
        }
      },
      onDisconnect(peer: string) {
        const id = brokerIdOf(peer);
        let lostCoordinator = false;
        for (const [c, r] of inFlight) {
          if (r.to !== id) continue;
          inFlight.delete(c);
          if (r.type === 'FindCoordinator') {
            findInFlight = false;
            continue;
          }
          lostCoordinator = true;
        }
        if (id === log.coordinator || lostCoordinator) {
          event('disconnect', 'NETWORK_EXCEPTION');
          if (log.state === 'syncing') log.state = 'joining';
          coordinatorUnknown();
        }
      },
    };
  };
}

/** The leader's assignment: partitions of `t` round robin over the sorted member ids. */
export function roundRobin(members: readonly string[], partitions: number) {
  const sorted = [...members].sort();
  return sorted.map((memberId, i) => ({
    memberId,
    assignment: {
      partitions: Array.from({ length: partitions }, (_, p) => p)
        .filter((p) => p % sorted.length === i)
        .map((partition) => ({ topic: 't', partition })),
    },
  }));
}

/** One step of a probe: built when it is sent, so it may use earlier answers. */
export interface ProbeStep {
  readonly at: number;
  readonly to: number | (() => number);
  readonly request: KafkaRequest | (() => KafkaRequest);
}

export interface ProbeAnswer {
  readonly at: number;
  readonly from: string;
  readonly response: KafkaResponse;
}

/** A probe: sends each request at its time (s) to its broker and keeps the answers. */
export function probe(steps: readonly ProbeStep[], answers: ProbeAnswer[]) {
  return (ctx: ProcessContext<BrokerMessage, BrokerTimer>) => {
    let next = 0;
    const schedule = () => {
      const step = steps[next];
      if (step !== undefined) ctx.setTimer(Math.max(0, seconds(step.at) - ctx.now), TICK);
    };
    return {
      onStart: schedule,
      onTimer() {
        const step = steps[next++];
        if (step !== undefined) {
          const to = typeof step.to === 'function' ? step.to() : step.to;
          ctx.send(brokerName(to), typeof step.request === 'function' ? step.request() : step.request);
        }
        schedule();
      },
      onMessage(from: string, m: BrokerMessage) {
        answers.push({ at: ctx.now / 1_000_000, from, response: m as KafkaResponse });
      },
    };
  };
}
