import { factEvent, finalEvent, opEvent, result, violation } from './events.js';
import { committedLog, leaderReplica, partitionsByName, tp } from './final-state.js';
import { historyIndex, truncationsOf } from './history-index.js';
import type { CheckInput, CheckResult, Violation, ViolationEvent } from './types.js';

/**
 * `lost-write`: an acknowledged record that is not where its acknowledgement put it in the final
 * committed log. A send is acknowledged when its completion is `ok` with an offset ≥ 0 (acks=0
 * answers -1: nothing was acknowledged). It is lost when the final leader of its partition does not
 * hold its value at the acknowledged offset below that leader's high watermark: the value is
 * absent, present only above the HW (never became readable), or present only at other offsets (the
 * acknowledged copy was truncated; a retry's copy is not the acknowledged write). A partition with no
 * leader on an online broker at the end is unavailable, not provably lossy: its records count as
 * lost only when the final state is quiescent (the cluster settled and still nothing is readable).
 * Indeterminate sends (info, or an invoke without completion) never count.
 *
 * Jepsen's lost-write (jepsen.tests.kafka/lost-write-cases) infers the version order from reads and
 * reports ok writes below the highest read offset that nobody read; kafka-sim has the final logs,
 * so it compares against the committed log itself. Events: the send's invoke and ok, the
 * truncations that cut the acknowledged offset after the ack, and the final leader's replica.
 */
export function checkLostWrite(input: CheckInput): CheckResult {
  const { acked } = historyIndex(input);
  const partitions = partitionsByName(input.final);
  const logs = new Map([...partitions].map(([name, p]) => [name, committedLog(p)]));
  const violations: Violation[] = [];
  const finalTime = input.final.time;
  for (const send of acked) {
    const name = tp(send.topic, send.partition);
    const log = logs.get(name);
    if (log !== undefined && log.byOffset.get(send.offset) === send.value) continue;
    // offline at the end: unavailable, not provably lost, unless the cluster had settled
    if (log === undefined && !input.final.quiescent) continue;
    const where = `acked record ${name}@${send.offset} (${send.value})`;
    const events: ViolationEvent[] = [opEvent(send.ok)];
    if (send.invoke !== undefined) events.push(opEvent(send.invoke));
    for (const t of truncationsOf(input, name, send.offset, send.ok.time))
      events.push(factEvent(t.fact, t.index));
    if (log === undefined) {
      events.push(finalEvent(finalTime, send.topic, send.partition, null));
      violations.push(
        violation(
          `${where} lost: ${name} has no leader on an online broker once quiescent, never readable`,
          send.ok.time,
          events,
        ),
      );
      continue;
    }
    events.push(finalEvent(finalTime, send.topic, send.partition, log.leader));
    const context = `(leader broker ${log.leader}, HW ${log.highWatermark})`;
    const elsewhere = log.offsetsOf.get(send.value);
    const leader = leaderReplica(partitions.get(name)!);
    const uncommitted = leader?.log.find((r) => r.value === send.value && r.offset >= log.highWatermark);
    let message: string;
    if (elsewhere !== undefined)
      message = `${where} lost: ${name}@${send.offset} holds ${describe(log.byOffset.get(send.offset))} in the final committed log ${context}; the value is only at ${elsewhere.join(', ')}`;
    else if (uncommitted !== undefined)
      message = `${where} lost: at ${uncommitted.offset}, above the final HW of ${name} ${context}, never readable`;
    else message = `${where} lost: not in the final committed log of ${name} ${context}`;
    violations.push(violation(message, send.ok.time, events));
  }
  return result('lost-write', violations);
}

const describe = (value: string | null | undefined): string =>
  value === undefined ? 'nothing' : value === null ? 'a null value' : value;
