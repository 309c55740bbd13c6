import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidTransition } from '../../../src/clients/group/group-state.js';
import { seconds } from '../../../src/sim/time.js';
import { zkCluster } from '../broker/cluster.js';
import { groupMember, type MemberLog, newMemberLog } from './group-client.js';

const memberPlan = fc.record({
  start: fc.integer({ min: 5, max: 40 }),
  ending: fc.oneof(
    fc.constant(undefined),
    fc.record({
      kind: fc.constantFrom('silent' as const, 'leave' as const),
      after: fc.integer({ min: 1, max: 30 }),
    }),
  ),
});

/** Two members, a leave, a silence and a coordinator crash: what the group and its members saw. */
function scenario(seed: number) {
  const { world, history } = zkCluster({ seed, config: { 'offsets.topic.num.partitions': 3 } });
  const logs = [{ leaveAt: 30 }, { silentAt: 50 }, {}].map((end, i) => {
    const log = newMemberLog();
    world.spawn(`m${i}`, groupMember({ brokers: [1, 2, 3], clientId: `m${i}`, ...end }, log) as never, {
      start: false,
    });
    world.at(seconds(5 + i), () => world.start(`m${i}`));
    return log;
  });
  world.at(seconds(20), () => {
    const coordinator = logs[2]?.coordinator ?? 1;
    world.inject({ kind: 'crash', process: `broker-${coordinator}` });
  });
  world.runUntil(seconds(120));
  return JSON.stringify({ facts: history.groupFacts, logs });
}

describe('group coordinator properties', () => {
  it('same seed, same history: group facts, member ids and every answer', () => {
    const first = scenario(7);
    expect(scenario(7)).toBe(first);
    expect(scenario(8)).not.toBe(first); // member ids come from the seed
    expect(first).toContain('loaded from __consumer_offsets-1'); // the crash moved the coordinator
  });

  it('random joins, leaves, silences and a coordinator crash: valid transitions, growing generations, one final assignment', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(memberPlan, { minLength: 1, maxLength: 4 }),
        fc.option(fc.integer({ min: 10, max: 60 }), { nil: undefined }),
        (seed, plans, crashAt) => {
          const { world, history } = zkCluster({ seed, config: { 'offsets.topic.num.partitions': 3 } });
          const logs: MemberLog[] = plans.map((plan, i) => {
            const log = newMemberLog();
            const end =
              plan.ending === undefined
                ? {}
                : plan.ending.kind === 'silent'
                  ? { silentAt: plan.start + plan.ending.after }
                  : { leaveAt: plan.start + plan.ending.after };
            world.spawn(
              `m${i}`,
              groupMember({ brokers: [1, 2, 3], clientId: `m${i}`, partitions: 6, ...end }, log) as never,
              { start: false },
            );
            world.at(seconds(plan.start), () => world.start(`m${i}`));
            return log;
          });
          const crashes: { broker: number; time: number }[] = [];
          if (crashAt !== undefined) {
            // crash whoever coordinates "g" (the leader of __consumer_offsets-1), restart it 20 s later
            world.at(seconds(crashAt), () => {
              const coordinator = history.groupFacts.at(-1)?.broker ?? 1;
              crashes.push({ broker: coordinator, time: world.now });
              world.inject({ kind: 'crash', process: `broker-${coordinator}` });
              world.at(seconds(crashAt + 20), () =>
                world.inject({ kind: 'restart', process: `broker-${coordinator}` }),
              );
            });
          }
          world.runUntil(seconds(200));

          // per group object (a broker's, until it dies, is unloaded or its broker crashes), every change
          // follows GroupMetadata's transitions and the generation never goes back
          const facts = history.groupFacts.filter((f) => f.group === 'g');
          const last = new Map<number, (typeof facts)[number]>();
          for (const f of facts) {
            const prev = last.get(f.broker);
            const sameObject =
              prev !== undefined &&
              prev.state !== 'Dead' &&
              !f.reason.startsWith('loaded') &&
              !crashes.some((c) => c.broker === f.broker && prev.time < c.time && c.time <= f.time);
            if (sameObject) {
              expect(isValidTransition(prev.state, f.state), `${prev.state} → ${f.state}`).toBe(true);
              expect(f.generation).toBeGreaterThanOrEqual(prev.generation);
            }
            last.set(f.broker, f);
          }
          // generations of stable groups only grow, across coordinators too
          const stable = facts.filter((f) => f.state === 'Stable').map((f) => f.generation);
          expect(stable).toEqual([...stable].sort((a, b) => a - b));

          // the members still running end in one stable generation, with all 6 partitions split among them
          const running = logs.filter((l) => l.state !== 'silent' && l.state !== 'left');
          if (running.length === 0) return;
          const final = facts.filter((f) => f.state !== 'Dead').at(-1);
          expect(final?.state).toBe('Stable');
          expect(final?.members).toEqual(running.map((l) => l.memberId).sort());
          for (const l of running) {
            expect(l.state).toBe('stable');
            expect(l.generation).toBe(final?.generation);
          }
          const owned = running.flatMap((l) => l.assignment?.partitions.map((p) => p.partition) ?? []);
          expect(owned.sort()).toEqual([0, 1, 2, 3, 4, 5]);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});
