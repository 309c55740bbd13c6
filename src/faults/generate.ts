import { formatDuration, parseDuration } from '../scenario/duration.js';
import type { TimelineEntry } from '../scenario/types.js';
import { Rng } from '../sim/rng.js';
import { MILLISECOND, type SimTime } from '../sim/time.js';
import {
  type FaultChoice,
  faultEntry,
  hitsOneBroker,
  LATENCY_SPIKE_MS,
  LOSS_PERCENT,
  lasts,
} from './entry.js';
import type { FaultKind, FaultSpec } from './spec.js';

/** What the generator may aim at: the scenario's processes and the partitions it starts with. */
export interface FaultTargets {
  readonly brokers: readonly string[];
  readonly zookeepers: readonly string[];
  readonly producers: readonly string[];
  readonly consumers: readonly string[];
  /** `<topic>-<partition>` of the topics the scenario creates at the start. */
  readonly partitions: readonly string[];
}

/** A drawn fault: the timeline entry it becomes, and its kind (for shrinking and reports). */
export interface DrawnFault {
  readonly kind: FaultKind;
  readonly entry: TimelineEntry;
}

/** A `restart` is a bounce: the broker is back within this (FoundationDB's "reboot"). */
export const BOUNCE = { min: 100 * MILLISECOND, max: 3_000 * MILLISECOND };

/** Whether `kind` has something to hit among `targets` (lists left out are empty). */
export function kindApplies(
  kind: FaultKind,
  targets: Pick<FaultTargets, 'brokers'> & Partial<Omit<FaultTargets, 'brokers'>>,
): boolean {
  switch (kind) {
    case 'crash-consumer':
      return (targets.consumers ?? []).length > 0;
    case 'kill-leader':
      return (targets.partitions ?? []).length > 0;
    case 'partition':
    case 'latency':
    case 'loss':
      return targets.brokers.length + (targets.zookeepers ?? []).length >= 2;
    default:
      return targets.brokers.length > 0;
  }
}

/** The kinds that can hit something in this scenario. */
export function applicableKinds(spec: FaultSpec, targets: FaultTargets): FaultKind[] {
  return [...spec.kinds.keys()].filter((kind) => kindApplies(kind, targets));
}

/**
 * Draws the faults of one seed from the `faults:` section, swarm style (Groce et al., "Swarm
 * Testing", as FoundationDB's simulator mixes its faults): the seed first enables a random subset
 * of the kinds at random weights, so that a seed may hammer one kind or a rare pair; then it draws
 * how many faults, and for each a kind, a start in the window, a length that ends inside the
 * window, and a target. Every draw comes from the seed's own `faults` stream, so the world's dice
 * are the same with or without faults. Times are whole milliseconds.
 */
export function drawFaults(spec: FaultSpec, targets: FaultTargets, seed: number): DrawnFault[] {
  const rng = new Rng(seed).fork('faults');
  let kinds = applicableKinds(spec, targets);
  if (kinds.length === 0) return [];
  const weights = new Map<FaultKind, number>();
  if (spec.swarm) {
    let enabled = kinds.filter(() => rng.chance(0.5));
    if (enabled.length === 0) enabled = [rng.pick(kinds)];
    kinds = enabled;
    for (const kind of kinds) weights.set(kind, (spec.kinds.get(kind) ?? 1) * rng.floatBetween(0.1, 1));
  } else for (const kind of kinds) weights.set(kind, spec.kinds.get(kind) ?? 1);
  const count = drawCount(spec, rng);
  const faults: DrawnFault[] = [];
  for (let i = 0; i < count; i++) {
    const kind = pickWeighted(kinds, weights, rng);
    faults.push(drawOne(kind, spec, targets, rng));
  }
  return faults.sort((a, b) => startOf(a) - startOf(b));
}

function drawCount(spec: FaultSpec, rng: Rng): number {
  if (spec.count.kind === 'range') return rng.intBetween(spec.count.min, spec.count.max);
  // A Poisson draw with the window's mean (Knuth's method; the means here are small).
  const mean = (spec.count.perMinute * (spec.until - spec.from)) / 60_000_000;
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng.next(); p > limit; p *= rng.next()) k++;
  return k;
}

function pickWeighted(kinds: readonly FaultKind[], weights: ReadonlyMap<FaultKind, number>, rng: Rng) {
  const total = kinds.reduce((sum, kind) => sum + (weights.get(kind) ?? 0), 0);
  let x = rng.next() * total;
  for (const kind of kinds) {
    x -= weights.get(kind) ?? 0;
    if (x < 0) return kind;
  }
  return kinds[kinds.length - 1] as FaultKind;
}

/** Whole milliseconds in [min, max]. */
function msBetween(rng: Rng, min: SimTime, max: SimTime): SimTime {
  return rng.intBetween(Math.ceil(min / MILLISECOND), Math.floor(max / MILLISECOND)) * MILLISECOND;
}

function drawOne(kind: FaultKind, spec: FaultSpec, targets: FaultTargets, rng: Rng): DrawnFault {
  const lasting = lasts(kind);
  const range = kind === 'restart' ? BOUNCE : spec.lasts;
  const shortest = lasting ? Math.min(range.min, spec.until - spec.from) : 0;
  const at = msBetween(rng, spec.from, spec.until - shortest);
  const length = lasting ? msBetween(rng, shortest, Math.min(range.max, spec.until - at)) : 0;
  const timing = { at: formatDuration(at), ...(lasting ? { for: formatDuration(length) } : {}) };
  return { kind, entry: faultEntry(drawChoice(kind, targets, rng), timing) };
}

/** What the fault hits, drawn from the seed. */
function drawChoice(kind: FaultKind, targets: FaultTargets, rng: Rng): FaultChoice {
  if (hitsOneBroker(kind)) return { kind, broker: rng.pick(targets.brokers) };
  switch (kind) {
    case 'kill-controller':
      return { kind };
    case 'kill-leader':
      return { kind, partition: rng.pick(targets.partitions) };
    case 'crash-consumer':
      return { kind, consumer: rng.pick(targets.consumers) };
    case 'partition': {
      const servers = rng.shuffled([...targets.brokers, ...targets.zookeepers]);
      const cut = rng.intBetween(1, servers.length - 1);
      const sides = [servers.slice(0, cut), servers.slice(cut)];
      for (const client of [...targets.producers, ...targets.consumers])
        if (rng.chance(0.5)) sides[rng.below(2)]?.push(client);
      return { kind, sides };
    }
    case 'latency':
    case 'loss': {
      const [from, to] = linkEnds(targets, rng);
      if (kind === 'loss')
        return {
          kind,
          from,
          to,
          percent: Math.round(rng.floatBetween(LOSS_PERCENT.min / 100, LOSS_PERCENT.max / 100) * 100),
        };
      // Drawn evenly on a log scale.
      const { min, max } = LATENCY_SPIKE_MS;
      return { kind, from, to, lowMs: Math.round(min * (max / min) ** rng.next()) };
    }
  }
}

/** Two ends of a link: two servers, or a client and a broker. */
function linkEnds(targets: FaultTargets, rng: Rng): [string, string] {
  const clients = [...targets.producers, ...targets.consumers];
  if (clients.length > 0 && rng.chance(0.3)) return [rng.pick(clients), rng.pick(targets.brokers)];
  const servers = rng.shuffled([...targets.brokers, ...targets.zookeepers]);
  return [servers[0] as string, servers[1] as string];
}

function startOf(fault: DrawnFault): SimTime {
  return parseDuration(fault.entry.at) ?? 0;
}
