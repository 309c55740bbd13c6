import { describe, expect, it } from 'vitest';
import { treeInvariantViolations } from '../../src/zk/invariants.js';
import { ZnodeTree } from '../../src/zk/tree.js';
import type { ZkOp } from '../../src/zk/types.js';

const S1 = 0x1_0000_0001;
const S2 = 0x1_0000_0002;

/** A tree with two open sessions (zxids 1 and 2). */
function freshTree(): ZnodeTree {
  const tree = new ZnodeTree();
  tree.openSession(S1);
  tree.openSession(S2);
  return tree;
}

describe('znode tree: create, versions, delete', () => {
  it('creates a node with a full stat and updates its parent', () => {
    const tree = freshTree();
    const result = tree.create(S1, '/a', 'hello', 'PERSISTENT', 1_000);
    expect(result.code).toBe('OK');
    expect(result.zxid).toBe(3);
    expect(result.reply?.path).toBe('/a');
    expect(tree.node('/a')?.stat).toEqual({
      czxid: 3,
      mzxid: 3,
      pzxid: 3,
      ctime: 1_000,
      mtime: 1_000,
      version: 0,
      cversion: 0,
      ephemeralOwner: 0,
      dataLength: 5,
      numChildren: 0,
    });
    const root = tree.node('/')?.stat;
    expect(root).toMatchObject({ cversion: 1, pzxid: 3, numChildren: 1 });
    expect(tree.getData(S2, '/a', false).reply?.data).toBe('hello');
  });

  it('counts data length in UTF-8 bytes and allows null data', () => {
    const tree = freshTree();
    tree.create(S1, '/u', 'é€😀', 'PERSISTENT', 0);
    expect(tree.node('/u')?.stat.dataLength).toBe(2 + 3 + 4);
    tree.create(S1, '/n', null, 'PERSISTENT', 0);
    expect(tree.node('/n')).toMatchObject({ data: null, stat: { dataLength: 0 } });
  });

  it('refuses a missing parent, an existing node and bad paths', () => {
    const tree = freshTree();
    expect(tree.create(S1, '/a/b', null, 'PERSISTENT', 0).code).toBe('NONODE');
    tree.create(S1, '/a', null, 'PERSISTENT', 0);
    expect(tree.create(S1, '/a', null, 'PERSISTENT', 0).code).toBe('NODEEXISTS');
    expect(tree.create(S1, '/', null, 'PERSISTENT', 0).code).toBe('NODEEXISTS');
    for (const bad of ['a', '/a/', '/a//b', '/a/./b', '/a/..', '']) {
      expect(tree.create(S1, bad, null, 'PERSISTENT', 0).code, bad).not.toBe('OK');
    }
    expect(tree.create(S1, 'a', null, 'PERSISTENT', 0).code).toBe('BADARGUMENTS');
    expect(tree.create(S1, '/a/./b', null, 'PERSISTENT', 0).code).toBe('NONODE'); // the parent is looked up first
    expect(tree.getData(S1, '/a/', false).code).toBe('BADARGUMENTS');
    expect(treeInvariantViolations(tree.state)).toEqual([]);
  });

  it('checks and bumps data versions on setData (-1 matches any)', () => {
    const tree = freshTree();
    tree.create(S1, '/a', 'v0', 'PERSISTENT', 0);
    expect(tree.setData(S1, '/a', 'x', 5, 10).code).toBe('BADVERSION');
    const first = tree.setData(S1, '/a', 'v1', 0, 10);
    expect(first.code).toBe('OK');
    expect(first.reply?.stat).toMatchObject({ version: 1, mzxid: first.zxid, mtime: 10, czxid: 3 });
    expect(tree.setData(S1, '/a', 'v1', 0, 20).code).toBe('BADVERSION');
    expect(tree.setData(S1, '/a', 'v2', -1, 20).reply?.stat.version).toBe(2);
    expect(tree.setData(S1, '/missing', 'x', -1, 20).code).toBe('NONODE');
    expect(tree.node('/a')?.data).toBe('v2');
  });

  it('deletes only childless nodes of the expected version, and moves the parent pzxid but not its cversion', () => {
    const tree = freshTree();
    tree.create(S1, '/a', null, 'PERSISTENT', 0);
    tree.create(S1, '/a/b', null, 'PERSISTENT', 0);
    expect(tree.delete(S1, '/a', -1, 0).code).toBe('NOTEMPTY');
    expect(tree.delete(S1, '/a/b', 3, 0).code).toBe('BADVERSION');
    expect(tree.delete(S1, '/a/zz', -1, 0).code).toBe('NONODE');
    expect(tree.delete(S1, '/', -1, 0).code).toBe('BADARGUMENTS');
    const before = tree.node('/a')?.stat;
    const deleted = tree.delete(S1, '/a/b', 0, 0);
    expect(deleted.code).toBe('OK');
    expect(tree.node('/a/b')).toBeUndefined();
    expect(tree.node('/a')?.stat).toMatchObject({
      cversion: before?.cversion,
      pzxid: deleted.zxid,
      numChildren: 0,
    });
    expect(tree.delete(S1, '/a', 0, 0).code).toBe('OK');
  });

  it('gives every write a zxid, failed ones included, and reads none', () => {
    const tree = freshTree();
    expect(tree.zxid).toBe(2); // two sessions opened
    expect(tree.create(S1, '/x/y', null, 'PERSISTENT', 0).zxid).toBe(3); // failed: NONODE
    expect(tree.create(S1, '/x', null, 'PERSISTENT', 0).zxid).toBe(4);
    expect(tree.getData(S1, '/x', false).zxid).toBe(4);
    expect(tree.exists(S1, '/nope', false).zxid).toBe(4);
    expect(tree.multi(S1, [], 0).zxid).toBe(5);
  });

  it('returns children sorted by name', () => {
    const tree = freshTree();
    tree.create(S1, '/p', null, 'PERSISTENT', 0);
    for (const name of ['c', 'a', 'b10', 'b2']) tree.create(S1, `/p/${name}`, null, 'PERSISTENT', 0);
    const result = tree.getChildren(S1, '/p', false);
    expect(result.reply?.children).toEqual(['a', 'b10', 'b2', 'c']);
    expect(result.reply?.stat.numChildren).toBe(4);
    expect(tree.getChildren(S1, '/none', false).code).toBe('NONODE');
  });

  it('refuses requests from sessions that are not open', () => {
    const tree = freshTree();
    expect(tree.create(999, '/a', null, 'PERSISTENT', 0).code).toBe('SESSIONEXPIRED');
    expect(tree.getData(999, '/', false).code).toBe('SESSIONEXPIRED');
    tree.closeSession(S2);
    expect(tree.exists(S2, '/', true).code).toBe('SESSIONEXPIRED');
    expect(tree.watchesOf(S2)).toEqual({ data: [], child: [] });
  });
});

