import { describe, expect, it } from 'vitest';
import { seconds } from '../../src/sim/time.js';
import type { World } from '../../src/sim/world.js';
import { treeInvariantViolations } from '../../src/zk/invariants.js';
import type { ZkBackup, ZkEnsemble, ZkRestoreResult } from '../../src/zk/server.js';
import { ZnodeTree } from '../../src/zk/tree.js';
import type { KeeperState } from '../../src/zk/types.js';
import { createRecursive, ensembleWorld, newRecord, notes, type UserRecord, zkUser } from './harness.js';

const S1 = 0x1_0000_0001;
const S2 = 0x1_0000_0002;

/** What an operator does: stop every server, put the backup's dataDir back, start them again. */
function restoreAll(world: World<unknown, unknown>, ensemble: ZkEnsemble, backup: ZkBackup): ZkRestoreResult {
  for (const server of ensemble.servers) world.crash(server);
  const result = ensemble.restore(backup, world.now);
  for (const server of ensemble.servers) world.restart(server);
  return result;
}

function statesOf(record: UserRecord): KeeperState[] {
  return record.states.map((s) => s.state);
}

/** A client that creates an ephemeral `path` on each new session, and nothing else. */
function owner(record: UserRecord, servers: readonly string[], path: string) {
  return zkUser(record, {
    servers,
    script: {
      onConnected: (client, _ctx, fresh) => {
        if (fresh) createRecursive(client, path, 'x', 'EPHEMERAL', () => {});
      },
    },
  });
}

describe('znode tree: image and load', () => {
  it('an image is a deep copy; loading it brings back nodes, stats and owners, and drops every watch', () => {
    const tree = new ZnodeTree();
    tree.openSession(S1);
    tree.create(S1, '/a', 'one', 'PERSISTENT', 1);
    tree.create(S1, '/e', 'mine', 'EPHEMERAL', 2);
    const image = tree.image();
    const statOfA = tree.node('/a')?.stat;
    tree.setData(S1, '/a', 'two', 0, 3);
    tree.openSession(S2);
    tree.create(S2, '/b', null, 'PERSISTENT', 4);
    tree.getData(S2, '/a', true);
    expect(image.zxid).toBe(3);
    expect(image.nodes.get('/a')?.data).toBe('one');
    expect(image.nodes.has('/b')).toBe(false);

    tree.load(image);
    expect(tree.zxid).toBe(3);
    expect(tree.node('/a')).toEqual({ data: 'one', stat: statOfA, children: [] });
    expect(tree.node('/b')).toBeUndefined();
    expect(tree.node('/e')?.stat.ephemeralOwner).toBe(S1);
    expect(tree.ephemeralsOf(S1)).toEqual(['/e']);
    expect(tree.hasSession(S2)).toBe(false);
    expect(tree.watchesOf(S2)).toEqual({ data: [], child: [] });
    expect(treeInvariantViolations(tree.state)).toEqual([]);
    // The loaded tree is its own copy: changing it leaves the image alone.
    tree.setData(S1, '/a', 'three', -1, 5);
    expect(image.nodes.get('/a')?.data).toBe('one');
    // Zxids go on from the image's, or from a later one if asked.
    expect(tree.zxid).toBe(4);
    tree.load(image, 10);
    expect(tree.create(S1, '/c', null, 'PERSISTENT', 6).zxid).toBe(11);
    expect(() => tree.load(image, 2)).toThrow(/below/);
  });
});

