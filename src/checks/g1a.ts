import { factEvent, finalEvent, opEvent, result, violation } from './events.js';
import { committedLog, tp } from './final-state.js';
import { historyIndex, truncationsOf } from './history-index.js';
import type { CheckInput, CheckResult, Violation, ViolationEvent } from './types.js';

/**
 * `G1a` (aborted read; Jepsen's g1a-cases): a consumer read a record that never committed. A record
 * an ok poll returned is an aborted read when its send certainly failed (`fail`), or when the final
 * committed log of its partition does not hold its value at the offset it was read at (it was
 * truncated after it was read, or the HW fell back under it). A partition with no leader at the
 * end proves nothing about the second case. Reading an indeterminate send's record is fine. One
 * violation per read record; events: the poll, the failed send, and the truncations of that offset
 * after the read.
 */
export function checkG1a(input: CheckInput): CheckResult {
  const { reads, failedByValue, sendInvokes } = historyIndex(input);
  const logs = new Map(input.final.partitions.map((p) => [tp(p.topic, p.partition), committedLog(p)]));
  const violations: Violation[] = [];
  for (const { poll, record } of reads) {
    const name = tp(record.topic, record.partition);
    const failed = record.value === null ? undefined : failedByValue.get(record.value);
    const log = logs.get(name);
    const holds = log?.byOffset.get(record.offset);
    const committed = log?.byOffset.has(record.offset) === true && holds === record.value;
    if (failed === undefined && (log === undefined || committed)) continue;
    const what = `${poll.process} read ${name}@${record.offset} (${record.value ?? 'null'})`;
    const events: ViolationEvent[] = [opEvent(poll)];
    for (const t of truncationsOf(input, name, record.offset, poll.time))
      events.push(factEvent(t.fact, t.index));
    if (failed !== undefined) {
      events.push(opEvent(failed));
      const invoke = sendInvokes.get(failed.id);
      if (invoke !== undefined) events.push(opEvent(invoke));
      violations.push(
        violation(`G1a: ${what}, whose send failed (${failed.error ?? 'fail'})`, poll.time, events),
      );
      continue;
    }
    if (log === undefined) continue;
    events.push(finalEvent(input.final.time, record.topic, record.partition, log.leader));
    const now = log.byOffset.has(record.offset) ? `it holds ${holds ?? 'null'}` : `HW ${log.highWatermark}`;
    violations.push(
      violation(
        `G1a: ${what}, which is not in the final committed log (leader broker ${log.leader}, ${now})`,
        poll.time,
        events,
      ),
    );
  }
  return result('G1a', violations);
}
