/**
 * How `kafka-sim check` scales with worker threads: the same sweep (the default teaching scenario
 * over 40 seeds) with --workers 1 and --workers 2, in turn, in this process, through the command's
 * own function. Seeds per second are counted from the first seed handed out to the last answer
 * (worker start-up included: each worker compiles the scenario and warms its JIT), and over the
 * whole command (reading, compiling, starting and stopping the workers). The ratio is 2 workers over
 * 1; the sweeps must agree seed for seed (their sweep hashes and failing seeds), or the bench fails.
 * Each worker pays its own start-up and JIT warm-up, so short sweeps gain less than long ones; and
 * other processes on the host take cores from the workers (the load average is printed with it).
 * Each round is also read against the host: bench/host-parallelism.ts measures, before and after
 * it, what two CPU-bound threads get over one, since a host whose second core is shared with other
 * machines caps what any second worker can add.
 * The sweeps run in this process, with V8's default flags; with --cli each runs as users run it,
 * `kafka-sim check` in a child process, whose relaunch with --no-parallel-scavenge when the workers
 * fill every core (src/cli/relaunch.ts) is then part of what is measured; and each round also runs
 * the seeds as two 1-worker processes at once (half each, by --shard), the host's own ceiling for
 * what a second worker can add to this workload, since two processes share nothing but the host.
 * Each mode also prints how many cores it kept busy (CPU time over wall time, for the whole
 * process): V8 compiles and collects garbage on background threads, so one worker keeps more than
 * one core busy, and on a 2-core host that caps what a second worker can add.
 *
 *   npm run bench:check                   human-readable
 *   npm run bench:check -- --json         {"seeds": n, "workers1": {...}, "workers2": {...}, "ratio": n, "roundRatio": n, ...}
 *   npm run bench:check -- --count 100    more seeds
 *   npm run bench:check -- --rounds 5     more rounds (the median is reported)
 *   npm run bench:check -- --cli          each sweep through the installed command
 *   npm run bench:check -- path/to.yaml   another scenario
 */
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { checkCommand } from '../src/cli/check-command.js';
import { type CheckSummary, withoutTiming } from '../src/report/check-summary.js';
import { argValue, median, procStatFields, USER_HZ } from './args.js';
import { hostParallelism } from './host-parallelism.js';

const file =
  process.argv.find((a) => a.endsWith('.yaml')) ??
  fileURLToPath(new URL('../../scenarios/follower-crash.yaml', import.meta.url));
const count = Number(argValue('--count') ?? 40);
const rounds = Number(argValue('--rounds') ?? 3);

const viaCli = process.argv.includes('--cli');
const bin = fileURLToPath(new URL('../../bin/kafka-sim.js', import.meta.url));

/** CPU seconds of this process's finished children (Linux: cutime and cstime of /proc/self/stat). */
function childrenCpuSeconds(): number {
  try {
    const fields = procStatFields('/proc/self/stat');
    return (Number(fields[13]) + Number(fields[14])) / USER_HZ;
  } catch {
    return Number.NaN;
  }
}

/** `kafka-sim check` over the bench's seeds in a child process, as users run it (relaunch included). */
function runCheck(extra: readonly string[]): Promise<CheckSummary> {
  const args = [bin, 'check', file, '--count', String(count), ...extra, '--json', '--no-shrink'];
  return new Promise<CheckSummary>((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.once('error', reject);
    // Exit 1 is a sweep with failing seeds: a result like any other here.
    child.once('exit', (code) =>
      code === 0 || code === 1
        ? resolve(JSON.parse(out) as CheckSummary)
        : reject(new Error(`kafka-sim check ${extra.join(' ')} exited with ${code}`)),
    );
  });
}

/** One sweep through the command; the cores it kept busy are its CPU time over wall time. */
async function sweepCli(workers: number): Promise<{ summary: CheckSummary; wallMs: number; cores: number }> {
  const cpuBefore = childrenCpuSeconds();
  const start = performance.now();
  const summary = await runCheck(['--workers', String(workers)]);
  const wallMs = performance.now() - start;
  return { summary, wallMs, cores: ((childrenCpuSeconds() - cpuBefore) * 1000) / wallMs };
}

/**
 * The host's own ceiling for this workload: the same seeds as two `kafka-sim check --workers 1`
 * processes at once, each with half of them (--shard 1/2 and 2/2). Two processes share nothing but
 * the host (cores, caches, memory bus, V8's helper threads on the cores), so their seeds per second
 * over one worker's is what a second worker could add if sharing a process cost nothing.
 */
async function sweepTwoProcesses(): Promise<{
  failing: Record<string, number[]>;
  run: number;
  wallMs: number;
}> {
  const start = performance.now();
  const shards = await Promise.all(
    ['1/2', '2/2'].map((shard) => runCheck(['--workers', '1', '--shard', shard])),
  );
  const wallMs = performance.now() - start;
  const failing: Record<string, number[]> = {};
  let run = 0;
  for (const summary of shards) {
    const scenario = summary.scenarios[0];
    run += scenario?.seeds.run ?? 0;
    for (const [check, seeds] of Object.entries(scenario?.failing ?? {}))
      failing[check] = [...(failing[check] ?? []), ...seeds].sort((a, b) => a - b);
  }
  return { failing, run, wallMs };
}

/** One sweep through checkCommand in this process (or with --cli, through the command); its summary and wall time. */
async function sweep(workers: number): Promise<{ summary: CheckSummary; wallMs: number; cores: number }> {
  if (viaCli) return sweepCli(workers);
  let out = '';
  let err = '';
  const start = performance.now();
  // CPU time of the whole process, worker threads and V8's background compiler and GC included.
  const cpuBefore = process.cpuUsage();
  const exit = await checkCommand(
    [file],
    { count: String(count), workers: String(workers), json: true, shrink: false },
    {
      out: (text) => {
        out += text;
      },
      err: (text) => {
        err += text;
      },
      isTTY: false,
      noColor: true,
    },
  );
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const cores = (cpu.user + cpu.system) / 1000 / wallMs;
  if (exit === 2) throw new Error(`kafka-sim check failed: ${err}`);
  return { summary: JSON.parse(out) as CheckSummary, wallMs, cores };
}

