import { describe, expect, it } from 'vitest';
import { ms, seconds } from '../../src/sim/time.js';
import { World } from '../../src/sim/world.js';
import type { ZkClient } from '../../src/zk/client.js';
import { treeInvariantViolations } from '../../src/zk/invariants.js';
import { ZkEnsemble } from '../../src/zk/server.js';
import type { ErrorCode, KeeperState } from '../../src/zk/types.js';
import {
  createRecursive,
  ensembleWorld,
  newRecord,
  notes,
  runUntilTrue,
  type UserRecord,
  zkUser,
} from './harness.js';

const BROKER_PATH = '/brokers/ids/1';

/** A broker-like user that registers an ephemeral at every new session. */
function registeringBroker(record: UserRecord, servers: readonly string[], sessionTimeoutMs?: number) {
  return zkUser(record, {
    servers,
    ...(sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs }),
    script: {
      onConnected: (client, _ctx, fresh) => {
        if (fresh) createRecursive(client, BROKER_PATH, '{"id":1}', 'EPHEMERAL', () => {});
      },
    },
  });
}

/** A controller-like user that watches the broker's ephemeral and the list of brokers. */
function watchingController(record: UserRecord, servers: readonly string[]) {
  const watch = (client: ZkClient) => {
    client.getChildren('/brokers/ids', { watch: true }, () => {});
    client.exists(BROKER_PATH, { watch: true }, () => {});
  };
  return zkUser(record, {
    servers,
    script: {
      onConnected: (client, _ctx, fresh) => {
        if (fresh) watch(client);
      },
      onWatch: (_event, client) => watch(client),
    },
  });
}

function statesOf(record: UserRecord): KeeperState[] {
  return record.states.map((s) => s.state);
}

function firstTime(record: UserRecord, state: KeeperState, after = 0): number | undefined {
  return record.states.find((s) => s.state === state && s.time >= after)?.time;
}

function eventTimes(record: UserRecord, type: string, path: string): number[] {
  return record.events.filter((e) => e.event.type === type && e.event.path === path).map((e) => e.time);
}

