import type { ScenarioRun } from '../scenario/run.js';

/** What `kafka-sim run --json` prints about a run, less the wall-clock time (the CLI adds it). */
export interface RunSummary {
  readonly scenario: string;
  readonly seed: number;
  readonly traceHash: string;
  readonly verdict: 'pass' | 'fail';
  readonly checks: readonly {
    readonly name: string;
    readonly status: 'holds' | 'violated';
    readonly expected?: 'holds' | 'violated';
    readonly met: boolean;
    readonly violations: ScenarioRun['checks'][number]['result']['violations'];
  }[];
  readonly assertions: ScenarioRun['assertions'];
  readonly stats: { readonly events: number; readonly simulatedMs: number };
}

/** The run's summary: the same fields, in the same order, wherever a run is printed or saved. */
export function runSummary(run: ScenarioRun): RunSummary {
  return {
    scenario: run.scenario.name,
    seed: run.seed,
    traceHash: run.traceHash,
    verdict: run.verdict,
    checks: run.checks.map((c) => ({
      name: c.result.name,
      status: c.result.status,
      ...(c.expected === undefined ? {} : { expected: c.expected }),
      met: c.met,
      violations: c.result.violations,
    })),
    assertions: run.assertions,
    stats: { events: run.events, simulatedMs: run.simulatedMs },
  };
}