describe('znode tree: sequential nodes', () => {
  it("suffixes the parent's cversion, 10 digits, shared by every prefix under the parent", () => {
    const tree = freshTree();
    tree.create(S1, '/q', null, 'PERSISTENT', 0);
    const names = [
      tree.create(S1, '/q/item-', 'a', 'PERSISTENT_SEQUENTIAL', 0).reply?.path,
      tree.create(S1, '/q/item-', 'b', 'PERSISTENT_SEQUENTIAL', 0).reply?.path,
      tree.create(S1, '/q/plain', 'c', 'PERSISTENT', 0).reply?.path,
      tree.create(S1, '/q/other_', 'd', 'EPHEMERAL_SEQUENTIAL', 0).reply?.path,
    ];
    expect(names).toEqual(['/q/item-0000000000', '/q/item-0000000001', '/q/plain', '/q/other_0000000003']);
  });

  it('never reuses a number after a deletion (deletes do not lower cversion)', () => {
    const tree = freshTree();
    tree.create(S1, '/q', null, 'PERSISTENT', 0);
    tree.create(S1, '/q/n', null, 'PERSISTENT_SEQUENTIAL', 0);
    tree.delete(S1, '/q/n0000000000', -1, 0);
    expect(tree.create(S1, '/q/n', null, 'PERSISTENT_SEQUENTIAL', 0).reply?.path).toBe('/q/n0000000001');
  });

  it('accepts a trailing slash for a sequential node (the name is just the number)', () => {
    const tree = freshTree();
    tree.create(S1, '/q', null, 'PERSISTENT', 0);
    expect(tree.create(S1, '/q/', null, 'PERSISTENT_SEQUENTIAL', 0).reply?.path).toBe('/q/0000000000');
    expect(tree.create(S1, '/q/', null, 'PERSISTENT', 0).code).toBe('BADARGUMENTS');
  });

  it('reports NODEEXISTS when the sequential name is taken', () => {
    const tree = freshTree();
    tree.create(S1, '/q', null, 'PERSISTENT', 0);
    tree.create(S1, '/q/x0000000001', null, 'PERSISTENT', 0); // cversion is now 1
    expect(tree.create(S1, '/q/x', null, 'PERSISTENT_SEQUENTIAL', 0).code).toBe('NODEEXISTS');
  });
});

