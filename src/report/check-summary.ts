/**
 * `kafka-sim check`'s summary: per-seed outcomes aggregated per scenario and checker. Pure: the
 * outcomes may come in any order (workers finish when they finish) and the summary is sorted by
 * seed, so it is the same whatever the worker count; only the timing fields differ.
 */
import { createHash } from 'node:crypto';
import { CHECK_NAMES } from '../checks/types.js';
import { ASSERTIONS, type UnmetExpectation } from '../scenario/run.js';

/** The pseudo-checker a seed fails when one of its state assertions does not hold. */
export { ASSERTIONS };
/** The pseudo-checker a seed fails when the simulator throws: a bug worth a report of its own. */
export const ERROR = 'error';

/** Every checker a sweep reports on, in order (`error` only shows up when a run threw). */
export const SWEEP_CHECKS: readonly string[] = [...CHECK_NAMES, ASSERTIONS];

/** What a scenario's summary reports on, in order: every checker and `assertions`, then `error` if a seed threw. */
export const reportedChecks = (s: Pick<ScenarioSummary, 'failing'>): string[] => [
  ...SWEEP_CHECKS,
  ...Object.keys(s.failing).filter((c) => !SWEEP_CHECKS.includes(c)),
];

/** A checker a seed failed, with its first violation (unmetExpectations). */
export type Failure = UnmetExpectation;

/** One seed's run, reduced to what the summary needs. */
export interface SeedOutcome {
  readonly seed: number;
  readonly traceHash: string;
  /** In checker order, then `assertions` (or only `error`); the seed failed if there is any. */
  readonly failures: readonly Failure[];
  readonly events: number;
}

/** A shrunk failure written to a file. */
export interface CounterexampleRecord {
  readonly check: string;
  readonly seed: number;
  readonly path: string;
  readonly faults: number;
  /** The command that replays it. */
  readonly replay: string;
  /** What that command prints as the trace hash: the counterexample's run, to compare. */
  readonly traceHash: string;
}

/** One scenario's share of the sweep, as the command collected it. */
export interface ScenarioResults {
  readonly scenario: string;
  readonly file: string;
  /** The planned seeds: the range, and how many of it this shard has. */
  readonly first: number;
  readonly last: number;
  readonly count: number;
  /** `i/n`, when the sweep is one shard of several. */
  readonly shard?: string;
  readonly outcomes: readonly SeedOutcome[];
  /** Wall-clock milliseconds from its first seed dispatched to its last answer. */
  readonly wallMs: number;
  readonly counterexamples: readonly CounterexampleRecord[];
}

/** The first (smallest) failing seed of a checker. */
export interface FirstFailure {
  readonly seed: number;
  readonly text: string;
  readonly replay: string;
}

export interface ScenarioSummary {
  readonly scenario: string;
  readonly file: string;
  readonly seeds: {
    readonly first: number;
    readonly last: number;
    readonly count: number;
    readonly run: number;
    readonly shard?: string;
  };
  /** Per failing checker, its failing seeds in order; checkers that held on every seed are absent. */
  readonly failing: Readonly<Record<string, readonly number[]>>;
  readonly firstFailures: Readonly<Record<string, FirstFailure>>;
  /** Seeds that failed at least one checker. */
  readonly failingSeeds: number;
  readonly events: number;
  /** One hash over every seed's trace hash, in seed order: two sweeps agree iff it does. */
  readonly sweepHash: string;
  readonly seedsPerSecond: number;
  readonly counterexamples: readonly CounterexampleRecord[];
}

export interface CheckSummary {
  readonly scenarios: readonly ScenarioSummary[];
  readonly verdict: 'pass' | 'fail';
  readonly interrupted?: true;
  readonly stoppedByBudget?: true;
  readonly stoppedAtFirstFailure?: true;
}

/** How the sweep ended, when it did not run every seed. */
export interface SweepStop {
  readonly interrupted?: boolean;
  readonly stoppedByBudget?: boolean;
  readonly stoppedAtFirstFailure?: boolean;
}

/** A word of a shell command, quoted when the shell would split or expand it. */
export const shellWord = (word: string): string =>
  /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;

/** The command that replays one seed of a scenario file. */
export const replaySeed = (file: string, seed: number): string =>
  `kafka-sim run ${shellWord(file)} --seed ${seed}`;

/** Checkers in report order: the sweep's own, then any other name (such as `error`) sorted. */
const byCheck = (a: string, b: string): number => {
  const rank = (name: string): number => {
    const i = SWEEP_CHECKS.indexOf(name);
    return i < 0 ? SWEEP_CHECKS.length : i;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
};

export function summarizeScenario(results: ScenarioResults): ScenarioSummary {
  const outcomes = [...results.outcomes].sort((a, b) => a.seed - b.seed);
  const failingSeeds = new Map<string, number[]>();
  const firsts = new Map<string, FirstFailure>();
  const hash = createHash('sha256');
  let events = 0;
  let failingCount = 0;
  for (const outcome of outcomes) {
    hash.update(`${outcome.seed}:${outcome.traceHash}\n`);
    events += outcome.events;
    if (outcome.failures.length > 0) failingCount++;
    for (const failure of outcome.failures) {
      const seeds = failingSeeds.get(failure.check);
      if (seeds === undefined) {
        failingSeeds.set(failure.check, [outcome.seed]);
        firsts.set(failure.check, {
          seed: outcome.seed,
          text: failure.text,
          replay: replaySeed(results.file, outcome.seed),
        });
      } else seeds.push(outcome.seed);
    }
  }
  const order = [...failingSeeds.keys()].sort(byCheck);
  const seconds = results.wallMs / 1000;
  return {
    scenario: results.scenario,
    file: results.file,
    seeds: {
      first: results.first,
      last: results.last,
      count: results.count,
      run: outcomes.length,
      ...(results.shard === undefined ? {} : { shard: results.shard }),
    },
    failing: Object.fromEntries(order.map((c) => [c, failingSeeds.get(c) as number[]])),
    firstFailures: Object.fromEntries(order.map((c) => [c, firsts.get(c) as FirstFailure])),
    failingSeeds: failingCount,
    events,
    sweepHash: hash.digest('hex').slice(0, 16),
    seedsPerSecond: seconds > 0 ? Math.round((outcomes.length / seconds) * 10) / 10 : 0,
    counterexamples: [...results.counterexamples].sort(
      (a, b) => byCheck(a.check, b.check) || a.seed - b.seed,
    ),
  };
}

export function checkSummary(results: readonly ScenarioResults[], stop: SweepStop = {}): CheckSummary {
  const scenarios = results.map(summarizeScenario);
  return {
    scenarios,
    verdict: scenarios.some((s) => s.failingSeeds > 0) ? 'fail' : 'pass',
    ...(stop.interrupted === true ? { interrupted: true as const } : {}),
    ...(stop.stoppedByBudget === true ? { stoppedByBudget: true as const } : {}),
    ...(stop.stoppedAtFirstFailure === true ? { stoppedAtFirstFailure: true as const } : {}),
  };
}

/** The summary without its wall-clock figures: what two sweeps of the same seeds must agree on. */
export function withoutTiming(summary: CheckSummary): CheckSummary {
  return { ...summary, scenarios: summary.scenarios.map((s) => ({ ...s, seedsPerSecond: 0 })) };
}
