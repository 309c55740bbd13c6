import { opEvent, result, violation } from './events.js';
import { tp } from './final-state.js';
import { historyIndex } from './history-index.js';
import type { CheckInput, CheckResult, Violation } from './types.js';

/**
 * `unseen` (Jepsen's unseen): an acknowledged record (ok, offset ≥ 0) that no ok poll returned by
 * the end of the history. It applies to the partitions consumers read (Jepsen: per key): a partition
 * some ok poll returned a record of, or some consumer was assigned. It is meaningful only when the run ends
 * with consumers draining their partitions after the faults healed; a lost write is also unseen
 * unless a consumer read it before it was truncated.
 */
export function checkUnseen(input: CheckInput): CheckResult {
  const { acked, reads } = historyIndex(input);
  const read = new Set<string>();
  const consumed = new Set<string>();
  for (const { record } of reads) {
    consumed.add(tp(record.topic, record.partition));
    if (record.value !== null) read.add(record.value);
  }
  for (const fact of input.clients.memberFacts)
    if (fact.kind === 'assigned') for (const name of fact.partitions) consumed.add(name);
  const violations: Violation[] = [];
  for (const send of acked) {
    if (!consumed.has(tp(send.topic, send.partition)) || read.has(send.value)) continue;
    violations.push(
      violation(
        `unseen: acked record ${tp(send.topic, send.partition)}@${send.offset} (${send.value}) was never polled`,
        send.ok.time,
        send.invoke === undefined ? [opEvent(send.ok)] : [opEvent(send.invoke), opEvent(send.ok)],
      ),
    );
  }
  return result('unseen', violations);
}
