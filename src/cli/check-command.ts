import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { Chalk } from 'chalk';
import {
  type CheckSummary,
  type CounterexampleRecord,
  checkSummary,
  type ScenarioResults,
} from '../report/check-summary.js';
import { checkText } from '../report/check-text.js';
import { checkJUnit } from '../report/junit.js';
import { compileScenario } from '../scenario/compile.js';
import { ScenarioError } from '../scenario/load.js';
import type { CheckCommandOptions, CheckPlan } from './check-options.js';
import { checkPlan } from './check-options.js';
import { CheckPool } from './check-pool.js';
import { NO_PROGRESS, type Progress, progressBar } from './check-progress.js';
import type { ScenarioSource } from './check-protocol.js';
import { UsageError } from './check-seeds.js';
import { ShrinkJob, shrinkRequests, writeCounterexamples } from './check-shrink.js';
import { SweepJob } from './check-sweep.js';
import { EXIT_BAD_INPUT } from './main.js';
import { explain, type Output } from './run-command.js';

export type { CheckCommandOptions } from './check-options.js';

export interface CheckIO extends Output {
  /** Where the progress bar goes: stderr when it is a terminal, else nothing. */
  readonly progress?: NodeJS.WritableStream;
}

const EXIT_PASS = 0;
const EXIT_FAIL = 1;
/** Interrupted (128 + SIGINT) with no failure found before. */
const EXIT_INTERRUPTED = 130;

