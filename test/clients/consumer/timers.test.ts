import { describe, expect, it } from 'vitest';
import { type ConsumerContext, Timers } from '../../../src/clients/consumer/network.js';

/** A context that only records the delays timers are set with. */
function recordingContext(delays: number[]): ConsumerContext {
  return {
    setTimer: (delay: number) => {
      delays.push(delay);
      return delays.length;
    },
  } as unknown as ConsumerContext;
}

describe('consumer timers', () => {
  it('never arm a positive delay at zero (regression: a heartbeat 3.6e-12 ms early re-armed itself forever)', () => {
    const delays: number[] = [];
    const timers = new Timers(recordingContext(delays));
    timers.after(3.637978807091713e-12, 'heartbeat', () => {});
    timers.after(0.0004, 'heartbeat', () => {});
    timers.after(0, 'now', () => {});
    timers.after(-5, 'past', () => {});
    timers.after(2.5, 'later', () => {});
    expect(delays).toEqual([1, 1, 0, 0, 2500]);
  });
});
