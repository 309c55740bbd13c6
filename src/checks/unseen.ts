import { opEvent, result, violation } from './events.js';
import { tp } from './final-state.js';
import { historyIndex } from './history-index.js';
import type { CheckInput, CheckResult, Violation } from './types.js';

/**
 * `unseen` (Jepsen's unseen): an acknowledged record (ok, offset ≥ 0) that no ok poll returned by
 * the end of the history. It applies to the topics consumers read: a topic some ok poll returned a
 * record of, or some consumer was assigned a partition of. It is meaningful only when the run ends
 * with consumers draining their partitions after the faults healed; a lost write is also unseen
 * unless a consumer read it before it was truncated.
 */
export function checkUnseen(input: CheckInput): CheckResult {
  const { acked, reads } = historyIndex(input);
  const read = new Set<string>();
  const topics = new Set<string>();
  for (const { record } of reads) {
    topics.add(record.topic);
    if (record.value !== null) read.add(record.value);
  }
  for (const fact of input.clients.memberFacts)
    if (fact.kind === 'assigned')
      for (const name of fact.partitions) topics.add(name.slice(0, name.lastIndexOf('-')));
  const violations: Violation[] = [];
  for (const send of acked) {
    if (!topics.has(send.topic) || read.has(send.value)) continue;
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
