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

/** Names already built, by small broker id: the same string each time, its hash cached for Map lookups. */
const NAMES: string[] = [];

/** Process names of brokers: `broker-<id>`. */
export function brokerName(id: number): string {
  if (id >= 0 && id < 1024 && Number.isInteger(id)) {
    let name = NAMES[id];
    if (name === undefined) {
      name = `broker-${id}`;
      NAMES[id] = name;
    }
    return name;
  }
  return `broker-${id}`;
}

/** Ids of the names already parsed (a process's name is the same string every time). */
const IDS = new Map<string, number | undefined>();

/** The broker id of a process name `broker-<id>`, or undefined. */
export function brokerIdOf(name: string): number | undefined {
  if (IDS.has(name)) return IDS.get(name);
  const match = /^broker-(\d+)$/.exec(name);
  const id = match === null ? undefined : Number(match[1]);
  if (IDS.size < 4096) IDS.set(name, id);
  return id;
}