describe('zk sessions', () => {
  it('creates a session on connect, keeps it alive with pings, and notes it in the trace', () => {
    const { world, ensemble } = ensembleWorld(1, { servers: ['zk1'] });
    const b1 = newRecord();
    world.spawn('b1', zkUser(b1, { servers: ['zk1'] }));
    world.runUntil(seconds(1));
    const id = b1.client?.sessionId ?? 0;
    expect(id).toBe(0x1_0000_0001);
    expect(b1.states).toEqual([{ time: expect.any(Number), state: 'SyncConnected', session: id }]);
    expect(b1.client?.state).toBe('CONNECTED');
    expect(b1.client?.negotiatedSessionTimeoutMs).toBe(18_000);
    expect(ensemble.session(id)).toMatchObject({
      timeoutMs: 18_000,
      connection: { server: 'zk1', client: 'b1' },
    });
    expect(ensemble.tree.hasSession(id)).toBe(true);
    expect(notes(world)).toContainEqual(
      expect.stringMatching(/zk1 zk session 0x100000001 created for b1 \(timeout 18000 ms\)/),
    );
    // Two idle minutes: pings keep both sides content.
    world.runUntil(seconds(121));
    expect(statesOf(b1)).toEqual(['SyncConnected']);
    expect(ensemble.session(id)).toBeDefined();
    expect(ensemble.tree.hasSession(id)).toBe(true);
  });

  it('clamps the requested timeout to [2, 20] × tickTime', () => {
    const { world, ensemble } = ensembleWorld(2, { servers: ['zk1'], tickTimeMs: 2000 });
    const short = newRecord();
    const long = newRecord();
    const usual = newRecord();
    world.spawn('short', zkUser(short, { servers: ['zk1'], sessionTimeoutMs: 1000 }));
    world.spawn('long', zkUser(long, { servers: ['zk1'], sessionTimeoutMs: 100_000 }));
    world.spawn('usual', zkUser(usual, { servers: ['zk1'], sessionTimeoutMs: 6000 }));
    world.runUntil(seconds(1));
    expect(short.client?.negotiatedSessionTimeoutMs).toBe(4000);
    expect(long.client?.negotiatedSessionTimeoutMs).toBe(40_000);
    expect(usual.client?.negotiatedSessionTimeoutMs).toBe(6000);
    expect(ensemble.negotiateTimeout(18_000)).toBe(18_000);
    expect(new ZkEnsemble({ servers: ['a'] }).negotiateTimeout(1)).toBe(6000);
    expect(() => new ZkEnsemble({ servers: [] })).toThrow(/at least one/);
    expect(() => new ZkEnsemble({ servers: ['a', 'a'] })).toThrow(/unique/);
    expect(() => ensemble.serverActor('nope')).toThrow(/not one of its servers/);
  });

  it('queues requests made while connecting and answers them in order', () => {
    const { world, ensemble } = ensembleWorld(3, { servers: ['zk1'] });
    const answers: string[] = [];
    const b1 = newRecord();
    world.spawn(
      'b1',
      zkUser(b1, {
        servers: ['zk1'],
        script: {
          onStart: () => {
            const client = b1.client as ZkClient;
            expect(client.state).toBe('CONNECTING');
            client.create('/a', '1', 'PERSISTENT', (r) => answers.push(`create ${r.code}`));
            client.setData('/a', '2', 0, (r) =>
              answers.push(`setData ${r.code} ${r.code === 'OK' ? r.stat.version : ''}`),
            );
            client.getData('/a', { watch: false }, (r) =>
              answers.push(`getData ${r.code === 'OK' ? r.data : r.code}`),
            );
            client.delete('/a', 5, (r) => answers.push(`delete ${r.code}`));
            client.getChildren('/', { watch: false }, (r) =>
              answers.push(`children ${r.code === 'OK' ? r.children : ''}`),
            );
            client.exists('/zzz', { watch: false }, (r) => answers.push(`exists ${r.code}`));
          },
        },
      }),
    );
    world.runUntil(seconds(1));
    expect(answers).toEqual([
      'create OK',
      'setData OK 1',
      'getData 2',
      'delete BADVERSION',
      'children a',
      'exists NONODE',
    ]);
    expect(ensemble.tree.node('/a')?.data).toBe('2');
    expect(b1.client?.lastZxidSeen).toBe(ensemble.tree.zxid);
  });

  it('runs multi through the client, with per-op results on failure', () => {
    const { world, ensemble } = ensembleWorld(4, { servers: ['zk1'] });
    const outcomes: { code: ErrorCode; results?: readonly unknown[] }[] = [];
    const b1 = newRecord();
    world.spawn(
      'b1',
      zkUser(b1, {
        servers: ['zk1'],
        script: {
          onConnected: (client) => {
            client.multi(
              [
                { type: 'create', path: '/controller', data: null, mode: 'EPHEMERAL' },
                { type: 'setData', path: '/controller', data: '{"brokerid":1}', version: 0 },
              ],
              (r) => outcomes.push(r),
            );
            client.multi(
              [
                { type: 'check', path: '/controller', version: 1 },
                { type: 'create', path: '/controller', data: null, mode: 'EPHEMERAL' },
              ],
              (r) => outcomes.push(r),
            );
          },
        },
      }),
    );
    world.runUntil(seconds(1));
    expect(outcomes[0]?.code).toBe('OK');
    expect(outcomes[0]?.results?.map((r) => (r as { type: string }).type)).toEqual(['create', 'setData']);
    expect(outcomes[1]).toEqual({
      code: 'NODEEXISTS',
      results: [
        { type: 'error', code: 'OK' },
        { type: 'error', code: 'NODEEXISTS' },
      ],
    });
    expect(ensemble.tree.node('/controller')?.stat).toMatchObject({
      version: 1,
      ephemeralOwner: b1.client?.sessionId,
    });
  });

  it('closing a session deletes its ephemerals at once; later requests fail with SESSIONEXPIRED', () => {
    const { world, ensemble } = ensembleWorld(5, { servers: ['zk1'] });
    const b1 = newRecord();
    const ctl = newRecord();
    world.spawn('b1', registeringBroker(b1, ['zk1']));
    world.spawn('ctl', watchingController(ctl, ['zk1']), { start: false });
    world.at(seconds(1), () => world.start('ctl'));
    const late: ErrorCode[] = [];
    world.at(seconds(3), () => {
      const client = b1.client as ZkClient;
      client.close();
      expect(client.state).toBe('CONNECTED'); // until the server answers
      client.getData('/', { watch: false }, (r) => late.push(r.code));
      expect(late).toEqual([]); // never inside the call
    });
    world.runUntil(seconds(4));
    expect(ensemble.tree.node(BROKER_PATH)).toBeUndefined();
    const deleted = eventTimes(ctl, 'NodeDeleted', BROKER_PATH);
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toBeLessThan(seconds(3) + ms(50));
    expect(late).toEqual(['SESSIONEXPIRED']);
    expect(b1.client?.state).toBe('CLOSED');
    expect(ensemble.session(b1.client?.sessionId ?? 0)).toBeUndefined();
    expect(notes(world)).toContainEqual(expect.stringMatching(/zk session 0x100000001 closed by b1/));
  });
});

