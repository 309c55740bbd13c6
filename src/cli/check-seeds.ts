/**
 * The seeds of a `kafka-sim check` sweep: `--seeds A..B` or `--count N`, cut into interleaved
 * shards by `--shard i/n`. Pure: the parsers throw UsageError, which the command prints (exit 2).
 */

/** Bad flags or files: the message is printed as it is, with exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Seeds first..last, inclusive. */
export interface SeedRange {
  readonly first: number;
  readonly last: number;
}

/** The index-th (1-based) of total interleaved slices. */
export interface Shard {
  readonly index: number;
  readonly total: number;
}

/** A range, one shard of it: the seeds whose position (seed - first) is index-1 modulo total. */
export interface Sweep extends SeedRange {
  readonly shard: Shard;
}

export const WHOLE: Shard = { index: 1, total: 1 };

/** A non-negative integer written in decimal digits, or undefined. */
export const integer = (text: string): number | undefined =>
  /^[0-9]+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined;

/** `A..B` with 0 <= A <= B. */
export function parseSeedRange(text: string): SeedRange {
  const match = /^([0-9]+)\.\.([0-9]+)$/.exec(text);
  const first = match === null ? undefined : integer(match[1] as string);
  const last = match === null ? undefined : integer(match[2] as string);
  if (first === undefined || last === undefined)
    throw new UsageError(`--seeds must be A..B with non-negative integers (e.g. 1..100), not '${text}'`);
  if (first > last) throw new UsageError(`--seeds ${text}: the first seed is after the last`);
  return { first, last };
}

/** `N` >= 1: the seeds 1..N. */
export function parseCount(text: string): SeedRange {
  const count = integer(text);
  if (count === undefined || count < 1)
    throw new UsageError(`--count must be a positive integer, not '${text}'`);
  return { first: 1, last: count };
}

/** `i/n` with 1 <= i <= n. */
export function parseShard(text: string): Shard {
  const match = /^([0-9]+)\/([0-9]+)$/.exec(text);
  const index = match === null ? undefined : integer(match[1] as string);
  const total = match === null ? undefined : integer(match[2] as string);
  if (index === undefined || total === undefined || total < 1)
    throw new UsageError(`--shard must be i/n with 1 <= i <= n (e.g. 2/4), not '${text}'`);
  if (index < 1 || index > total) throw new UsageError(`--shard ${text}: i must be between 1 and ${total}`);
  return { index, total };
}

/** How many seeds the sweep has (the range's size, divided among the shards). */
export function sweepSize(sweep: Sweep): number {
  const size = sweep.last - sweep.first + 1;
  const offset = sweep.shard.index - 1;
  return size <= offset ? 0 : Math.floor((size - offset - 1) / sweep.shard.total) + 1;
}

/** The sweep's k-th seed (0-based), computed rather than stored: a sweep may have millions. */
export function sweepSeed(sweep: Sweep, k: number): number {
  return sweep.first + sweep.shard.index - 1 + k * sweep.shard.total;
}

/** Every seed of the sweep, in order (for tests and small sweeps). */
export function sweepSeeds(sweep: Sweep): number[] {
  return Array.from({ length: sweepSize(sweep) }, (_, k) => sweepSeed(sweep, k));
}
