/**
 * Random small actor programs for the engine's properties: a few processes that send, reply,
 * set timers, write to disk and sometimes hang up, under a random schedule of faults.
 */
import fc from 'fast-check';
import type { Fault } from '../../src/sim/fault.js';
import type { LatencyDistribution } from '../../src/sim/latency.js';
import type { TraceLevel } from '../../src/sim/trace.js';
import { World } from '../../src/sim/world.js';

export interface Behaviour {
  /** Messages sent on each tick. */
  readonly fanout: number;
  /** µs between ticks. */
  readonly tick: number;
  /** Chance of answering a message. */
  readonly replyChance: number;
  /** Chance of hanging up on the sender after a message. */
  readonly hangUpChance: number;
}

export type ProgramFaultKind =
  | 'crash'
  | 'power-loss'
  | 'restart'
  | 'pause'
  | 'resume'
  | 'partition'
  | 'one-way'
  | 'isolate'
  | 'heal'
  | 'hold'
  | 'release'
  | 'lossy';

/** A fault drawn by fast-check: processes by number, mapped onto names when the program is built. */
export interface ProgramFault {
  readonly at: number;
  readonly kind: ProgramFaultKind;
  readonly target: number;
  readonly other: number;
}

export interface Program {
  readonly seed: number;
  readonly behaviours: readonly Behaviour[];
  readonly faults: readonly ProgramFault[];
  readonly latency: LatencyDistribution;
  readonly duration: number;
}

export type Msg = { readonly type: 'hello' | 'reply'; readonly n: number; readonly from: string };

const FAULT_KINDS: ProgramFaultKind[] = [
  'crash',
  'power-loss',
  'restart',
  'pause',
  'resume',
  'partition',
  'one-way',
  'isolate',
  'heal',
  'hold',
  'release',
  'lossy',
];

export const programArb: fc.Arbitrary<Program> = fc.record({
  seed: fc.integer(),
  behaviours: fc.array(
    fc.record({
      fanout: fc.integer({ min: 0, max: 3 }),
      tick: fc.integer({ min: 200, max: 5_000 }),
      replyChance: fc.double({ min: 0, max: 1, noNaN: true }),
      hangUpChance: fc.double({ min: 0, max: 0.2, noNaN: true }),
    }),
    { minLength: 2, maxLength: 5 },
  ),
  faults: fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 40_000 }),
      kind: fc.constantFrom(...FAULT_KINDS),
      target: fc.nat(),
      other: fc.nat(),
    }),
    { maxLength: 12 },
  ),
  latency: fc.constantFrom<LatencyDistribution>(
    { kind: 'constant', value: 300 },
    { kind: 'uniform', min: 50, max: 2_000 },
    { kind: 'exponential', min: 100, mean: 800 },
    { kind: 'lognormal', median: 500, sigma: 1.2, max: 20_000 },
    { kind: 'pareto', min: 100, alpha: 1.1, max: 30_000 },
  ),
  duration: fc.integer({ min: 5_000, max: 50_000 }),
});

export const nameOf = (i: number): string => `p${i}`;

/** Builds the world for a program, with its faults scheduled; the caller runs it. */
export function buildProgram(
  program: Program,
  options: { trace?: TraceLevel; onHandle?: (process: string, world: World<Msg, string>) => void } = {},
): World<Msg, string> {
  const world = new World<Msg, string>({
    seed: program.seed,
    trace: options.trace ?? 'off',
    latency: program.latency,
    digestMessage: (m) => (m.type === 'hello' ? 1 : 2) * 1_000_003 + m.n,
    describeMessage: (m) => `${m.type} ${m.n}`,
  });
  const n = program.behaviours.length;
  const names = program.behaviours.map((_, i) => nameOf(i));
  program.behaviours.forEach((b, i) => {
    world.spawn(
      nameOf(i),
      (ctx) => {
        const peers = names.filter((p) => p !== ctx.name);
        const log = ctx.disk.log<number>('sent');
        let sent = log.length; // memory rebuilt from disk
        const handled = (): void => options.onHandle?.(ctx.name, world);
        return {
          onStart() {
            handled();
            ctx.setTimer(b.tick, 'tick');
          },
          onTimer(tag) {
            handled();
            for (let k = 0; k < b.fanout; k++) {
              ctx.send(ctx.rng.pick(peers), { type: 'hello', n: sent, from: ctx.name });
              log.append(sent++);
            }
            if (ctx.rng.chance(0.5)) log.flush();
            ctx.setTimer(b.tick, tag);
          },
          onMessage(from, m) {
            handled();
            if (m.type === 'hello' && ctx.rng.chance(b.replyChance))
              ctx.send(from, { type: 'reply', n: m.n, from: ctx.name });
            if (ctx.rng.chance(b.hangUpChance)) ctx.disconnect(from);
          },
          onDisconnect(peer) {
            handled();
            ctx.note(`lost ${peer}`);
          },
        };
      },
      { start: false },
    );
  });
  for (const name of names) world.start(name);
  for (const f of [...program.faults].sort((a, b) => a.at - b.at)) {
    const target = nameOf(f.target % n);
    const other = nameOf((f.target + 1 + (f.other % (n - 1))) % n);
    world.injectAt(f.at, faultOf(f.kind, target, other, names));
  }
  return world;
}

/** Runs a program to its end and returns its trace hash. */
export function runProgram(
  program: Program,
  trace: TraceLevel = 'off',
): { hash: string; world: World<Msg, string> } {
  const world = buildProgram(program, { trace });
  world.runUntil(program.duration, { maxEvents: 200_000 });
  return { hash: world.traceHash(), world };
}

/** A program's fault as the engine's: `target` is hit; link faults run from it to `other`. */
function faultOf(kind: ProgramFaultKind, target: string, other: string, names: readonly string[]): Fault {
  switch (kind) {
    case 'partition':
      return { kind, groups: [[target], names.filter((p) => p !== target)] };
    case 'one-way':
      return { kind, from: [target], to: [other] };
    case 'hold':
    case 'release':
      return { kind, from: target, to: other };
    case 'lossy':
      return { kind: 'link', from: target, to: other, settings: { loss: 0.3 } };
    case 'heal':
      return { kind };
    default:
      return { kind, process: target };
  }
}