describe('zk session expiry', () => {
  it('deletes a crashed client’s ephemerals and fires watches about zookeeper.session.timeout.ms later', () => {
    const { world, ensemble } = ensembleWorld(11, { servers: ['zk1'] });
    const b1 = newRecord();
    const ctl = newRecord();
    world.spawn('b1', registeringBroker(b1, ['zk1']));
    world.spawn('ctl', watchingController(ctl, ['zk1']), { start: false });
    world.at(seconds(2), () => world.start('ctl'));
    const crashAt = seconds(10);
    world.at(crashAt, () => world.crash('b1'));
    let presentJustBefore = false;
    // The server last heard from b1 at most one ping interval (5 s) before the crash.
    world.at(crashAt + seconds(13) - ms(1), () => {
      presentJustBefore = ensemble.tree.node(BROKER_PATH) !== undefined;
    });
    world.runUntil(seconds(40));
    expect(presentJustBefore).toBe(true);
    const deleted = eventTimes(ctl, 'NodeDeleted', BROKER_PATH);
    const childrenChanged = eventTimes(ctl, 'NodeChildrenChanged', '/brokers/ids');
    expect(deleted).toHaveLength(1);
    expect(childrenChanged).toHaveLength(1);
    const expiredAt = deleted[0] as number;
    // Expired between timeout and timeout + tickTime after the last ping, i.e. 13-21 s after the crash.
    expect(expiredAt).toBeGreaterThanOrEqual(crashAt + seconds(13));
    expect(expiredAt).toBeLessThanOrEqual(crashAt + seconds(21) + ms(20));
    expect(childrenChanged[0]).toBe(expiredAt);
    const expiry = world.trace.find((r) => r.kind === 'note' && /expired/.test(r.detail ?? ''));
    expect(expiry?.detail).toBe('zk session 0x100000001 expired (timeout 18000 ms)');
    expect((expiry?.time ?? 1) % seconds(3)).toBe(0); // the expirer runs on tickTime boundaries
    expect(ensemble.tree.hasSession(0x1_0000_0001)).toBe(false);
    expect(treeInvariantViolations(ensemble.tree.state)).toEqual([]);
  });

  it('a client partitioned longer than the timeout: Disconnected after ~2/3 of it, Expired after the heal', () => {
    const { world, ensemble } = ensembleWorld(12, { servers: ['zk1'] });
    const b1 = newRecord();
    world.spawn('b1', registeringBroker(b1, ['zk1']));
    const cutAt = seconds(10);
    const healAt = cutAt + seconds(30);
    world.at(cutAt, () => world.network.partition([['b1'], ['zk1']]));
    world.at(healAt, () => world.network.heal());
    let goneDuringPartition = false;
    world.at(cutAt + seconds(22), () => {
      goneDuringPartition = ensemble.tree.node(BROKER_PATH) === undefined;
    });
    world.runUntil(healAt + seconds(15));
    const firstSession = b1.states[0]?.session ?? 0;
    const disconnected = firstTime(b1, 'Disconnected') as number;
    // readTimeout = 12 s without a reply; the last pong came at most ~5 s before the cut.
    expect(disconnected).toBeGreaterThanOrEqual(cutAt + seconds(7));
    expect(disconnected).toBeLessThanOrEqual(cutAt + seconds(12) + ms(10));
    expect(goneDuringPartition).toBe(true);
    const expired = b1.states.find((s) => s.state === 'Expired');
    expect(expired?.time).toBeGreaterThan(healAt);
    expect(expired?.session).toBe(firstSession);
    // Connected once, lost it (retrying in vain), learnt of the expiry, then a new session (reinitialize).
    const states = statesOf(b1);
    expect(states[0]).toBe('SyncConnected');
    expect(states.slice(1, states.indexOf('Expired')).every((s) => s === 'Disconnected')).toBe(true);
    expect(states.slice(states.indexOf('Expired') + 1)).toEqual(['SyncConnected']);
    const newSession = b1.client?.sessionId ?? 0;
    expect(newSession).not.toBe(firstSession);
    expect(ensemble.tree.node(BROKER_PATH)?.stat.ephemeralOwner).toBe(newSession);
  });

  it('a client partitioned for less than the timeout keeps its session and its ephemerals', () => {
    const { world, ensemble } = ensembleWorld(13, { servers: ['zk1'] });
    const b1 = newRecord();
    world.spawn('b1', registeringBroker(b1, ['zk1']));
    const cutAt = seconds(10);
    world.runUntil(cutAt);
    const registration = ensemble.tree.node(BROKER_PATH)?.stat;
    expect(registration).toBeDefined();
    world.network.partition([['b1'], ['zk1']]);
    const lost: ErrorCode[] = [];
    world.at(cutAt + seconds(1), () => b1.client?.setData(BROKER_PATH, 'x', -1, (r) => lost.push(r.code)));
    expect(runUntilTrue(world, () => firstTime(b1, 'Disconnected') !== undefined, cutAt + seconds(13))).toBe(
      true,
    );
    const disconnected = firstTime(b1, 'Disconnected') as number;
    expect(disconnected).toBeGreaterThanOrEqual(cutAt + seconds(7));
    expect(disconnected).toBeLessThanOrEqual(cutAt + seconds(12) + ms(10));
    expect(lost).toEqual(['CONNECTIONLOSS']); // failed when the connection was given up
    world.network.heal();
    world.runFor(seconds(10));
    const session = b1.states[0]?.session;
    expect(statesOf(b1)).not.toContain('Expired');
    expect(b1.states.at(-1)).toMatchObject({ state: 'SyncConnected', session });
    expect(b1.client?.sessionId).toBe(session);
    expect(ensemble.tree.node(BROKER_PATH)?.stat).toMatchObject({
      czxid: registration?.czxid,
      ephemeralOwner: session,
    });
  });

  it('does not expire sessions because the ensemble itself was down: they get a fresh timeout', () => {
    const { world, ensemble } = ensembleWorld(14, { servers: ['zk1'] });
    const b1 = newRecord();
    world.spawn('b1', registeringBroker(b1, ['zk1']));
    world.at(seconds(10), () => world.crash('zk1'));
    // b1 cannot reach zk1 until after its first tick back (42 s), when the expirer first runs.
    world.at(seconds(30), () => world.network.partition([['b1'], ['zk1']]));
    world.at(seconds(40), () => world.restart('zk1'));
    world.at(seconds(43), () => world.network.heal());
    world.runUntil(seconds(50));
    const session = b1.states[0]?.session;
    expect(statesOf(b1)).not.toContain('Expired');
    expect(b1.states.at(-1)).toMatchObject({ state: 'SyncConnected', session });
    expect(b1.states.at(-1)?.time).toBeGreaterThanOrEqual(seconds(43));
    expect(ensemble.tree.node(BROKER_PATH)?.stat.ephemeralOwner).toBe(session);
    // Refused while the server was down: a Disconnected for every failed attempt.
    expect(statesOf(b1).filter((s) => s === 'Disconnected').length).toBeGreaterThan(5);
  });
});

