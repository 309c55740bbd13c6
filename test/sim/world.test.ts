import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../src/sim/fault.js';
import type { ProcessContext } from '../../src/sim/process.js';
import { formatTraceRecord } from '../../src/sim/trace.js';
import { World } from '../../src/sim/world.js';
import { buildProgram, nameOf, programArb } from './programs.js';

type Log = string[];

/** An actor that logs what it handles, keeps a counter in memory and on disk, and ticks every 1000 µs. */
function ticker(log: Log) {
  return (ctx: ProcessContext<string, string>) => {
    let inMemory = 0;
    const disk = ctx.disk.log<number>('ticks');
    return {
      onStart() {
        log.push(`${ctx.now} ${ctx.name} start #${ctx.incarnation} disk=${disk.length} memory=${inMemory}`);
        ctx.setTimer(1_000, 'tick');
      },
      onTimer(tag: string) {
        inMemory++;
        disk.append(inMemory);
        log.push(`${ctx.now} ${ctx.name} ${tag} memory=${inMemory}`);
        ctx.setTimer(1_000, tag);
      },
      onMessage(from: string, message: string) {
        log.push(`${ctx.now} ${ctx.name} got ${message} from ${from}`);
      },
    };
  };
}

describe('process lifecycle', () => {
  it('kills memory and timers on crash and restarts from disk', () => {
    const log: Log = [];
    const world = new World<string, string>({ seed: 1 });
    world.spawn('a', ticker(log));
    world.at(2_500, () => world.crash('a'));
    world.at(5_000, () => world.restart('a'));
    world.runUntil(6_500);
    expect(log).toEqual([
      '0 a start #1 disk=0 memory=0',
      '1000 a tick memory=1',
      '2000 a tick memory=2',
      '5000 a start #2 disk=2 memory=0',
      '6000 a tick memory=1',
    ]);
    expect(world.state('a')).toBe('up');
  });

  it('loses only the unflushed suffix on a power loss', () => {
    const world = new World<string, string>({ seed: 1 });
    world.spawn('a', ticker([]));
    world.at(2_500, () => world.diskOf('a').log('ticks').flush());
    world.at(3_500, () => world.crash('a', { powerLoss: true }), 'power off');
    world.runUntil(4_000);
    expect(world.diskOf('a').log<number>('ticks').slice()).toEqual([1, 2]);
    const plain = new World<string, string>({ seed: 1 });
    plain.spawn('a', ticker([]));
    plain.at(3_500, () => plain.crash('a'));
    plain.runUntil(4_000);
    expect(plain.diskOf('a').log<number>('ticks').length).toBe(3);
  });

  it('stalls a paused process: timers fire late and messages wait, in order', () => {
    const log: Log = [];
    const world = new World<string, string>({ seed: 1, latency: { kind: 'constant', value: 100 } });
    world.spawn('a', ticker(log), { start: false });
    world.spawn('b', (ctx) => ({
      onStart() {
        ctx.setTimer(1_500, 'send');
      },
      onTimer() {
        ctx.send('a', 'm1');
        ctx.send('a', 'm2');
      },
      onMessage() {},
    }));
    world.start('a');
    world.at(1_200, () => world.pause('a'));
    world.at(4_000, () => world.resume('a'));
    world.runUntil(4_500);
    expect(log).toEqual([
      '0 a start #1 disk=0 memory=0',
      '1000 a tick memory=1',
      // in the order they fell due: m1 and m2 at 1600, the tick at 2000
      '4000 a got m1 from b',
      '4000 a got m2 from b',
      '4000 a tick memory=2',
    ]);
    expect(world.pause('b')).toBe(true);
    expect(world.pause('b')).toBe(false);
    expect(world.resume('a')).toBe(false);
  });

  it('never lets a crashed process handle anything until it restarts (random programs)', () => {
    fc.assert(
      fc.property(programArb, (program) => {
        let handled = 0;
        const world = buildProgram(program, {
          onHandle: (name, w) => {
            handled++;
            expect(w.state(name)).toBe('up');
          },
        });
        world.runUntil(program.duration, { maxEvents: 200_000 });
        // crashed processes at the end have no actor; the others do
        for (let i = 0; i < program.behaviours.length; i++) {
          const name = nameOf(i);
          expect(world.actorOf(name) === undefined).toBe(world.state(name) === 'crashed');
        }
        // every process started at least once, so handlers did run and were checked
        expect(handled).toBeGreaterThanOrEqual(program.behaviours.length);
      }),
      { numRuns: 200 },
    );
  });

  it('lets a process exit on its own: crashed after the current event, back only by a restart', () => {
    const world = new World<string, string>({ seed: 1, trace: 'faults' });
    let starts = 0;
    world.spawn('a', (ctx) => ({
      onStart() {
        starts++;
        if (ctx.incarnation === 1) {
          ctx.exit('startup failed');
          ctx.note('still running until this event ends');
        }
      },
      onMessage() {},
    }));
    expect(world.state('a')).toBe('up');
    world.runUntil(10);
    expect(world.state('a')).toBe('crashed');
    expect(world.trace.map((r) => `${r.kind} ${r.detail ?? ''}`)).toContain('action a exits: startup failed');
    world.restart('a');
    world.runUntil(20);
    expect(world.state('a')).toBe('up');
    expect(starts).toBe(2);
  });

  it('refuses an actor of a dead incarnation that tries to act', () => {
    let saved: ProcessContext<string, string> | undefined;
    const world = new World<string, string>({ seed: 1 });
    world.spawn('a', (ctx) => {
      saved ??= ctx;
      return { onMessage() {} };
    });
    world.spawn('b', () => ({ onMessage() {} }));
    world.crash('a');
    world.restart('a');
    expect(() => saved?.send('b', 'zombie')).toThrow(/crashed incarnation/);
  });

  it('rejects bad names and times with clear errors', () => {
    const world = new World<string>({ seed: 1 });
    world.spawn('a', () => ({ onMessage() {} }));
    expect(() => world.spawn('a', () => ({ onMessage() {} }))).toThrow(/exists already/);
    expect(() => world.spawn('world', () => ({ onMessage() {} }))).toThrow(/not a process name/);
    expect(() => world.crash('ghost')).toThrow(/unknown process 'ghost'/);
    world.runUntil(1_000);
    expect(() => world.at(10, () => {})).toThrow(/in the past/);
    expect(() => world.runUntil(1.5)).toThrow(/integer/);
    expect(world.start('a')).toBe(false);
    expect(world.restart('a')).toBe(false);
    expect(world.crash('a')).toBe(true);
    expect(world.crash('a')).toBe(false);
  });
});

