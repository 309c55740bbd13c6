import type { MemberFact } from '../history/client-history.js';
import { memberEvent, result, violation } from './events.js';
import { pushTo } from './maps.js';
import type { CheckInput, CheckResult, Violation } from './types.js';

type Assigned = Extract<MemberFact, { kind: 'assigned' }>;

interface Ownership {
  readonly fact: Assigned;
  readonly index: number;
  /** Index of the owner process's next member fact (it rejoined, lost, was fenced, restarted), or Infinity. */
  readonly end: number;
}

/**
 * `group-exclusivity` (kafka-sim's): in one generation of one consumer group, each partition is
 * owned by at most one member at a time. From the consumers' 'assigned' facts: two different member
 * ids told they own the same partition in the same group and generation while the first still
 * believed it did. A member's ownership lasts from its 'assigned' fact until its process records
 * its next member fact (joining, revoked, lost, fenced, another assignment): a static member
 * (KIP-345) that restarts records 'joining' before its new member id gets the same assignment in
 * the same generation, which is no violation; two live instances sharing a group.instance.id are.
 * A process that stops recording (it crashed for good) is presumed to still own what it had.
 * (A member of an older generation still fetching is a zombie Kafka fences at commit time; that is
 * not this check.) Events: the assignment facts.
 */
export function checkGroupExclusivity(input: CheckInput): CheckResult {
  const facts = input.clients.memberFacts;
  const nextOfProcess = new Map<string, number>();
  const end: number[] = new Array(facts.length);
  for (let i = facts.length - 1; i >= 0; i--) {
    const process = (facts[i] as MemberFact).process;
    end[i] = nextOfProcess.get(process) ?? Number.POSITIVE_INFINITY;
    nextOfProcess.set(process, i);
  }
  const owners = new Map<string, Ownership[]>();
  for (const [index, fact] of facts.entries()) {
    if (fact.kind !== 'assigned') continue;
    for (const partition of fact.partitions)
      pushTo(owners, `${fact.group}\u0000${fact.generation}\u0000${partition}`, {
        fact,
        index,
        end: end[index] as number,
      });
  }
  const violations: Violation[] = [];
  for (const [key, list] of owners) {
    if (list.length < 2) continue;
    // The first overlap of two member ids: b assigned while a still owned.
    let pair: [Ownership, Ownership] | undefined;
    for (let j = 1; j < list.length && pair === undefined; j++) {
      const b = list[j] as Ownership;
      for (let i = 0; i < j; i++) {
        const a = list[i] as Ownership;
        if (a.fact.memberId !== b.fact.memberId && b.index < a.end) {
          pair = [a, b];
          break;
        }
      }
    }
    if (pair === undefined) continue;
    const partition = key.slice(key.lastIndexOf('\u0000') + 1);
    const [a, b] = pair;
    const who = pair.map((e) => `${e.fact.memberId} (${e.fact.process})`).join(' and ');
    violations.push(
      violation(
        `group exclusivity: ${who} both own ${partition} in generation ${a.fact.generation} of group ${a.fact.group}`,
        b.fact.time,
        pair.map((e) => memberEvent(e.fact, e.index)),
      ),
    );
  }
  return result('group-exclusivity', violations);
}