const rates: Record<1 | 2, { sweep: number[]; wall: number[]; cores: number[] }> = {
  1: { sweep: [], wall: [], cores: [] },
  2: { sweep: [], wall: [], cores: [] },
};
/** Each round's 2-over-1 ratio: its two sweeps ran back to back, so a host that speeds up or slows down between rounds moves both. */
const roundRatios: number[] = [];
/** What the host could give each round: two CPU-bound threads over one, measured before and after it. */
const hostRatios: number[] = [];
/** With --cli, each round's two 1-worker processes on half the seeds each, over one worker (whole commands). */
const processRatios: number[] = [];
// Other processes on the host take cores from the workers: the load average tells how many.
const loadBefore = loadavg()[0] as number;
let reference: CheckSummary | undefined;
for (let round = 0; round < rounds; round++) {
  const hostBefore = await hostParallelism();
  // In turn, so that both see the same load on the host.
  for (const workers of [1, 2] as const) {
    const { summary, wallMs, cores } = await sweep(workers);
    const comparable = withoutTiming(summary);
    reference ??= comparable;
    if (!isDeepStrictEqual(comparable, reference))
      throw new Error(`--workers ${workers} gave a different sweep than --workers 1 (round ${round + 1})`);
    const s = summary.scenarios[0];
    rates[workers].sweep.push(s?.seedsPerSecond ?? 0);
    rates[workers].wall.push(((s?.seeds.run ?? 0) / wallMs) * 1000);
    rates[workers].cores.push(cores);
  }
  roundRatios.push((rates[2].sweep.at(-1) as number) / (rates[1].sweep.at(-1) as number));
  if (viaCli) {
    const both = await sweepTwoProcesses();
    const wanted = reference?.scenarios[0];
    if (both.run !== wanted?.seeds.run || !isDeepStrictEqual(both.failing, wanted.failing))
      throw new Error(`two processes on half the seeds each gave a different sweep (round ${round + 1})`);
    // Over the whole command on both sides: a shard's own rate leaves out its start-up.
    processRatios.push(count / both.wallMs / ((rates[1].wall.at(-1) as number) / 1000));
  }
  hostRatios.push((hostBefore + (await hostParallelism())) / 2);
}

const figure = (workers: 1 | 2) => ({
  seedsPerSecond: Number(median(rates[workers].sweep).toFixed(1)),
  wallSeedsPerSecond: Number(median(rates[workers].wall).toFixed(1)),
  /** CPU time over wall time: how many cores the sweep kept busy. */
  coresUsed: Number(median(rates[workers].cores).toFixed(2)),
});
const roundWallRatios = rates[2].wall.map((rate, i) =>
  Number((rate / (rates[1].wall[i] as number)).toFixed(2)),
);
const one = figure(1);
const two = figure(2);
const s = reference?.scenarios[0];
const result = {
  scenario: s?.scenario,
  seeds: count,
  rounds,
  availableParallelism: availableParallelism(),
  loadAverage: Number(((loadBefore + (loadavg()[0] as number)) / 2).toFixed(2)),
  workers1: one,
  workers2: two,
  ratio: Number((two.seedsPerSecond / one.seedsPerSecond).toFixed(2)),
  /** The median of the rounds' own ratios, and each of them. */
  roundRatio: Number(median(roundRatios).toFixed(2)),
  roundRatios: roundRatios.map((r) => Number(r.toFixed(2))),
  /** Each round's host parallelism (2 spinning threads over 1), for reading the ratios against. */
  hostRatios: hostRatios.map((r) => Number(r.toFixed(2))),
  wallRatio: Number((two.wallSeedsPerSecond / one.wallSeedsPerSecond).toFixed(2)),
  /** Each round's 2-over-1 ratio over the whole command, to read against processRatios. */
  roundWallRatios,
  /** With --cli: each round's two 1-worker processes (half the seeds each) over one, whole commands. */
  processRatios: processRatios.map((r) => Number(r.toFixed(2))),
  identical: true,
  sweepHash: s?.sweepHash,
  failingSeeds: s?.failingSeeds,
};
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else {
  console.log(
    `${result.scenario}: ${count} seeds, median of ${rounds} rounds, ${result.availableParallelism} cores, host load average ${result.loadAverage}`,
  );
  console.log(
    `--workers 1: ${one.seedsPerSecond} seeds/s (${one.wallSeedsPerSecond} over the whole command), ${one.coresUsed} cores busy`,
  );
  console.log(
    `--workers 2: ${two.seedsPerSecond} seeds/s (${two.wallSeedsPerSecond} over the whole command), ${two.coresUsed} cores busy`,
  );
  console.log(
    `ratio 2/1: ${result.ratio} (${result.wallRatio} over the whole command); results identical (sweep hash ${result.sweepHash}, ${result.failingSeeds} failing seeds)`,
  );
  console.log(`ratio of each round: ${result.roundRatios.join(', ')} (median ${result.roundRatio})`);
  console.log(
    `what the host gave each round (two CPU-bound threads over one, around it): ${result.hostRatios.join(', ')}`,
  );
  if (viaCli)
    console.log(
      `each round over the whole command: 2 workers over 1 ${result.roundWallRatios.join(', ')}; two 1-worker processes (half the seeds each) over 1 ${result.processRatios.join(', ')}`,
    );
}
