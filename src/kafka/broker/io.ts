import type { TimerHandle } from '../../sim/process.js';
import type { Rng } from '../../sim/rng.js';
import type { SimTime } from '../../sim/time.js';
import type { KafkaMessage } from '../protocol.js';

/** Timers of a broker's replica manager. */
export type ReplicaManagerTimer =
  | { readonly kind: 'isr-expiration' }
  | { readonly kind: 'hw-checkpoint' }
  | { readonly kind: 'fetch-backoff'; readonly leader: number }
  | { readonly kind: 'fetch-timeout'; readonly leader: number; readonly correlationId: number }
  | { readonly kind: 'delayed-fetch'; readonly id: number }
  | { readonly kind: 'delayed-produce'; readonly id: number }
  | { readonly kind: 'alter-partition-retry' }
  | { readonly kind: 'isr-change-propagation' };

/** What the replica manager needs of its broker's process context (a ProcessContext fits). */
export interface BrokerIO {
  readonly now: SimTime;
  readonly rng: Rng;
  send(to: string, message: KafkaMessage): void;
  disconnect(peer: string): void;
  setTimer(delay: SimTime, tag: ReplicaManagerTimer): TimerHandle;
  cancelTimer(handle: TimerHandle): void;
  note(text: string): void;
}

/** Process names of brokers: `broker-<id>`. */
export const brokerName = (id: number): string => `broker-${id}`;

/** The broker id of a process name `broker-<id>`, or undefined. */
export function brokerIdOf(name: string): number | undefined {
  const match = /^broker-(\d+)$/.exec(name);
  return match === null ? undefined : Number(match[1]);
}
