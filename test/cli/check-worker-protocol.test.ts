import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { erroredOutcome, seedOutcome } from '../../src/cli/check-protocol.js';
import {
  counterexamplePath,
  ShrinkJob,
  shrinkRequests,
  writeCounterexamples,
} from '../../src/cli/check-shrink.js';
import { summarizeScenario } from '../../src/report/check-summary.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { runScenario } from '../../src/scenario/run.js';

const fixture = new URL('../fixtures/check-flaky.yaml', import.meta.url);
const compiled = compileScenario('check-flaky.yaml', readFileSync(fixture, 'utf8'));

describe('check: what a worker sends back', () => {
  it('is the run reduced to its seed, hash, unmet checkers with their first violation, events', () => {
    for (const seed of [1, 2]) {
      const run = runScenario(compiled, { seed, trace: 'off' });
      const outcome = seedOutcome(run);
      const unmet = run.checks.filter((c) => !c.met);
      expect(outcome).toMatchObject({
        seed,
        traceHash: run.traceHash,
        events: run.events,
      });
      expect(outcome.failures.map((f) => f.check)).toEqual(unmet.map((c) => c.result.name));
      for (const [i, c] of unmet.entries())
        expect(outcome.failures[i]?.text).toBe(c.result.violations[0]?.message);
      // The verdict is derived: the seed failed if anything is unmet.
      expect(run.verdict === 'fail').toBe(outcome.failures.length > 0);
      // Small and plain: structured clone copies it as it is.
      expect(structuredClone(outcome)).toStrictEqual(outcome);
    }
  });

  it('says when an expected violation did not happen, and when assertions failed', () => {
    const strict = compileScenario(
      'strict.yaml',
      readFileSync(fixture, 'utf8')
        .replace('reorder: holds', 'reorder: violated')
        .replace('expect:', 'expect:\n  final:\n    - { partition: orders-0, leader: 3 }'),
    );
    const run = runScenario(strict, { seed: 1, trace: 'off' });
    const outcome = seedOutcome(run);
    expect(outcome.failures).toContainEqual({ check: 'reorder', text: 'expected violated, but it held' });
    expect(outcome.failures.at(-1)?.check).toBe('assertions');
    const unmet = run.assertions.find((a) => !a.passed);
    expect(unmet).toBeDefined();
    expect(outcome.failures.at(-1)?.text).toBe(unmet?.text);
  });

  it('turns a run that threw into a failure of the pseudo-checker error', () => {
    expect(erroredOutcome(9, new TypeError('boom'))).toEqual({
      seed: 9,
      traceHash: '',
      failures: [{ check: 'error', text: 'TypeError: boom' }],
      events: 0,
    });
  });
});

describe('check: shrinking', () => {
  const outcome = (seed: number, checks: string[]) => ({
    seed,
    traceHash: 'h',
    failures: checks.map((check) => ({ check, text: check })),
    events: 1,
  });
  const summary = summarizeScenario({
    scenario: 'flaky',
    file: 'f.yaml',
    first: 1,
    last: 9,
    count: 9,
    outcomes: [
      outcome(7, ['reorder']),
      outcome(3, ['duplicate', 'error']),
      outcome(5, ['duplicate', 'reorder']),
    ],
    wallMs: 1,
    counterexamples: [],
  });

  it('asks for the smallest failing seed of each checker, never for a run that threw', () => {
    const requests = shrinkRequests([summary]);
    expect(requests).toEqual([
      { scenario: 0, seed: 3, check: 'duplicate' },
      { scenario: 0, seed: 5, check: 'reorder' },
    ]);
    const job = new ShrinkJob(requests);
    expect(job.next()).toEqual({ kind: 'shrink', scenario: 0, seed: 3, check: 'duplicate' });
    expect(job.next()).toEqual({ kind: 'shrink', scenario: 0, seed: 5, check: 'reorder' });
    expect(job.next()).toBeUndefined();
  });

  it('writes each counterexample under <report-dir>/<scenario>/, naming the checker when two share a seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kafka-sim-shrink-'));
    const example = (seed: number, check: string, faults: number) => ({
      scenario: 0,
      seed,
      check,
      counterexample: {
        yaml: `# ${check} at ${seed}\n`,
        faults,
        traceHash: 'x',
        runs: 4,
      },
    });
    const records = writeCounterexamples(
      [
        example(3, 'duplicate', 2),
        example(5, 'reorder', 1),
        example(5, 'lost-write', 0),
        { scenario: 0, seed: 8, check: 'G1a' },
      ],
      ['flaky'],
      dir,
    );
    expect(records[0]?.map((r) => [r.check, r.path, r.faults])).toEqual([
      ['duplicate', join(dir, 'flaky', 'counterexample-3.yaml'), 2],
      ['reorder', join(dir, 'flaky', 'counterexample-5-reorder.yaml'), 1],
      ['lost-write', join(dir, 'flaky', 'counterexample-5-lost-write.yaml'), 0],
    ]);
    expect(readFileSync(join(dir, 'flaky', 'counterexample-5-reorder.yaml'), 'utf8')).toBe(
      '# reorder at 5\n',
    );
    expect(records[0]?.[0]?.replay).toBe(`kafka-sim run ${join(dir, 'flaky', 'counterexample-3.yaml')}`);
    expect(counterexamplePath('r', 'a b/c', 1, 'x', false)).toBe(join('r', 'a_b_c', 'counterexample-1.yaml'));
  });
});
