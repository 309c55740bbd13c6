import { factEvent, finalEvent, opEvent, result, violation } from './events.js';
import { committedLog, partitionsByName, tp } from './final-state.js';
import { historyIndex } from './history-index.js';
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
  const partitions = partitionsByName(input.final);
  const violations: Violation[] = [];
  for (const { poll, record } of reads) {
    const name = tp(record.topic, record.partition);
    const what = `${poll.process} read ${name}@${record.offset} (${record.value ?? 'null'})`;
    const events: ViolationEvent[] = [opEvent(poll)];
    input.cluster.facts.forEach((f, i) => {
      if (
        f.kind === 'truncate' &&
        f.topic === record.topic &&
        f.partition === record.partition &&
        f.to <= record.offset &&
        f.time >= poll.time
      )
        events.push(factEvent(f, i));
    });
    const failed = record.value === null ? undefined : failedByValue.get(record.value);
    if (failed !== undefined) {
      events.push(opEvent(failed));
      const invoke = sendInvokes.get(failed.id);
      if (invoke !== undefined) events.push(opEvent(invoke));
      violations.push(
        violation(`G1a: ${what}, whose send failed (${failed.error ?? 'fail'})`, poll.time, events),
      );
      continue;
    }
    const p = partitions.get(name);
    const log = p === undefined ? undefined : committedLog(p);
    if (log === undefined) continue;
    const holds = log.byOffset.get(record.offset);
    if (log.byOffset.has(record.offset) && holds === record.value) continue;
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
