import { finalEvent, opEvent, result, violation } from './events.js';
import { type CommittedLog, committedLog, type FinalPartition, tp } from './final-state.js';
import { historyIndex } from './history-index.js';
import { addTo, getOrInsert } from './maps.js';
import type { CheckInput, CheckResult, Violation, ViolationEvent } from './types.js';

/**
 * `duplicate` (Jepsen's duplicate-cases): one value at more than one offset of a partition. The
 * offsets a value is known at are those of the final committed log and those ok polls read it at
 * (a consumer that read it at two offsets was delivered it twice, even if one copy was truncated
 * later). Acknowledged offsets are not used: an acknowledged copy that vanished is a `lost-write`,
 * not a second copy. Values are unique per run, so any second offset is a duplicate: a retry
 * written twice (no idempotence), or an idempotence failure. Null values are ignored.
 */
export function checkDuplicate(input: CheckInput): CheckResult {
  const { reads } = historyIndex(input);
  const finalTime = input.final.time;
  const logs: { p: FinalPartition; log: CommittedLog }[] = [];
  for (const p of input.final.partitions) {
    const log = committedLog(p);
    if (log !== undefined) logs.push({ p, log });
  }
  // First pass, cheap: which values are known at two offsets at all. Most runs have none, and then
  // nothing more is built.
  const first = new Map<string, Map<string, number>>();
  const twice = new Map<string, Set<string>>();
  const names: string[] = [];
  const found = (name: string, value: string, offset: number): void => {
    let values = first.get(name);
    if (values === undefined) {
      values = new Map();
      first.set(name, values);
      names.push(name);
    }
    const known = values.get(value);
    if (known === undefined) values.set(value, offset);
    else if (known !== offset) addTo(twice, name, value);
  };
  for (const { p, log } of logs) {
    const name = tp(p.topic, p.partition);
    const { offsets, values } = log;
    for (let i = 0; i < offsets.length; i++) {
      const value = values[i] as string | null;
      if (value !== null) found(name, value, offsets[i] as number);
    }
  }
  for (const { record } of reads)
    if (record.value !== null) found(tp(record.topic, record.partition), record.value, record.offset);
  if (twice.size === 0) return result('duplicate', []);
  // Second pass over the same records, in the same order, for those values only.
  // "topic-N" → value → offset → proving events and the earliest time the offset was seen
  const seen = new Map<string, Map<string, Map<number, { time: number; events: ViolationEvent[] }>>>();
  for (const name of names) if (twice.has(name)) seen.set(name, new Map());
  const at = (name: string, value: string, offset: number) => {
    const offsets = getOrInsert(
      seen.get(name) as Map<string, Map<number, { time: number; events: ViolationEvent[] }>>,
      value,
      () => new Map(),
    );
    return getOrInsert(offsets, offset, () => ({
      time: Number.POSITIVE_INFINITY,
      events: [] as ViolationEvent[],
    }));
  };
  for (const { p, log } of logs) {
    const name = tp(p.topic, p.partition);
    const values = twice.get(name);
    if (values === undefined) continue;
    for (const [offset, value] of log.byOffset) {
      if (value === null || !values.has(value)) continue;
      const entry = at(name, value, offset);
      entry.time = Math.min(entry.time, finalTime);
      entry.events.push(finalEvent(finalTime, p.topic, p.partition, log.leader));
    }
  }
  for (const { poll, record } of reads) {
    if (record.value === null) continue;
    const name = tp(record.topic, record.partition);
    if (twice.get(name)?.has(record.value) !== true) continue;
    const entry = at(name, record.value, record.offset);
    entry.time = Math.min(entry.time, poll.time);
    entry.events.push(opEvent(poll));
  }
  const violations: Violation[] = [];
  for (const [name, values] of seen)
    for (const [value, offsets] of values) {
      if (offsets.size < 2) continue;
      const sorted = [...offsets.keys()].sort((a, b) => a - b);
      const times = [...offsets.values()].map((e) => e.time).sort((a, b) => a - b);
      const sources = sorted.map((o) => {
        const e = offsets.get(o)!;
        const inLog = e.events.some((x) => x.kind === 'final-state');
        const polled = e.events.some((x) => x.kind === 'op');
        return `${o} (${[inLog ? 'committed log' : '', polled ? 'polled' : ''].filter(Boolean).join(', ')})`;
      });
      violations.push(
        violation(
          `duplicate: ${value} at ${sorted.length} offsets of ${name}: ${sources.join(', ')}`,
          times[1] ?? finalTime,
          [...offsets.values()].flatMap((e) => e.events),
        ),
      );
    }
  return result('duplicate', violations);
}
