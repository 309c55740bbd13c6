import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Task } from '../../src/cli/check-protocol.js';
import { chunkSize, SweepJob, type SweepOptions } from '../../src/cli/check-sweep.js';
import type { SeedOutcome } from '../../src/report/check-summary.js';

const runs = { numRuns: Number(process.env.FC_RUNS ?? 200) };
const scenarios = [
  { scenario: 'a', file: 'a.yaml' },
  { scenario: 'b', file: 'b.yaml' },
];

/** A seed's outcome as a worker would send it: failing when (scenario, seed) is in `fails`. */
const outcome = (scenario: number, seed: number, fails: ReadonlySet<string>): SeedOutcome => {
  const failing = fails.has(`${scenario}:${seed}`);
  return {
    seed,
    traceHash: `h${scenario}-${seed}`,
    failures: failing ? [{ check: 'lost-write', text: `lost at ${seed}` }] : [],
    events: seed,
  };
};

/**
 * Runs the job as a pool of `workers` would, the workers finishing seeds in the order `picks` says
 * (each pick chooses which busy worker answers next); returns the seeds handed out.
 */
function drive(job: SweepJob, workers: number, picks: readonly number[], fails: ReadonlySet<string>): number {
  const busy: { scenario: number; seeds: number[] }[] = [];
  let handedOut = 0;
  let p = 0;
  for (;;) {
    while (busy.length < workers) {
      const task: Task | undefined = job.next();
      if (task === undefined || task.kind !== 'seeds') break;
      handedOut += task.seeds.length;
      busy.push({ scenario: task.scenario, seeds: [...task.seeds] });
    }
    if (busy.length === 0) return handedOut;
    const i = (picks[p++ % Math.max(1, picks.length)] ?? 0) % busy.length;
    const worker = busy[i] as { scenario: number; seeds: number[] };
    const seed = worker.seeds.shift() as number;
    job.reply({ kind: 'seed', scenario: worker.scenario, outcome: outcome(worker.scenario, seed, fails) });
    if (worker.seeds.length === 0) busy.splice(i, 1);
  }
}

const sweepOf = (first: number, last: number, workers: number, failFast: boolean): SweepOptions => ({
  sweep: { first, last, shard: { index: 1, total: 1 } },
  workers,
  failFast,
});

const comparable = (job: SweepJob) => job.results().map(({ wallMs: _, ...r }) => r);

describe('check: the sweep', () => {
  it('gives the same results whatever the worker count and the order answers come in', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(), { maxLength: 50 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 60 })), { maxLength: 6 }),
        fc.boolean(),
        (size, workers, picks, failing, failFast) => {
          const fails = new Set(failing.map(([s, seed]) => `${s}:${seed}`));
          const one = new SweepJob(scenarios, sweepOf(1, size, 1, failFast), () => 0);
          drive(one, 1, [], fails);
          const many = new SweepJob(scenarios, sweepOf(1, size, workers, failFast), () => 0);
          drive(many, workers, picks, fails);
          expect(comparable(many)).toEqual(comparable(one));
          expect(many.failedFast).toBe(one.failedFast);
        },
      ),
      runs,
    );
  });

  it('with --fail-fast ends at the first failing seed in sweep order', () => {
    const fails = new Set(['1:4', '1:9', '0:30']);
    const job = new SweepJob(scenarios, sweepOf(1, 12, 3, true), () => 0);
    drive(job, 3, [2, 0, 1, 1, 0, 2], fails);
    const [a, b] = job.results();
    expect(job.failedFast).toBe(true);
    expect(a?.outcomes.map((o) => o.seed).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 12 }, (_, k) => k + 1),
    );
    expect(b?.outcomes.map((o) => o.seed).sort((x, y) => x - y)).toEqual([1, 2, 3, 4]);
  });

  it('hands out no seed once the time budget is spent, and says so', () => {
    let now = 0;
    const job = new SweepJob(scenarios, { ...sweepOf(1, 100, 1, false), budgetMs: 50 }, () => now);
    const first = job.next();
    expect(first?.kind).toBe('seeds');
    now = 49;
    expect(job.next()).toBeDefined();
    now = 50;
    expect(job.next()).toBeUndefined();
    expect(job.stoppedByBudget).toBe(true);
  });

  it('hands out no seed after stop() (Ctrl-C), and measures each scenario from first seed to last answer', () => {
    let now = 10;
    const job = new SweepJob([scenarios[0] as (typeof scenarios)[0]], sweepOf(1, 40, 1, false), () => now);
    const task = job.next();
    if (task?.kind !== 'seeds') throw new Error('expected seeds');
    now = 35;
    job.reply({ kind: 'seed', scenario: 0, outcome: outcome(0, task.seeds[0] as number, new Set()) });
    job.stop();
    expect(job.next()).toBeUndefined();
    expect(job.stoppedByBudget).toBe(false);
    expect(job.results()[0]?.wallMs).toBe(25);
  });

  it('cuts small chunks: about eight per worker, at most 8 seeds, one with --fail-fast', () => {
    expect(chunkSize(10, 2, false)).toBe(1);
    expect(chunkSize(160, 2, false)).toBe(8);
    expect(chunkSize(100_000, 2, false)).toBe(8);
    expect(chunkSize(100_000, 2, true)).toBe(1);
  });
});
