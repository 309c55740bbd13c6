/**
 * Where a `kafka-sim check` worker's CPU goes: one worker thread runs seeds of a sweep scenario as
 * the check worker does (trace off), first `--warm` seeds to warm its JIT, then `--seeds` more,
 * measured. For the measured seeds it prints the worker thread's own CPU time and the CPU time of
 * every other thread of the process (V8's background compiler and garbage collector; the main
 * thread only waits), read from /proc (Linux). The second over the first is the share of a core a
 * worker needs beyond its own: what a second worker on a 2-core host has to do without.
 *
 * V8 flags split the background part: with --no-concurrent-recompilation, TurboFan compiles on the
 * worker's own thread, so what stays in the background is the garbage collector's; with
 * --single-threaded-gc as well, nothing stays there.
 *
 *   npm run bench:threads                                          safe.yaml, 100 warm, 100 measured
 *   npm run bench:threads -- --json                                {"workerMs": n, "backgroundMs": n, ...}
 *   npm run build && node --no-concurrent-recompilation dist/bench/worker-threads.js
 *   npm run bench:threads -- path/to.yaml --warm 50 --seeds 200
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { compileScenario } from '../src/scenario/compile.js';
import { runScenario } from '../src/scenario/run.js';
import { argValue } from './args.js';

interface Job {
  readonly file: string;
  readonly warm: number;
  readonly seeds: number;
}

interface Measured {
  readonly wallMs: number;
  readonly workerMs: number;
  readonly backgroundMs: number;
}

/** CPU time (user + system, ms) of one thread, from its /proc stat line. */
function threadCpuMs(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime, fields 14 and 15 of proc(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time of the whole process: every thread's. */
function processCpuMs(): number {
  let total = 0;
  for (const task of readdirSync('/proc/self/task')) total += threadCpuMs(`/proc/self/task/${task}/stat`);
  return total;
}

function runInWorker(job: Job): Measured {
  const scenario = compileScenario(job.file, readFileSync(job.file, 'utf8'));
  let seed = 1;
  for (; seed <= job.warm; seed++) runScenario(scenario, { seed, trace: 'off' });
  const allBefore = processCpuMs();
  const ownBefore = threadCpuMs('/proc/thread-self/stat');
  const start = performance.now();
  for (; seed <= job.warm + job.seeds; seed++) runScenario(scenario, { seed, trace: 'off' });
  const wallMs = performance.now() - start;
  const workerMs = threadCpuMs('/proc/thread-self/stat') - ownBefore;
  return { wallMs, workerMs, backgroundMs: processCpuMs() - allBefore - workerMs };
}

if (isMainThread) {
  const job: Job = {
    file:
      process.argv.find((a) => a.endsWith('.yaml')) ??
      fileURLToPath(new URL('../../scenarios/sweeps/safe.yaml', import.meta.url)),
    warm: Number(argValue('--warm') ?? 100),
    seeds: Number(argValue('--seeds') ?? 100),
  };
  const worker = new Worker(new URL(import.meta.url), { workerData: job });
  worker.once('error', (error) => {
    throw error;
  });
  worker.once('message', (m: Measured) => {
    const result = {
      scenario: job.file,
      warm: job.warm,
      seeds: job.seeds,
      wallMs: Math.round(m.wallMs),
      workerMs: m.workerMs,
      backgroundMs: m.backgroundMs,
      backgroundShare: Number((m.backgroundMs / m.workerMs).toFixed(2)),
      perSeedMs: Number((m.wallMs / job.seeds).toFixed(1)),
    };
    if (process.argv.includes('--json')) console.log(JSON.stringify(result));
    else
      console.log(
        `${job.seeds} seeds after ${job.warm} to warm up, in one worker thread: ${result.perSeedMs} ms a seed; worker thread ${result.workerMs} ms of CPU, other threads (V8's compiler and GC) ${result.backgroundMs} ms: ${result.backgroundShare} of a core more`,
      );
  });
} else {
  parentPort?.postMessage(runInWorker(workerData as Job));
}
