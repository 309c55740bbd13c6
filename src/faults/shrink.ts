import type { CompiledScenario } from '../scenario/compile.js';

/** A failing run reduced to a small scenario with an explicit timeline that replays it exactly. */
export interface Counterexample {
  /** The scenario's name and the seed that failed. */
  readonly scenario: string;
  readonly seed: number;
  /** The checker (or `assertions`) that still fails in the shrunk scenario. */
  readonly check: string;
  /** The standalone scenario file: `faults:` replaced by the timeline that was drawn and shrunk. */
  readonly yaml: string;
  /** Faults left in the shrunk timeline. */
  readonly faults: number;
  /** The shrunk scenario's trace hash at `seed`: what `kafka-sim run` of the file prints. */
  readonly traceHash: string;
  /** Runs spent shrinking. */
  readonly runs: number;
}

export interface ShrinkOptions {
  /** Stop trying smaller candidates after this many runs (the best so far is returned). */
  readonly maxRuns?: number;
}

/**
 * Shrinks the failure of `check` at `seed` (work in progress this session: the real shrinker
 * replaces this body).
 */
export function shrinkFailure(
  _scenario: CompiledScenario,
  _seed: number,
  _check: string,
  _options: ShrinkOptions = {},
): Counterexample | undefined {
  return undefined;
}
