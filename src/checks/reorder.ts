import type { ResolvedProducerConfig } from '../clients/producer/config.js';
import { finalEvent, opEvent, result, violation } from './events.js';
import { committedLog, partitionsByName, tp } from './final-state.js';
import { type AckedSend, historyIndex } from './history-index.js';
import type { CheckInput, CheckResult, ProducerPromise, Violation, ViolationEvent } from './types.js';

/**
 * `reorder` (kafka-sim's; Jepsen's nonmonotonic-send is the per-process cousin): for one producer
 * process and one partition, its acknowledged records appear in the final committed log in the
 * order they were sent (invoked). Each record is placed at its first offset in the final committed
 * log; records not there are `lost-write`'s business. A violation names a record that sits below an
 * earlier-sent one (the earlier one at the highest offset so far), and says whether the producer
 * was promised order (idempotence, or max.in.flight.requests.per.connection = 1; see
 * CheckInput.producers): without that promise a retry landing after a later batch is Kafka's
 * documented behaviour, but it is still a reorder the application sees.
 */
export function checkReorder(input: CheckInput): CheckResult {
  const { acked } = historyIndex(input);
  const partitions = partitionsByName(input.final);
  const idempotent = new Set<string>();
  for (const s of acked) if ((s.ok.producerId ?? -1) >= 0) idempotent.add(s.ok.process);
  const promised = (process: string) => input.producers?.[process]?.orderPromised ?? idempotent.has(process);
  // One list per producer process and partition, in the order each pair first appears.
  const groups: AckedSend[][] = [];
  const byProcess = new Map<string, Map<string, AckedSend[]>>();
  for (const send of acked) {
    let byPartition = byProcess.get(send.ok.process);
    if (byPartition === undefined) {
      byPartition = new Map();
      byProcess.set(send.ok.process, byPartition);
    }
    const name = tp(send.topic, send.partition);
    const list = byPartition.get(name);
    if (list === undefined) {
      const created = [send];
      byPartition.set(name, created);
      groups.push(created);
    } else list.push(send);
  }
  const violations: Violation[] = [];
  for (const sends of groups) {
    const first = sends[0]!;
    const name = tp(first.topic, first.partition);
    const p = partitions.get(name);
    const log = p === undefined ? undefined : committedLog(p);
    if (log === undefined) continue;
    sends.sort((a, b) => a.ok.id - b.ok.id); // ids are given at invoke: send order
    let highest: { send: AckedSend; offset: number } | undefined;
    for (const send of sends) {
      const offset = log.offsetsOf.get(send.value)?.[0];
      if (offset === undefined) continue;
      if (highest !== undefined && offset < highest.offset) {
        const events: ViolationEvent[] = [
          opEvent(highest.send.ok),
          opEvent(send.ok),
          finalEvent(input.final.time, first.topic, first.partition, log.leader),
        ];
        for (const s of [highest.send, send]) if (s.invoke !== undefined) events.push(opEvent(s.invoke));
        violations.push(
          violation(
            `reorder: ${send.ok.process} sent ${highest.send.value} before ${send.value}, but ${name} holds ${send.value}@${offset} before ${highest.send.value}@${highest.offset}${promised(send.ok.process) ? ' (order was promised: idempotence or one request in flight)' : ' (no order was promised: without idempotence, more than one request in flight lets a retried batch land after a later one)'}`,
            send.ok.time,
            events,
          ),
        );
      }
      if (highest === undefined || offset > highest.offset) highest = { send, offset };
    }
  }
  return result('reorder', violations);
}

/** What a producer with this configuration promised: order with idempotence or one request in flight. */
export const producerPromise = (config: ResolvedProducerConfig): ProducerPromise => ({
  orderPromised: config.idempotent || config.guaranteeMessageOrder,
});
