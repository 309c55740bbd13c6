/**
 * Virtual time. The unit is the microsecond, held as an integer `number`.
 *
 * Kafka's configs are in milliseconds and network latencies are sub-millisecond, so the
 * microsecond resolves both. Integers stay exact up to 2^53 µs (about 285 years of simulated
 * time), and integer arithmetic keeps every run identical on every machine.
 */
export type SimTime = number;

export const MICROSECOND: SimTime = 1;
export const MILLISECOND: SimTime = 1_000;
export const SECOND: SimTime = 1_000_000;
export const MINUTE: SimTime = 60 * SECOND;

/** Milliseconds (Kafka's unit for configs) to simulated time. */
export function ms(value: number): SimTime {
  return Math.round(value * MILLISECOND);
}

/** Seconds to simulated time. */
export function seconds(value: number): SimTime {
  return Math.round(value * SECOND);
}

/** Simulated time to milliseconds, possibly fractional. */
export function toMillis(time: SimTime): number {
  return time / MILLISECOND;
}

/** Fixed-width, human-readable time: `12.345678s`. Exact: the microseconds are printed as digits. */
export function formatTime(time: SimTime): string {
  const whole = Math.trunc(time / SECOND);
  const micros = Math.abs(time - whole * SECOND);
  const sign = time < 0 && whole === 0 ? '-' : '';
  return `${sign}${whole}.${String(micros).padStart(6, '0')}s`;
}

/** Throws unless `time` is a finite, non-negative integer number of microseconds. */
export function assertSimTime(time: number, what: string): void {
  if (!Number.isSafeInteger(time) || time < 0) {
    throw new RangeError(`${what} must be a non-negative integer number of microseconds, got ${time}`);
  }
}
