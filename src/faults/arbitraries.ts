import fc from 'fast-check';
import { formatDuration, parseDuration } from '../scenario/duration.js';
import type { TimelineEntry } from '../scenario/types.js';
import { MILLISECOND } from '../sim/time.js';
import {
  type FaultChoice,
  type FaultTiming,
  faultEntry,
  hitsOneBroker,
  LATENCY_SPIKE_MS,
  LOSS_PERCENT,
  lasts,
} from './entry.js';
import { BOUNCE, kindApplies } from './generate.js';
import { FAULT_KINDS, type FaultKind } from './spec.js';

/** What a schedule may aim at; lists left out are empty. */
export interface ScheduleTargets {
  readonly brokers: readonly string[];
  readonly zookeepers?: readonly string[];
  readonly producers?: readonly string[];
  readonly consumers?: readonly string[];
  /** `<topic>-<partition>`, for `kill-leader`. */
  readonly partitions?: readonly string[];
}

export interface FaultScheduleOptions {
  readonly targets: ScheduleTargets;
  /** Faults begin at or after `from` (duration text, whole milliseconds; default `0s`)... */
  readonly from?: string;
  /** ...and every one has ended by `until`. */
  readonly until: string;
  /** At most this many faults (default 5); shrinking goes towards `minFaults` (default 0). */
  readonly maxFaults?: number;
  readonly minFaults?: number;
  /** The kinds to draw from (default: every kind the targets allow). */
  readonly kinds?: readonly FaultKind[];
  /** How long a lasting fault lasts (default 1s to 30s, cut to the window; a restart is a bounce). */
  readonly lasts?: { readonly min: string; readonly max: string };
}

/** Times in whole milliseconds, as generate.ts draws them. */
/** A `restart` is a bounce, as drawFaults bounces (in milliseconds here). */
const BOUNCE_MS = { min: BOUNCE.min / MILLISECOND, max: BOUNCE.max / MILLISECOND };

interface Window {
  readonly from: number;
  readonly until: number;
  readonly lasts: { readonly min: number; readonly max: number };
}

/**
 * Lists of fault timeline entries (the shapes drawFaults writes: `crash` with `for`, `partition`,
 * `link` latency or loss, `expire-session`...), in time order, each ended by `until`. Built from
 * integers and arrays so fast-check's shrinking means something: fewer faults, shorter, earlier,
 * on the first broker, a milder latency or loss.
 */
export function faultScheduleArb(options: FaultScheduleOptions): fc.Arbitrary<TimelineEntry[]> {
  const window = windowOf(options);
  const kinds = (options.kinds ?? FAULT_KINDS).filter((kind) => kindApplies(kind, options.targets));
  const minLength = options.minFaults ?? 0;
  const maxLength = options.maxFaults ?? 5;
  if (kinds.length === 0 || maxLength === 0) return fc.constant([]);
  const fault = fc.oneof(...kinds.map((kind) => faultArb(kind, options.targets, window)));
  return fc
    .array(fault, { minLength, maxLength })
    .map((faults) => [...faults].sort((a, b) => (parseDuration(a.at) ?? 0) - (parseDuration(b.at) ?? 0)));
}

function windowOf(options: FaultScheduleOptions): Window {
  const ms = (text: string, what: string): number => {
    const time = parseDuration(text);
    if (time === undefined || time % MILLISECOND !== 0)
      throw new RangeError(`faultScheduleArb: ${what} ${text} is not a duration in whole milliseconds.`);
    return time / MILLISECOND;
  };
  const from = ms(options.from ?? '0s', 'from');
  const until = ms(options.until, 'until');
  if (until <= from)
    throw new RangeError(`faultScheduleArb: until (${options.until}) must be after from (${options.from}).`);
  const lasts = {
    min: ms(options.lasts?.min ?? '1s', 'lasts.min'),
    max: ms(options.lasts?.max ?? '30s', 'lasts.max'),
  };
  if (lasts.min < 1 || lasts.min > lasts.max)
    throw new RangeError('faultScheduleArb: lasts needs 0 < min <= max.');
  return { from, until, lasts };
}

function servers(targets: ScheduleTargets): string[] {
  return [...targets.brokers, ...(targets.zookeepers ?? [])];
}

