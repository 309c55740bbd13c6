import type { ClientOp, PolledRecord, PollOp, SendOp } from '../history/client-history.js';
import type { ReplicaFact } from '../history/cluster-history.js';
import type { SimTime } from '../sim/time.js';
import { pushTo } from './maps.js';
import type { CheckInput } from './types.js';

/** A send whose completion is `ok` with an offset: the broker acknowledged it (acks=0 gives -1: not). */
export interface AckedSend {
  readonly invoke: SendOp | undefined;
  readonly ok: SendOp;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly value: string;
}

/** One record a consumer's ok poll returned, with the poll. */
export interface PollRead {
  readonly poll: PollOp;
  readonly record: PolledRecord;
}

export interface HistoryIndex {
  /** Acknowledged sends in completion order. */
  readonly acked: readonly AckedSend[];
  /** Each send's invoke, by op id. */
  readonly sendInvokes: ReadonlyMap<number, SendOp>;
  /** Sends that certainly failed (`fail`), by value. */
  readonly failedByValue: ReadonlyMap<string, SendOp>;
  /** ok polls in history order. */
  readonly polls: readonly PollOp[];
  /** Every record read by an ok poll, in history order. */
  readonly reads: readonly PollRead[];
}

const isSend = (op: ClientOp): op is SendOp => op.f === 'send';
const isPoll = (op: ClientOp): op is PollOp => op.f === 'poll';

/** The indexes the checkers share, built once per input (a pure function of the history). */
export function indexHistory(input: CheckInput): HistoryIndex {
  const sendInvokes = new Map<number, SendOp>();
  const acked: AckedSend[] = [];
  const failedByValue = new Map<string, SendOp>();
  const polls: PollOp[] = [];
  const reads: PollRead[] = [];
  for (const op of input.clients.ops) {
    if (isSend(op)) {
      if (op.type === 'invoke') sendInvokes.set(op.id, op);
      else if (op.type === 'ok' && op.partition !== undefined && op.offset !== undefined && op.offset >= 0)
        acked.push({
          invoke: sendInvokes.get(op.id),
          ok: op,
          topic: op.record.topic,
          partition: op.partition,
          offset: op.offset,
          value: op.record.value,
        });
      else if (op.type === 'fail') failedByValue.set(op.record.value, op);
    } else if (isPoll(op) && op.type === 'ok') {
      polls.push(op);
      for (const record of op.records ?? []) reads.push({ poll: op, record });
    }
  }
  return { acked, sendInvokes, failedByValue, polls, reads };
}

/** Memoised per input object, so runChecks indexes the history once. */
const cache = new WeakMap<CheckInput, HistoryIndex>();
export function historyIndex(input: CheckInput): HistoryIndex {
  let index = cache.get(input);
  if (index === undefined) {
    index = indexHistory(input);
    cache.set(input, index);
  }
  return index;
}

/** The 'truncate' facts of each partition ("topic-N"), with their indexes, in history order. */
export function truncationsByPartition(
  input: CheckInput,
): ReadonlyMap<string, readonly { readonly fact: TruncateFact; readonly index: number }[]> {
  let map = truncations.get(input);
  if (map === undefined) {
    const built = new Map<string, { fact: TruncateFact; index: number }[]>();
    for (const [index, fact] of input.cluster.facts.entries())
      if (fact.kind === 'truncate') pushTo(built, `${fact.topic}-${fact.partition}`, { fact, index });
    map = built;
    truncations.set(input, map);
  }
  return map;
}

type TruncateFact = Extract<ReplicaFact, { kind: 'truncate' }>;
const truncations = new WeakMap<CheckInput, Map<string, { fact: TruncateFact; index: number }[]>>();

/** The truncations of `partition` that cut `offset` at or after `time`, as events. */
export function truncationsOf(
  input: CheckInput,
  partition: string,
  offset: number,
  time: SimTime,
): { readonly fact: TruncateFact; readonly index: number }[] {
  return (truncationsByPartition(input).get(partition) ?? []).filter(
    (t) => t.fact.to <= offset && t.fact.time >= time,
  );
}
