import type { ReplicaFact } from '../history/cluster-history.js';
import { factEvent, finalEvent, result, violation } from './events.js';
import { leaderReplica, tp } from './final-state.js';
import { getOrInsert } from './maps.js';
import type { CheckInput, CheckResult, Violation } from './types.js';

type HwFact = Extract<ReplicaFact, { kind: 'high-watermark' }>;

/**
 * `hw-regression` (kafka-sim's): a partition's high watermark, what consumers may read up to, went
 * back. Two rules. (1) One leader in one leader epoch: its 'high-watermark' facts never go down
 * (they are recorded as the leader advances it; a lower one means the leader's own log lost
 * committed records). (2) Once quiescent, the final leader's HW is not below the highest HW any
 * leader reported in the history (a new leader's HW may lag for a while during a change of leader;
 * after the cluster settles, a lower HW means committed offsets were truncated: an unclean
 * election, high-watermark truncation, acks=1). Events: the facts, and the final leader.
 */
export function checkHwRegression(input: CheckInput): CheckResult {
  const violations: Violation[] = [];
  const highest = new Map<string, { fact: HwFact; index: number }>();
  // partition name → broker → leader epoch → the highest HW fact so far
  const perEpoch = new Map<string, Map<number, Map<number, { fact: HwFact; index: number }>>>();
  for (const [index, fact] of input.cluster.facts.entries()) {
    if (fact.kind !== 'high-watermark') continue;
    const name = tp(fact.topic, fact.partition);
    const brokers = getOrInsert(perEpoch, name, () => new Map());
    const epochs = getOrInsert(brokers, fact.broker, () => new Map());
    const before = epochs.get(fact.leaderEpoch);
    if (before !== undefined && fact.highWatermark < before.fact.highWatermark)
      violations.push(
        violation(
          `hw regression: leader broker ${fact.broker} moved the HW of ${name} from ${before.fact.highWatermark} back to ${fact.highWatermark} in leader epoch ${fact.leaderEpoch}`,
          fact.time,
          [factEvent(before.fact, before.index), factEvent(fact, index)],
        ),
      );
    if (before === undefined || fact.highWatermark >= before.fact.highWatermark)
      epochs.set(fact.leaderEpoch, { fact, index });
    const max = highest.get(name);
    if (max === undefined || fact.highWatermark > max.fact.highWatermark) highest.set(name, { fact, index });
  }
  if (input.final.quiescent)
    for (const p of input.final.partitions) {
      const name = tp(p.topic, p.partition);
      const leader = leaderReplica(p);
      const max = highest.get(name);
      if (leader === undefined || max === undefined || leader.highWatermark >= max.fact.highWatermark)
        continue;
      violations.push(
        violation(
          `hw regression: the HW of ${name} reached ${max.fact.highWatermark} (broker ${max.fact.broker}, epoch ${max.fact.leaderEpoch}) but is ${leader.highWatermark} at the end (leader broker ${leader.broker}, epoch ${p.leaderEpoch})`,
          input.final.time,
          [factEvent(max.fact, max.index), finalEvent(input.final.time, p.topic, p.partition, leader.broker)],
        ),
      );
    }
  return result('hw-regression', violations);
}
