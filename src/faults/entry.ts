import type { TimelineEntry } from '../scenario/types.js';
import type { FaultKind } from './spec.js';

/**
 * What a fault of each kind hits, once drawn. The seed's generator (generate.ts) and the fast-check
 * arbitraries (arbitraries.ts) draw these their own ways, and both turn them into timeline entries
 * here, so that the two write the same shapes over the same ranges.
 */
export type FaultChoice =
  | { readonly kind: BrokerFaultKind; readonly broker: string }
  | { readonly kind: 'kill-controller' }
  | { readonly kind: 'kill-leader'; readonly partition: string }
  | { readonly kind: 'crash-consumer'; readonly consumer: string }
  /** Servers split in two, each client with one side or (in neither) reaching both. */
  | { readonly kind: 'partition'; readonly sides: readonly (readonly string[])[] }
  /** A spike of `lowMs` to twice that on the link. */
  | { readonly kind: 'latency'; readonly from: string; readonly to: string; readonly lowMs: number }
  | { readonly kind: 'loss'; readonly from: string; readonly to: string; readonly percent: number };

/** The kinds that hit one broker of the scenario's (`restart` is a crash with a bounce's length). */
const BROKER_FAULT_KINDS = ['crash', 'restart', 'power-loss', 'pause', 'isolate', 'expire-session'] as const;
type BrokerFaultKind = (typeof BROKER_FAULT_KINDS)[number];

export function hitsOneBroker(kind: FaultKind): kind is BrokerFaultKind {
  return (BROKER_FAULT_KINDS as readonly FaultKind[]).includes(kind);
}

/** When: `at`, and for a lasting fault (every kind but expire-session) `for`, as duration text. */
export interface FaultTiming {
  readonly at: string;
  readonly for?: string;
}

/** A latency spike's lower bound (its upper is twice that): 20 ms to 10 s. */
export const LATENCY_SPIKE_MS = { min: 20, max: 10_000 } as const;

/** A lossy link drops 5% to 50% of its messages. */
export const LOSS_PERCENT = { min: 5, max: 50 } as const;

/** Whether a fault of `kind` lasts (and is undone after its `for`), or is one moment. */
export function lasts(kind: FaultKind): boolean {
  return kind !== 'expire-session';
}

/** The timeline entry of a drawn fault. */
export function faultEntry(choice: FaultChoice, timing: FaultTiming): TimelineEntry {
  switch (choice.kind) {
    case 'crash':
    case 'restart':
      return { ...timing, crash: choice.broker };
    case 'power-loss':
      return { ...timing, 'power-loss': choice.broker };
    case 'pause':
      return { ...timing, pause: choice.broker };
    case 'isolate':
      return { ...timing, isolate: choice.broker };
    case 'expire-session':
      return { ...timing, 'expire-session': choice.broker };
    case 'kill-controller':
      return { ...timing, crash: 'controller' };
    case 'kill-leader':
      return { ...timing, crash: { leader: choice.partition } };
    case 'crash-consumer':
      return { ...timing, crash: choice.consumer };
    case 'partition':
      return { ...timing, partition: choice.sides.map((side) => [...side].sort()) };
    case 'latency':
      return {
        ...timing,
        link: {
          from: choice.from,
          to: choice.to,
          latency: { distribution: 'uniform', min: `${choice.lowMs}ms`, max: `${2 * choice.lowMs}ms` },
        },
      };
    case 'loss':
      return { ...timing, link: { from: choice.from, to: choice.to, loss: choice.percent / 100 } };
  }
}
