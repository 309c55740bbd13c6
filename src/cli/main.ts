import { Command, CommanderError } from 'commander';
import type { CheckCommandOptions } from './check-options.js';
import { packageInfo } from './package-info.js';

/** Exit codes: 0 all held, 1 a check failed, 2 bad input. */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 2;

/** Set by a command's action: what `main` returns. */
let exitCode = EXIT_OK;

export function buildProgram(): Command {
  const { version } = packageInfo();
  const program = new Command();
  program
    .name('kafka-sim')
    .description(
      'A deterministic simulator of an Apache Kafka cluster in its ZooKeeper era: same seed, same scenario, same history.',
    )
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .showHelpAfterError()
    .exitOverride();
  program
    .command('run')
    .description('run a scenario and tell what happened (default: the follower-crash teaching scenario)')
    .argument('[scenario]', 'a scenario file (YAML)')
    .option('--seed <n>', "the seed (default: the scenario's)")
    .option('--json', 'print one JSON object instead of the story')
    .option('--report-dir <dir>', 'write the report to <dir>/<scenario>-<seed>/ (default: reports)')
    .option('--no-report', 'write no report (report.json, report.md, report.html)')
    .option('--quiet', 'print only the verdict')
    .action(
      async (
        file: string | undefined,
        options: { seed?: string; json?: boolean; quiet?: boolean; report?: boolean; reportDir?: string },
      ) => {
        // Loaded on demand, so that --help stays fast.
        const { runCommand } = await import('./run-command.js');
        exitCode = runCommand(file, options, processOutput());
      },
    );
  program
    .command('check')
    .description('run scenarios over many seeds in worker threads; sum up per checker, shrink what fails')
    .argument('<scenario...>', 'scenario files (YAML)')
    .option('--seeds <A..B>', 'the seeds A to B, inclusive')
    .option('--count <n>', 'the seeds 1 to n (default: 100)')
    .option('--workers <k>', 'worker threads (default: the available parallelism)')
    .option('--shard <i/n>', 'only the i-th of n interleaved slices of the seeds (for CI jobs)')
    .option('--junit <file>', 'write a JUnit XML report: a testsuite per scenario, a testcase per checker')
    .option('--json', 'print one JSON object instead of the summary')
    .option('--fail-fast', 'stop at the first failing seed')
    .option('--time-budget <duration>', 'start no new seed after this much wall time (30s, 5m, 1h)')
    .option('--report-dir <dir>', 'write counterexamples to <dir>/<scenario>/ (default: reports)')
    .option('--no-shrink', 'do not shrink failures into counterexamples')
    .action(async (files: string[], options: CheckCommandOptions) => {
      // Loaded on demand, so that --help stays fast.
      const { checkCommand } = await import('./check-command.js');
      exitCode = await checkCommand(files, options, {
        ...processOutput(),
        ...(process.stderr.isTTY ? { progress: process.stderr } : {}),
      });
    });
  program
    .command('list')
    .description('list the scenario library, one line per scenario')
    .action(async () => {
      const { listCommand } = await import('./list-command.js');
      exitCode = listCommand(processOutput());
    });
  return program;
}

function processOutput() {
  return {
    out: (text: string) => void process.stdout.write(text),
    err: (text: string) => void process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    noColor: process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '',
  };
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_OK;
  }
  try {
    exitCode = EXIT_OK;
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end here with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    throw error;
  }
}
