import type { Rng } from '../../sim/rng.js';
import type { KafkaProducer, ProducerApplication } from './producer.js';

/** How a workload picks record keys. */
export type KeyPattern =
  | { readonly kind: 'none' }
  /** Cycles through the keys in order. */
  | { readonly kind: 'fixed'; readonly keys: readonly string[] }
  /** key-0, key-1, …: every record its own key. */
  | { readonly kind: 'sequential'; readonly prefix?: string }
  /** Draws each key uniformly from the set (from the producer's own seeded stream). */
  | { readonly kind: 'random'; readonly keys: readonly string[] };

export interface ProducerWorkload {
  readonly topic: string;
  /** Records to send in all; unbounded when absent. */
  readonly count?: number;
  /** Records per simulated second (default 100). */
  readonly rate?: number;
  readonly keys?: KeyPattern;
  /** Each value's size on the wire in bytes (default: the length of its id, e.g. "p1-17"). */
  readonly valueBytes?: number;
  /** An explicit partition for every record. */
  readonly partition?: number;
  /** Simulated ms after the producer starts before the first send (default 0). */
  readonly startAfterMs?: number;
}

const NO_KEYS: KeyPattern = { kind: 'none' };

/** The key of record number `n` under `pattern`. */
export function keyFor(pattern: KeyPattern, n: number, rng: Rng): string | null {
  switch (pattern.kind) {
    case 'none':
      return null;
    case 'fixed':
      return pattern.keys.length === 0 ? null : (pattern.keys[n % pattern.keys.length] as string);
    case 'sequential':
      return `${pattern.prefix ?? 'key-'}${n}`;
    case 'random':
      return pattern.keys.length === 0 ? null : (pattern.keys[rng.below(pattern.keys.length)] as string);
  }
}

/**
 * A producer application that sends `count` records at `rate` per second. Values are unique in a
 * run: `<process>-<n>`, or `<process>.<incarnation>-<n>` after a restart (a restarted producer is
 * a new KafkaProducer that sends its records again). While `send` blocks (metadata or
 * buffer.memory), the next send waits: the application thread is inside `send`.
 */
export function workloadApplication(
  workload: ProducerWorkload,
  incarnation: number,
  rng: Rng,
): ProducerApplication {
  const interval = Math.max(1, Math.round(1_000_000 / (workload.rate ?? 100)));
  const keys = workload.keys ?? NO_KEYS;
  const topic = workload.topic;
  const { valueBytes, partition } = workload;
  let prefix: string | undefined;
  let sent = 0;
  const tick = (producer: KafkaProducer): void => {
    if (workload.count !== undefined && sent >= workload.count) return;
    if (producer.isBlocked) {
      producer.schedule(interval);
      return;
    }
    const n = sent++;
    prefix ??= incarnation === 1 ? `${producer.processName}-` : `${producer.processName}.${incarnation}-`;
    const value = `${prefix}${n}`;
    const key = keyFor(keys, n, rng);
    // The same request as { topic, key, value, ...valueBytes?, ...partition? }, without the spreads.
    if (valueBytes === undefined && partition === undefined) producer.send({ topic, key, value });
    else if (partition === undefined) producer.send({ topic, key, value, valueBytes: valueBytes as number });
    else if (valueBytes === undefined) producer.send({ topic, key, value, partition });
    else producer.send({ topic, key, value, valueBytes, partition });
    if (workload.count === undefined || sent < workload.count) producer.schedule(interval);
  };
  return {
    onStart(producer) {
      producer.schedule(Math.round((workload.startAfterMs ?? 0) * 1000));
    },
    onTimer: tick,
  };
}