describe('zk ensemble restored from a backup (standalone server)', () => {
  it('revives the backup’s sessions with a full timeout: an idle client reconnects to its session and keeps its ephemeral', () => {
    const { world, ensemble } = ensembleWorld(31, { servers: ['zk1'] });
    const a = newRecord();
    world.spawn('a', owner(a, ['zk1'], '/brokers/ids/1'));
    world.runUntil(seconds(5));
    const registration = ensemble.tree.node('/brokers/ids/1')?.stat;
    const backup = ensemble.backup(world.now);
    expect(backup.takenAt).toBe(seconds(5));
    expect(backup.sessions).toEqual([{ id: S1, timeoutMs: 18_000 }]);
    world.runUntil(seconds(40));
    const result = restoreAll(world, ensemble, backup);
    expect(result).toEqual({
      zxidBefore: backup.tree.zxid,
      zxidAfter: backup.tree.zxid,
      revived: [S1],
      forgotten: [],
    });
    world.runUntil(seconds(120));
    expect(statesOf(a)).toEqual(['SyncConnected', 'Disconnected', 'SyncConnected']);
    expect(a.client?.sessionId).toBe(S1);
    expect(ensemble.tree.node('/brokers/ids/1')?.stat).toEqual(registration);
    expect(treeInvariantViolations(ensemble.tree.state)).toEqual([]);
  });

  it('a session created after the backup is unknown: its client hears Expired and starts a new one', () => {
    const { world, ensemble } = ensembleWorld(32, { servers: ['zk1'] });
    world.runUntil(seconds(5));
    const backup = ensemble.backup(world.now);
    const late = newRecord();
    // A client that has made no request has seen no zxid: the restored server lets it in.
    world.spawn('late', zkUser(late, { servers: ['zk1'] }));
    world.runUntil(seconds(20));
    const first = late.client?.sessionId as number;
    const result = restoreAll(world, ensemble, backup);
    expect(result.forgotten).toEqual([first]);
    expect(result.revived).toEqual([]);
    world.runUntil(seconds(30));
    expect(statesOf(late)).toEqual(['SyncConnected', 'Disconnected', 'Expired', 'SyncConnected']);
    expect(late.client?.sessionId).not.toBe(first);
    // Session ids are not handed out again (SessionTrackerImpl takes them from the clock).
    expect(late.client?.sessionId).toBeGreaterThan(first);
  });

  it('a crashed client’s session comes back with its ephemeral, which goes again one timeout later', () => {
    const { world, ensemble } = ensembleWorld(33, { servers: ['zk1'] });
    const gone = newRecord();
    world.spawn('gone', owner(gone, ['zk1'], '/controller'));
    world.runUntil(seconds(5));
    const backup = ensemble.backup(world.now);
    world.crash('gone');
    world.runUntil(seconds(40));
    expect(ensemble.tree.node('/controller')).toBeUndefined();
    const restoreAt = world.now;
    restoreAll(world, ensemble, backup);
    expect(ensemble.tree.node('/controller')?.stat.ephemeralOwner).toBe(S1);
    world.runUntil(restoreAt + seconds(17));
    expect(ensemble.tree.node('/controller')).toBeDefined();
    world.runUntil(restoreAt + seconds(22));
    expect(ensemble.tree.node('/controller')).toBeUndefined();
    expect(ensemble.session(S1)).toBeUndefined();
  });

  it('refuses a client that has seen a later zxid until the server’s zxid catches up; then its session has expired', () => {
    const { world, ensemble } = ensembleWorld(34, { servers: ['zk1'] });
    const ahead = newRecord();
    world.spawn('ahead', zkUser(ahead, { servers: ['zk1'] }));
    world.runUntil(seconds(2));
    const backup = ensemble.backup(world.now);
    // Four writes after the backup: the client has seen zxid backup + 4.
    let writes = 0;
    const write = (): void =>
      ahead.client?.create('/n-', null, 'PERSISTENT_SEQUENTIAL', () => {
        if (++writes < 4) write();
      });
    write();
    world.runUntil(seconds(5));
    const seen = ahead.client?.lastZxidSeen as number;
    expect(seen).toBe(backup.tree.zxid + 4);
    restoreAll(world, ensemble, backup);
    world.runUntil(seconds(30));
    expect(statesOf(ahead).filter((s) => s !== 'Disconnected')).toEqual(['SyncConnected']);
    expect(notes(world)).toContainEqual(
      expect.stringMatching(
        /zk1 Refusing session request for client ahead as it has seen zxid 0x[0-9a-f]+ our last zxid is 0x[0-9a-f]+ client must try another server/,
      ),
    );
    // The session the server restored expired meanwhile (nobody could reach it): one zxid. Others
    // write three more: now the server has seen as much as the client, which gets in and learns
    // that its session is gone.
    expect(ensemble.session(S1)).toBeUndefined();
    const other = newRecord();
    world.spawn(
      'other',
      zkUser(other, {
        servers: ['zk1'],
        script: {
          onConnected: (client) => {
            for (const path of ['/x', '/y']) client.create(path, null, 'PERSISTENT', () => {});
          },
        },
      }),
    );
    world.runUntil(seconds(40));
    expect(ensemble.tree.zxid).toBeGreaterThanOrEqual(seen);
    const after = statesOf(ahead).filter((s) => s !== 'Disconnected');
    expect(after).toEqual(['SyncConnected', 'Expired', 'SyncConnected']);
  });
});

describe('zk ensemble restored from a backup (quorum)', () => {
  const three = ['zk1', 'zk2', 'zk3'];

  it('a new epoch: zxids go on above the lost ones, so clients ahead reconnect at once', () => {
    const { world, ensemble } = ensembleWorld(35, { servers: three });
    const a = newRecord();
    world.spawn('a', owner(a, three, '/brokers/ids/1'), { start: false });
    world.at(seconds(4), () => world.start('a'));
    world.runUntil(seconds(8));
    const session = a.client?.sessionId as number;
    const backup = ensemble.backup(world.now);
    world.at(seconds(9), () => a.client?.create('/later', null, 'PERSISTENT', () => {}));
    world.runUntil(seconds(12));
    const before = ensemble.tree.zxid;
    const result = restoreAll(world, ensemble, backup);
    expect(result.zxidAfter).toBe(before);
    expect(ensemble.tree.node('/later')).toBeUndefined();
    world.runUntil(seconds(30));
    expect(statesOf(a)).toEqual(['SyncConnected', 'Disconnected', 'SyncConnected']);
    expect(a.client?.sessionId).toBe(session);
    expect(ensemble.tree.node('/brokers/ids/1')?.stat.ephemeralOwner).toBe(session);
    expect(notes(world).filter((n) => n.includes('Refusing'))).toEqual([]);
  });
});
