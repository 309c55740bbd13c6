import { finalEvent, opEvent, result, violation } from './events.js';
import { committedLog, tp } from './final-state.js';
import { historyIndex } from './history-index.js';
import { getOrInsert } from './maps.js';
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
  // "topic-N" → value → offset → proving events and the earliest time the offset was seen
  const seen = new Map<string, Map<string, Map<number, { time: number; events: ViolationEvent[] }>>>();
  const at = (topic: string, partition: number, value: string, offset: number) => {
    const name = tp(topic, partition);
    const offsets = getOrInsert(
      getOrInsert(seen, name, () => new Map()),
      value,
      () => new Map(),
    );
    return getOrInsert(offsets, offset, () => ({
      time: Number.POSITIVE_INFINITY,
      events: [] as ViolationEvent[],
    }));
  };
  for (const p of input.final.partitions) {
    const log = committedLog(p);
    if (log === undefined) continue;
    for (const [offset, value] of log.byOffset) {
      if (value === null) continue;
      const entry = at(p.topic, p.partition, value, offset);
      entry.time = Math.min(entry.time, finalTime);
      entry.events.push(finalEvent(finalTime, p.topic, p.partition, log.leader));
    }
  }
  for (const { poll, record } of reads) {
    if (record.value === null) continue;
    const entry = at(record.topic, record.partition, record.value, record.offset);
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
