/**
 * How much faster than simulated time the default teaching scenario runs: the first run in a
 * fresh process (as `kafka-sim run` does it, JIT cold) and the median of later runs, each timed
 * around `runScenario` alone. The ratio is simulated time over wall time.
 *
 *   npm run bench:scenario            human-readable
 *   npm run bench:scenario -- --json  {"events": n, "simulatedMs": n, "coldMs": n, "warmMs": n, ...}
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { compileScenario } from '../src/scenario/compile.js';
import { runScenario } from '../src/scenario/run.js';

const file =
  process.argv.find((a) => a.endsWith('.yaml')) ??
  new URL('../../scenarios/follower-crash.yaml', import.meta.url).pathname;
const scenario = compileScenario(file, readFileSync(file, 'utf8'));
const ROUNDS = 15;

const timed = () => {
  const start = performance.now();
  const run = runScenario(scenario, { trace: 'faults' });
  return { ms: performance.now() - start, run };
};
const cold = timed();
const warm: number[] = [];
for (let i = 0; i < ROUNDS; i++) warm.push(timed().ms);
warm.sort((a, b) => a - b);
const warmMs = warm[Math.floor(ROUNDS / 2)] as number;
const simulatedMs = cold.run.simulatedMs;
const result = {
  scenario: scenario.name,
  events: cold.run.events,
  simulatedMs,
  coldMs: Number(cold.ms.toFixed(1)),
  warmMs: Number(warmMs.toFixed(1)),
  coldRatio: Math.round(simulatedMs / cold.ms),
  warmRatio: Math.round(simulatedMs / warmMs),
};
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else {
  console.log(`${result.scenario}: ${result.events} events, ${simulatedMs / 1000} s simulated`);
  console.log(`first run (cold): ${result.coldMs} ms, ${result.coldRatio}x simulated time`);
  console.log(`median of ${ROUNDS} (warm): ${result.warmMs} ms, ${result.warmRatio}x simulated time`);
}
