/** Synthetic histories and final states for the checker tests. */
import type { FinalRecord, FinalReplica, FinalState } from '../../src/checks/final-state.js';
import type { CheckInput, ProducerPromise, ViolationEvent } from '../../src/checks/types.js';
import {
  ClientHistory,
  type MemberEvent,
  type OpType,
  type PolledRecord,
} from '../../src/history/client-history.js';
import { ClusterHistory, type ReplicaEvent } from '../../src/history/cluster-history.js';

/** A history written in time order: each call advances the clock by 1 ms unless `at` is given. */
export class Scenario {
  readonly clients = new ClientHistory();
  readonly cluster = new ClusterHistory();
  now = 0;
  private tick(at?: number): number {
    this.now = at ?? this.now + 1000;
    return this.now;
  }

  /**
   * A send and its completion. `ok` with an offset (acknowledged), `ok` with -1 (acks=0), `fail`,
   * `info`, or `none` (invoked, never completed). Returns the op id.
   */
  send(
    process: string,
    value: string,
    outcome: {
      type: Exclude<OpType, 'invoke'> | 'none';
      partition?: number;
      offset?: number;
      error?: string;
    },
    options: { topic?: string; producerId?: number } = {},
  ): number {
    const topic = options.topic ?? 't';
    const record = { topic, key: null, value };
    const id = this.clients.invoke('send', process, this.tick(), { record });
    if (outcome.type === 'none') return id;
    this.clients.complete(id, 'send', outcome.type, process, this.tick(), {
      record,
      ...(outcome.partition === undefined ? {} : { partition: outcome.partition }),
      ...(outcome.offset === undefined ? {} : { offset: outcome.offset }),
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      producerId: options.producerId ?? -1,
      producerEpoch: options.producerId === undefined ? -1 : 0,
    });
    return id;
  }

  /** An ok poll returning `records` ([partition, offset, value], topic t). Returns the op id. */
  poll(process: string, records: readonly (readonly [number, number, string | null])[], topic = 't'): number {
    const id = this.clients.invoke('poll', process, this.tick(), {});
    const polled: PolledRecord[] = records.map(([partition, offset, value]) => ({
      topic,
      partition,
      offset,
      key: null,
      value,
      leaderEpoch: 0,
    }));
    this.clients.complete(id, 'poll', 'ok', process, this.tick(), { records: polled });
    return id;
  }

  /**
   * A commit of [partition, offset] pairs (topic t) by `process` in `group` (default g), generation
   * 1 and member id `<process>-m` unless given; `ok` unless `type` says otherwise. Returns the op id.
   */
  commit(
    process: string,
    offsets: readonly (readonly [number, number])[],
    options: {
      group?: string;
      generation?: number;
      memberId?: string;
      type?: Exclude<OpType, 'invoke'>;
      error?: string;
    } = {},
  ): number {
    const fields = {
      group: options.group ?? 'g',
      generation: options.generation ?? 1,
      memberId: options.memberId ?? `${process}-m`,
      offsets: offsets.map(([partition, offset]) => ({ topic: 't', partition, offset })),
    };
    const id = this.clients.invoke('commit', process, this.tick(), fields);
    const type = options.type ?? 'ok';
    this.clients.complete(id, 'commit', type, process, this.tick(), {
      ...fields,
      ...(type === 'ok' ? {} : { error: options.error ?? 'CommitFailedException' }),
    });
    return id;
  }

  /**
   * A consumer application's processing of `records` ([partition, offset, value], topic t) in
   * `group` (default g; null: a consumer without group.id): `ok` (finished), `info` (crashed, its
   * next incarnation completed it) or `none` (began, never finished). Returns the op id.
   */
  process(
    process: string,
    records: readonly (readonly [number, number, string | null])[],
    outcome: 'ok' | 'info' | 'none' = 'ok',
    group: string | null = 'g',
  ): number {
    const polled: PolledRecord[] = records.map(([partition, offset, value]) => ({
      topic: 't',
      partition,
      offset,
      key: null,
      value,
      leaderEpoch: 0,
    }));
    const id = this.clients.invoke('process', process, this.tick(), { group, records: polled });
    if (outcome === 'ok')
      this.clients.complete(id, 'process', 'ok', process, this.tick(), { group, records: polled });
    else if (outcome === 'info')
      this.clients.complete(id, 'process', 'info', process, this.tick(), {
        group,
        records: polled,
        error: 'crashed',
      });
    return id;
  }

  /** A member fact for `process`; returns its index. */
  member(process: string, event: MemberEvent): number {
    this.clients.recordMember({ ...event, time: this.tick(), process });
    return this.clients.memberFacts.length - 1;
  }

  assigned(
    process: string,
    group: string,
    memberId: string,
    generation: number,
    partitions: string[],
  ): number {
    return this.member(process, {
      kind: 'assigned',
      group,
      memberId,
      generation,
      partitions,
      coordinator: 1,
    });
  }

  /** A replica fact on t-`partition`; returns its index. */
  fact(broker: number, event: ReplicaEvent, partition = 0, topic = 't'): number {
    this.cluster.record({ ...event, time: this.tick(), broker, topic, partition });
    return this.cluster.facts.length - 1;
  }

  input(final: FinalState, producers?: Record<string, ProducerPromise>): CheckInput {
    return {
      clients: this.clients,
      cluster: this.cluster,
      final,
      ...(producers === undefined ? {} : { producers }),
    };
  }
}

/** A replica whose log holds `values` from offset 0 (null entries are skipped offsets: none here). */
export function replica(
  broker: number,
  values: readonly (string | null)[],
  options: { hw?: number; epoch?: number; role?: 'leader' | 'follower'; epochs?: readonly number[] } = {},
): FinalReplica {
  const log: FinalRecord[] = values.map((value, offset) => ({
    offset,
    value,
    leaderEpoch: options.epochs?.[offset] ?? options.epoch ?? 1,
  }));
  return {
    broker,
    role: options.role ?? (broker === 1 ? 'leader' : 'follower'),
    leaderEpoch: options.epoch ?? 1,
    log,
    highWatermark: options.hw ?? values.length,
    logEndOffset: values.length,
  };
}

/** Final state of topic t: partition i gets `replicas[i]`, led by broker `leader` (default 1). */
export function finalState(
  partitions: readonly { replicas: FinalReplica[]; leader?: number; epoch?: number; isr?: number[] }[],
  options: { time?: number; quiescent?: boolean } = {},
): FinalState {
  return {
    time: options.time ?? 1_000_000_000,
    quiescent: options.quiescent ?? true,
    partitions: partitions.map((p, partition) => ({
      topic: 't',
      partition,
      leader: p.leader ?? 1,
      leaderEpoch: p.epoch ?? 1,
      isr: p.isr ?? p.replicas.map((r) => r.broker),
      replicas: p.replicas,
      offline: [],
    })),
  };
}

/** Three identical replicas of one log, broker 1 leading. */
export const healthy = (values: readonly string[], hw?: number) =>
  [1, 2, 3].map((b) => replica(b, values, hw === undefined ? {} : { hw }));

/** Short names of a violation's events: "op 3 ok", "fact 2", "member 0", "final 1". */
export const refs = (events: readonly ViolationEvent[]): string[] =>
  events.map((e) =>
    e.kind === 'op'
      ? `op ${e.id} ${e.type}`
      : e.kind === 'replica-fact'
        ? `fact ${e.index}`
        : e.kind === 'member-fact'
          ? `member ${e.index}`
          : `final ${e.broker}`,
  );
