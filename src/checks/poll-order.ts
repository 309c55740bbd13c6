import type { MemberFact, PolledRecord, PollOp } from '../history/client-history.js';
import { finalEvent, memberEvent, opEvent, result, violation } from './events.js';
import { type CommittedLog, committedLog, partitionsByName, tp } from './final-state.js';
import { groupSkips } from './group-skip.js';
import { historyIndex } from './history-index.js';
import { pushTo } from './maps.js';
import type { CheckInput, CheckResult, Violation, ViolationEvent } from './types.js';

/**
 * One consumer's consecutive reads of one partition within one assignment: Jepsen's
 * poll-skip+nonmonotonic-cases and int-poll-skip+nonmonotonic-cases together. A consumer is a
 * process; its ok polls are taken in history order, and the records of one partition inside a poll
 * in the order poll() returned them. Any member fact of the process ('joining', 'assigned',
 * 'revoked', 'lost') starts a new assignment: after a rebalance the position comes from the
 * committed offset and may legitimately go back (at-least-once) or forward (another member's
 * commit), as Jepsen's rebalance log excuses it. A fact and a poll at the same time: the fact first.
 */
interface Step {
  readonly process: string;
  readonly partition: string;
  readonly previous: { readonly poll: PollOp; readonly record: PolledRecord };
  readonly next: { readonly poll: PollOp; readonly record: PolledRecord };
  /** The process's latest 'assigned' fact before the pair, if any. */
  readonly assignment: { readonly fact: MemberFact; readonly index: number } | undefined;
}

type Entry = { time: number; order: number; fact?: MemberFact; index?: number; poll?: PollOp };
// Module-level comparators, not closures made per call: V8 drops a closure's optimized code at
// each full GC when none of its instances is alive, and a sweep runs this once per seed.
const byKey = ([a]: [string, unknown], [b]: [string, unknown]): number => (a < b ? -1 : a > b ? 1 : 0);
const byTimeThenOrder = (a: Entry, b: Entry): number => a.time - b.time || a.order - b.order;

function steps(input: CheckInput): Step[] {
  const { polls } = historyIndex(input);
  const byProcess = new Map<string, Entry[]>();
  for (const [index, fact] of input.clients.memberFacts.entries())
    pushTo(byProcess, fact.process, { time: fact.time, order: index, fact, index });
  for (const [i, poll] of polls.entries())
    pushTo(byProcess, poll.process, { time: poll.time, order: 1e12 + i, poll });
  const out: Step[] = [];
  for (const [process, entries] of [...byProcess].sort(byKey)) {
    entries.sort(byTimeThenOrder);
    let last = new Map<string, { poll: PollOp; record: PolledRecord }>();
    let assignment: Step['assignment'];
    for (const e of entries) {
      if (e.fact !== undefined) {
        last = new Map();
        if (e.fact.kind === 'assigned') assignment = { fact: e.fact, index: e.index! };
        continue;
      }
      const poll = e.poll!;
      for (const record of poll.records ?? []) {
        const partition = tp(record.topic, record.partition);
        const previous = last.get(partition);
        const next = { poll, record };
        if (previous !== undefined) out.push({ process, partition, previous, next, assignment });
        last.set(partition, next);
      }
    }
  }
  return out;
}

function stepEvents(step: Step): ViolationEvent[] {
  const events = [opEvent(step.previous.poll), opEvent(step.next.poll)];
  if (step.assignment !== undefined) events.push(memberEvent(step.assignment.fact, step.assignment.index));
  return events;
}

const at = (r: PolledRecord) => `${tp(r.topic, r.partition)}@${r.offset} (${r.value ?? 'null'})`;

/**
 * `nonmonotonic-poll`: within one assignment, a consumer's next read of a partition is at an offset
 * at or below the one it read last (it went back, or read one offset twice).
 */
export function checkNonmonotonicPoll(input: CheckInput): CheckResult {
  const violations: Violation[] = [];
  for (const step of steps(input)) {
    const a = step.previous.record;
    const b = step.next.record;
    if (b.offset > a.offset) continue;
    violations.push(
      violation(
        `nonmonotonic poll: ${step.process} read ${at(b)} after ${at(a)} in one assignment`,
        step.next.poll.time,
        stepEvents(step),
      ),
    );
  }
  return result('nonmonotonic-poll', violations);
}

/**
 * `poll-skip`, two rules:
 * - per process (Jepsen's): within one assignment, a consumer's next read of a partition jumps from
 *   offset a to b > a + 1 while some offset strictly between them holds a record in the final
 *   committed log (an offset no longer there, or a partition with no leader at the end, proves
 *   nothing);
 * - per group (kafka-sim's, group-skip.ts): a group committed offset N for a partition, claiming
 *   every record below it, but no member processed some record of the final committed log between
 *   the group's first read and N − 1 (at-most-once: committed before processing, then crashed).
 */
export function checkPollSkip(input: CheckInput): CheckResult {
  const partitions = partitionsByName(input.final);
  const logs = new Map<string, CommittedLog | undefined>();
  const logOf = (name: string) => {
    if (!logs.has(name)) {
      const p = partitions.get(name);
      logs.set(name, p === undefined ? undefined : committedLog(p));
    }
    return logs.get(name);
  };
  const violations: Violation[] = [];
  for (const step of steps(input)) {
    const a = step.previous.record;
    const b = step.next.record;
    if (b.offset <= a.offset + 1) continue;
    const log = logOf(step.partition);
    if (log === undefined) continue;
    const skipped: number[] = [];
    for (let o = a.offset + 1; o < b.offset; o++) if (log.byOffset.has(o)) skipped.push(o);
    if (skipped.length === 0) continue;
    const first = skipped[0]!;
    const last = skipped[skipped.length - 1]!;
    const range = first === last ? `${first}` : `${first}..${last}`;
    violations.push(
      violation(
        `poll skip: ${step.process} read ${at(b)} right after ${at(a)}, skipping ${skipped.length} committed record(s) at ${step.partition}@${range} (first: ${log.byOffset.get(first) ?? 'null'})`,
        step.next.poll.time,
        [...stepEvents(step), finalEvent(input.final.time, a.topic, a.partition, log.leader)],
      ),
    );
  }
  violations.push(...groupSkips(input, logOf));
  return result('poll-skip', violations);
}
