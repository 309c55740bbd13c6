import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Chalk, type ChalkInstance } from 'chalk';
import { replaySeed } from '../report/check-summary.js';
import { buildReport, reportFolderName } from '../report/index.js';
import { storyTime, type Tone, tellStory, verdictTable } from '../report/story.js';
import { runSummary } from '../report/summary.js';
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

/** Where reports go unless `--report-dir` says otherwise: `reports/` in the current folder. */
export const DEFAULT_REPORT_DIR = 'reports';

/** Why a path cannot be read or written, in a few words after Node's error code. */
export function explain(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const words: Record<string, string> = {
    ENOENT: 'no such file or folder',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EEXIST: 'a file of that name is in the way',
    EISDIR: 'a folder of that name is in the way',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
  };
  return code === undefined
    ? String(error)
    : `${code}${words[code] === undefined ? '' : ` (${words[code]})`}`;
}

/**
 * `kafka-sim run [scenario.yaml] [--seed N] [--json] [--report-dir DIR] [--no-report] [--quiet]`:
 * runs one scenario, tells what happened, and writes its report to `reports/<scenario>-<seed>/`
 * (report.json, report.md, report.html). Exit codes: 0 when every expectation is met, 1 when not,
 * 2 for bad input (a report folder that cannot be written included).
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
  // The report's folder is made before the run, so that a bad --report-dir fails at once.
  const reportDir =
    options.report === false
      ? undefined
      : join(options.reportDir ?? DEFAULT_REPORT_DIR, reportFolderName(scenario.name, seed ?? scenario.seed));
  if (reportDir !== undefined) {
    try {
      mkdirSync(reportDir, { recursive: true });
    } catch (error) {
      io.err(`kafka-sim run: cannot write the report to ${reportDir}: ${explain(error)}\n`);
      return 2;
    }
  }
  const started = performance.now();
  // A report keeps every message for its diagram; the trace hash is the same at every level.
  const run = runScenario(scenario, {
    ...(seed === undefined ? {} : { seed }),
    ...(reportDir === undefined ? {} : { trace: 'messages' as const }),
  });
  const wallMs = performance.now() - started;
  const { verdict } = run;
  const reportFile = reportDir === undefined ? undefined : join(reportDir, 'report.html');
  if (reportDir !== undefined) {
    try {
      for (const file of buildReport(run)) writeFileSync(join(reportDir, file.name), file.text);
    } catch (error) {
      io.err(`kafka-sim run: cannot write the report to ${reportDir}: ${explain(error)}\n`);
      return 2;
    }
  }
  if (options.json === true) {
    const { stats, ...summary } = runSummary(run);
    io.out(
      `${JSON.stringify({
        ...summary,
        stats: { ...stats, wallMs: Math.round(wallMs * 1000) / 1000 },
        ...(reportDir === undefined ? {} : { report: reportFile }),
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
  if (verdict === 'fail') io.out(`replay: ${replaySeed(shown, run.seed)}\n`);
  if (reportFile !== undefined && options.quiet !== true) io.out(`report: ${reportFile}\n`);
  return verdict === 'pass' ? 0 : 1;
}
