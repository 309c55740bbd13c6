import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ASSERTIONS,
  checkSummary,
  ERROR,
  type ScenarioResults,
  type SeedOutcome,
  summarizeScenario,
  withoutTiming,
} from '../../src/report/check-summary.js';
import { checkText } from '../../src/report/check-text.js';

const runs = { numRuns: Number(process.env.FC_RUNS ?? 200) };
const CHECKS = ['lost-write', 'duplicate', 'reorder', ASSERTIONS, ERROR] as const;

const outcomeArbitrary = (seed: number): fc.Arbitrary<SeedOutcome> =>
  fc.subarray([...CHECKS]).chain((failing) =>
    fc.record({
      seed: fc.constant(seed),
      traceHash: fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 16 }),
      failures: fc.constant(failing.map((check) => ({ check, text: `${check} at ${seed}` }))),
      events: fc.nat({ max: 10_000 }),
    }),
  );

const results = (outcomes: readonly SeedOutcome[], wallMs = 1000): ScenarioResults => ({
  scenario: 's',
  file: 'dir/s.yaml',
  first: 1,
  last: 40,
  count: 40,
  outcomes,
  wallMs,
  counterexamples: [],
});

/** A seed's outcome: it failed if `failures` has any. */
const outcome = (seed: number, failures: SeedOutcome['failures'], traceHash = 'h'): SeedOutcome => ({
  seed,
  traceHash,
  failures,
  events: 1,
});
const TWICE = [{ check: 'duplicate', text: 'twice' }];

describe('check: the summary', () => {
  it('aggregates per checker whatever order the seeds came in', () => {
    fc.assert(
      fc.property(
        fc
          .uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 40 })
          .chain((seeds) =>
            fc
              .tuple(...seeds.map(outcomeArbitrary))
              .chain((outcomes) =>
                fc.tuple(
                  fc.constant(outcomes),
                  fc.shuffledSubarray(outcomes, { minLength: outcomes.length }),
                ),
              ),
          ),
        ([outcomes, shuffled]) => {
          const a = summarizeScenario(results(outcomes));
          const b = summarizeScenario(results(shuffled, 2000));
          expect({ ...a, seedsPerSecond: 0 }).toEqual({ ...b, seedsPerSecond: 0 });
          expect(a.seeds.run).toBe(outcomes.length);
          expect(a.events).toBe(outcomes.reduce((n, o) => n + o.events, 0));
          expect(a.failingSeeds).toBe(outcomes.filter((o) => o.failures.length > 0).length);
          for (const check of CHECKS) {
            const expected = outcomes
              .filter((o) => o.failures.some((f) => f.check === check))
              .map((o) => o.seed)
              .sort((x, y) => x - y);
            expect(a.failing[check] ?? []).toEqual(expected);
            if (expected.length > 0) {
              expect(a.firstFailures[check]).toEqual({
                seed: expected[0],
                text: `${check} at ${expected[0]}`,
                replay: `kafka-sim run dir/s.yaml --seed ${expected[0]}`,
              });
            }
          }
          // Checkers in report order: the real ones, then assertions, then error.
          const keys = Object.keys(a.failing);
          expect(keys).toEqual(CHECKS.filter((c) => keys.includes(c)));
        },
      ),
      runs,
    );
  });

  it('hashes the sweep: a different trace hash at one seed gives a different sweep hash', () => {
    const a = summarizeScenario(results([outcome(1, [], 'aa'), outcome(2, [], 'bb')]));
    const b = summarizeScenario(results([outcome(2, [], 'bb'), outcome(1, [], 'aa')]));
    const c = summarizeScenario(results([outcome(1, [], 'aa'), outcome(2, [], 'bc')]));
    expect(a.sweepHash).toBe(b.sweepHash);
    expect(a.sweepHash).not.toBe(c.sweepHash);
  });

  it('gives seeds per second from the wall time, and a verdict over every scenario', () => {
    const pass = outcome(1, []);
    const fail = outcome(2, TWICE);
    const summary = checkSummary([results([pass, fail], 500), results([pass], 0)], { stoppedByBudget: true });
    expect(summary.scenarios.map((s) => s.seedsPerSecond)).toEqual([4, 0]);
    expect(summary.verdict).toBe('fail');
    expect(summary.stoppedByBudget).toBe(true);
    expect(summary.interrupted).toBeUndefined();
    expect(withoutTiming(summary).scenarios.map((s) => s.seedsPerSecond)).toEqual([0, 0]);
    expect(checkSummary([results([pass])]).verdict).toBe('pass');
  });

  it('quotes a file name the shell would split in the replay command', () => {
    const s = summarizeScenario({ ...results([outcome(7, TWICE)]), file: "my dir/it's.yaml" });
    expect(s.firstFailures.duplicate?.replay).toBe(`kafka-sim run 'my dir/it'\\''s.yaml' --seed 7`);
  });
});

describe('check: the summary as text', () => {
  it('has a line per checker, the failing seeds, the first violation and the replay command', () => {
    const outcomes: SeedOutcome[] = [3, 1, 2, 12, 11, 10, 9, 8, 7, 6, 5, 4].map((seed) =>
      outcome(seed, seed % 2 === 0 ? [{ check: 'duplicate', text: `twice at ${seed}` }] : []),
    );
    const summary = checkSummary(
      [
        {
          ...results(outcomes),
          counterexamples: [
            {
              check: 'duplicate',
              seed: 2,
              path: 'reports/s/counterexample-2.yaml',
              faults: 3,
              replay: 'kafka-sim run reports/s/counterexample-2.yaml',
              traceHash: '0123456789abcdef',
            },
          ],
        },
      ],
      { interrupted: true },
    );
    const text = checkText(summary).map((l) => l.text);
    expect(text[0]).toBe('s (dir/s.yaml), seeds 1..40: 12 of 40 run, 6 failing, 12 seeds/s');
    expect(text).toContain('  lost-write            held on 12 seeds');
    expect(text).toContain('  duplicate             FAILED on 6 seeds: 2, 4, 6, 8, 10, 12');
    expect(text.some((l) => l.trim() === 'seed 2: twice at 2')).toBe(true);
    expect(
      text.some(
        (l) =>
          l.trim() ===
          'replay: kafka-sim run reports/s/counterexample-2.yaml  (3 faults, shrunk from seed 2; trace 0123456789abcdef)',
      ),
    ).toBe(true);
    expect(text).toContain('interrupted: 12 of 40 seeds ran');
    expect(text.at(-1)).toBe('FAIL: 6 of 12 seeds failed an expectation');
  });
});