/** Reads and compiles every file; a ScenarioError's message already says file:line:column. */
function loadScenarios(files: readonly string[]): { sources: ScenarioSource[]; names: string[] } {
  if (files.length === 0) throw new UsageError('give at least one scenario file');
  const sources: ScenarioSource[] = [];
  const names: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${explain(error)}`);
    }
    names.push(compileScenario(file, text).name);
    sources.push({ file, text });
  }
  return { sources, names };
}

/** A JUnit file that could never be written is refused before the sweep, not after it. */
function checkWritable(file: string): void {
  // The folder is made now (as `run` makes its report folder), so that a bad path fails at once.
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw new UsageError(`cannot write the JUnit report to ${file}: ${explain(error)}`);
  }
  // mkdirSync has refused a file in the way of the folder; a folder where the file goes is left.
  if (existsSync(file) && statSync(file).isDirectory())
    throw new UsageError(`cannot write the JUnit report to ${file}: it is a folder`);
}

interface SweepOutcome {
  readonly summary: CheckSummary;
  /** Shrinks that threw: printed, the exit code as the sweep says. */
  readonly warnings: readonly string[];
  /** Counterexamples that could not be written: printed, exit code 2 (as `run` with its report). */
  readonly writeError?: string;
}

/**
 * Shrinks each scenario's smallest failing seed per checker on the pool's workers, and writes the
 * counterexamples found; what went wrong comes back as messages, so the summary is never lost.
 */
async function shrinkFailures(
  pool: CheckPool,
  unshrunk: CheckSummary,
  names: readonly string[],
  plan: CheckPlan,
  io: CheckIO,
): Promise<{ written: CounterexampleRecord[][]; warnings: string[]; writeError?: string }> {
  const requests = shrinkRequests(unshrunk.scenarios);
  if (requests.length === 0) return { written: [], warnings: [] };
  if (io.progress !== undefined && !plan.json)
    io.err(`shrinking ${requests.length} failure${requests.length === 1 ? '' : 's'}...\n`);
  const shrinks = new ShrinkJob(requests);
  await pool.run(shrinks);
  const warnings = shrinks.outcomes
    .filter((o) => o.error !== undefined)
    .map((o) => `shrinking ${names[o.scenario]} ${o.check} at seed ${o.seed} failed: ${o.error}`);
  try {
    return { written: writeCounterexamples(shrinks.outcomes, names, plan.reportDir), warnings };
  } catch (error) {
    const writeError = `cannot write a counterexample under ${plan.reportDir}: ${explain(error)}`;
    return { written: [], warnings, writeError };
  }
}

/** The sweep, then the shrinks, on one pool; Ctrl-C terminates the workers and keeps what finished. */
async function sweep(
  plan: CheckPlan,
  sources: readonly ScenarioSource[],
  names: readonly string[],
  io: CheckIO,
): Promise<SweepOutcome> {
  let progress: Progress = NO_PROGRESS;
  const job = new SweepJob(
    sources.map((s, i) => ({ scenario: names[i] as string, file: s.file })),
    plan,
    () => performance.now(),
    (done, failing) => progress.update(done, failing),
  );
  const pool =
    job.tasks === 0 ? undefined : new CheckPool(Math.min(plan.workers, job.tasks), { scenarios: sources });
  let interrupted = false;
  const onInterrupt = () => {
    if (interrupted) return;
    interrupted = true;
    job.stop();
    void pool?.terminate();
  };
  // `on`, not `once`: a relaunched check (relaunch.ts) gets a terminal's Ctrl-C twice, and the
  // second must not kill it before it writes what finished.
  process.on('SIGINT', onInterrupt);
  try {
    if (io.progress !== undefined && !plan.json && pool !== undefined)
      progress = await progressBar(io.progress, job.total);
    await pool?.run(job);
    progress.stop();
    const results = job.results();
    const stop = () => ({
      interrupted,
      stoppedByBudget: job.stoppedByBudget,
      stoppedAtFirstFailure: job.failedFast,
    });
    const unshrunk = checkSummary(
      results.map((r) => ({ ...r, counterexamples: [] })),
      stop(),
    );
    if (pool === undefined || !plan.shrink || interrupted) return { summary: unshrunk, warnings: [] };
    const { written, warnings, writeError } = await shrinkFailures(pool, unshrunk, names, plan, io);
    const withExamples: ScenarioResults[] = results.map((r, i) => ({
      ...r,
      counterexamples: written[i] ?? [],
    }));
    // Ctrl-C while shrinking keeps the counterexamples already found.
    return {
      summary: checkSummary(withExamples, stop()),
      warnings,
      ...(writeError === undefined ? {} : { writeError }),
    };
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    progress.stop();
    await pool?.terminate();
  }
}

/**
 * `kafka-sim check <scenario...> [--seeds A..B | --count N] [--workers K] [--shard i/n]
 * [--junit FILE] [--json] [--fail-fast] [--time-budget 5m] [--report-dir DIR] [--no-shrink]`:
 * runs every scenario over the seeds in worker threads, each seed as `kafka-sim run --seed N` runs
 * it, and sums up per scenario and checker. Exit codes: 0 every expectation held on every seed, 1 a
 * seed failed one, 2 bad input, 130 interrupted before any failure.
 */
export async function checkCommand(
  files: readonly string[],
  options: CheckCommandOptions,
  io: CheckIO,
): Promise<number> {
  let plan: CheckPlan;
  let loaded: ReturnType<typeof loadScenarios>;
  try {
    plan = checkPlan(options, availableParallelism());
    loaded = loadScenarios(files);
    if (plan.junit !== undefined) checkWritable(plan.junit);
  } catch (error) {
    if (error instanceof ScenarioError) io.err(`${error.message}\n`);
    else if (error instanceof UsageError) io.err(`kafka-sim check: ${error.message}\n`);
    else throw error;
    return EXIT_BAD_INPUT;
  }
  const { summary, warnings, writeError } = await sweep(plan, loaded.sources, loaded.names, io);
  for (const message of [...warnings, ...(writeError === undefined ? [] : [writeError])])
    io.err(`kafka-sim check: ${message}\n`);
  if (plan.json) io.out(`${JSON.stringify(summary)}\n`);
  else {
    const chalk = new Chalk({ level: io.isTTY && !io.noColor ? 1 : 0 });
    const tone = { plain: (text: string) => text, ok: chalk.green, fail: chalk.red, note: chalk.dim };
    for (const line of checkText(summary, options.timeBudget))
      io.out(`${line.text === '' ? '' : tone[line.tone](line.text)}\n`);
  }
  let written = writeError === undefined;
  if (plan.junit !== undefined) {
    try {
      writeFileSync(plan.junit, checkJUnit(summary));
    } catch (error) {
      io.err(`kafka-sim check: cannot write the JUnit report to ${plan.junit}: ${explain(error)}\n`);
      written = false;
    }
  }
  if (!written) return EXIT_BAD_INPUT;
  if (summary.verdict === 'fail') return EXIT_FAIL;
  return summary.interrupted === true ? EXIT_INTERRUPTED : EXIT_PASS;
}
