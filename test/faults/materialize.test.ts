import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { materialize, scheduleTargets } from '../../src/faults/materialize.js';
import { compileScenario } from '../../src/scenario/compile.js';

const S = 1_000_000;

/** A `faults:` scenario of `duration` seconds, healing at `until`, with a timeline entry at `last`. */
function scenarioWith(duration: number, until: number, last: number) {
  return compileScenario(
    's.yaml',
    `name: s
description: d
duration: ${duration}s
cluster: { brokers: 3, config: { zookeeper.session.timeout.ms: 6000 } }
topics:
  - { name: orders, assignment: [[1, 2, 3]] }
timeline:
  - { at: ${last}s, describe: orders }
faults: { from: 1s, until: ${until}s }
`,
  );
}

describe('materialize with healAt', () => {
  it('moves the healing period earlier and shortens the run by as much, never before its own timeline', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 60 }).chain((until) =>
          fc.record({
            until: fc.constant(until),
            tail: fc.integer({ min: 0, max: 60 }),
            healAt: fc.integer({ min: 1, max: until }),
            last: fc.integer({ min: 0, max: until }),
          }),
        ),
        ({ until, tail, healAt, last }) => {
          const scenario = scenarioWith(until + tail, until, last);
          const run = compileScenario('s.yaml', materialize(scenario, 1, [], { healAt: healAt * S }));
          const heal = run.timeline.find((entry) => entry.action.kind === 'heal');
          expect(heal?.at).toBe(healAt * S);
          // The healing period keeps its length unless the scenario's own entries need the time.
          expect(run.duration).toBe(Math.max((until + tail - (until - healAt)) * S, last * S));
          // Every broker is restarted when the healing period opens.
          const restarts = run.timeline.filter((e) => e.at === healAt * S && e.action.kind === 'restart');
          expect(restarts).toHaveLength(3);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('leaves the file as it is without healAt, or with one at or after `until`', () => {
    const scenario = scenarioWith(90, 30, 10);
    const plain = materialize(scenario, 7, []);
    expect(materialize(scenario, 7, [], { healAt: 30 * S })).toBe(plain);
    expect(materialize(scenario, 7, [], { healAt: 40 * S })).toBe(plain);
    expect(plain).toMatch(/^duration: 90s$/m);
    expect(materialize(scenario, 7, [], { healAt: 12 * S })).toMatch(/^duration: 72s$/m);
  });
});

describe('scheduleTargets', () => {
  it("aims at every partition a topic gets, the brokers' num.partitions when the topic says none", () => {
    const scenario = compileScenario(
      's.yaml',
      `name: s
description: d
duration: 30s
cluster: { brokers: 3, config: { num.partitions: 3 } }
topics:
  - { name: orders, replication-factor: 3 }
  - { name: audit, partitions: 2, replication-factor: 3 }
`,
    );
    expect(scheduleTargets(scenario).partitions).toEqual([
      'orders-0',
      'orders-1',
      'orders-2',
      'audit-0',
      'audit-1',
    ]);
  });
});
