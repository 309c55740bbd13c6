import type { Rng } from './rng.js';
import type { SimTime } from './time.js';

/**
 * How long a message takes on a link, in simulated microseconds. Every value is rounded to a
 * whole microsecond, never negative, and capped at `max` where one is given.
 */
export type LatencyDistribution =
  | { readonly kind: 'constant'; readonly value: SimTime }
  | { readonly kind: 'uniform'; readonly min: SimTime; readonly max: SimTime }
  /** `min` plus an exponential with mean `mean`. */
  | { readonly kind: 'exponential'; readonly mean: SimTime; readonly min?: SimTime; readonly max?: SimTime }
  /** Long tail: log-normal with the given median and shape `sigma` (0.5 is mild, 1.5 is wild). */
  | { readonly kind: 'lognormal'; readonly median: SimTime; readonly sigma: number; readonly max?: SimTime }
  /** Heavy tail: Pareto with scale `min` and shape `alpha` (smaller alpha, longer tail). */
  | { readonly kind: 'pareto'; readonly min: SimTime; readonly alpha: number; readonly max?: SimTime };

export type LatencySampler = (rng: Rng) => SimTime;

/** Kafka inside one data centre: about half a millisecond, with a mild tail. */
export const DEFAULT_LATENCY: LatencyDistribution = { kind: 'exponential', min: 200, mean: 300, max: 50_000 };

function clamp(value: number, max: number): SimTime {
  return Math.max(0, Math.min(max, Math.round(value)));
}

/** Checks a distribution and turns it into a sampler; throws a RangeError naming the bad field. */
export function latencySampler(dist: LatencyDistribution): LatencySampler {
  const nonNegative = (value: number | undefined, field: string): void => {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`latency ${dist.kind}: ${field} must be a finite number >= 0, got ${value}`);
    }
  };
  switch (dist.kind) {
    case 'constant': {
      nonNegative(dist.value, 'value');
      const v = clamp(dist.value, Number.POSITIVE_INFINITY);
      return () => v;
    }
    case 'uniform': {
      nonNegative(dist.min, 'min');
      nonNegative(dist.max, 'max');
      if (dist.max < dist.min) throw new RangeError('latency uniform: max must be >= min');
      const { min, max } = dist;
      return (rng) => clamp(rng.floatBetween(min, max), max);
    }
    case 'exponential': {
      nonNegative(dist.mean, 'mean');
      nonNegative(dist.min, 'min');
      nonNegative(dist.max, 'max');
      const mean = dist.mean;
      const max = dist.max ?? Number.POSITIVE_INFINITY;
      const min = dist.min ?? 0;
      // clamp(min + exponential, max) written out (this samples every message): the value is
      // never below min >= 0, so only the cap applies.
      return (rng) => Math.min(max, Math.round(min + rng.exponential(mean)));
    }
    case 'lognormal': {
      nonNegative(dist.median, 'median');
      nonNegative(dist.sigma, 'sigma');
      nonNegative(dist.max, 'max');
      const { median, sigma } = dist;
      const max = dist.max ?? Number.POSITIVE_INFINITY;
      return (rng) => clamp(median * Math.exp(sigma * rng.normal()), max);
    }
    case 'pareto': {
      nonNegative(dist.min, 'min');
      nonNegative(dist.max, 'max');
      if (!(dist.alpha > 0)) throw new RangeError('latency pareto: alpha must be > 0');
      const { min, alpha } = dist;
      const max = dist.max ?? Number.POSITIVE_INFINITY;
      return (rng) => clamp(rng.pareto(min, alpha), max);
    }
    default: {
      const unknown: { kind?: unknown } = dist;
      throw new RangeError(`unknown latency distribution kind: ${String(unknown.kind)}`);
    }
  }
}
