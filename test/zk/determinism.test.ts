import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ms, seconds } from '../../src/sim/time.js';
import { formatTraceRecord } from '../../src/sim/trace.js';
import { World } from '../../src/sim/world.js';
import type { ZkClient } from '../../src/zk/client.js';
import { treeInvariantViolations } from '../../src/zk/invariants.js';
import { ZkEnsemble } from '../../src/zk/server.js';
import type { CreateMode, ZkOp } from '../../src/zk/types.js';
import { type Ctx, newRecord, type UserRecord, zkUser } from './harness.js';

type ScheduleFaultKind = 'crash' | 'restart' | 'pause' | 'resume' | 'partition' | 'isolate' | 'heal';

interface ScheduleFault {
  readonly at: number;
  readonly kind: ScheduleFaultKind;
  /** Index into every process (servers, then users). */
  readonly target: number;
  readonly other: number;
}

interface Schedule {
  readonly seed: number;
  readonly servers: number;
  readonly users: number;
  readonly sessionTimeoutMs: number;
  readonly faults: readonly ScheduleFault[];
}

const DURATION = seconds(60);

const scheduleArb: fc.Arbitrary<Schedule> = fc.record({
  seed: fc.integer(),
  servers: fc.constantFrom(1, 3),
  users: fc.integer({ min: 1, max: 3 }),
  sessionTimeoutMs: fc.constantFrom(6000, 18_000),
  faults: fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 55_000 }),
      kind: fc.constantFrom<ScheduleFaultKind>(
        'crash',
        'restart',
        'pause',
        'resume',
        'partition',
        'isolate',
        'heal',
      ),
      target: fc.nat(),
      other: fc.nat(),
    }),
    { maxLength: 8 },
  ),
});

const PATHS = ['/a', '/b', '/a/x', '/a/y', '/b/x', '/q/'];
const MODES: CreateMode[] = ['PERSISTENT', 'EPHEMERAL', 'PERSISTENT_SEQUENTIAL', 'EPHEMERAL_SEQUENTIAL'];

/** A random ZooKeeper operation, drawn from the user's own stream. */
function randomOp(client: ZkClient, ctx: Ctx): void {
  const rng = ctx.rng;
  const path = rng.pick(PATHS);
  const done = () => {};
  switch (rng.below(9)) {
    case 0:
    case 1:
      client.create(path, String(rng.below(100)), rng.pick(MODES), done);
      break;
    case 2:
      client.setData(path, String(rng.below(100)), rng.pick([-1, 0, 1]), done);
      break;
    case 3:
      client.delete(path, rng.pick([-1, 0]), done);
      break;
    case 4:
      client.getData(path, { watch: true }, done);
      break;
    case 5:
      client.exists(path, { watch: true }, done);
      break;
    case 6:
      client.getChildren(path, { watch: true }, done);
      break;
    case 7: {
      const ops: ZkOp[] = [
        { type: 'check', path: rng.pick(PATHS), version: rng.pick([-1, 0]) },
        { type: 'create', path, data: null, mode: rng.pick(MODES) },
      ];
      client.multi(ops, done);
      break;
    }
    default:
      if (rng.chance(0.2)) client.close();
      break;
  }
}

interface Run {
  readonly hash: string;
  readonly trace: string[];
  readonly tree: ReturnType<ZkEnsemble['tree']['snapshot']>;
  readonly records: readonly UserRecord[];
  readonly violations: string[];
}

function runSchedule(schedule: Schedule): Run {
  const world = new World<unknown, unknown>({ seed: schedule.seed, trace: 'faults' });
  const servers = Array.from({ length: schedule.servers }, (_, i) => `zk${i + 1}`);
  const ensemble = new ZkEnsemble({ servers });
  for (const server of servers) world.spawn(server, ensemble.serverActor(server));
  const records: UserRecord[] = [];
  const users = Array.from({ length: schedule.users }, (_, i) => `u${i + 1}`);
  for (const user of users) {
    const record = newRecord();
    records.push(record);
    world.spawn(
      user,
      zkUser(record, {
        servers,
        sessionTimeoutMs: schedule.sessionTimeoutMs,
        script: {
          onStart: (ctx) => ctx.setTimer(ms(ctx.rng.intBetween(100, 2000)), 'op'),
          onTimer: (tag, client, ctx) => {
            if (tag !== 'op') return;
            if (client.state === 'CLOSED' && record.client === client) {
              // The user closed its session: it opens another, as a restarted broker would.
              record.client = null;
              world.crash(ctx.name);
              world.restart(ctx.name);
              return;
            }
            randomOp(client, ctx);
            ctx.setTimer(ms(ctx.rng.intBetween(100, 2000)), 'op');
          },
        },
      }),
    );
  }
  const everyone = [...servers, ...users];
  const nameOf = (i: number) => everyone[i % everyone.length] as string;
  for (const fault of [...schedule.faults].sort((a, b) => a.at - b.at)) {
    const target = nameOf(fault.target);
    const other = nameOf(fault.other);
    if (fault.kind === 'partition') {
      if (other !== target) world.injectAt(ms(fault.at), { kind: 'partition', groups: [[target], [other]] });
    } else if (fault.kind === 'heal') world.injectAt(ms(fault.at), { kind: 'heal' });
    else world.injectAt(ms(fault.at), { kind: fault.kind, process: target });
  }
  // Live assertions: the tree is sound every simulated second.
  const violations: string[] = [];
  for (let t = seconds(1); t <= DURATION; t += seconds(1)) {
    world.at(t, () => violations.push(...treeInvariantViolations(ensemble.tree.state)), 'check');
  }
  world.runUntil(DURATION, { maxEvents: 2_000_000 });
  // The tree's sessions are the ensemble's live sessions, no more, no fewer.
  const live = ensemble.sessions
    .all()
    .map((s) => s.id)
    .sort();
  const inTree = [...ensemble.tree.state.sessions.keys()].sort();
  if (JSON.stringify(live) !== JSON.stringify(inTree)) violations.push(`sessions ${live} ≠ tree's ${inTree}`);
  return {
    hash: world.traceHash(),
    trace: world.trace.map(formatTraceRecord),
    tree: ensemble.tree.snapshot(),
    records,
    violations,
  };
}

describe('zk determinism', () => {
  it('same seed, same schedule → same trace, same tree, same client histories', () => {
    fc.assert(
      fc.property(scheduleArb, (schedule) => {
        const first = runSchedule(schedule);
        const second = runSchedule(schedule);
        expect(first.violations).toEqual([]);
        expect(second.hash).toBe(first.hash);
        expect(second.trace).toEqual(first.trace);
        expect(second.tree).toEqual(first.tree);
        const history = (run: Run) => run.records.map((r) => ({ states: r.states, events: r.events }));
        expect(history(second)).toEqual(history(first));
      }),
      { numRuns: 60 },
    );
  });

  it('the seed matters: different seeds give different histories', () => {
    const schedule: Schedule = { seed: 1, servers: 3, users: 3, sessionTimeoutMs: 18_000, faults: [] };
    const hashes = new Set([1, 2, 3].map((seed) => runSchedule({ ...schedule, seed }).hash));
    expect(hashes.size).toBe(3);
  });
});