/** Three servers find their quorum by their first tick (3 s); clients that come earlier may be turned away. */
const THREE = ['zk1', 'zk2', 'zk3'];
const UP = seconds(4);

describe('zk ensemble availability', () => {
  const three = THREE;

  it('keeps serving when one of three servers crashes: the client moves over with its session', () => {
    const { world, ensemble } = ensembleWorld(21, { servers: three });
    const b1 = newRecord();
    const ctl = newRecord();
    // Clients start once the servers have found their quorum (before, they are turned away).
    world.spawn('b1', registeringBroker(b1, three), { start: false });
    world.spawn('ctl', watchingController(ctl, three), { start: false });
    world.at(UP, () => world.start('b1'));
    world.at(UP + seconds(1), () => world.start('ctl'));
    const crashAt = UP + seconds(4);
    world.runUntil(crashAt);
    const first = b1.client?.connectedServer as string;
    const registration = ensemble.tree.node(BROKER_PATH)?.stat;
    expect(registration).toBeDefined();
    world.crash(first);
    world.runUntil(crashAt + seconds(10));
    const session = b1.states[0]?.session;
    expect(statesOf(b1)).toEqual(['SyncConnected', 'Disconnected', 'SyncConnected']);
    expect(b1.states[1]?.time).toBeLessThan(crashAt + ms(50)); // the reset is noticed at once
    expect(b1.states[2]?.session).toBe(session);
    expect(b1.client?.connectedServer).not.toBe(first);
    expect(ensemble.tree.node(BROKER_PATH)?.stat.czxid).toBe(registration?.czxid);
    expect(eventTimes(ctl, 'NodeDeleted', BROKER_PATH)).toEqual([]);
    // Still writable, and the controller still hears of it.
    const written: ErrorCode[] = [];
    b1.client?.setData(BROKER_PATH, 'v2', -1, (r) => written.push(r.code));
    world.runFor(seconds(1));
    expect(written).toEqual(['OK']);
    expect(eventTimes(ctl, 'NodeDataChanged', BROKER_PATH)).toHaveLength(1);
    expect(notes(world).filter((n) => n.includes('quorum lost'))).toEqual([]);
  });

  it('stops serving the minority side of a partition', () => {
    const { world, ensemble } = ensembleWorld(22, { servers: three });
    const minority = newRecord();
    const majority = newRecord();
    world.spawn('b1', zkUser(minority, { servers: ['zk1'] }), { start: false });
    world.spawn('b2', zkUser(majority, { servers: ['zk2', 'zk3'] }), { start: false });
    world.at(UP, () => world.start('b1'));
    world.at(UP, () => world.start('b2'));
    const cutAt = UP + seconds(6);
    world.at(cutAt, () =>
      world.network.partition([
        ['zk1', 'b1'],
        ['zk2', 'zk3', 'b2'],
      ]),
    );
    const writes: string[] = [];
    world.at(cutAt + seconds(20), () => {
      minority.client?.create('/minority', null, 'PERSISTENT', (r) => writes.push(`b1 ${r.code}`));
      majority.client?.create('/majority', null, 'PERSISTENT', (r) => writes.push(`b2 ${r.code}`));
    });
    const healAt = cutAt + seconds(25);
    world.at(healAt, () => world.network.heal());
    world.runUntil(healAt + seconds(10));
    const quorumNotes = world.trace.filter((r) => r.kind === 'note' && /quorum/.test(r.detail ?? ''));
    const lost = quorumNotes.filter((r) => r.detail?.startsWith('zk quorum lost'));
    expect(lost.map((r) => r.process)).toEqual(['zk1']);
    // Peers ping every tickTime (3 s); a server drops a peer after syncLimit × tickTime (15 s).
    expect(lost[0]?.time).toBeGreaterThanOrEqual(cutAt + seconds(15));
    expect(lost[0]?.time).toBeLessThanOrEqual(cutAt + seconds(18));
    expect(lost[0]?.detail).toBe('zk quorum lost (1 of 3 servers); closing 1 client connection(s)');
    const minorityLostAt = firstTime(minority, 'Disconnected') as number;
    expect(minorityLostAt).toBeGreaterThanOrEqual(lost[0]?.time ?? 0);
    expect(minorityLostAt).toBeLessThan((lost[0]?.time ?? 0) + ms(50));
    // The minority could not write; the majority could.
    expect(writes.sort()).toEqual(['b1 CONNECTIONLOSS', 'b2 OK']);
    expect(ensemble.tree.node('/minority')).toBeUndefined();
    expect(ensemble.tree.node('/majority')).toBeDefined();
    expect(statesOf(majority)).toEqual(['SyncConnected']);
    // After the heal, zk1 is back in quorum and b1 back with its session.
    const regained = quorumNotes.filter((r) => r.process === 'zk1' && r.time >= healAt);
    expect(regained.map((r) => r.detail)).toEqual([expect.stringMatching(/^zk quorum gained/)]);
    expect(minority.states.at(-1)).toMatchObject({
      state: 'SyncConnected',
      session: minority.states[0]?.session,
    });
  });
});