describe('faults', () => {
  it('applies each fault at its time, labelled by what it does, and the network ones as network records', () => {
    const world = new World<string, string>({ seed: 1, trace: 'all' });
    world.spawn('a', ticker([]));
    world.spawn('b', ticker([]));
    const faults: [number, Fault][] = [
      [1_500, { kind: 'pause', process: 'a' }],
      [2_500, { kind: 'resume', process: 'a' }],
      [2_600, { kind: 'crash', process: 'b' }],
      [2_700, { kind: 'restart', process: 'b' }],
      [3_000, { kind: 'partition', groups: [['a'], ['b']] }],
      [3_100, { kind: 'one-way', from: ['a'], to: ['b'] }],
      [3_200, { kind: 'hold', from: 'a', to: 'b' }],
      [3_300, { kind: 'release', from: 'a', to: 'b' }],
      [3_400, { kind: 'link', from: 'a', to: 'b', settings: { loss: 0.5 }, oneWay: true }],
      [3_500, { kind: 'isolate', process: 'b' }],
      [3_600, { kind: 'heal' }],
      [4_000, { kind: 'power-loss', process: 'a' }],
    ];
    for (const [time, fault] of faults) world.injectAt(time, fault);
    const states: string[] = [];
    for (const time of [2_000, 2_650, 3_900, 4_100])
      world.at(time, () => states.push(`${world.state('a')}/${world.state('b')}`));
    world.runUntil(4_500);
    expect(states).toEqual(['paused/up', 'up/crashed', 'up/up', 'crashed/up']);
    const labels = world.trace
      .filter((r) => r.kind === 'action' && r.detail !== 'action')
      .map((r) => r.detail);
    expect(labels).toEqual([
      'pause a',
      'resume a',
      'crash b',
      'restart b',
      'partition a | b',
      'one-way a -> b',
      'hold a -> b',
      'release a -> b',
      'link a -> b',
      'isolate b',
      'heal',
      'power-loss a',
    ]);
    expect(
      world.trace.filter((r) => r.process === 'world' && r.kind !== 'action').map((r) => r.kind),
    ).toEqual(['partition', 'partition', 'hold', 'release', 'link', 'partition', 'heal']);
    // Power loss keeps only what was flushed: the ticker never flushes.
    expect(world.diskOf('a').log('ticks').length).toBe(0);
    expect(world.diskOf('b').log('ticks').length).toBeGreaterThan(0);
  });
});

