/**
 * One `kafka-sim check` sweep as the pool sees it: seeds handed out in chunks, scenario by
 * scenario and in seed order, and outcomes collected by seed (never by arrival), so that the result
 * does not depend on the worker count.
 */
import type { ScenarioResults, SeedOutcome } from '../report/check-summary.js';
import type { PoolJob } from './check-pool.js';
import type { Reply, Task } from './check-protocol.js';
import { type Sweep, sweepSeed, sweepSize } from './check-seeds.js';

export interface SweepScenario {
  readonly scenario: string;
  readonly file: string;
}

export interface SweepOptions {
  readonly sweep: Sweep;
  readonly workers: number;
  readonly failFast: boolean;
  readonly budgetMs?: number;
}

/** Most seeds in one task: small enough to keep the workers evenly loaded to the end. */
const MAX_CHUNK = 8;

/** Seeds per task: about eight tasks per worker, one at a time with --fail-fast (stop soon). */
export function chunkSize(total: number, workers: number, failFast: boolean): number {
  if (failFast) return 1;
  return Math.max(1, Math.min(MAX_CHUNK, Math.floor(total / (workers * 8))));
}

interface ScenarioState {
  readonly outcomes: Map<number, SeedOutcome>;
  started?: number;
  ended?: number;
}

export class SweepJob implements PoolJob {
  private readonly states: ScenarioState[];
  private readonly size: number;
  private readonly chunk: number;
  private readonly begun: number;
  /** The next seed to hand out: scenario index and position in the sweep. */
  private scenario = 0;
  private position = 0;
  private stopped = false;
  stoppedByBudget = false;
  /** With --fail-fast, a failing seed came back. */
  failedFast = false;
  done = 0;
  failing = 0;

  constructor(
    private readonly scenarios: readonly SweepScenario[],
    private readonly options: SweepOptions,
    private readonly clock: () => number,
    private readonly onProgress: (done: number, failing: number) => void = () => {},
  ) {
    this.states = scenarios.map(() => ({ outcomes: new Map() }));
    this.size = sweepSize(options.sweep);
    this.chunk = chunkSize(this.size * scenarios.length, options.workers, options.failFast);
    this.begun = clock();
  }

  /** Seeds in the whole sweep, every scenario. */
  get total(): number {
    return this.size * this.scenarios.length;
  }

  /** Tasks the sweep is handed out in: more workers than this would idle. */
  get tasks(): number {
    return Math.ceil(this.total / this.chunk);
  }

  /** No more seeds are handed out (Ctrl-C); those running finish or are terminated. */
  stop(): void {
    this.stopped = true;
  }

  next(): Task | undefined {
    while (this.scenario < this.scenarios.length && this.position >= this.size) {
      this.scenario++;
      this.position = 0;
    }
    if (this.stopped || this.failedFast || this.scenario >= this.scenarios.length) return undefined;
    const now = this.clock();
    if (this.options.budgetMs !== undefined && now - this.begun >= this.options.budgetMs) {
      this.stoppedByBudget = true;
      return undefined;
    }
    const count = Math.min(this.chunk, this.size - this.position);
    const seeds = Array.from({ length: count }, (_, k) => sweepSeed(this.options.sweep, this.position + k));
    this.position += count;
    const state = this.states[this.scenario] as ScenarioState;
    state.started ??= now;
    return { kind: 'seeds', scenario: this.scenario, seeds };
  }

  reply(reply: Exclude<Reply, { kind: 'done' }>): void {
    if (reply.kind !== 'seed') return;
    const state = this.states[reply.scenario] as ScenarioState;
    state.outcomes.set(reply.outcome.seed, reply.outcome);
    state.ended = this.clock();
    this.done++;
    if (reply.outcome.failures.length > 0) {
      this.failing++;
      if (this.options.failFast) this.failedFast = true;
    }
    this.onProgress(this.done, this.failing);
  }

  /**
   * Each scenario's outcomes. With --fail-fast the sweep ends at its first failing seed in sweep
   * order: seeds after it that other workers had already run are dropped, so that any worker count
   * gives what one worker gives (every seed before it was handed out first, and has finished).
   */
  results(): Omit<ScenarioResults, 'counterexamples'>[] {
    let cut: { scenario: number; seed: number } | undefined;
    if (this.failedFast)
      for (let i = 0; i < this.states.length && cut === undefined; i++) {
        const failing = [...(this.states[i] as ScenarioState).outcomes.values()].filter(
          (o) => o.failures.length > 0,
        );
        if (failing.length > 0) cut = { scenario: i, seed: Math.min(...failing.map((o) => o.seed)) };
      }
    const { sweep } = this.options;
    const shard = sweep.shard.total > 1 ? `${sweep.shard.index}/${sweep.shard.total}` : undefined;
    return this.scenarios.map((s, i) => {
      const state = this.states[i] as ScenarioState;
      const outcomes = [...state.outcomes.values()]
        .filter((o) => cut === undefined || i < cut.scenario || (i === cut.scenario && o.seed <= cut.seed))
        .sort((a, b) => a.seed - b.seed);
      return {
        ...s,
        first: sweep.first,
        last: sweep.last,
        count: this.size,
        ...(shard === undefined ? {} : { shard }),
        outcomes,
        wallMs: state.started === undefined || state.ended === undefined ? 0 : state.ended - state.started,
      };
    });
  }
}
