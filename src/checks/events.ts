import type { ClientOp, MemberFact } from '../history/client-history.js';
import type { ReplicaFact } from '../history/cluster-history.js';
import type { SimTime } from '../sim/time.js';
import type { CheckName, CheckResult, Violation, ViolationEvent } from './types.js';

export const opEvent = (op: ClientOp): ViolationEvent => ({
  kind: 'op',
  id: op.id,
  type: op.type,
  f: op.f,
  process: op.process,
  time: op.time,
});

export const factEvent = (fact: ReplicaFact, index: number): ViolationEvent => ({
  kind: 'replica-fact',
  index,
  what: fact.kind,
  broker: fact.broker,
  topic: fact.topic,
  partition: fact.partition,
  time: fact.time,
});

export const memberEvent = (fact: MemberFact, index: number): ViolationEvent => ({
  kind: 'member-fact',
  index,
  what: fact.kind,
  process: fact.process,
  time: fact.time,
});

export const finalEvent = (
  time: SimTime,
  topic: string,
  partition: number,
  broker: number | null,
): ViolationEvent => ({ kind: 'final-state', topic, partition, broker, time });

/** A stable number for ordering events of one time: op id, fact index, or the broker. */
function eventKey(e: ViolationEvent): [number, number] {
  switch (e.kind) {
    case 'op':
      return [0, e.id * 4 + (e.type === 'invoke' ? 0 : 1)];
    case 'replica-fact':
      return [1, e.index];
    case 'member-fact':
      return [2, e.index];
    case 'final-state':
      return [3, e.broker ?? -1];
  }
}

function compareEvents(a: ViolationEvent, b: ViolationEvent): number {
  if (a.time !== b.time) return a.time - b.time;
  const [ka, ia] = eventKey(a);
  const [kb, ib] = eventKey(b);
  return ka !== kb ? ka - kb : ia - ib;
}

/** A violation with its events in time order (duplicates dropped). */
export function violation(message: string, time: SimTime, events: readonly ViolationEvent[]): Violation {
  const seen = new Set<string>();
  const unique = events.filter((e) => {
    const key = JSON.stringify(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { message, time, events: unique.sort(compareEvents) };
}

/**
 * A result with its violations in a fixed order: by time, then in the order the checker found
 * them (each checker walks the history and the final state in their own order: deterministic).
 */
export function result(name: CheckName, violations: readonly Violation[]): CheckResult {
  const sorted = [...violations].sort((a, b) => a.time - b.time); // stable
  return { name, status: sorted.length === 0 ? 'holds' : 'violated', violations: sorted };
}
