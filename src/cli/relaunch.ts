import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { integer } from './check-seeds.js';

/**
 * V8 flags for a `kafka-sim check` whose workers fill every core. V8 scavenges the young generation
 * with helper threads; with no idle core their time comes out of the other workers'
 * (bench/thread-cpu.ts: two workers on 2 cores kept 1.63 cores busy, helpers 0.32; without parallel
 * scavenging 1.82 and 0.16). V8's flags hold for the whole process and cannot change once it runs.
 */
export const SATURATED_CHECK_FLAGS: readonly string[] = ['--no-parallel-scavenge'];

const WORKERS_EQ = '--workers=';

/** Set in the relaunched process, so that it never relaunches again. */
export const RELAUNCHED_ENV = 'KAFKA_SIM_RELAUNCHED';

/**
 * The node flags to run the command `args` with in a new process, or none to run it here: a
 * `check` with at least as many workers (`--workers`, by default one per core) as `cores`, when
 * node was not already started with a GC thread flag. An unreadable --workers runs here, where
 * the command reports it.
 */
export function relaunchFlags(args: readonly string[], cores: number, execArgv: readonly string[]): string[] {
  if (args[0] !== 'check') return [];
  if (execArgv.some((flag) => /scavenge|single[-_]threaded/.test(flag))) return [];
  let workers = cores;
  for (let i = 1; i < args.length; i++) {
    const arg = args[i] as string;
    const text =
      arg === '--workers'
        ? args[i + 1]
        : arg.startsWith(WORKERS_EQ)
          ? arg.slice(WORKERS_EQ.length)
          : undefined;
    if (text === undefined) continue;
    const value = integer(text);
    if (value === undefined) return [];
    workers = value;
  }
  return workers >= cores ? [...SATURATED_CHECK_FLAGS] : [];
}

/**
 * Runs `script args` in a new node process with `flags` added, its standard streams shared, and
 * resolves to its exit code. The signals that stop it are passed on: SIGTERM and SIGHUP as
 * signals, SIGINT as a message (followParent), because a terminal's Ctrl-C reaches both processes
 * and a second SIGINT signal could arrive after `check` stopped listening, and kill it.
 */
export function relaunch(script: string, args: readonly string[], flags: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, script, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [RELAUNCHED_ENV]: '1' },
  });
  const onInterrupt = () => {
    if (child.connected) child.send(INTERRUPT);
  };
  // On Windows a console's Ctrl-C reaches every process and kill() only terminates: pass nothing on.
  const onStop = (signal: NodeJS.Signals) => {
    if (process.platform !== 'win32') child.kill(signal);
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onStop);
  process.on('SIGHUP', onStop);
  return new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.removeListener('SIGINT', onInterrupt);
      process.removeListener('SIGTERM', onStop);
      process.removeListener('SIGHUP', onStop);
      resolve(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0)));
    });
  });
}

const INTERRUPT = 'kafka-sim:SIGINT';

/**
 * In a relaunched process: the parent's SIGINT message is a SIGINT here (to whatever listens: a
 * running check stops; otherwise nothing happens), and the parent's end ends this process too.
 */
export function followParent(): void {
  process.on('message', (message) => {
    if (message === INTERRUPT) process.emit('SIGINT', 'SIGINT');
  });
  process.on('disconnect', () => process.exit(128 + (constants.signals.SIGHUP ?? 1)));
  // The channel must not keep this process alive once its work is done.
  process.channel?.unref();
}
