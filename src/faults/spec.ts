import { SECOND, type SimTime } from '../sim/time.js';

/**
 * The kinds of fault a `faults:` section may mix. Each becomes one timeline entry, most with a
 * `for` that undoes it (see generate.ts for what each one does).
 */
export const FAULT_KINDS = [
  'crash',
  'power-loss',
  'restart',
  'pause',
  'partition',
  'isolate',
  'latency',
  'loss',
  'expire-session',
  'kill-controller',
  'kill-leader',
  'crash-consumer',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** How many faults a seed gets: a range to draw from, or a mean rate per minute of the window. */
export type FaultCount =
  | { readonly kind: 'range'; readonly min: number; readonly max: number }
  | { readonly kind: 'rate'; readonly perMinute: number };

/** A compiled `faults:` section: a random mix, drawn per seed (see drawFaults). */
export interface FaultSpec {
  /** The kinds it may draw, each with a relative weight. */
  readonly kinds: ReadonlyMap<FaultKind, number>;
  readonly count: FaultCount;
  /** Faults begin at or after `from`... */
  readonly from: SimTime;
  /** ...and every one has ended by `until`: the rest of the run is the healing period. */
  readonly until: SimTime;
  /** How long a lasting fault lasts (a `restart` bounce is shorter: see generate.ts). */
  readonly lasts: { readonly min: SimTime; readonly max: SimTime };
  /** Swarm testing: each seed enables a random subset of the kinds, at random weights. */
  readonly swarm: boolean;
  /** The brokers faults may hit (default: all). */
  readonly brokers: readonly number[];
}

/** What a `faults:` section may say, as written (durations as text). */
export interface FaultsFileSpec {
  readonly kinds?: readonly FaultKind[] | Readonly<Partial<Record<FaultKind, number>>>;
  readonly count?: number | { readonly min: number; readonly max: number };
  readonly rate?: number;
  readonly from?: string;
  readonly until?: string;
  readonly lasts?: { readonly min: string; readonly max: string };
  readonly swarm?: boolean;
  readonly brokers?: readonly number[];
}

export const DEFAULT_FAULT_COUNT: FaultCount = { kind: 'range', min: 1, max: 5 };
export const DEFAULT_LASTS = { min: SECOND, max: 30 * SECOND };
