import { describe, expect, it } from 'vitest';
import { Cluster, ms, type SendOp, seconds, World } from '../src/index.js';

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

// The example of README.md's "A cluster with clients".
describe('README cluster example', () => {
  it('acknowledges every record once across a broker crash', () => {
    const cluster = new Cluster({ seed: 7, brokers: 3, brokerConfig: { 'min.insync.replicas': 2 } });
    cluster.createTopic({ name: 'orders', partitions: 3, replicationFactor: 3 });
    cluster.addProducer(
      'p1',
      {
        workload: { topic: 'orders', count: 100, rate: 50, keys: { kind: 'random', keys: ['a', 'b', 'c'] } },
      },
      seconds(2),
    );
    cluster.world.injectAt(seconds(3), { kind: 'crash', process: 'broker-1' });
    cluster.world.runUntil(seconds(60));
    const acked = cluster.clients.ops.filter((op): op is SendOp => op.f === 'send' && op.type === 'ok');
    expect(acked).toHaveLength(100);
    const committed = [0, 1, 2].flatMap((p) => cluster.committedValues('orders', p).map((r) => r.value));
    expect(committed.sort()).toEqual(acked.map((op) => op.record.value).sort());
  });
});

// The scenario file of README.md's "Scenario files", compiled and run as written.
describe('README scenario example', () => {
  it('is a valid scenario that meets its expectations', async () => {
    const { readFileSync } = await import('node:fs');
    const { compileScenario } = await import('../src/scenario/compile.js');
    const { runScenario } = await import('../src/scenario/run.js');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /## Scenario files[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const run = runScenario(compileScenario('README.md', block as string));
    expect(run.assertions.every((a) => a.passed)).toBe(true);
    expect(run.verdict).toBe('pass');
  });
});
