import type { SimTime } from '../sim/time.js';

/**
 * What clients observed, Jepsen-style: each operation is an `invoke` followed by `ok`, `fail` (it
 * certainly did not happen) or `info` (the outcome is unknown, as after a timeout). An operation's
 * completion carries the same `id` as its invoke, because one producer has many sends in flight.
 */
export type OpType = 'invoke' | 'ok' | 'fail' | 'info';

interface OpBase {
  /** Shared by an operation's invoke and its completion; unique in one history. */
  readonly id: number;
  readonly type: OpType;
  readonly time: SimTime;
  /** The client's process name. */
  readonly process: string;
}

/** One record a producer sends: values are unique per run, so checkers can follow each one. */
export interface SentRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: string;
}

export interface SendOp extends OpBase {
  readonly f: 'send';
  readonly record: SentRecord;
  /** Known once the record is in a batch (ok, and fail/info after batching). */
  readonly partition?: number;
  /** ok: the record's offset in the partition. */
  readonly offset?: number;
  /** The idempotent producer's id, epoch and the record's sequence; -1 without idempotence. */
  readonly producerId?: number;
  readonly producerEpoch?: number;
  readonly sequence?: number;
  /** fail/info: the error, by Kafka's name (or the client exception's, e.g. TimeoutException). */
  readonly error?: string;
}

/** A record as a consumer's poll returned it. */
export interface PolledRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly leaderEpoch: number;
}

export interface PollOp extends OpBase {
  readonly f: 'poll';
  /** ok: what poll() returned, in order. */
  readonly records?: readonly PolledRecord[];
  readonly error?: string;
}

export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read. */
  readonly offset: number;
}

export interface CommitOp extends OpBase {
  readonly f: 'commit';
  readonly group: string;
  readonly generation: number;
  readonly memberId: string;
  readonly offsets: readonly CommittedOffset[];
  readonly error?: string;
}

/**
 * What a consumer application did with a poll's records (kafka-sim's, not Jepsen's): invoked when
 * it starts processing a batch, ok when it has finished, which is what at-most-once and
 * at-least-once are about (a record polled and then lost in a crash during processing looks read
 * to a poll-only history). A crash leaves the invoke without completion; the application's next
 * incarnation completes it as `info` (error `crashed`), as Jepsen completes a crashed process's op.
 */
export interface ProcessOp extends OpBase {
  readonly f: 'process';
  /** The consumer's group.id; null for a consumer without one (assign() only, no commits). */
  readonly group: string | null;
  /** The batch, in the order poll() returned it. */
  readonly records: readonly PolledRecord[];
  readonly error?: string;
}

export type ClientOp = SendOp | PollOp | CommitOp | ProcessOp;

/**
 * What a consumer learned about its group: an assignment for a generation, losing it, or being
 * fenced (KIP-345: another instance with its group.instance.id took its member id's place).
 */
export type MemberEvent =
  | {
      readonly kind: 'assigned';
      readonly group: string;
      readonly memberId: string;
      readonly generation: number;
      /** "topic-N", in the order SyncGroup gave them. */
      readonly partitions: readonly string[];
      /** The coordinator that answered. */
      readonly coordinator: number;
    }
  | {
      readonly kind: 'revoked' | 'lost';
      readonly group: string;
      readonly memberId: string;
      readonly generation: number;
      readonly partitions: readonly string[];
    }
  | {
      readonly kind: 'joining';
      readonly group: string;
      readonly memberId: string;
      readonly reason: string;
    }
  | {
      /** The coordinator answered FENCED_INSTANCE_ID to this member id. */
      readonly kind: 'fenced';
      readonly group: string;
      readonly memberId: string;
      readonly groupInstanceId: string;
      /** The generation the member was in when it learned. */
      readonly generation: number;
      /** What it still believed it owned then. */
      readonly partitions: readonly string[];
      /** The request answered FENCED_INSTANCE_ID. */
      readonly request: 'JoinGroup' | 'SyncGroup' | 'Heartbeat' | 'OffsetCommit';
    };

export type MemberFact = MemberEvent & { readonly time: SimTime; readonly process: string };

type Completion<T extends ClientOp> = Omit<T, 'id' | 'type' | 'time' | 'process' | 'f'>;

/**
 * The clients' history, kept outside the actors so it survives their crashes. Operations get
 * increasing ids; `ops` is in the order things happened.
 */
export class ClientHistory {
  readonly ops: ClientOp[] = [];
  readonly memberFacts: MemberFact[] = [];
  private nextId = 0;

  /** Records an invoke and returns its id, for the completion. */
  invoke<F extends ClientOp['f']>(
    f: F,
    process: string,
    time: SimTime,
    fields: Completion<Extract<ClientOp, { f: F }>>,
  ): number {
    const id = this.nextId++;
    // The fields, then id, f, type, time, process, as `{ ...fields, id, ... }` would lay them out;
    // but a literal that starts with a spread costs microseconds in V8, Object.assign does not.
    const op: Record<string, unknown> = Object.assign({}, fields);
    op.id = id;
    op.f = f;
    op.type = 'invoke';
    op.time = time;
    op.process = process;
    this.ops.push(op as unknown as ClientOp);
    return id;
  }

  /** Records the completion of operation `id`: ok, fail or info. */
  complete<F extends ClientOp['f']>(
    id: number,
    f: F,
    type: Exclude<OpType, 'invoke'>,
    process: string,
    time: SimTime,
    fields: Completion<Extract<ClientOp, { f: F }>>,
  ): void {
    // As in invoke: the same layout, without a leading spread.
    const op: Record<string, unknown> = Object.assign({}, fields);
    op.id = id;
    op.f = f;
    op.type = type;
    op.time = time;
    op.process = process;
    this.ops.push(op as unknown as ClientOp);
  }

  recordMember(fact: MemberFact): void {
    this.memberFacts.push(fact);
  }
}
