import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { treeInvariantViolations } from '../../src/zk/invariants.js';
import { type TreeState, ZnodeTree } from '../../src/zk/tree.js';
import type { CreateMode, ZkOp } from '../../src/zk/types.js';

/** A small universe, so that random operations collide often. */
const PATHS = ['/a', '/b', '/a/x', '/a/y', '/b/x', '/a/x/z', '/a/', '/a/x/'];
const MODES: CreateMode[] = ['PERSISTENT', 'EPHEMERAL', 'PERSISTENT_SEQUENTIAL', 'EPHEMERAL_SEQUENTIAL'];
const SESSIONS = [1, 2, 3];

type Step =
  | { readonly kind: 'open' | 'close' | 'unwatch'; readonly session: number }
  | {
      readonly kind: 'read';
      readonly session: number;
      readonly read: 'getData' | 'exists' | 'getChildren';
      readonly path: string;
    }
  | {
      readonly kind: 'write';
      readonly session: number;
      readonly ops: readonly ZkOp[];
      readonly asMulti: boolean;
    };

const path = fc.constantFrom(...PATHS);
const version = fc.constantFrom(-1, 0, 1, 2);
const data = fc.option(fc.string({ maxLength: 4 }), { nil: null });
const op: fc.Arbitrary<ZkOp> = fc.oneof(
  fc.record({ type: fc.constant('create' as const), path, data, mode: fc.constantFrom(...MODES) }),
  fc.record({ type: fc.constant('setData' as const), path, data, version }),
  fc.record({ type: fc.constant('delete' as const), path, version }),
  fc.record({ type: fc.constant('check' as const), path, version }),
);
const session = fc.constantFrom(...SESSIONS);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom('open' as const, 'close' as const, 'unwatch' as const),
      session,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      session,
      read: fc.constantFrom('getData' as const, 'exists' as const, 'getChildren' as const),
      path,
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      session,
      ops: fc.array(op, { minLength: 1, maxLength: 3 }),
      asMulti: fc.boolean(),
    }),
  },
);

interface Outcome {
  readonly code: string;
  readonly zxidTaken: boolean;
  readonly notifications: readonly { session: number; event: { type: string; path: string } }[];
}

function apply(tree: ZnodeTree, s: Step, time: number): Outcome {
  switch (s.kind) {
    case 'open':
      if (tree.hasSession(s.session)) return { code: 'OK', zxidTaken: false, notifications: [] };
      tree.openSession(s.session);
      return { code: 'OK', zxidTaken: true, notifications: [] };
    case 'close': {
      const open = tree.hasSession(s.session);
      return { code: 'OK', zxidTaken: open, notifications: tree.closeSession(s.session).notifications };
    }
    case 'unwatch':
      tree.removeWatches(s.session);
      return { code: 'OK', zxidTaken: false, notifications: [] };
    case 'read': {
      const result = tree.execute(s.session, { type: s.read, path: s.path, watch: true }, time);
      return { code: result.code, zxidTaken: false, notifications: result.notifications };
    }
    case 'write': {
      const first = s.ops[0] as ZkOp;
      const result =
        s.asMulti || first.type === 'check'
          ? tree.multi(s.session, s.ops, time)
          : tree.execute(s.session, first, time);
      return { code: result.code, zxidTaken: true, notifications: result.notifications };
    }
  }
}

/** What must hold between two consecutive states. */
function checkStep(before: TreeState, after: TreeState, s: Step, outcome: Outcome): void {
  expect(treeInvariantViolations(after)).toEqual([]);
  // zxids: a write (or a session opened or closed) takes exactly the next one; a read takes none.
  expect(after.zxid).toBe(before.zxid + (outcome.zxidTaken ? 1 : 0));
  // Versions only grow, for every node that lived through the step.
  for (const [p, node] of after.nodes) {
    const old = before.nodes.get(p);
    if (old === undefined || old.stat.czxid !== node.stat.czxid) {
      if (p !== '/') expect(node.stat.czxid).toBe(after.zxid); // a new node is this step's
      continue;
    }
    expect(node.stat.version).toBeGreaterThanOrEqual(old.stat.version);
    expect(node.stat.cversion).toBeGreaterThanOrEqual(old.stat.cversion);
    expect(node.stat.mzxid).toBeGreaterThanOrEqual(old.stat.mzxid);
    expect(node.stat.pzxid).toBeGreaterThanOrEqual(old.stat.pzxid);
  }
  // Only a watch that was set fires, and only once.
  const seen = new Set<string>();
  for (const { session: watcher, event } of outcome.notifications) {
    const key = `${watcher} ${event.path}`;
    expect(seen.has(key), `${key} notified twice`).toBe(false);
    seen.add(key);
    const wasWatching =
      (before.dataWatches.get(event.path)?.has(watcher) ?? false) ||
      (before.childWatches.get(event.path)?.has(watcher) ?? false);
    expect(wasWatching, `${event.type} ${event.path} for ${watcher}`).toBe(true);
  }
  if (s.kind === 'close') {
    for (const node of after.nodes.values()) expect(node.stat.ephemeralOwner).not.toBe(s.session);
    expect(after.sessions.has(s.session)).toBe(false);
  }
  // A failed write changes nothing but the zxid.
  if (s.kind === 'write' && outcome.code !== 'OK') {
    expect(after).toEqual({ ...before, zxid: after.zxid });
    expect(outcome.notifications).toEqual([]);
  }
}

describe('znode tree properties', () => {
  it('keeps its invariants under random operations, sessions and watches', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        const tree = new ZnodeTree();
        tree.openSession(1);
        for (const [i, s] of steps.entries()) {
          const before = tree.snapshot();
          const outcome = apply(tree, s, 7 * (i + 1));
          checkStep(before, tree.state, s, outcome);
        }
        // When every session is gone, so are every ephemeral and every watch.
        for (const id of SESSIONS) tree.closeSession(id);
        for (const node of tree.state.nodes.values()) expect(node.stat.ephemeralOwner).toBe(0);
        expect(tree.state.dataWatches.size + tree.state.childWatches.size).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it('is a plain value: the same operations give equal states', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const run = () => {
          const tree = new ZnodeTree();
          for (const [i, s] of steps.entries()) apply(tree, s, 3 * (i + 1));
          return tree.snapshot();
        };
        expect(run()).toEqual(run());
      }),
      { numRuns: 100 },
    );
  });
});