describe('znode tree: ephemerals and sessions', () => {
  it('owns ephemerals by session and refuses children under them', () => {
    const tree = freshTree();
    tree.create(S1, '/e', 'x', 'EPHEMERAL', 0);
    expect(tree.node('/e')?.stat.ephemeralOwner).toBe(S1);
    expect(tree.create(S2, '/e/child', null, 'PERSISTENT', 0).code).toBe('NOCHILDRENFOREPHEMERALS');
    expect(tree.create(S1, '/e/child', null, 'EPHEMERAL_SEQUENTIAL', 0).code).toBe('NOCHILDRENFOREPHEMERALS');
    expect(tree.ephemeralsOf(S1)).toEqual(['/e']);
    expect(tree.ephemeralsOf(S2)).toEqual([]);
  });

  it('deletes all of a session’s ephemerals under one zxid when it closes, and fires the others’ watches', () => {
    const tree = freshTree();
    tree.create(S1, '/ids', null, 'PERSISTENT', 0);
    tree.create(S1, '/ids/1', 'b1', 'EPHEMERAL', 0);
    tree.create(S1, '/controller', 'c', 'EPHEMERAL', 0);
    tree.create(S2, '/ids/2', 'b2', 'EPHEMERAL', 0);
    tree.getChildren(S2, '/ids', true);
    tree.exists(S2, '/controller', true);
    tree.exists(S1, '/ids/2', true); // S1's own watches go with it
    const closed = tree.closeSession(S1);
    expect(tree.paths()).toEqual(['/', '/ids', '/ids/2']);
    expect(tree.hasSession(S1)).toBe(false);
    expect(tree.node('/ids')?.stat.pzxid).toBe(closed.zxid);
    expect(closed.notifications).toEqual([
      { session: S2, event: { type: 'NodeDeleted', path: '/controller' } },
      { session: S2, event: { type: 'NodeChildrenChanged', path: '/ids' } },
    ]);
    expect(tree.watchesOf(S1)).toEqual({ data: [], child: [] });
    expect(treeInvariantViolations(tree.state)).toEqual([]);
  });

  it('treats closing an unknown session as nothing to do', () => {
    const tree = freshTree();
    expect(tree.closeSession(12345)).toEqual({ zxid: 2, notifications: [] });
    expect(() => tree.openSession(S1)).toThrow(/open already/);
  });
});

describe('znode tree: multi', () => {
  it("runs Kafka's checked-ephemeral create: the ops see each other and share one zxid", () => {
    const tree = freshTree();
    const result = tree.multi(
      S1,
      [
        { type: 'create', path: '/broker', data: null, mode: 'EPHEMERAL' },
        { type: 'setData', path: '/broker', data: '{"id":1}', version: 0 },
      ],
      7,
    );
    expect(result.code).toBe('OK');
    const stat = tree.node('/broker')?.stat;
    expect(stat).toMatchObject({ version: 1, czxid: result.zxid, mzxid: result.zxid, ephemeralOwner: S1 });
    expect(result.reply?.results).toEqual([
      { type: 'create', path: '/broker', stat: { ...stat, version: 0, dataLength: 0 } },
      { type: 'setData', stat },
    ]);
  });

  it('applies nothing when an op fails, and answers OK / the error / RUNTIMEINCONSISTENCY per op', () => {
    const tree = freshTree();
    tree.create(S1, '/controller_epoch', '1', 'PERSISTENT', 0);
    tree.create(S1, '/gone', null, 'PERSISTENT', 0);
    tree.exists(S2, '/controller', true);
    tree.getChildren(S2, '/', true);
    const before = tree.snapshot();
    const ops: ZkOp[] = [
      { type: 'create', path: '/controller', data: 'me', mode: 'EPHEMERAL' },
      { type: 'delete', path: '/gone', version: -1 },
      { type: 'setData', path: '/controller_epoch', data: '2', version: 7 },
      { type: 'check', path: '/controller_epoch', version: 0 },
    ];
    const result = tree.multi(S1, ops, 0);
    expect(result.code).toBe('BADVERSION');
    expect(result.reply?.results).toEqual([
      { type: 'error', code: 'OK' },
      { type: 'error', code: 'OK' },
      { type: 'error', code: 'BADVERSION' },
      { type: 'error', code: 'RUNTIMEINCONSISTENCY' },
    ]);
    expect(result.notifications).toEqual([]);
    // All as it was, watches included, but for the zxid the failed multi took.
    expect(tree.state).toEqual({ ...before, zxid: before.zxid + 1 });
  });

  it('checks versions with check ops', () => {
    const tree = freshTree();
    tree.create(S1, '/epoch', '1', 'PERSISTENT', 0);
    const fenced = (version: number) =>
      tree.multi(
        S1,
        [
          { type: 'check', path: '/epoch', version },
          { type: 'create', path: '/state', data: 'x', mode: 'PERSISTENT' },
        ],
        0,
      );
    expect(fenced(3).code).toBe('BADVERSION');
    expect(tree.node('/state')).toBeUndefined();
    const ok = fenced(0);
    expect(ok.code).toBe('OK');
    expect(ok.reply?.results[0]).toEqual({ type: 'check' });
    expect(tree.multi(S1, [{ type: 'check', path: '/nope', version: -1 }], 0).code).toBe('NONODE');
  });

  it('fires watches of a committed multi in the order of its ops', () => {
    const tree = freshTree();
    tree.exists(S2, '/a', true);
    tree.getChildren(S2, '/', true);
    const result = tree.multi(
      S1,
      [
        { type: 'create', path: '/a', data: null, mode: 'PERSISTENT' },
        { type: 'create', path: '/b', data: null, mode: 'PERSISTENT' },
      ],
      0,
    );
    expect(result.notifications.map((n) => `${n.event.type} ${n.event.path}`)).toEqual([
      'NodeCreated /a',
      'NodeChildrenChanged /',
    ]);
  });
});

