/**
 * What `kafka-sim check`'s main thread and its workers say to each other: small plain objects
 * (structured clone copies them), never a run with its cluster.
 */
import type { Counterexample } from '../faults/shrink.js';
import { ERROR, type Failure, type SeedOutcome } from '../report/check-summary.js';
import { type ScenarioRun, unmetExpectations } from '../scenario/run.js';

/** A scenario as the worker compiles it: the name it is shown by, and its text. */
export interface ScenarioSource {
  readonly file: string;
  readonly text: string;
}

/** The worker's workerData. */
export interface WorkerInit {
  readonly scenarios: readonly ScenarioSource[];
}

/** A job for a worker, by scenario index. */
export type Task =
  | { readonly kind: 'seeds'; readonly scenario: number; readonly seeds: readonly number[] }
  | { readonly kind: 'shrink'; readonly scenario: number; readonly seed: number; readonly check: string };

/** What the summary needs of a counterexample (the worker sends only this). */
export type ShrunkExample = Pick<Counterexample, 'yaml' | 'faults' | 'traceHash'>;

export interface ShrinkOutcome {
  readonly scenario: number;
  readonly seed: number;
  readonly check: string;
  readonly counterexample?: ShrunkExample;
  /** The shrinker threw: its message. */
  readonly error?: string;
}

/** A worker's messages: one per seed, one per shrink, and `done` when the task is over. */
export type Reply =
  | { readonly kind: 'seed'; readonly scenario: number; readonly outcome: SeedOutcome }
  | { readonly kind: 'shrunk'; readonly outcome: ShrinkOutcome }
  | { readonly kind: 'done' };

/** A seed fails a checker whose outcome is not what the scenario expects. */
export function seedOutcome(run: ScenarioRun): SeedOutcome {
  const failures: Failure[] = unmetExpectations(run);
  return { seed: run.seed, traceHash: run.traceHash, failures, events: run.events };
}

/** A seed whose run threw. */
export function erroredOutcome(seed: number, error: unknown): SeedOutcome {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { seed, traceHash: '', failures: [{ check: ERROR, text }], events: 0 };
}
