import { finalEvent, opEvent, result, violation } from './events.js';
import { type CommittedLog, committedLog, type FinalPartition, tp } from './final-state.js';
import { historyIndex } from './history-index.js';
import { addTo, getOrInsert } from './maps.js';
import type { CheckInput, CheckResult, Violation, ViolationEvent } from './types.js';

/**
 * `inconsistent-offsets` (Jepsen's version-order errors): one offset of a partition known as two
 * different records. What an offset is known to hold: an acknowledged send's offset (ok, offset ≥
 * 0), every record an ok poll returned, and the final committed log. Indeterminate sends say
 * nothing about offsets. Reproduced by Kafka when an acknowledged or read record is truncated and
 * the offset is written again (acks=1 with a leader change, unclean election, high-watermark
 * truncation).
 */
/** What one offset is known to hold as one value: who says so, the proving events, the earliest time. */
interface Known {
  readonly sources: Set<string>;
  readonly events: ViolationEvent[];
  time: number;
}

export function checkInconsistentOffsets(input: CheckInput): CheckResult {
  const { acked, reads } = historyIndex(input);
  const finalTime = input.final.time;
  const logs: { p: FinalPartition; log: CommittedLog }[] = [];
  for (const p of input.final.partitions) {
    const log = committedLog(p);
    if (log !== undefined) logs.push({ p, log });
  }
  // First pass, cheap: which offsets are known as two different values at all. Most runs have
  // none, and then nothing more is built.
  const first = new Map<string, Map<number, string | null>>();
  const conflicts = new Map<string, Set<number>>();
  const names: string[] = [];
  const seen = (name: string, offset: number, value: string | null): void => {
    let offsets = first.get(name);
    if (offsets === undefined) {
      offsets = new Map();
      first.set(name, offsets);
      names.push(name);
    }
    if (!offsets.has(offset)) offsets.set(offset, value);
    else if (offsets.get(offset) !== value) addTo(conflicts, name, offset);
  };
  for (const s of acked) seen(tp(s.topic, s.partition), s.offset, s.value);
  for (const { record } of reads) seen(tp(record.topic, record.partition), record.offset, record.value);
  for (const { p, log } of logs) {
    const name = tp(p.topic, p.partition);
    const { offsets, values } = log;
    for (let i = 0; i < offsets.length; i++) seen(name, offsets[i] as number, values[i] as string | null);
  }
  if (conflicts.size === 0) return result('inconsistent-offsets', []);
  // Second pass over the same notes, in the same order, for the conflicting offsets only.
  // "topic-N" → offset → value → { source names, events, earliest time }
  const known = new Map<string, Map<number, Map<string | null, Known>>>();
  for (const name of names) if (conflicts.has(name)) known.set(name, new Map());
  const wanted = (name: string, offset: number): boolean => conflicts.get(name)?.has(offset) === true;
  const note = (
    name: string,
    offset: number,
    value: string | null,
    source: string,
    time: number,
    event: ViolationEvent,
  ) => {
    const offsets = known.get(name) as Map<number, Map<string | null, Known>>;
    const values = getOrInsert(offsets, offset, () => new Map());
    const entry = getOrInsert(values, value, () => ({
      sources: new Set<string>(),
      events: [] as ViolationEvent[],
      time,
    }));
    entry.sources.add(source);
    entry.events.push(event);
    entry.time = Math.min(entry.time, time);
  };
  for (const s of acked) {
    const name = tp(s.topic, s.partition);
    if (wanted(name, s.offset)) note(name, s.offset, s.value, 'acked', s.ok.time, opEvent(s.ok));
  }
  for (const { poll, record } of reads) {
    const name = tp(record.topic, record.partition);
    if (wanted(name, record.offset))
      note(name, record.offset, record.value, 'polled', poll.time, opEvent(poll));
  }
  for (const { p, log } of logs) {
    const name = tp(p.topic, p.partition);
    for (const [offset, value] of log.byOffset)
      if (wanted(name, offset))
        note(
          name,
          offset,
          value,
          'final committed log',
          finalTime,
          finalEvent(finalTime, p.topic, p.partition, log.leader),
        );
  }
  const violations: Violation[] = [];
  for (const [name, offsets] of known)
    for (const [offset, values] of offsets) {
      if (values.size < 2) continue;
      const entries = [...values.entries()].sort((a, b) => a[1].time - b[1].time);
      const described = entries.map(([v, e]) => `${v ?? 'null'} (${[...e.sources].join(', ')})`);
      violations.push(
        violation(
          `inconsistent offsets: ${name}@${offset} is ${described.join(' and ')}`,
          entries[1]![1].time,
          entries.flatMap(([, e]) => e.events),
        ),
      );
    }
  return result('inconsistent-offsets', violations);
}
