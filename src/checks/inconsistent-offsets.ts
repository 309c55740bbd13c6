import { finalEvent, opEvent, result, violation } from './events.js';
import { committedLog, tp } from './final-state.js';
import { historyIndex } from './history-index.js';
import { getOrInsert } from './maps.js';
import type { CheckInput, CheckResult, Violation, ViolationEvent } from './types.js';

/**
 * `inconsistent-offsets` (Jepsen's version-order errors): one offset of a partition known as two
 * different records. What an offset is known to hold: an acknowledged send's offset (ok, offset ≥
 * 0), every record an ok poll returned, and the final committed log. Indeterminate sends say
 * nothing about offsets. Reproduced by Kafka when an acknowledged or read record is truncated and
 * the offset is written again (acks=1 with a leader change, unclean election, high-watermark
 * truncation).
 */
export function checkInconsistentOffsets(input: CheckInput): CheckResult {
  const { acked, reads } = historyIndex(input);
  const finalTime = input.final.time;
  // "topic-N" → offset → value → { source names, events, earliest time }
  const known = new Map<
    string,
    Map<number, Map<string | null, { sources: Set<string>; events: ViolationEvent[]; time: number }>>
  >();
  const note = (
    topic: string,
    partition: number,
    offset: number,
    value: string | null,
    source: string,
    time: number,
    event: ViolationEvent,
  ) => {
    const name = tp(topic, partition);
    const values = getOrInsert(
      getOrInsert(known, name, () => new Map()),
      offset,
      () => new Map(),
    );
    const entry = getOrInsert(values, value, () => ({
      sources: new Set<string>(),
      events: [] as ViolationEvent[],
      time,
    }));
    entry.sources.add(source);
    entry.events.push(event);
    entry.time = Math.min(entry.time, time);
  };
  for (const s of acked) note(s.topic, s.partition, s.offset, s.value, 'acked', s.ok.time, opEvent(s.ok));
  for (const { poll, record } of reads)
    note(record.topic, record.partition, record.offset, record.value, 'polled', poll.time, opEvent(poll));
  for (const p of input.final.partitions) {
    const log = committedLog(p);
    if (log === undefined) continue;
    for (const [offset, value] of log.byOffset)
      note(
        p.topic,
        p.partition,
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
