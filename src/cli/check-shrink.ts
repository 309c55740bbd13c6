/**
 * Shrinking in `kafka-sim check`: the smallest failing seed of each scenario and checker goes to a
 * worker as a "shrink" task; each counterexample found is written where `kafka-sim run` replays it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CounterexampleRecord,
  ERROR,
  type ScenarioSummary,
  shellWord,
} from '../report/check-summary.js';
import type { PoolJob } from './check-pool.js';
import type { Reply, ShrinkOutcome, Task } from './check-protocol.js';
import { packageInfo } from './package-info.js';

/** The editor's schema comment, pointed at the package's schema from where the file is written. */
export function withSchemaFrom(path: string, yaml: string): string {
  const schema = fileURLToPath(new URL('scenarios/schema.json', packageInfo().root));
  return yaml.replace(
    /^# yaml-language-server: \$schema=.*$/m,
    `# yaml-language-server: $schema=${relative(dirname(path), schema)}`,
  );
}

export interface ShrinkRequest {
  readonly scenario: number;
  readonly seed: number;
  readonly check: string;
}

/** Per scenario and failing checker, its smallest failing seed (a run that threw is not shrunk). */
export function shrinkRequests(summaries: readonly ScenarioSummary[]): ShrinkRequest[] {
  return summaries.flatMap((s, scenario) =>
    Object.entries(s.firstFailures)
      .filter(([check]) => check !== ERROR)
      .map(([check, first]) => ({ scenario, seed: first.seed, check })),
  );
}

export class ShrinkJob implements PoolJob {
  private nextIndex = 0;
  readonly outcomes: ShrinkOutcome[] = [];

  constructor(private readonly requests: readonly ShrinkRequest[]) {}

  next(): Task | undefined {
    const request = this.requests[this.nextIndex++];
    return request === undefined ? undefined : { kind: 'shrink', ...request };
  }

  reply(reply: Exclude<Reply, { kind: 'done' }>): void {
    if (reply.kind === 'shrunk') this.outcomes.push(reply.outcome);
  }
}

/**
 * `<dir>/<scenario>/counterexample-<seed>.yaml`; when two checkers failed first at the same seed,
 * each file also names its checker, so that neither overwrites the other.
 */
export function counterexamplePath(
  reportDir: string,
  scenario: string,
  seed: number,
  check: string,
  shared: boolean,
): string {
  const folder = scenario.replace(/[^A-Za-z0-9._-]/g, '_');
  return join(reportDir, folder, `counterexample-${seed}${shared ? `-${check}` : ''}.yaml`);
}

/**
 * Writes each counterexample found and returns, per scenario, what was written. Throws the file
 * system's error (the command reports it).
 */
export function writeCounterexamples(
  outcomes: readonly ShrinkOutcome[],
  scenarios: readonly string[],
  reportDir: string,
): CounterexampleRecord[][] {
  const records: CounterexampleRecord[][] = scenarios.map(() => []);
  const found = outcomes.filter((o) => o.counterexample !== undefined);
  for (const outcome of found) {
    const example = outcome.counterexample;
    if (example === undefined) continue;
    const shared = found.some(
      (o) => o !== outcome && o.scenario === outcome.scenario && o.seed === outcome.seed,
    );
    const path = counterexamplePath(
      reportDir,
      scenarios[outcome.scenario] as string,
      outcome.seed,
      outcome.check,
      shared,
    );
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, withSchemaFrom(path, example.yaml));
    records[outcome.scenario]?.push({
      check: outcome.check,
      seed: outcome.seed,
      path,
      faults: example.faults,
      replay: `kafka-sim run ${shellWord(path)}`,
      traceHash: example.traceHash,
    });
  }
  return records;
}
