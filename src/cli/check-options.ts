import { parseDuration } from '../scenario/duration.js';
import {
  integer,
  parseCount,
  parseSeedRange,
  parseShard,
  type Sweep,
  UsageError,
  WHOLE,
} from './check-seeds.js';
import { DEFAULT_REPORT_DIR } from './run-command.js';

/** `kafka-sim check`'s flags as commander gives them (strings, unchecked). */
export interface CheckCommandOptions {
  readonly seeds?: string;
  readonly count?: string;
  readonly workers?: string;
  readonly shard?: string;
  readonly junit?: string;
  readonly json?: boolean;
  readonly failFast?: boolean;
  readonly timeBudget?: string;
  readonly reportDir?: string;
  /** False with --no-shrink. */
  readonly shrink?: boolean;
}

/** The flags, checked and converted. */
export interface CheckPlan {
  /** The same seeds for every scenario. */
  readonly sweep: Sweep;
  readonly workers: number;
  readonly junit?: string;
  readonly json: boolean;
  readonly failFast: boolean;
  /** Wall-clock milliseconds after which no new seed is started. */
  readonly budgetMs?: number;
  readonly reportDir: string;
  readonly shrink: boolean;
}

export const DEFAULT_COUNT = '100';
const MAX_WORKERS = 256;

/** Checks the flags; throws UsageError with the message to print. */
export function checkPlan(options: CheckCommandOptions, defaultWorkers: number): CheckPlan {
  if (options.seeds !== undefined && options.count !== undefined)
    throw new UsageError('give --seeds or --count, not both');
  const range =
    options.seeds === undefined ? parseCount(options.count ?? DEFAULT_COUNT) : parseSeedRange(options.seeds);
  const shard = options.shard === undefined ? WHOLE : parseShard(options.shard);
  let workers = defaultWorkers;
  if (options.workers !== undefined) {
    workers = integer(options.workers) ?? 0;
    if (workers < 1 || workers > MAX_WORKERS)
      throw new UsageError(`--workers must be an integer from 1 to ${MAX_WORKERS}, not '${options.workers}'`);
  }
  let budgetMs: number | undefined;
  if (options.timeBudget !== undefined) {
    const micros = parseDuration(options.timeBudget);
    if (micros === undefined || micros <= 0)
      throw new UsageError(
        `--time-budget must be a duration such as 30s, 5m or 1h, not '${options.timeBudget}'`,
      );
    budgetMs = micros / 1000;
  }
  return {
    sweep: { ...range, shard },
    workers,
    ...(options.junit === undefined ? {} : { junit: options.junit }),
    json: options.json === true,
    failFast: options.failFast === true,
    ...(budgetMs === undefined ? {} : { budgetMs }),
    reportDir: options.reportDir ?? DEFAULT_REPORT_DIR,
    shrink: options.shrink !== false,
  };
}
