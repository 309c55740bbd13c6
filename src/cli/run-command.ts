import { readFileSync } from 'node:fs';
import { Chalk, type ChalkInstance } from 'chalk';
import { storyTime, type Tone, tellStory, verdictTable } from '../report/story.js';
import { compileScenario } from '../scenario/compile.js';
import { ScenarioError } from '../scenario/load.js';
import { runScenario } from '../scenario/run.js';
import { packageInfo } from './package-info.js';

export interface RunCommandOptions {
  readonly seed?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly report?: boolean;
  readonly reportDir?: string;
}

/** Where the output goes: the CLI passes process streams, tests pass collectors. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether `out` is a terminal (colour on unless NO_COLOR is set). */
  readonly isTTY: boolean;
  readonly noColor: boolean;
}

/** The default teaching scenario, shipped in the package's scenarios/ folder. */
export const defaultScenario = (): URL => new URL('scenarios/follower-crash.yaml', packageInfo().root);

const TONE: Record<Tone, (c: ChalkInstance) => ChalkInstance> = {
  fault: (c) => c.red,
  recovery: (c) => c.green,
  fact: (c) => c.reset,
  action: (c) => c.cyan,
  output: (c) => c.dim,
};

/**
 * `kafka-sim run [scenario.yaml] [--seed N] [--json] [--quiet]`: runs one scenario and tells what
 * happened. Exit codes: 0 when every expectation is met, 1 when not, 2 for bad input.
 */
export function runCommand(file: string | undefined, options: RunCommandOptions, io: Output): number {
  const path = file ?? defaultScenario().pathname;
  const shown = file ?? 'scenarios/follower-crash.yaml';
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    io.err(
      `kafka-sim run: cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`,
    );
    return 2;
  }
  let seed: number | undefined;
  if (options.seed !== undefined) {
    if (!/^[0-9]+$/.test(options.seed) || !Number.isSafeInteger(Number(options.seed))) {
      io.err(`kafka-sim run: --seed must be a non-negative integer, not '${options.seed}'\n`);
      return 2;
    }
    seed = Number(options.seed);
  }
  let scenario: ReturnType<typeof compileScenario>;
  try {
    scenario = compileScenario(shown, text);
  } catch (error) {
    if (error instanceof ScenarioError) {
      io.err(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const started = performance.now();
  const run = runScenario(scenario, seed === undefined ? {} : { seed });
  const wallMs = performance.now() - started;
  const { verdict } = run;
  if (options.json === true) {
    io.out(
      `${JSON.stringify({
        scenario: scenario.name,
        seed: run.seed,
        traceHash: run.traceHash,
        verdict,
        checks: run.checks.map((c) => ({
          name: c.result.name,
          status: c.result.status,
          ...(c.expected === undefined ? {} : { expected: c.expected }),
          met: c.met,
          violations: c.result.violations,
        })),
        assertions: run.assertions,
        stats: { events: run.events, simulatedMs: run.simulatedMs, wallMs: Math.round(wallMs * 1000) / 1000 },
      })}\n`,
    );
    return verdict === 'pass' ? 0 : 1;
  }
  const chalk = new Chalk({ level: io.isTTY && !io.noColor ? 1 : 0 });
  if (options.quiet !== true) {
    io.out(
      `${chalk.bold(scenario.name)} (seed ${run.seed})\n${chalk.dim(scenario.description.trimEnd())}\n\n`,
    );
    for (const line of tellStory(run))
      io.out(`${chalk.dim(storyTime(line.time))} ${TONE[line.tone](chalk)(line.text)}\n`);
    io.out('\n');
    for (const line of verdictTable(run)) io.out(`${line.ok ? line.text : chalk.red(line.text)}\n`);
    io.out('\n');
  }
  const checksMet = run.checks.filter((c) => c.met).length;
  const assertionsMet = run.assertions.filter((a) => a.passed).length;
  io.out(
    `${verdict === 'pass' ? chalk.green('PASS') : chalk.red('FAIL')} ${scenario.name} seed ${run.seed}: checks ${checksMet}/${run.checks.length} as expected, assertions ${assertionsMet}/${run.assertions.length}; trace ${run.traceHash}, ${run.events} events, ${(run.simulatedMs / 1000).toFixed(0)} s simulated in ${wallMs.toFixed(0)} ms\n`,
  );
  for (const a of run.assertions.filter((x) => !x.passed))
    io.out(chalk.red(`  not met${a.line === undefined ? '' : ` (line ${a.line})`}: ${a.text}\n`));
  if (verdict === 'fail') io.out(`replay: kafka-sim run ${shown} --seed ${run.seed}\n`);
  return verdict === 'pass' ? 0 : 1;
}
