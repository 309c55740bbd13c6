import { Command, CommanderError } from 'commander';
import { packageInfo } from './package-info.js';

/** Exit codes: 0 all held, 1 a check failed, 2 bad input. */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 2;

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
  return program;
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_OK;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end here with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }
    throw error;
  }
}
