/**
 * How much faster than simulated time the default teaching scenario runs: the first run in a
 * fresh process (as `kafka-sim run` does it, JIT cold), the median of the next 15 runs (warm), and
 * the median of 15 runs after 30 more (steady: where the JIT ends up), each
 * timed around `runScenario` alone, at the trace level `kafka-sim run` uses (`messages`: its report
 * keeps every message; `--trace faults` is what `--no-report` runs). The ratio is simulated time
 * over wall time.
 *
 * Host speed and load move these numbers a lot, so the bench also times a fixed reference workload
 * in the same process (a bare binary heap, as in bench/engine.ts), and gives the warm run in units
 * of it: compare that figure, not milliseconds, across machines and commits.
 *
 *   npm run bench:scenario                     human-readable
 *   npm run bench:scenario -- --json           {"events": n, "simulatedMs": n, "coldMs": n, "warmMs": n, ...}
 *   npm run bench:scenario -- --cold-runs 7    the cold run also in 7 fresh processes (median)
 *   npm run bench:scenario -- path/to.yaml     another scenario
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compileScenario } from '../src/scenario/compile.js';
import { runScenario } from '../src/scenario/run.js';
import type { TraceLevel } from '../src/sim/trace.js';
import { argValue, median } from './args.js';

const file =
  process.argv.find((a) => a.endsWith('.yaml')) ??
  fileURLToPath(new URL('../../scenarios/follower-crash.yaml', import.meta.url));
const trace = (argValue('--trace') ?? 'messages') as TraceLevel;
const coldOnly = process.argv.includes('--cold-only');
const coldRuns = Number(argValue('--cold-runs') ?? 0);
const scenario = compileScenario(file, readFileSync(file, 'utf8'));
const ROUNDS = 15;
const STEADY_AFTER = 30;

const timed = () => {
  const start = performance.now();
  const run = runScenario(scenario, { trace });
  return { ms: performance.now() - start, run };
};
const cold = timed();
if (coldOnly) {
  console.log(JSON.stringify({ coldMs: cold.ms }));
  process.exit(0);
}

/** The reference workload: 100,000 pops and pushes through a binary heap of 1,024 events. */
function reference(): number {
  const times: number[] = [];
  const seqs: number[] = [];
  let x = 0x2545f491;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return 100 + ((x >>> 0) % 800);
  };
  let seq = 0;
  const push = (time: number): void => {
    let i = times.length;
    times.push(time);
    seqs.push(seq);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < time || (pt === time && (seqs[parent] as number) < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent] as number;
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq++;
  };
  const pop = (): number => {
    const top = times[0] as number;
    const lastTime = times.pop() as number;
    const lastSeq = seqs.pop() as number;
    const n = times.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (
        child + 1 < n &&
        ((times[child + 1] as number) < (times[child] as number) ||
          (times[child + 1] === times[child] && (seqs[child + 1] as number) < (seqs[child] as number)))
      )
        child++;
      const ct = times[child] as number;
      if (lastTime < ct || (lastTime === ct && lastSeq < (seqs[child] as number))) break;
      times[i] = ct;
      seqs[i] = seqs[child] as number;
      i = child;
    }
    times[i] = lastTime;
    seqs[i] = lastSeq;
    return top;
  };
  for (let i = 0; i < 1024; i++) push(next());
  const start = performance.now();
  for (let i = 0; i < 100_000; i++) push(pop() + next());
  return performance.now() - start;
}
// Warm runs interleaved with the reference, so that both see the same load.
reference();
const warm: number[] = [];
const references: number[] = [];
const inUnits: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  const ms = timed().ms;
  const ref = reference();
  warm.push(ms);
  references.push(ref);
  inUnits.push(ms / ref);
}
const warmMs = median(warm);
const referenceMs = median(references);
// The JIT keeps improving for dozens of runs: later runs show where it ends up.
const steady: number[] = [];
for (let i = 0; i < STEADY_AFTER; i++) timed();
for (let i = 0; i < ROUNDS; i++) steady.push(timed().ms);
const steadyMs = median(steady);

let coldMedianMs: number | undefined;
if (coldRuns > 0) {
  const self = fileURLToPath(import.meta.url);
  const colds = Array.from(
    { length: coldRuns },
    () =>
      (
        JSON.parse(
          execFileSync(process.execPath, [self, file, '--trace', trace, '--cold-only'], { encoding: 'utf8' }),
        ) as { coldMs: number }
      ).coldMs,
  );
  coldMedianMs = median(colds);
}

const simulatedMs = cold.run.simulatedMs;
const result = {
  scenario: scenario.name,
  trace,
  events: cold.run.events,
  simulatedMs,
  coldMs: Number(cold.ms.toFixed(1)),
  warmMs: Number(warmMs.toFixed(2)),
  coldRatio: Math.round(simulatedMs / cold.ms),
  warmRatio: Math.round(simulatedMs / warmMs),
  steadyMs: Number(steadyMs.toFixed(2)),
  steadyRatio: Math.round(simulatedMs / steadyMs),
  ...(coldMedianMs === undefined
    ? {}
    : {
        coldRuns,
        coldMedianMs: Number(coldMedianMs.toFixed(1)),
        coldMedianRatio: Math.round(simulatedMs / coldMedianMs),
      }),
  referenceMs: Number(referenceMs.toFixed(2)),
  warmInReferenceUnits: Number(median(inUnits).toFixed(2)),
};
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else {
  console.log(
    `${result.scenario}: ${result.events} events, ${simulatedMs / 1000} s simulated, trace level ${trace}`,
  );
  console.log(`first run (cold): ${result.coldMs} ms, ${result.coldRatio}x simulated time`);
  if (coldMedianMs !== undefined)
    console.log(
      `cold, median of ${coldRuns} fresh processes: ${result.coldMedianMs} ms, ${result.coldMedianRatio}x simulated time`,
    );
  console.log(`median of ${ROUNDS} (warm): ${result.warmMs} ms, ${result.warmRatio}x simulated time`);
  console.log(
    `median of ${ROUNDS} more after ${STEADY_AFTER} others (steady): ${result.steadyMs} ms, ${result.steadyRatio}x simulated time`,
  );
  console.log(
    `reference workload (a bare heap, in turn with each warm run): ${result.referenceMs} ms; a warm run takes ${result.warmInReferenceUnits} of it (compare this across machines and commits)`,
  );
}
