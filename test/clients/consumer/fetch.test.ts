import { describe, expect, it } from 'vitest';
import { seconds } from '../../../src/sim/time.js';
import { consumerWorld } from './harness.js';

describe('consumer fetch (manual assignment)', () => {
  it('reads only acknowledged records below the high watermark, in order', () => {
    const w = consumerWorld({ partitions: 1 });
    w.produce(5, 30);
    w.consumer('c1', 4, {
      subscribe: undefined,
      assign: [{ topic: 't', partition: 0 }],
      commitMode: 'after-processing',
      config: { 'auto.offset.reset': 'earliest' },
    });
    w.world.runUntil(seconds(20));
    const offsets = w.polled().map((r) => r.offset);
    expect(offsets.length).toBe(30);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(new Set(offsets).size).toBe(30);
    expect(w.acked.length).toBe(30);
  });

  it('auto.offset.reset: latest starts at the high watermark, earliest at 0, none fails the poll', () => {
    const w = consumerWorld({ partitions: 1 });
    w.produce(3, 10); // all acknowledged by 4.1 s
    for (const [name, reset] of [
      ['latest', 'latest'],
      ['earliest', 'earliest'],
      ['none', 'none'],
    ] as const)
      w.consumer(name, 8, {
        subscribe: undefined,
        assign: [{ topic: 't', partition: 0 }],
        commitMode: 'after-processing',
        config: { 'auto.offset.reset': reset, 'group.id': `g-${name}` },
        maxPolls: 5,
      });
    w.world.runUntil(seconds(20));
    const by = (p: string) => w.polled().filter((r) => r.process === p);
    expect(by('earliest').map((r) => r.offset)).toEqual([...Array(10).keys()]);
    expect(by('latest')).toEqual([]);
    const fails = w.history.ops.filter((o) => o.process === 'none' && o.f === 'poll' && o.type === 'fail');
    expect(fails.length).toBeGreaterThan(0);
    expect((fails[0] as { error?: string }).error).toMatch(/^NoOffsetForPartitionException/);
  });
});
