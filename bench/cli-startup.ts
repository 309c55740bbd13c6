/**
 * How fast `kafka-sim --help` answers, against a bare `node -e ""` start in the same process
 * (the floor no Node CLI can beat); and what the relaunch of `kafka-sim check` costs
 * (src/cli/relaunch.ts: a check whose workers fill every core starts itself again in a node with
 * other GC flags): a one-seed check with two workers, relaunched as users run it, against the same
 * check told it is relaunched already, in alternation.
 *
 *   npm run bench:cli            human-readable
 *   npm run bench:cli -- --json  {"helpMs": n, "bareNodeMs": n, "ratio": n, "checkMs": n, "checkNoRelaunchMs": n, "relaunchMs": n}
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { RELAUNCHED_ENV } from '../src/cli/relaunch.js';
import { median } from './args.js';

const bin = fileURLToPath(new URL('../../bin/kafka-sim.js', import.meta.url));
const scenario = fileURLToPath(new URL('../../scenarios/sweeps/safe.yaml', import.meta.url));
const ROUNDS = 15;

function timeMs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = performance.now();
  try {
    execFileSync(process.execPath, args, { stdio: 'ignore', env });
  } catch {
    // a check exits 1 when a seed fails: only its time matters here
  }
  return performance.now() - start;
}

/** Each command's median over ROUNDS runs, the commands taking turns so that both see the same host. */
function medians(commands: readonly (() => number)[]): number[] {
  const times = commands.map((): number[] => []);
  for (let i = 0; i < ROUNDS; i++) {
    for (let c = 0; c < commands.length; c++) times[c]?.push((commands[c] as () => number)());
  }
  return times.map(median);
}

const [bareNodeMs, helpMs] = medians([() => timeMs(['-e', '']), () => timeMs([bin, '--help'])]) as [
  number,
  number,
];
const ratio = Number((helpMs / bareNodeMs).toFixed(2));
const checkArgs = [bin, 'check', scenario, '--count', '1', '--workers', '2', '--json', '--no-shrink'];
const [checkMs, checkNoRelaunchMs] = medians([
  () => timeMs(checkArgs),
  () => timeMs(checkArgs, { ...process.env, [RELAUNCHED_ENV]: '1' }),
]) as [number, number];
const relaunchMs = checkMs - checkNoRelaunchMs;
const round = (n: number) => Number(n.toFixed(1));
if (process.argv.includes('--json')) {
  console.log(
    JSON.stringify({
      helpMs: round(helpMs),
      bareNodeMs: round(bareNodeMs),
      ratio,
      checkMs: round(checkMs),
      checkNoRelaunchMs: round(checkNoRelaunchMs),
      relaunchMs: round(relaunchMs),
    }),
  );
} else {
  console.log(`kafka-sim --help: ${helpMs.toFixed(1)} ms (median of ${ROUNDS})`);
  console.log(`node -e "":       ${bareNodeMs.toFixed(1)} ms`);
  console.log(`ratio:            ${ratio}`);
  console.log(
    `kafka-sim check, 1 seed, 2 workers: ${checkMs.toFixed(1)} ms relaunched, ${checkNoRelaunchMs.toFixed(1)} ms not: the relaunch costs ${relaunchMs.toFixed(1)} ms`,
  );
}
