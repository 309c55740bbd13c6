import { describe, expect, it } from 'vitest';
import { ms, World } from '../src/index.js';

// The example of README.md's "The engine in brief", kept running here.
function readmeExample(): string {
  const world = new World<string, 'tick'>({ seed: 42, trace: 'messages' });
  world.spawn('a', (ctx) => ({
    onStart: () => void ctx.setTimer(ms(10), 'tick'),
    onTimer: () => ctx.send('b', 'hello'),
    onMessage: () => {},
  }));
  world.spawn('b', (ctx) => ({ onMessage: (from, m) => ctx.note(`${m} from ${from}`) }));
  world.at(ms(5), () => world.network.partition([['a'], ['b']]), 'partition');
  world.at(ms(50), () => world.network.heal(), 'heal');
  world.runUntil(ms(100));
  expect(world.trace.filter((r) => r.kind === 'note').map((r) => `${r.time} ${r.detail}`)).toEqual([
    '50000 hello from a', // sent at 10 ms into the partition, delivered when it healed
  ]);
  return world.traceHash();
}

describe('README example', () => {
  it('runs as written and gives one hash', () => {
    expect(readmeExample()).toBe(readmeExample());
  });
});
