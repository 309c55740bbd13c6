/**
 * Where `kafka-sim check`'s CPU goes, thread by thread (Linux only: it reads /proc): the command
 * runs as users run it, in a child process, once with --workers 1 and once with --workers 2; after
 * a warm-up, each thread's CPU time over a window is read from /proc/<pid>/task/<tid>/stat. The
 * busiest threads are the check workers; the others are V8's helpers (background TurboFan compiles,
 * parallel scavenges, concurrent marking and sweeping) and libuv's, plus the main thread.
 *
 * On a host with as many cores as workers, helper threads take their time from the workers; with
 * one worker on two cores they use the idle one. V8 flags change what the helpers do
 * (--no-parallel-scavenge, --single-threaded-gc), but only for a whole process: pass them with
 * --node-flags to see their effect, since a process cannot set them for itself once V8 is running.
 * The bin's own relaunch (src/cli/relaunch.ts) is off here: the flags are --node-flags' alone.
 *
 *   npm run bench:thread-cpu
 *   npm run bench:thread-cpu -- --node-flags=--no-parallel-scavenge
 *   npm run bench:thread-cpu -- --warm 20 --window 40 path/to.yaml
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { RELAUNCHED_ENV } from '../src/cli/relaunch.js';
import { argValue, procStatFields, USER_HZ } from './args.js';

const bin = fileURLToPath(new URL('../../bin/kafka-sim.js', import.meta.url));
const file =
  process.argv.find((a) => a.endsWith('.yaml')) ??
  fileURLToPath(new URL('../../scenarios/sweeps/safe.yaml', import.meta.url));
const warmSeconds = Number(argValue('--warm') ?? 30);
const windowSeconds = Number(argValue('--window') ?? 30);
const nodeFlags = (
  process.argv.find((a) => a.startsWith('--node-flags='))?.slice('--node-flags='.length) ?? ''
)
  .split(',')
  .filter((flag) => flag !== '');

/** CPU ticks (user + system) of each thread of a process, by thread id. */
function threadTicks(pid: number): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const fields = procStatFields(`/proc/${pid}/task/${tid}/stat`);
      ticks.set(Number(tid), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ticks;
}

interface Split {
  readonly workers: number;
  readonly helpers: number;
  readonly main: number;
}

/** Cores each kind of thread kept busy over the window, with `workers` check workers. */
async function measure(workers: number): Promise<Split> {
  const args = [
    ...nodeFlags,
    bin,
    'check',
    file,
    '--count',
    '100000',
    '--workers',
    String(workers),
    '--json',
  ];
  // As if relaunched already: the flags are --node-flags' alone, and /proc/<pid> is the check's own.
  const child = spawn(process.execPath, args, {
    stdio: 'ignore',
    env: { ...process.env, [RELAUNCHED_ENV]: '1' },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('kafka-sim check did not start');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await sleep(warmSeconds * 1000);
    const before = threadTicks(pid);
    await sleep(windowSeconds * 1000);
    const after = threadTicks(pid);
    const deltas = [...after].map(([tid, t]) => ({ tid, ticks: t - (before.get(tid) ?? 0) }));
    const main = deltas.find((d) => d.tid === pid)?.ticks ?? 0;
    const others = deltas.filter((d) => d.tid !== pid).sort((a, b) => b.ticks - a.ticks);
    const sum = (list: readonly { ticks: number }[]) => list.reduce((s, d) => s + d.ticks, 0);
    const cores = (ticks: number) => ticks / USER_HZ / windowSeconds;
    return {
      workers: cores(sum(others.slice(0, workers))),
      helpers: cores(sum(others.slice(workers))),
      main: cores(main),
    };
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

if (!existsSync('/proc/self/task')) {
  console.log('bench:thread-cpu reads /proc: it runs on Linux only.');
} else {
  const flags = nodeFlags.length === 0 ? 'no extra node flags' : `node ${nodeFlags.join(' ')}`;
  console.log(
    `kafka-sim check ${file.split('/').at(-1)}: ${warmSeconds} s warm-up, then a ${windowSeconds} s window; ${flags}`,
  );
  for (const workers of [1, 2]) {
    const split = await measure(workers);
    console.log(
      `--workers ${workers}: worker threads ${split.workers.toFixed(2)} cores, helper threads ${split.helpers.toFixed(2)} (${(split.helpers / split.workers).toFixed(2)} per worker core), main thread ${split.main.toFixed(2)}`,
    );
  }
}