function clients(targets: ScheduleTargets): string[] {
  return [...(targets.producers ?? []), ...(targets.consumers ?? [])];
}

/** A start in the window and, for a lasting fault, a length; the start moves back to end in time. */
function timingArb(window: Window, range: { readonly min: number; readonly max: number } | null) {
  const width = window.until - window.from;
  const at = (t: number) => formatDuration(t * MILLISECOND);
  if (range === null)
    return fc.integer({ min: 0, max: width }).map((t): FaultTiming => ({ at: at(window.from + t) }));
  const min = Math.min(range.min, width);
  const max = Math.min(range.max, width);
  return fc.tuple(fc.integer({ min: 0, max: width - min }), fc.integer({ min, max })).map(
    ([start, length]): FaultTiming => ({
      at: at(window.from + Math.min(start, width - length)),
      for: formatDuration(length * MILLISECOND),
    }),
  );
}

/** One of `list`, shrinking towards the first. */
function pick<T>(list: readonly T[]): fc.Arbitrary<T> {
  return fc.integer({ min: 0, max: list.length - 1 }).map((i) => list[i] as T);
}

function faultArb(kind: FaultKind, targets: ScheduleTargets, window: Window): fc.Arbitrary<TimelineEntry> {
  const timing = timingArb(window, !lasts(kind) ? null : kind === 'restart' ? BOUNCE_MS : window.lasts);
  return fc.tuple(timing, choiceArb(kind, targets)).map(([t, choice]) => faultEntry(choice, t));
}

/** What the fault hits, over the ranges drawFaults draws from, shrinking towards the mildest. */
function choiceArb(kind: FaultKind, targets: ScheduleTargets): fc.Arbitrary<FaultChoice> {
  if (hitsOneBroker(kind)) return pick(targets.brokers).map((broker) => ({ kind, broker }));
  switch (kind) {
    case 'kill-controller':
      return fc.constant({ kind });
    case 'kill-leader':
      return pick(targets.partitions ?? []).map((partition) => ({ kind, partition }));
    case 'crash-consumer':
      return pick(targets.consumers ?? []).map((consumer) => ({ kind, consumer }));
    case 'partition':
      return sidesArb(targets).map((sides) => ({ kind, sides }));
    case 'latency':
      return fc
        .tuple(linkEndsArb(targets), fc.integer(LATENCY_SPIKE_MS))
        .map(([[from, to], lowMs]) => ({ kind, from, to, lowMs }));
    case 'loss':
      return fc
        .tuple(linkEndsArb(targets), fc.integer(LOSS_PERCENT))
        .map(([[from, to], percent]) => ({ kind, from, to, percent }));
  }
}

/**
 * Servers split in two (a side each; were they all on one, the first one goes alone, which is
 * also where shrinking ends), and each client with one side or, in no group, reaching both.
 */
function sidesArb(targets: ScheduleTargets): fc.Arbitrary<string[][]> {
  const all = servers(targets);
  const free = clients(targets);
  return fc
    .tuple(
      fc.array(fc.boolean(), { minLength: all.length, maxLength: all.length }),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: free.length, maxLength: free.length }),
    )
    .map(([bits, placed]) => {
      const oneSided = bits.every((b) => b === bits[0]);
      const sides: string[][] = [[], []];
      for (const [i, server] of all.entries()) sides[bits[i] !== (oneSided && i === 0) ? 0 : 1]?.push(server);
      for (const [i, client] of free.entries()) if (placed[i]) sides[(placed[i] ?? 1) - 1]?.push(client);
      return sides.map((side) => side.sort());
    });
}

/** Two ends of a link: two different servers, or a client and a broker. */
function linkEndsArb(targets: ScheduleTargets): fc.Arbitrary<[string, string]> {
  const ends = [...servers(targets), ...clients(targets)];
  return fc
    .tuple(pick(ends), fc.nat({ max: servers(targets).length - 1 }))
    .map(([from, i]): [string, string] => {
      const to = servers(targets).includes(from)
        ? servers(targets).filter((s) => s !== from)
        : targets.brokers;
      return [from, to[i % to.length] as string];
    });
}