describe('timers', () => {
  it('can be cancelled, and only by their own process', () => {
    const fired: string[] = [];
    const world = new World<string, string>({ seed: 1 });
    world.spawn('a', (ctx) => ({
      onStart() {
        const t = ctx.setTimer(100, 'cancelled');
        ctx.setTimer(200, 'kept');
        ctx.cancelTimer(t);
        ctx.cancelTimer(t);
      },
      onTimer(tag) {
        fired.push(tag);
      },
      onMessage() {},
    }));
    let foreign: ReturnType<ProcessContext['setTimer']> | undefined;
    world.spawn('b', (ctx) => {
      foreign = ctx.setTimer(300, 'b');
      return { onMessage() {} };
    });
    world.spawn('c', (ctx) => ({
      onStart() {
        expect(() => ctx.cancelTimer(foreign as ReturnType<ProcessContext['setTimer']>)).toThrow(
          /not one of its timers/,
        );
      },
      onMessage() {},
    }));
    world.runUntilQuiescent();
    expect(fired).toEqual(['kept']);
  });

  it('fire at equal times in the order they were set', () => {
    const fired: number[] = [];
    const world = new World<string, number>({ seed: 1 });
    world.spawn('a', (ctx) => ({
      onStart() {
        for (let i = 0; i < 20; i++) ctx.setTimer(i % 2 === 0 ? 50 : 50, i);
      },
      onTimer(tag) {
        fired.push(tag);
      },
      onMessage() {},
    }));
    world.runUntilQuiescent();
    expect(fired).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('run controls', () => {
  const pingPong = (trace: 'off' | 'all' = 'off') => {
    const world = new World<number>({ seed: 3, trace, latency: { kind: 'uniform', min: 10, max: 90 } });
    for (const [me, peer] of [
      ['a', 'b'],
      ['b', 'a'],
    ] as const) {
      world.spawn(
        me,
        (ctx) => ({
          onStart() {
            if (me === 'a') ctx.send(peer, 0);
          },
          onMessage(_from, n) {
            if (n < 99) ctx.send(peer, n + 1);
          },
        }),
        { start: false },
      );
    }
    world.start('a');
    world.start('b');
    return world;
  };

  it('runs until quiescent', () => {
    const world = pingPong();
    const result = world.runUntilQuiescent();
    expect(result.stop).toBe('quiescent');
    expect(result.events).toBe(100);
    expect(world.stats.messagesDelivered).toBe(100);
    expect(world.pendingEvents).toBe(0);
  });

  it('stops at a time, with the clock at that time', () => {
    const world = pingPong();
    const result = world.runUntil(1_000);
    expect(result.stop).toBe('time');
    expect(world.now).toBe(1_000);
    expect(world.runFor(0).now).toBe(1_000);
  });

  it('stops under an event budget and goes on where it left off, with the same result', () => {
    const whole = pingPong();
    whole.runUntilQuiescent();
    const sliced = pingPong();
    let result = sliced.runUntilQuiescent({ maxEvents: 7 });
    expect(result.stop).toBe('budget');
    expect(result.events).toBe(7);
    while (result.stop === 'budget') result = sliced.runUntilQuiescent({ maxEvents: 7 });
    expect(sliced.traceHash()).toBe(whole.traceHash());
  });

  it('never hangs: a process that keeps itself busy forever is stopped by the budget', () => {
    const world = new World<number, string>({ seed: 1, maxEvents: 1_000 });
    world.spawn('spin', (ctx) => ({
      onStart: () => void ctx.setTimer(0, 'again'),
      onTimer: (tag) => void ctx.setTimer(0, tag),
      onMessage() {},
    }));
    expect(world.runUntilQuiescent().stop).toBe('budget');
    expect(world.now).toBe(0);
  });

  it('steps one event at a time, and stepping gives the same run', () => {
    const whole = pingPong('all');
    whole.runUntilQuiescent();
    const stepped = pingPong('all');
    let steps = 0;
    for (let records = stepped.step(); records !== undefined; records = stepped.step()) {
      expect(records.length).toBeGreaterThan(0);
      steps++;
    }
    expect(steps).toBe(100);
    expect(stepped.traceHash()).toBe(whole.traceHash());
    expect(stepped.trace.map(formatTraceRecord)).toEqual(whole.trace.map(formatTraceRecord));
  });

  it('stops when an action asks it to', () => {
    const world = pingPong();
    world.at(500, () => world.stop(), 'stop');
    const result = world.runUntil(10_000);
    expect(result.stop).toBe('stopped');
    expect(world.now).toBe(500);
  });

  it('keeps trace records by level, or hands them to a sink', () => {
    const records: string[] = [];
    const world = new World<number>({ seed: 1, trace: 'faults', onTrace: (r) => records.push(r.kind) });
    world.spawn('a', () => ({ onMessage() {} }));
    world.at(10, () => world.crash('a'), 'crash a');
    world.runUntilQuiescent();
    expect(records).toEqual(['start', 'action', 'crash']);
    expect(world.trace).toEqual([]);
  });
});
