import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES, type CheckName, runChecks, violated } from '../../src/checks/index.js';
import { finalState, replica, Scenario } from './builders.js';

/**
 * A correct run, built from random logs: an idempotent producer p1 whose acknowledged sends sit at
 * their offsets (some indeterminate sends landed, some did not; some sends failed), three agreeing
 * replicas, one leader per epoch, a rising HW, and two consumers in two groups that read every
 * partition from the start in random chunks.
 */
interface Shape {
  /** Per partition, per record: 'ok' (acknowledged) or 'info' (indeterminate, landed). */
  readonly logs: readonly (readonly ('ok' | 'info')[])[];
  /** Sends that left nothing: failed, or indeterminate and lost. */
  readonly ghosts: readonly ('fail' | 'info' | 'none')[];
  /** Chunk sizes of the two consumers' polls. */
  readonly chunks: readonly [number, number];
}

const shapeArbitrary: fc.Arbitrary<Shape> = fc.record({
  logs: fc.array(
    fc.array(fc.constantFrom('ok' as const, 'ok' as const, 'info' as const), { minLength: 3, maxLength: 12 }),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
  ghosts: fc.array(fc.constantFrom('fail' as const, 'info' as const, 'none' as const), { maxLength: 4 }),
  chunks: fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 })),
});

type Anomaly =
  | 'none'
  | 'lost-write'
  | 'duplicate'
  | 'nonmonotonic-poll'
  | 'poll-skip'
  | 'at-most-once'
  | 'G1a'
  | 'unseen'
  | 'reorder'
  | 'replica-divergence'
  | 'split-brain'
  | 'hw-regression'
  | 'group-exclusivity'
  | 'inconsistent-offsets';

/** What each injected anomaly must make fire: exactly these checkers. */
const EXPECTED: Record<Anomaly, readonly CheckName[]> = {
  none: [],
  // the acknowledged last record truncated before anyone read it: lost, and so never seen
  'lost-write': ['lost-write', 'unseen'],
  duplicate: ['duplicate'],
  'nonmonotonic-poll': ['nonmonotonic-poll'],
  'poll-skip': ['poll-skip'],
  // c1 commits a batch of t-0 before processing it and crashes while processing: the group rule
  'at-most-once': ['poll-skip'],
  G1a: ['G1a'],
  unseen: ['unseen'],
  reorder: ['reorder'],
  'replica-divergence': ['replica-divergence'],
  'split-brain': ['split-brain'],
  'hw-regression': ['hw-regression'],
  'group-exclusivity': ['group-exclusivity'],
  // a consumer read a record at an offset the log gives to another: also an aborted read, and c1's
  // group committed past the record really there without processing it
  'inconsistent-offsets': ['inconsistent-offsets', 'poll-skip', 'G1a'],
};

