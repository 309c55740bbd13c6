import type { MemberFact } from '../history/client-history.js';
import { memberEvent, result, violation } from './events.js';
import type { CheckInput, CheckResult, Violation } from './types.js';

type Assigned = Extract<MemberFact, { kind: 'assigned' }>;

/**
 * `group-exclusivity` (kafka-sim's): in one generation of one consumer group, each partition is
 * assigned to at most one member. From the consumers' 'assigned' facts: two different member ids
 * told they own the same partition in the same group and generation. (A member of an older
 * generation still fetching is a zombie Kafka fences at commit time; that is not this check.)
 * Events: the assignment facts.
 */
export function checkGroupExclusivity(input: CheckInput): CheckResult {
  const owners = new Map<string, { fact: Assigned; index: number }[]>();
  input.clients.memberFacts.forEach((fact, index) => {
    if (fact.kind !== 'assigned') return;
    for (const partition of fact.partitions) {
      const key = `${fact.group}\u0000${fact.generation}\u0000${partition}`;
      const list = owners.get(key);
      if (list === undefined) owners.set(key, [{ fact, index }]);
      else if (!list.some((e) => e.fact.memberId === fact.memberId)) list.push({ fact, index });
    }
  });
  const violations: Violation[] = [];
  for (const [key, list] of owners) {
    if (list.length < 2) continue;
    const partition = key.slice(key.lastIndexOf('\u0000') + 1);
    const { fact } = list[0]!;
    const who = list.map((e) => `${e.fact.memberId} (${e.fact.process})`).join(' and ');
    violations.push(
      violation(
        `group exclusivity: ${who} both own ${partition} in generation ${fact.generation} of group ${fact.group}`,
        list[1]!.fact.time,
        list.map((e) => memberEvent(e.fact, e.index)),
      ),
    );
  }
  return result('group-exclusivity', violations);
}
