import type { SimTime } from '../sim/time.js';

/** A duration as scenario files write it: a number and a unit (`250ms`, `5s`, `2m`, `1h`, `500us`). */
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(us|ms|s|m|h)$';

const UNIT: Record<string, number> = { us: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };

/** The duration in simulated microseconds, or undefined when `text` is not a duration. */
export function parseDuration(text: string): SimTime | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)(us|ms|s|m|h)$/.exec(text);
  if (match === null) return undefined;
  const value = Number(match[1]) * (UNIT[match[2] as string] as number);
  return Number.isFinite(value) ? Math.round(value) : undefined;
}

/** Simulated microseconds as the shortest exact duration text (`1500ms`, `2s`, `3m`). */
export function formatDuration(time: SimTime): string {
  for (const unit of ['h', 'm', 's', 'ms'] as const) {
    const size = UNIT[unit] as number;
    if (time % size === 0) return `${time / size}${unit}`;
  }
  return `${time}us`;
}
