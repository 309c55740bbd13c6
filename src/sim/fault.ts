import type { LinkSettings } from './network.js';

/**
 * One fault injected into a world, named by process: the engine's whole fault vocabulary, so
 * test schedules, the nemesis and scenario files all speak it and one place applies it.
 */
export type Fault =
  | { readonly kind: 'crash'; readonly process: string }
  | { readonly kind: 'power-loss'; readonly process: string }
  | { readonly kind: 'restart'; readonly process: string }
  | { readonly kind: 'pause'; readonly process: string }
  | { readonly kind: 'resume'; readonly process: string }
  | { readonly kind: 'isolate'; readonly process: string }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly string[])[] }
  | { readonly kind: 'one-way'; readonly from: readonly string[]; readonly to: readonly string[] }
  | { readonly kind: 'hold'; readonly from: string; readonly to: string }
  | { readonly kind: 'release'; readonly from: string; readonly to: string }
  | {
      readonly kind: 'link';
      readonly from: string;
      readonly to: string;
      readonly settings: LinkSettings;
      readonly oneWay?: boolean;
    }
  | {
      readonly kind: 'reset-link';
      readonly from: string;
      readonly to: string;
      readonly oneWay?: boolean;
    }
  /** Ends one partition or isolation, named as the trace names it (Network.lift). */
  | { readonly kind: 'lift'; readonly rule: string }
  | { readonly kind: 'heal' };

/** A short label for traces: the kind and whom it hits. */
export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'partition':
      return `partition ${fault.groups.map((g) => g.join(',')).join(' | ')}`;
    case 'one-way':
      return `one-way ${fault.from.join(',')} -> ${fault.to.join(',')}`;
    case 'hold':
    case 'release':
    case 'link':
    case 'reset-link':
      return `${fault.kind} ${fault.from} -> ${fault.to}`;
    case 'lift':
      return `lift ${fault.rule}`;
    case 'heal':
      return 'heal';
    default:
      return `${fault.kind} ${fault.process}`;
  }
}
