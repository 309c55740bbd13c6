import { factEvent, finalEvent, result, violation } from './events.js';
import { type FinalRecord, leaderReplica, tp } from './final-state.js';
import type { CheckInput, CheckResult, Violation, ViolationEvent } from './types.js';

/**
 * `replica-divergence` (kafka-sim's; the replication invariant of the TLA+ Kafka spec): once the
 * cluster is quiescent, every online replica agrees with the final leader below the leader's high
 * watermark. For each replica, the first offset o < min(HW, replica's LEO) where its record differs
 * from the leader's (value or batch leader epoch) is a violation; so is an ISR member whose log
 * ends below the HW (it lacks committed records). Not checked unless `final.quiescent`, nor for a
 * partition without a leader on an online broker. Events: both replicas in the final state and the
 * leader appends that wrote that offset.
 */
export function checkReplicaDivergence(input: CheckInput): CheckResult {
  const violations: Violation[] = [];
  const { final } = input;
  if (!final.quiescent) return result('replica-divergence', violations);
  for (const p of final.partitions) {
    const leader = leaderReplica(p);
    if (leader === undefined) continue;
    const name = tp(p.topic, p.partition);
    const hw = leader.highWatermark;
    const leaderAt = new Map(leader.log.map((r) => [r.offset, r]));
    for (const replica of p.replicas) {
      if (replica.broker === leader.broker) continue;
      const base: ViolationEvent[] = [
        finalEvent(final.time, p.topic, p.partition, leader.broker),
        finalEvent(final.time, p.topic, p.partition, replica.broker),
      ];
      const limit = Math.min(hw, replica.logEndOffset);
      const differs = replica.log.find((r) => r.offset < limit && !same(r, leaderAt.get(r.offset)));
      if (differs !== undefined) {
        const theirs = leaderAt.get(differs.offset);
        const events = [...base];
        input.cluster.facts.forEach((f, i) => {
          if (
            f.kind === 'append' &&
            f.topic === p.topic &&
            f.partition === p.partition &&
            f.firstOffset <= differs.offset &&
            differs.offset <= f.lastOffset
          )
            events.push(factEvent(f, i));
        });
        violations.push(
          violation(
            `replica divergence: ${name}@${differs.offset} is ${show(differs)} on broker ${replica.broker} but ${show(theirs)} on leader broker ${leader.broker}, below HW ${hw}`,
            final.time,
            events,
          ),
        );
      }
      if (p.isr.includes(replica.broker) && replica.logEndOffset < hw)
        violations.push(
          violation(
            `replica divergence: ${name} on broker ${replica.broker} (in the ISR) ends at LEO ${replica.logEndOffset}, below leader broker ${leader.broker}'s HW ${hw}`,
            final.time,
            base,
          ),
        );
    }
  }
  return result('replica-divergence', violations);
}

const same = (a: FinalRecord, b: FinalRecord | undefined): boolean =>
  b !== undefined && a.value === b.value && a.leaderEpoch === b.leaderEpoch;

const show = (r: FinalRecord | undefined): string =>
  r === undefined ? 'missing' : `${r.value ?? 'null'} (epoch ${r.leaderEpoch})`;
