import type { ReplicaFact } from '../history/cluster-history.js';
import { pushTo } from './maps.js';

type BecomeLeader = Extract<ReplicaFact, { kind: 'become-leader' }>;

import { factEvent, finalEvent, result, violation } from './events.js';
import { tp } from './final-state.js';
import type { CheckInput, CheckResult, Violation } from './types.js';

/**
 * `split-brain` (kafka-sim's): two brokers leading one partition in one leader epoch. From the
 * history: 'become-leader' facts of one partition and epoch by more than one broker. From the
 * final state: more than one replica that believes it is the leader in the same epoch. (Two
 * leaders in different epochs at once are Kafka's normal transition: the old one is fenced by its
 * epoch.) Events: the become-leader facts, or the replicas in the final state.
 */
export function checkSplitBrain(input: CheckInput): CheckResult {
  const violations: Violation[] = [];
  const byEpoch = new Map<string, { fact: BecomeLeader; index: number }[]>();
  for (const [index, fact] of input.cluster.facts.entries())
    if (fact.kind === 'become-leader')
      pushTo(byEpoch, `${tp(fact.topic, fact.partition)}\u0000${fact.leaderEpoch}`, { fact, index });
  for (const entries of byEpoch.values()) {
    const brokers = [...new Set(entries.map((e) => e.fact.broker))];
    if (brokers.length < 2) continue;
    // the first become-leader of each broker in this epoch
    const firsts = brokers.map((b) => entries.find((e) => e.fact.broker === b)!);
    const { fact } = firsts[0]!;
    violations.push(
      violation(
        `split brain: brokers ${brokers.join(' and ')} each became leader of ${tp(fact.topic, fact.partition)} in leader epoch ${fact.leaderEpoch}`,
        firsts[1]!.fact.time,
        firsts.map((e) => factEvent(e.fact, e.index)),
      ),
    );
  }
  for (const p of input.final.partitions) {
    const leaders = p.replicas.filter((r) => r.role === 'leader');
    for (const epoch of [...new Set(leaders.map((r) => r.leaderEpoch))].sort((a, b) => a - b)) {
      const same = leaders.filter((r) => r.leaderEpoch === epoch);
      if (same.length < 2) continue;
      violations.push(
        violation(
          `split brain: brokers ${same.map((r) => r.broker).join(' and ')} each lead ${tp(p.topic, p.partition)} in leader epoch ${epoch} at the end`,
          input.final.time,
          same.map((r) => finalEvent(input.final.time, p.topic, p.partition, r.broker)),
        ),
      );
    }
  }
  return result('split-brain', violations);
}
