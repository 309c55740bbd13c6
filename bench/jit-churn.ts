/**
 * How much TurboFan compiling a long sweep keeps doing once warm, and how much of it the full
 * (mark-compact) collections cause. One child process runs seeds of a sweep scenario as a check
 * worker does, under `node --trace-opt --trace-gc`; after `--from` seeds (warm) it counts the
 * TurboFan compiles, their compile time, and the mark-compacts. Then the same with an old
 * generation so large that no mark-compact happens in the window.
 *
 * Why: V8 keeps a closure's optimized code only while some instance of the closure holds it. A
 * closure made per request or per run (a callback, a comparator, an object literal's methods) has
 * no live instance at most full collections, so its optimized code goes and it is compiled again
 * once it is hot. That compiling runs on V8's background threads: the share of a second core a
 * check worker takes beyond its own (bench:threads), which a second worker on a 2-core host lacks.
 *
 *   npm run bench:churn                              safe.yaml, seeds 1..900, counted from 300
 *   npm run bench:churn -- --seeds 600 --from 200
 *   npm run bench:churn -- --json
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileScenario } from '../src/scenario/compile.js';
import { runScenario } from '../src/scenario/run.js';
import { argValue } from './args.js';

interface Churn {
  readonly compiles: number;
  readonly compileMs: number;
  readonly markCompacts: number;
}

const self = fileURLToPath(import.meta.url);
const file =
  process.argv.find((a) => a.endsWith('.yaml')) ??
  fileURLToPath(new URL('../../scenarios/sweeps/safe.yaml', import.meta.url));
const seeds = Number(argValue('--seeds') ?? 900);
const from = Number(argValue('--from') ?? 300);

/** The child: runs the seeds, a marker line after each, between V8's own trace lines. */
function runSeeds(): void {
  const scenario = compileScenario(file, readFileSync(file, 'utf8'));
  for (let seed = 1; seed <= seeds; seed++) {
    runScenario(scenario, { seed, trace: 'off' });
    process.stdout.write(`SEED ${seed}\n`);
  }
}

/** TurboFan compiles ("took a, b, c ms": b is the compile itself) and mark-compacts after `from`. */
function churnOf(v8Flags: readonly string[]): Churn {
  const out = execFileSync(
    process.execPath,
    [...v8Flags, '--trace-opt', '--trace-gc', self, '--child', file, '--seeds', String(seeds)],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  let seed = 0;
  let compiles = 0;
  let compileMs = 0;
  let markCompacts = 0;
  for (const line of out.split('\n')) {
    if (line.startsWith('SEED ')) seed = Number(line.slice(5));
    else if (seed < from) continue;
    else if (line.includes('Mark-Compact')) markCompacts++;
    else if (line.startsWith('[completed compiling') && line.includes('TURBOFAN')) {
      compiles++;
      const took = /took [\d.]+, ([\d.]+),/.exec(line);
      if (took !== null) compileMs += Number(took[1]);
    }
  }
  return { compiles, compileMs, markCompacts };
}

if (process.argv.includes('--child')) runSeeds();
else {
  const window = seeds - from;
  const usual = churnOf([]);
  // An old generation this large is not collected in the window: what is compiled then is not
  // the collections' doing (functions first getting hot, deoptimizations).
  const noFullGc = churnOf(['--initial-old-space-size=4000', '--max-old-space-size=8000']);
  const per = (c: Churn) => ({
    compilesPer100Seeds: Math.round((c.compiles * 100) / window),
    compileMsPerSeed: Number((c.compileMs / window).toFixed(1)),
    markCompacts: c.markCompacts,
  });
  const result = {
    scenario: file,
    seeds: `${from + 1}..${seeds}`,
    usual: per(usual),
    withoutFullGc: per(noFullGc),
    shareFromFullGc: Number((1 - noFullGc.compiles / Math.max(1, usual.compiles)).toFixed(2)),
  };
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  else {
    const line = (name: string, c: ReturnType<typeof per>) =>
      `${name}: ${c.compilesPer100Seeds} TurboFan compiles per 100 seeds, ${c.compileMsPerSeed} ms of compiling per seed, ${c.markCompacts} mark-compacts`;
    console.log(`seeds ${result.seeds} of ${file}, warm:`);
    console.log(line('  as usual', result.usual));
    console.log(line('  no full GC', result.withoutFullGc));
    console.log(
      `  ${Math.round(result.shareFromFullGc * 100)}% of the compiles follow from the full collections`,
    );
  }
}