describe('zk watch delivery across servers', () => {
  const three = THREE;

  /** b1 writes through zk1; b2 watches /x through zk2 and re-arms its watch on every event. */
  function setup(seed: number, b2Servers: readonly string[]) {
    const world = new World<unknown, unknown>({ seed, trace: 'messages' });
    const ensemble = new ZkEnsemble({ servers: three });
    for (const server of three) world.spawn(server, ensemble.serverActor(server));
    const b1 = newRecord();
    const b2 = newRecord();
    world.spawn(
      'b1',
      zkUser(b1, {
        servers: ['zk1'],
        script: { onConnected: (client) => client.create('/x', '0', 'PERSISTENT', () => {}) },
      }),
      { start: false },
    );
    const watch = (client: ZkClient) => client.getData('/x', { watch: true }, () => {});
    world.spawn(
      'b2',
      zkUser(b2, {
        servers: b2Servers,
        script: {
          onConnected: (client, _ctx, fresh) => {
            if (fresh) watch(client);
          },
          onWatch: (_event, client) => watch(client),
        },
      }),
      { start: false },
    );
    // Once the ensemble is up, b1 makes /x; then b2 watches it.
    world.at(UP, () => world.start('b1'));
    world.at(UP + seconds(1), () => world.start('b2'));
    const write = (at: number, value: string) =>
      world.at(at, () => b1.client?.setData('/x', value, -1, () => {}), `b1 writes ${value}`);
    return { world, ensemble, b1, b2, write };
  }

  it('forwards a notification from the server that applied the change to the watcher’s server', () => {
    const { world, b2, write } = setup(31, ['zk2']);
    const writeAt = UP + seconds(3);
    write(writeAt, '1');
    world.runUntil(writeAt + seconds(1));
    const heard = eventTimes(b2, 'NodeDataChanged', '/x');
    expect(heard).toHaveLength(1);
    expect(heard[0]).toBeLessThan(writeAt + ms(20));
    const forwarded = world.trace.filter(
      (r) =>
        r.kind === 'deliver' && r.process === 'zk2' && r.peer === 'zk1' && r.detail === 'zk-peer-watch-event',
    );
    expect(forwarded).toHaveLength(1);
  });

  it('delays the notification while the two servers are partitioned, and delivers it on heal', () => {
    const { world, b2, write } = setup(32, ['zk2']);
    // zk3 stays in touch with both sides, so both keep their quorum.
    world.at(UP + seconds(5), () =>
      world.network.partition([
        ['zk1', 'b1'],
        ['zk2', 'b2'],
      ]),
    );
    write(UP + seconds(6), '1');
    const healAt = UP + seconds(9);
    world.at(healAt, () => world.network.heal());
    world.runUntil(healAt + seconds(3));
    const heard = eventTimes(b2, 'NodeDataChanged', '/x');
    expect(heard).toHaveLength(1);
    expect(heard[0]).toBeGreaterThanOrEqual(healAt);
    expect(statesOf(b2)).toEqual(['SyncConnected']);
    expect(notes(world).filter((n) => n.includes('quorum lost'))).toEqual([]);
  });

  it('re-registers watches on reconnect, so a notification lost with a connection is not missed', () => {
    const { world, ensemble, b2, write } = setup(33, ['zk2', 'zk3']);
    world.runUntil(UP + seconds(4));
    const home = b2.client?.connectedServer as string;
    const other = home === 'zk2' ? 'zk3' : 'zk2';
    expect(ensemble.tree.watchesOf(b2.client?.sessionId ?? 0).data).toEqual(['/x']);
    world.network.partition([['b2'], [home]]);
    write(UP + seconds(6), '1'); // its notification goes to `home`, and sticks there
    world.at(UP + seconds(40), () => world.network.heal());
    world.runUntil(UP + seconds(45));
    const reconnected = b2.states[2];
    expect(statesOf(b2).slice(0, 3)).toEqual(['SyncConnected', 'Disconnected', 'SyncConnected']);
    expect(reconnected?.session).toBe(b2.states[0]?.session);
    expect(b2.client?.connectedServer).toBe(other);
    const heard = eventTimes(b2, 'NodeDataChanged', '/x');
    expect(heard).toHaveLength(1); // once: the copy stuck on the old connection is never delivered
    expect(heard[0]).toBeGreaterThanOrEqual(reconnected?.time ?? Number.POSITIVE_INFINITY);
    expect(heard[0]).toBeLessThan((reconnected?.time ?? 0) + ms(20));
  });
});