function build(shape: Shape, anomaly: Anomaly) {
  const s = new Scenario();
  const logs = shape.logs.map((kinds) => kinds.map(() => ''));
  let n = 0;
  const ok: { partition: number; offset: number }[] = [];
  // sends, interleaved over partitions; on the reorder anomaly the broker swaps p1's first two records of t-0
  const order: [number, number][] = [];
  const longest = Math.max(...shape.logs.map((l) => l.length));
  for (let i = 0; i < longest; i++)
    shape.logs.forEach((l, p) => {
      if (i < l.length) order.push([p, i]);
    });
  for (const [p, i] of order) {
    const value = `p1-${n++}`;
    const offset = anomaly === 'reorder' && p === 0 && i < 2 ? 1 - i : i;
    (logs[p] as string[])[offset] = value;
    const kind = shape.logs[p]?.[i] ?? 'ok';
    const forceOk = anomaly === 'reorder' && p === 0 && i < 2; // both swapped records acknowledged
    if (kind === 'ok' || forceOk) {
      s.send('p1', value, { type: 'ok', partition: p, offset }, { producerId: 7 });
      ok.push({ partition: p, offset });
    } else s.send('p1', value, { type: 'info', partition: p, error: 'TimeoutException' }, { producerId: 7 });
  }
  const ghosts: string[] = [];
  for (const g of shape.ghosts) {
    const value = `p1-${n++}`;
    ghosts.push(value);
    s.send(
      'p1',
      value,
      { type: g, partition: 0, ...(g === 'none' ? {} : { error: 'NOT_ENOUGH_REPLICAS' }) },
      {
        producerId: 7,
      },
    );
  }
  // replicas: one leader per partition, rising HW
  logs.forEach((log, p) => {
    s.fact(1, { kind: 'become-leader', leaderEpoch: 1, isr: [1, 2, 3], logEndOffset: 0 }, p);
    // lost-write: t-0's last record was acknowledged (acks=1) before it reached the HW
    const top = anomaly === 'lost-write' && p === 0 ? log.length - 1 : log.length;
    for (let hw = 1; hw <= top; hw++)
      s.fact(1, { kind: 'high-watermark', highWatermark: hw, leaderEpoch: 1 }, p);
  });
  // the final log of t-0 (the lost-write anomaly truncates its last, acknowledged record)
  const final0 = [...(logs[0] ?? [])];
  // consumers: c1 in group g, c2 in group h, each owning every partition
  const names = logs.map((_, p) => `t-${p}`);
  s.assigned('c1', 'g', 'm1', 1, names);
  s.assigned('c2', 'h', 'm2', 1, names);
  if (anomaly === 'group-exclusivity') s.assigned('c3', 'g', 'm3', 1, ['t-0']);
  const readable = (p: number) => {
    const log = p === 0 ? final0 : (logs[p] ?? []);
    return anomaly === 'lost-write' && p === 0 ? log.slice(0, -1) : log;
  };
  const reads = (consumer: 'c1' | 'c2', chunk: number) => {
    const records: [number, number, string][] = [];
    logs.forEach((_, p) => {
      readable(p).forEach((value, offset) => {
        records.push([p, offset, value]);
      });
    });
    if (consumer === 'c1' && anomaly === 'poll-skip') {
      // skip t-0@1 (both consumers read it otherwise: c2 does)
      const at = records.findIndex(([p, o]) => p === 0 && o === 1);
      records.splice(at, 1);
    }
    if (consumer === 'c1' && anomaly === 'nonmonotonic-poll') {
      const first = records[0] as [number, number, string];
      records.push(first); // reads t-x@0 again, in the same assignment
    }
    if (anomaly === 'unseen') {
      // nobody reads the last record of t-0 (acknowledged, see `build`)
      const at = records.findIndex(([p, o]) => p === 0 && o === readable(0).length - 1);
      records.splice(at, 1);
    }
    if (consumer === 'c1' && anomaly === 'G1a') {
      const failed = ghosts.length > 0 ? ghosts[0] : undefined;
      records.push([0, readable(0).length, failed ?? 'p1-failed']);
    }
    if (consumer === 'c1' && anomaly === 'inconsistent-offsets') {
      const at = records.findIndex(([p, o]) => p === 0 && o === 0);
      records[at] = [0, 0, 'imposter'];
    }
    // c1 processes each batch, then commits its positions (at-least-once); on the at-most-once
    // anomaly it commits the first batch holding t-0 before processing it, and crashes while
    // processing it (its reads go on: the batch was polled, the next incarnation starts past it)
    let cheated = false;
    for (let i = 0; i < records.length; i += chunk) {
      const batch = records.slice(i, i + chunk);
      s.poll(consumer, batch);
      if (consumer !== 'c1') continue;
      const positions = new Map<number, number>();
      for (const [p, o] of batch) positions.set(p, Math.max(positions.get(p) ?? 0, o + 1));
      const commit = () => s.commit('c1', [...positions], { memberId: 'm1' });
      if (anomaly === 'at-most-once' && !cheated && positions.has(0)) {
        cheated = true;
        commit();
        s.process('c1', batch, 'info');
      } else {
        s.process('c1', batch);
        commit();
      }
    }
  };
  reads('c1', shape.chunks[0]);
  reads('c2', shape.chunks[1]);
  if (anomaly === 'split-brain')
    s.fact(2, { kind: 'become-leader', leaderEpoch: 1, isr: [2, 3], logEndOffset: 0 }, 0);
  if (anomaly === 'hw-regression')
    s.fact(1, { kind: 'high-watermark', highWatermark: final0.length + 1, leaderEpoch: 1 }, 0);
  if (anomaly === 'duplicate') final0.push(final0[0] as string);
  if (anomaly === 'lost-write') final0.pop();
  const replicasOf = (values: string[], p: number) =>
    [1, 2, 3].map((b) =>
      replica(
        b,
        anomaly === 'replica-divergence' && p === 0 && b === 3
          ? values.map((v, i) => (i === 0 ? 'forked' : v))
          : values,
      ),
    );
  const final = finalState(logs.map((log, p) => ({ replicas: replicasOf(p === 0 ? final0 : log, p) })));
  return { input: s.input(final), ghosts };
}

/** The shapes where an anomaly can be injected as `build` does it. */
function applicable(shape: Shape, anomaly: Anomaly): Shape {
  const logs = shape.logs.map((l) => [...l]);
  const first = logs[0] as ('ok' | 'info')[];
  // the anomalies about t-0's last record need it acknowledged; G1a needs a failed send
  if (['lost-write', 'unseen'].includes(anomaly)) first[first.length - 1] = 'ok';
  if (anomaly === 'inconsistent-offsets') first[0] = 'info';
  if (anomaly === 'G1a') return { ...shape, logs, ghosts: ['fail', ...shape.ghosts] };
  return { ...shape, logs };
}

const anomalies = Object.keys(EXPECTED) as Anomaly[];

describe('checkers over synthetic histories', () => {
  it('a correct history built from random logs violates nothing', () => {
    fc.assert(
      fc.property(shapeArbitrary, (shape) => {
        const results = runChecks(build(shape, 'none').input);
        expect(results.map((r) => r.name)).toEqual([...CHECK_NAMES]);
        expect(violated(results)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('one injected anomaly is reported by exactly the checkers that name it', () => {
    fc.assert(
      fc.property(shapeArbitrary, fc.constantFrom(...anomalies), (raw, anomaly) => {
        const shape = applicable(raw, anomaly);
        const results = runChecks(build(shape, anomaly).input);
        expect([anomaly, violated(results)]).toEqual([anomaly, [...EXPECTED[anomaly]].sort(byOrder)]);
        for (const r of results)
          for (const v of r.violations) {
            expect(v.message).not.toContain('\n');
            expect(v.events.length).toBeGreaterThan(0);
          }
      }),
      { numRuns: 400 },
    );
  });

  it('runChecks runs the named checkers in the fixed order and is deterministic', () => {
    const shape: Shape = { logs: [['ok', 'ok', 'info']], ghosts: ['fail'], chunks: [2, 1] };
    const input = build(applicable(shape, 'poll-skip'), 'poll-skip').input;
    expect(runChecks(input, ['poll-skip', 'duplicate']).map((r) => r.name)).toEqual([
      'duplicate',
      'poll-skip',
    ]);
    expect(JSON.stringify(runChecks(input))).toBe(JSON.stringify(runChecks(input)));
  });
});

const byOrder = (a: CheckName, b: CheckName) => CHECK_NAMES.indexOf(a) - CHECK_NAMES.indexOf(b);
