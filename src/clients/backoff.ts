import type { Rng } from '../sim/rng.js';

/** CommonClientConfigs.RETRY_BACKOFF_EXP_BASE and RETRY_BACKOFF_JITTER (KIP-580). */
export const RETRY_BACKOFF_EXP_BASE = 2;
export const RETRY_BACKOFF_JITTER = 0.2;
/** Java's Double.MIN_NORMAL: a smaller jitter counts as none. */
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Kafka's ExponentialBackoff (org.apache.kafka.common.utils): `initial × multiplier^attempts`,
 * capped at `max`, times a uniform factor in [1 − jitter, 1 + jitter), truncated to whole
 * milliseconds. The clients use it for retry.backoff.ms / retry.backoff.max.ms (KIP-580) and for
 * reconnect.backoff.ms / reconnect.backoff.max.ms (ClusterConnectionStates, KIP-144).
 *
 * The random factor is an argument, so that each caller keeps its own seeded stream and its own
 * pattern of draws: `jittered` says whether `backoff` uses it at all (false when there is no
 * exponential range, as Kafka returns the initial interval without drawing then).
 */
export class ExponentialBackoff {
  private readonly initialMs: number;
  private readonly expMax: number;

  constructor(
    initialMs: number,
    private readonly multiplier: number,
    private readonly maxMs: number,
    private readonly jitter: number,
  ) {
    this.initialMs = Math.min(maxMs, initialMs);
    this.expMax =
      maxMs > this.initialMs ? Math.log(maxMs / Math.max(this.initialMs, 1)) / Math.log(multiplier) : 0;
  }

  /** Whether `backoff` draws its random factor. */
  get jittered(): boolean {
    return this.expMax !== 0 && this.jitter >= MIN_NORMAL;
  }

  /** The backoff after `attempts` failures (0 for the first retry); `random` is a draw in [0, 1). */
  backoff(attempts: number, random: number): number {
    if (this.expMax === 0) return this.initialMs;
    const exp = Math.min(attempts, this.expMax);
    const term = this.initialMs * this.multiplier ** exp;
    // ThreadLocalRandom.nextDouble(1 - jitter, 1 + jitter)
    const low = 1 - this.jitter;
    const factor = this.jitter >= MIN_NORMAL ? low + random * (1 + this.jitter - low) : 1;
    return Math.min(Math.floor(factor * term), this.maxMs);
  }
}

/** An ExponentialBackoff that draws its jitter from a seeded stream, only when it needs one. */
export class SeededBackoff {
  constructor(
    private readonly policy: ExponentialBackoff,
    private readonly rng: Rng,
  ) {}

  backoff(attempts: number): number {
    return this.policy.backoff(attempts, this.policy.jittered ? this.rng.next() : 0);
  }
}

/** The KIP-580 retry backoff of a client's config: ExponentialBackoff(retry.backoff.ms, 2, retry.backoff.max.ms, 0.2). */
export function retryBackoff(config: {
  readonly 'retry.backoff.ms': number;
  readonly 'retry.backoff.max.ms': number;
}): ExponentialBackoff {
  return new ExponentialBackoff(
    config['retry.backoff.ms'],
    RETRY_BACKOFF_EXP_BASE,
    config['retry.backoff.max.ms'],
    RETRY_BACKOFF_JITTER,
  );
}

/**
 * The producer's retry backoff (KIP-580): about 100, 200, 400, 800, then 1000 ms with the
 * defaults. `attempts` counts retries made so far (≥ 1); `jitter` is a draw in [0, 1), drawn by
 * the caller whether or not it is used.
 */
export function retryBackoffMs(
  config: { readonly 'retry.backoff.ms': number; readonly 'retry.backoff.max.ms': number },
  attempts: number,
  jitter: number,
): number {
  return retryBackoff(config).backoff(attempts - 1, jitter);
}
