import { describe, expect, it } from 'vitest';
import { assertSimTime, formatTime, MILLISECOND, ms, SECOND, seconds, toMillis } from '../../src/sim/time.js';

describe('virtual time', () => {
  it('is counted in microseconds', () => {
    expect(MILLISECOND).toBe(1_000);
    expect(SECOND).toBe(1_000_000);
    expect(ms(30_000)).toBe(30_000_000);
    expect(ms(0.25)).toBe(250);
    expect(seconds(45)).toBe(45_000_000);
    expect(toMillis(1_500)).toBe(1.5);
  });

  it('formats exactly, with fixed width microseconds', () => {
    expect(formatTime(0)).toBe('0.000000s');
    expect(formatTime(1)).toBe('0.000001s');
    expect(formatTime(12_345_678)).toBe('12.345678s');
  });

  it('rejects times that are not non-negative integers', () => {
    expect(() => assertSimTime(-1, 't')).toThrow(/non-negative integer/);
    expect(() => assertSimTime(1.5, 't')).toThrow(/non-negative integer/);
    expect(() => assertSimTime(Number.NaN, 't')).toThrow();
    expect(() => assertSimTime(10, 't')).not.toThrow();
  });
});
