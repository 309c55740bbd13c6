/**
 * How fast `kafka-sim --help` answers, against a bare `node -e ""` start in the same process
 * (the floor no Node CLI can beat).
 *
 *   npm run bench:cli            human-readable
 *   npm run bench:cli -- --json  {"helpMs": n, "bareNodeMs": n, "ratio": n}
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/kafka-sim.js', import.meta.url));
const ROUNDS = 15;

function medianMs(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(ROUNDS / 2)] as number;
}

const bareNodeMs = medianMs(['-e', '']);
const helpMs = medianMs([bin, '--help']);
const ratio = Number((helpMs / bareNodeMs).toFixed(2));
if (process.argv.includes('--json')) {
  console.log(
    JSON.stringify({ helpMs: Number(helpMs.toFixed(1)), bareNodeMs: Number(bareNodeMs.toFixed(1)), ratio }),
  );
} else {
  console.log(`kafka-sim --help: ${helpMs.toFixed(1)} ms (median of ${ROUNDS})`);
  console.log(`node -e "":       ${bareNodeMs.toFixed(1)} ms`);
  console.log(`ratio:            ${ratio}`);
}