describe('znode tree: watches', () => {
  function events(result: {
    notifications: readonly { session: number; event: { type: string; path: string } }[];
  }) {
    return result.notifications.map(
      (n) => `${n.session === S1 ? 'S1' : 'S2'} ${n.event.type} ${n.event.path}`,
    );
  }

  it('getData watch: NodeDataChanged on setData, once', () => {
    const tree = freshTree();
    tree.create(S1, '/a', 'x', 'PERSISTENT', 0);
    tree.getData(S2, '/a', true);
    expect(events(tree.setData(S1, '/a', 'y', -1, 0))).toEqual(['S2 NodeDataChanged /a']);
    expect(events(tree.setData(S1, '/a', 'z', -1, 0))).toEqual([]);
  });

  it('getData watch: NodeDeleted on delete; no watch is left by a getData on a missing node', () => {
    const tree = freshTree();
    tree.create(S1, '/a', 'x', 'PERSISTENT', 0);
    tree.getData(S2, '/a', true);
    expect(events(tree.delete(S1, '/a', -1, 0))).toEqual(['S2 NodeDeleted /a']);
    expect(tree.getData(S2, '/a', true).code).toBe('NONODE');
    expect(events(tree.create(S1, '/a', 'x', 'PERSISTENT', 0))).toEqual([]);
  });

  it('exists watch on a missing node: NodeCreated when it is created', () => {
    const tree = freshTree();
    expect(tree.exists(S2, '/a', true).code).toBe('NONODE');
    expect(tree.watchesOf(S2).data).toEqual(['/a']);
    expect(events(tree.create(S1, '/a', 'x', 'EPHEMERAL', 0))).toEqual(['S2 NodeCreated /a']);
  });

  it('exists watch on an existing node: NodeDataChanged, then (re-set) NodeDeleted', () => {
    const tree = freshTree();
    tree.create(S1, '/a', 'x', 'PERSISTENT', 0);
    tree.exists(S2, '/a', true);
    expect(events(tree.setData(S1, '/a', 'y', -1, 0))).toEqual(['S2 NodeDataChanged /a']);
    tree.exists(S2, '/a', true);
    expect(events(tree.delete(S1, '/a', -1, 0))).toEqual(['S2 NodeDeleted /a']);
  });

  it('child watch: NodeChildrenChanged on a child created or deleted, not on data changes', () => {
    const tree = freshTree();
    tree.create(S1, '/p', 'x', 'PERSISTENT', 0);
    tree.getChildren(S2, '/p', true);
    expect(events(tree.setData(S1, '/p', 'y', -1, 0))).toEqual([]);
    expect(events(tree.create(S1, '/p/c', null, 'PERSISTENT', 0))).toEqual(['S2 NodeChildrenChanged /p']);
    expect(events(tree.setData(S1, '/p/c', 'y', -1, 0))).toEqual([]);
    tree.getChildren(S2, '/p', true);
    expect(events(tree.delete(S1, '/p/c', -1, 0))).toEqual(['S2 NodeChildrenChanged /p']);
  });

  it('child watch: NodeDeleted when the watched node itself goes; no child watch on a missing node', () => {
    const tree = freshTree();
    tree.create(S1, '/p', null, 'PERSISTENT', 0);
    tree.getChildren(S2, '/p', true);
    expect(events(tree.delete(S1, '/p', -1, 0))).toEqual(['S2 NodeDeleted /p']);
    expect(tree.getChildren(S2, '/p', true).code).toBe('NONODE');
    expect(tree.watchesOf(S2).child).toEqual([]);
  });

  it('a session with a data and a child watch on a deleted node hears NodeDeleted once; others hear theirs', () => {
    const tree = freshTree();
    tree.create(S1, '/p', null, 'PERSISTENT', 0);
    tree.getData(S2, '/p', true);
    tree.getChildren(S2, '/p', true);
    tree.getChildren(S1, '/p', true);
    tree.getChildren(S1, '/', true);
    expect(events(tree.delete(S2, '/p', -1, 0))).toEqual([
      'S2 NodeDeleted /p',
      'S1 NodeDeleted /p',
      'S1 NodeChildrenChanged /',
    ]);
  });

  it('create fires NodeCreated on the node and NodeChildrenChanged on its parent', () => {
    const tree = freshTree();
    tree.create(S1, '/p', null, 'PERSISTENT', 0);
    tree.exists(S1, '/p/c', true);
    tree.getChildren(S2, '/p', true);
    tree.getData(S2, '/p', true); // a data watch on the parent hears nothing of children
    expect(events(tree.create(S2, '/p/c', null, 'PERSISTENT', 0))).toEqual([
      'S1 NodeCreated /p/c',
      'S2 NodeChildrenChanged /p',
    ]);
  });

  it('a failed write fires nothing and keeps the watches', () => {
    const tree = freshTree();
    tree.create(S1, '/a', 'x', 'PERSISTENT', 0);
    tree.getData(S2, '/a', true);
    expect(events(tree.setData(S1, '/a', 'y', 9, 0))).toEqual([]);
    expect(tree.watchesOf(S2).data).toEqual(['/a']);
  });

  it('re-registers watches on reconnect, firing those whose events were missed (setWatches)', () => {
    const tree = freshTree();
    tree.create(S1, '/same', 'x', 'PERSISTENT', 0);
    tree.create(S1, '/changed', 'x', 'PERSISTENT', 0);
    tree.create(S1, '/deleted', 'x', 'PERSISTENT', 0);
    tree.create(S1, '/parent', null, 'PERSISTENT', 0);
    tree.create(S1, '/quiet', null, 'PERSISTENT', 0);
    const seen = tree.zxid;
    tree.setData(S1, '/changed', 'y', -1, 0);
    tree.delete(S1, '/deleted', -1, 0);
    tree.create(S1, '/parent/kid', null, 'PERSISTENT', 0);
    tree.create(S1, '/born', null, 'PERSISTENT', 0);
    const fired = tree.setWatches(S2, seen, {
      data: ['/changed', '/deleted', '/same'],
      exist: ['/born', '/unborn'],
      child: ['/parent', '/quiet'],
    });
    expect(fired.map((n) => `${n.event.type} ${n.event.path}`)).toEqual([
      'NodeDataChanged /changed',
      'NodeDeleted /deleted',
      'NodeCreated /born',
      'NodeChildrenChanged /parent',
    ]);
    expect(tree.watchesOf(S2)).toEqual({ data: ['/same', '/unborn'], child: ['/quiet'] });
    expect(events(tree.create(S1, '/unborn', null, 'PERSISTENT', 0))).toEqual(['S2 NodeCreated /unborn']);
  });

  it('removes a session’s watches when its connection goes', () => {
    const tree = freshTree();
    tree.create(S1, '/a', 'x', 'PERSISTENT', 0);
    tree.getData(S2, '/a', true);
    tree.getChildren(S2, '/a', true);
    tree.getData(S1, '/a', true);
    tree.removeWatches(S2);
    expect(tree.watchesOf(S2)).toEqual({ data: [], child: [] });
    expect(events(tree.setData(S1, '/a', 'y', -1, 0))).toEqual(['S1 NodeDataChanged /a']);
  });
});
