import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LatencyDistribution } from '../../src/sim/latency.js';
import type { ProcessContext } from '../../src/sim/process.js';
import { World } from '../../src/sim/world.js';

type Msg = number | string;

const latencyArb = fc.constantFrom<LatencyDistribution>(
  { kind: 'uniform', min: 0, max: 5_000 },
  { kind: 'exponential', mean: 2_000 },
  { kind: 'lognormal', median: 300, sigma: 2 },
  { kind: 'pareto', min: 10, alpha: 0.8, max: 100_000 },
);

/** A receiver that records, per sender, what it got and every disconnect. */
function recorder(events: string[], got: Map<string, Msg[]>) {
  return (ctx: ProcessContext<Msg>) => ({
    onMessage(from: string, m: Msg) {
      events.push(`${ctx.now} ${ctx.name} <- ${from} ${m}`);
      got.set(from, [...(got.get(from) ?? []), m]);
    },
    onDisconnect(peer: string) {
      events.push(`${ctx.now} ${ctx.name} disconnected from ${peer}`);
    },
  });
}

describe('network: TCP-like connections', () => {
  it('delivers each connection in FIFO order under random latencies, pauses, holds and partitions', () => {
    const faultArb = fc.array(
      fc.record({
        at: fc.nat(60_000),
        kind: fc.constantFrom('pause', 'resume', 'hold', 'release', 'cut', 'heal'),
      }),
      { maxLength: 10 },
    );
    fc.assert(
      fc.property(
        fc.integer(),
        latencyArb,
        fc.array(fc.nat(50_000), { minLength: 1, maxLength: 60 }),
        faultArb,
        (seed, latency, sendTimes, faults) => {
          const world = new World<Msg, number>({ seed, latency });
          const got = new Map<string, Msg[]>();
          world.spawn('rx', recorder([], got));
          for (const sender of ['s1', 's2']) {
            world.spawn(sender, (ctx) => {
              let n = 0;
              return {
                onStart() {
                  for (const t of sendTimes) ctx.setTimer(t, t);
                },
                onTimer() {
                  ctx.send('rx', n++);
                },
                onMessage() {},
              };
            });
          }
          for (const f of faults) {
            world.at(f.at, () => {
              if (f.kind === 'pause') world.pause('rx');
              if (f.kind === 'resume') world.resume('rx');
              if (f.kind === 'hold') world.network.hold('s1', 'rx');
              if (f.kind === 'release') world.network.release('s1', 'rx');
              if (f.kind === 'cut') world.network.partition([['s2'], ['rx']]);
              if (f.kind === 'heal') world.network.heal();
            });
          }
          world.at(70_000, () => {
            world.network.heal();
            world.resume('rx');
          });
          world.runUntilQuiescent();
          const everything = sendTimes.map((_, i) => i);
          // nothing lost, nothing reordered, nothing doubled
          expect(got.get('s1')).toEqual(everything);
          expect(got.get('s2')).toEqual(everything);
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 200) },
    );
  });

  it('keeps order when a held link is released into a paused receiver (regression)', () => {
    // Found by the FIFO property: a frame parked behind a stalled one was queued twice in the
    // link's backlog on resume, and a later frame waited behind the ghost forever.
    const got = new Map<string, Msg[]>();
    const world = new World<Msg>({ seed: 1579544567, latency: { kind: 'uniform', min: 0, max: 5_000 } });
    world.spawn('rx', recorder([], got));
    world.spawn('s1', (ctx) => ({
      onStart() {
        for (let n = 0; n < 3; n++) ctx.send('rx', n);
      },
      onMessage() {},
    }));
    world.at(0, () => {
      world.pause('rx');
      world.network.hold('s1', 'rx');
    });
    world.at(839, () => world.network.release('s1', 'rx'));
    world.at(840, () => world.resume('rx'));
    world.runUntilQuiescent();
    expect(got.get('s1')).toEqual([0, 1, 2]);
  });

  it('delivers nothing across a partition while it stands', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        latencyArb,
        fc.array(fc.record({ at: fc.nat(40_000), split: fc.nat(7), oneWay: fc.boolean() }), { maxLength: 8 }),
        (seed, latency, cuts) => {
          const names = ['a', 'b', 'c', 'd'];
          const world = new World<Msg, string>({ seed, latency });
          let delivered = 0;
          for (const name of names) {
            world.spawn(
              name,
              (ctx) => ({
                onStart() {
                  ctx.setTimer(ctx.rng.intBetween(0, 500), 'send');
                },
                onTimer(tag) {
                  ctx.send(ctx.rng.pick(names.filter((n) => n !== ctx.name)), ctx.now);
                  if (ctx.now < 50_000) ctx.setTimer(ctx.rng.intBetween(100, 1_000), tag);
                },
                onMessage(from) {
                  delivered++;
                  // the link from the sender to here must be open at the moment of delivery
                  expect(world.network.isBlocked(from, ctx.name)).toBe(false);
                },
                onDisconnect() {},
              }),
              { start: false },
            );
          }
          for (const name of names) world.start(name);
          for (const cut of cuts) {
            world.at(cut.at, () => {
              world.network.heal();
              const left = names.filter((_, i) => (cut.split >> i) & 1);
              const right = names.filter((n) => !left.includes(n));
              if (cut.oneWay) world.network.partitionOneWay(left, right);
              else world.network.partition([left, right]);
            });
          }
          world.runUntil(60_000);
          return delivered > 0;
        },
      ),
      { numRuns: 100 },
    );
  });

  it('stalls messages into a partition and delivers them, in order, on heal', () => {
    const events: string[] = [];
    const got = new Map<string, Msg[]>();
    const world = new World<Msg>({ seed: 1, latency: { kind: 'constant', value: 100 } });
    world.spawn('rx', recorder(events, got));
    world.spawn('tx', (ctx) => ({
      onStart() {
        ctx.send('rx', 'before');
      },
      onMessage() {},
    }));
    world.network.partition([['tx'], ['rx']]);
    world.at(50, () => world.network.heal());
    world.runUntilQuiescent();
    expect(events).toEqual(['100 rx <- tx before']);
    const late = new World<Msg>({ seed: 1, latency: { kind: 'constant', value: 100 } });
    late.spawn('rx', recorder(events, got));
    late.spawn('tx', (ctx) => ({
      onStart() {
        ctx.send('rx', 1);
        ctx.send('rx', 2);
      },
      onMessage() {},
    }));
    late.network.isolate('rx');
    late.at(5_000, () => late.network.heal());
    late.runUntilQuiescent();
    expect(events.slice(1)).toEqual(['5000 rx <- tx 1', '5000 rx <- tx 2']);
  });

  it('cuts processes that start after an isolate, too', () => {
    const world = new World<Msg>({ seed: 1 });
    world.spawn('a', () => ({ onMessage() {} }));
    world.network.isolate('a');
    world.spawn('late', () => ({ onMessage() {} }));
    expect(world.network.isBlocked('late', 'a')).toBe(true);
    expect(world.network.isBlocked('a', 'late')).toBe(true);
    world.network.heal();
    expect(world.network.isBlocked('a', 'late')).toBe(false);
    expect(() => world.network.partition([['a'], ['a']])).toThrow(/two groups/);
  });

  it('lifts one isolation or partition and keeps the others (a fault with `for` ends alone)', () => {
    const world = new World<Msg>({ seed: 1, trace: 'faults' });
    for (const name of ['a', 'b', 'c']) world.spawn(name, () => ({ onMessage() {} }));
    world.network.isolate('a');
    world.network.partition([['b'], ['c']]);
    expect(world.network.lift('isolate a')).toBe(true);
    expect(world.network.isBlocked('a', 'b')).toBe(false);
    expect(world.network.isBlocked('b', 'c')).toBe(true);
    expect(world.network.isFaulty).toBe(true);
    expect(world.network.lift('isolate a')).toBe(false);
    expect(world.network.lift('[b] | [c]')).toBe(true);
    expect(world.network.isBlocked('b', 'c')).toBe(false);
    expect(world.network.isFaulty).toBe(false);
    expect(world.trace.filter((r) => r.kind === 'lift').map((r) => r.detail)).toEqual([
      'isolate a',
      '[b] | [c]',
    ]);
  });

  it('delivers what waited behind a lifted isolation, in order', () => {
    const events: string[] = [];
    const got = new Map<string, Msg[]>();
    const world = new World<Msg>({ seed: 1, latency: { kind: 'constant', value: 100 } });
    world.spawn('rx', recorder(events, got));
    world.spawn('tx', (ctx) => ({
      onStart() {
        ctx.send('rx', 1);
        ctx.send('rx', 2);
      },
      onMessage() {},
    }));
    world.network.isolate('rx');
    world.network.isolate('tx');
    world.at(3_000, () => world.network.lift('isolate rx'));
    world.at(5_000, () => world.network.lift('isolate tx'));
    world.runUntilQuiescent();
    expect(events).toEqual(['5000 rx <- tx 1', '5000 rx <- tx 2']);
  });

  it('tells both ends when a peer crashes, after what it sent has arrived, and refuses what is sent to it', () => {
    const events: string[] = [];
    const world = new World<Msg>({ seed: 1, latency: { kind: 'constant', value: 100 } });
    world.spawn(
      'client',
      (ctx) => ({
        onStart() {
          ctx.send('server', 'request');
          ctx.setTimer(250, 'again');
        },
        onTimer() {
          ctx.send('server', 'into the void');
        },
        onMessage(from, m) {
          events.push(`${ctx.now} client <- ${from} ${m}`);
        },
        onDisconnect(peer) {
          events.push(`${ctx.now} client disconnected from ${peer}`);
        },
      }),
      { start: false },
    );
    world.spawn('server', (ctx) => ({
      onMessage(from) {
        ctx.send(from, 'response');
      },
    }));
    world.start('client');
    world.at(150, () => world.crash('server'));
    world.runUntilQuiescent();
    expect(events).toEqual([
      '200 client <- server response',
      '250 client disconnected from server',
      // the message sent at 250 reaches a dead process: refused, and the client already knew
    ]);
    expect(world.stats.messagesDropped).toBe(1);
  });

  it('tells the sender when it sends to a process that is down', () => {
    const events: string[] = [];
    const world = new World<Msg>({ seed: 1, latency: { kind: 'constant', value: 100 } });
    world.spawn('down', () => ({ onMessage() {} }), { start: false });
    world.spawn('tx', (ctx) => ({
      onStart() {
        ctx.send('down', 'hello?');
      },
      onMessage() {},
      onDisconnect(peer) {
        events.push(`${ctx.now} tx disconnected from ${peer}`);
      },
    }));
    world.runUntilQuiescent();
    expect(events).toEqual(['200 tx disconnected from down']);
  });

  it('after a restart, refuses frames of the old connection and accepts a new one', () => {
    const events: string[] = [];
    const got = new Map<string, Msg[]>();
    const world = new World<Msg>({ seed: 1, latency: { kind: 'constant', value: 100 } });
    world.spawn('b', recorder(events, got));
    world.spawn('a', (ctx) => ({
      onStart() {
        ctx.send('b', 'first');
        ctx.setTimer(300, 'late');
      },
      onTimer() {
        ctx.send('b', 'late');
      },
      onMessage() {},
      onDisconnect(peer) {
        events.push(`${ctx.now} a disconnected from ${peer}`);
        ctx.send(peer, 'reconnect');
      },
    }));
    world.at(150, () => world.crash('b'));
    world.at(200, () => world.restart('b'));
    world.runUntilQuiescent();
    expect(events).toEqual([
      '100 b <- a first',
      '250 a disconnected from b', // the crash's reset
      '350 b <- a reconnect', // a new connection
      '400 b <- a late',
    ]);
  });

  it('sends through a peer handle as through a name, and refuses a handle of another world', () => {
    const events: string[] = [];
    const got = new Map<string, Msg[]>();
    const world = new World<Msg>({ seed: 1, latency: { kind: 'constant', value: 100 } });
    const other = new World<Msg>({ seed: 1 });
    other.spawn('rx', () => ({ onMessage() {} }));
    let foreign: ReturnType<ProcessContext<Msg>['peer']> | undefined;
    other.spawn('probe', (ctx) => {
      foreign = ctx.peer('rx');
      return { onMessage() {} };
    });
    world.spawn('rx', recorder(events, got));
    world.spawn('tx', (ctx) => ({
      onStart() {
        const rx = ctx.peer('rx');
        expect(rx.name).toBe('rx');
        ctx.send(rx, 'by handle');
        ctx.send('rx', 'by name');
        expect(() => ctx.send(foreign as ReturnType<ProcessContext<Msg>['peer']>, 'x')).toThrow(
          /another world/,
        );
        expect(() => ctx.peer('nobody')).toThrow(/unknown process 'nobody'/);
      },
      onMessage() {},
    }));
    world.runUntilQuiescent();
    expect(events).toEqual(['100 rx <- tx by handle', '100 rx <- tx by name']);
  });

  it('lets both ends open at once (TCP simultaneous open): everything arrives, nobody is reset', () => {
    const events: string[] = [];
    const got = new Map<string, Msg[]>();
    const world = new World<Msg>({ seed: 1, latency: { kind: 'constant', value: 100 } });
    for (const [me, peer] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      world.spawn(
        me,
        (ctx) => {
          const base = recorder(events, got)(ctx);
          return { ...base, onStart: () => ctx.send(peer, `hello from ${me}`) };
        },
        { start: false },
      );
    }
    world.start('a');
    world.start('b');
    world.runUntilQuiescent();
    expect(events).toEqual(['100 b <- a hello from a', '100 a <- b hello from b']);
  });

  it('delivers what was sent before a close, then tells the peer; later frames on the old connection are reset', () => {
    const events: string[] = [];
    const got = new Map<string, Msg[]>();
    const world = new World<Msg>({ seed: 1, latency: { kind: 'constant', value: 100 } });
    world.spawn('server', recorder(events, got));
    world.spawn('client', (ctx) => ({
      onStart() {
        ctx.send('server', 'last words');
        ctx.disconnect('server');
        ctx.disconnect('server'); // closing twice is harmless
        ctx.send('server', 'new connection');
      },
      onMessage() {},
    }));
    world.runUntilQuiescent();
    expect(events).toEqual([
      '100 server <- client last words',
      '100 server disconnected from client',
      '100 server <- client new connection',
    ]);
  });

  it('breaks the connection where the network loses a message: both ends learn, nothing after it arrives on it', () => {
    const events: string[] = [];
    const got = new Map<string, Msg[]>();
    const world = new World<Msg>({ seed: 1, latency: { kind: 'constant', value: 100 } });
    world.spawn('rx', recorder(events, got));
    world.spawn('tx', (ctx) => {
      let n = 0;
      return {
        onStart() {
          ctx.setTimer(10, 'send');
        },
        onTimer() {
          ctx.send('rx', n++);
          if (n < 200) ctx.setTimer(10, 'send');
        },
        onMessage() {},
        onDisconnect(peer) {
          events.push(`${ctx.now} tx disconnected from ${peer}`);
        },
      };
    });
    world.network.setLink('tx', 'rx', { loss: 0.05 }, { oneWay: true });
    world.runUntilQuiescent();
    const received = got.get('tx') ?? []; // the recorder keys what it got by sender
    // What arrives is increasing, with gaps only where a connection broke.
    const numbers = received as number[];
    for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBeGreaterThan(numbers[i - 1] as number);
    const gaps = numbers.filter((v, i) => i > 0 && v !== (numbers[i - 1] as number) + 1).length;
    const breaks = events.filter((e) => e.includes('rx disconnected from tx')).length;
    const txBreaks = events.filter((e) => e.includes('tx disconnected from rx')).length;
    expect(breaks).toBeGreaterThan(0);
    expect(numbers.length).toBeGreaterThan(100); // most of the 200 got through
    expect(txBreaks).toBe(breaks);
    expect(gaps).toBeLessThanOrEqual(breaks);
    expect(world.stats.messagesDropped).toBeGreaterThan(0);
  });

  it('applies link latency settings, one way or both', () => {
    const arrivals: number[] = [];
    const world = new World<Msg>({ seed: 1, latency: { kind: 'constant', value: 100 } });
    world.spawn('rx', (ctx) => ({ onMessage: () => void arrivals.push(ctx.now) }));
    world.spawn(
      'tx',
      (ctx) => ({
        onStart() {
          ctx.send('rx', 'slow');
        },
        onMessage() {},
      }),
      { start: false },
    );
    world.network.setLink('tx', 'rx', { latency: { kind: 'constant', value: 7_000 } }, { oneWay: true });
    world.start('tx');
    world.runUntilQuiescent();
    expect(arrivals).toEqual([7_000]);
    expect(() => world.network.setLink('tx', 'rx', { loss: 2 })).toThrow(/probability/);
    expect(() => world.network.setDefaults({ latency: { kind: 'uniform', min: 3, max: 1 } })).toThrow(
      /max must be >= min/,
    );
    expect(world.network.defaultLatency).toEqual({ kind: 'constant', value: 100 });
  });
});
