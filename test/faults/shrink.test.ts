import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawFaults } from '../../src/faults/generate.js';
import { scheduleTargets } from '../../src/faults/materialize.js';
import { halvedLength, shrinkFailure } from '../../src/faults/shrink.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { parseDuration } from '../../src/scenario/duration.js';
import { runScenario } from '../../src/scenario/run.js';
import { MILLISECOND, SECOND } from '../../src/sim/time.js';
import { library } from '../scenario/helpers.js';

// Seeds found by sweeping each unsafe configuration (kafka-sim check scenarios/sweeps/<name>.yaml).
const UNSAFE: readonly [name: string, seed: number, check: string][] = [
  ['acks-1', 3, 'lost-write'],
  ['unclean-election', 22, 'lost-write'],
  ['high-watermark-truncation', 4, 'lost-write'],
  ['non-idempotent-producer', 1, 'reorder'],
  ['commit-before-processing', 3, 'poll-skip'],
];

describe('shrinkFailure', () => {
  it.each(UNSAFE)(
    'shrinks sweeps/%s seed %i (%s) to at most 3 faults that replay to the same violation',
    (name, seed, check) => {
      const scenario = library(`sweeps/${name}`);
      const original = runScenario(scenario, { seed, trace: 'off' });
      expect(original.checks.find((c) => c.result.name === check)?.met).toBe(false);
      const counterexample = shrinkFailure(scenario, seed, check);
      expect(counterexample).toBeDefined();
      if (counterexample === undefined) return;
      expect(counterexample.faults).toBeLessThanOrEqual(3);
      expect(counterexample.faults).toBeLessThanOrEqual(counterexample.drawnFaults);
      expect(counterexample.yaml).not.toMatch(/^faults:/m);
      expect(counterexample.yaml).toMatch(new RegExp(`^seed: ${seed}$`, 'm'));
      // The file alone, as `kafka-sim run` reads it: the same run, the same violation.
      const replay = runScenario(compileScenario('counterexample.yaml', counterexample.yaml));
      expect(replay.traceHash).toBe(counterexample.traceHash);
      const failing = replay.checks.find((c) => c.result.name === check);
      expect(failing?.met).toBe(false);
      expect(failing?.result.violations[0]?.message).toBe(counterexample.violation);
    },
    120_000,
  );

  it('heals sooner: a second after its last fault, the run as much shorter, nothing new failing', () => {
    const scenario = library('sweeps/non-idempotent-producer');
    const counterexample = shrinkFailure(scenario, 1, 'reorder');
    if (counterexample === undefined) throw new Error('seed 1 no longer fails reorder');
    const replay = runScenario(compileScenario('counterexample.yaml', counterexample.yaml));
    const heal = replay.timeline.find((t) => t.text === 'network healed');
    const until = scenario.faults?.until as number;
    expect(heal?.time).toBeLessThan(until);
    // The healing period keeps its length: the run ends as much sooner.
    expect(replay.simulatedMs * 1000).toBe(scenario.duration - (until - (heal?.time as number)));
    expect(counterexample.yaml).toMatch(/healed at \d+s instead of 45s/);
    expect(replay.checks.filter((c) => !c.met).map((c) => c.result.name)).toEqual(['reorder']);
  });

  it('starts sooner: the schedule moved earlier, still inside the window', () => {
    const scenario = library('sweeps/acks-1');
    const spec = scenario.faults;
    if (spec === undefined) throw new Error('acks-1 has no faults: section');
    const counterexample = shrinkFailure(scenario, 3, 'lost-write');
    if (counterexample === undefined) throw new Error('seed 3 no longer fails lost-write');
    // The one fault left is broker-1's session expiry, drawn later than it now happens.
    const left = /- at: (\S+)\n\s+expire-session: broker-1/.exec(counterexample.yaml);
    expect(left).not.toBeNull();
    const at = parseDuration(left?.[1] ?? '') as number;
    const drawn = drawFaults(spec, scheduleTargets(scenario), 3).find(
      (f) => 'expire-session' in f.entry && f.entry['expire-session'] === 'broker-1',
    );
    expect(at).toBeGreaterThanOrEqual(spec.from);
    expect(at).toBeLessThan(parseDuration(drawn?.entry.at ?? '') as number);
  });

  it("halves a fault's length in whole seconds, then in tenths down to 100 ms", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 120_000 }), (ms) => {
        const lasts = ms * MILLISECOND;
        const halved = halvedLength(lasts);
        if (lasts < 200 * MILLISECOND) {
          expect(halved).toBeUndefined();
          return;
        }
        expect(halved).toBeDefined();
        const h = halved as number;
        expect(h).toBeLessThan(lasts);
        expect(h).toBeGreaterThanOrEqual(lasts >= 2 * SECOND ? SECOND : 100 * MILLISECOND);
        expect(h % (lasts >= 2 * SECOND ? SECOND : 100 * MILLISECOND)).toBe(0);
      }),
    );
  });

  it('finds nothing to shrink where the check holds', () => {
    expect(shrinkFailure(library('sweeps/safe'), 1, 'lost-write')).toBeUndefined();
  });
});
