/**
 * Test actors that embed a ZkClient, as a Kafka broker will, and record what their client reports.
 */
import type { ActorFactory, ProcessContext } from '../../src/sim/process.js';
import type { SimTime } from '../../src/sim/time.js';
import { World } from '../../src/sim/world.js';
import { ZkClient } from '../../src/zk/client.js';
import { ZkEnsemble, type ZkEnsembleOptions } from '../../src/zk/server.js';
import type { CreateMode, ErrorCode, KeeperState, SessionId, WatchedEvent } from '../../src/zk/types.js';

export type Ctx = ProcessContext<unknown, unknown>;

/** What a user's client reported, kept outside the actor so that it survives crashes. */
export interface UserRecord {
  readonly states: { readonly time: SimTime; readonly state: KeeperState; readonly session: SessionId }[];
  readonly events: { readonly time: SimTime; readonly event: WatchedEvent }[];
  /** The current client (a new one after Expired, as Kafka's ZooKeeperClient.reinitialize). */
  client: ZkClient | null;
}

export interface UserScript {
  /** Runs on every SyncConnected; `fresh` on the first one of each session. */
  readonly onConnected?: (client: ZkClient, ctx: Ctx, fresh: boolean) => void;
  readonly onWatch?: (event: WatchedEvent, client: ZkClient, ctx: Ctx) => void;
  readonly onTimer?: (tag: unknown, client: ZkClient, ctx: Ctx) => void;
  readonly onStart?: (ctx: Ctx) => void;
}

export function newRecord(): UserRecord {
  return { states: [], events: [], client: null };
}

export interface UserOptions {
  readonly servers: readonly string[];
  readonly sessionTimeoutMs?: number;
  readonly script?: UserScript;
  /** Start a new session after Expired (default true). */
  readonly reinitialize?: boolean;
}

/** An actor that owns a ZooKeeper client and forwards to it, like a broker. */
export function zkUser(record: UserRecord, options: UserOptions): ActorFactory<unknown, unknown> {
  return (ctx) => {
    const script = options.script ?? {};
    const start = (): void => {
      let fresh = true;
      const client: ZkClient = new ZkClient(ctx, {
        servers: options.servers,
        ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: options.sessionTimeoutMs }),
        onStateChange: (state) => {
          record.states.push({ time: ctx.now, state, session: client.sessionId });
          if (state === 'SyncConnected') {
            script.onConnected?.(client, ctx, fresh);
            fresh = false;
          }
          if (state === 'Expired' && options.reinitialize !== false) start();
        },
        onWatchEvent: (event) => {
          record.events.push({ time: ctx.now, event });
          script.onWatch?.(event, client, ctx);
        },
      });
      record.client = client;
    };
    return {
      onStart() {
        start();
        script.onStart?.(ctx);
      },
      onMessage(from, message) {
        record.client?.handleMessage(from, message);
      },
      onTimer(tag) {
        if (record.client?.handleTimer(tag)) return;
        if (record.client !== null) script.onTimer?.(tag, record.client, ctx);
      },
      onDisconnect(peer) {
        record.client?.handleDisconnect(peer);
      },
    };
  };
}

/** Creates `path` and any missing parents (persistent, null data), as KafkaZkClient.createRecursive. */
export function createRecursive(
  client: ZkClient,
  path: string,
  data: string | null,
  mode: CreateMode,
  done: (code: ErrorCode) => void,
): void {
  client.create(path, data, mode, (outcome) => {
    if (outcome.code !== 'NONODE') {
      done(outcome.code);
      return;
    }
    const parent = path.slice(0, path.lastIndexOf('/'));
    createRecursive(client, parent, null, 'PERSISTENT', (code) => {
      if (code !== 'OK' && code !== 'NODEEXISTS') done(code);
      else client.create(path, data, mode, (again) => done(again.code));
    });
  });
}

/** A world with an ensemble whose servers are spawned, and notes kept in the trace. */
export function ensembleWorld(
  seed: number,
  options: ZkEnsembleOptions,
): { readonly world: World<unknown, unknown>; readonly ensemble: ZkEnsemble } {
  const world = new World<unknown, unknown>({ seed, trace: 'faults' });
  const ensemble = new ZkEnsemble(options);
  for (const server of ensemble.servers) world.spawn(server, ensemble.serverActor(server));
  return { world, ensemble };
}

/** The notes of the trace, as `time process text`. */
export function notes(world: World<unknown, unknown>): string[] {
  return world.trace.filter((r) => r.kind === 'note').map((r) => `${r.time} ${r.process} ${r.detail}`);
}

/** Runs in small steps until `condition` holds or `limit` passes; returns whether it held. */
export function runUntilTrue(
  world: World<unknown, unknown>,
  condition: () => boolean,
  limit: SimTime,
): boolean {
  while (!condition()) {
    if (world.now >= limit) return false;
    world.runUntil(Math.min(limit, world.now + 10_000));
  }
  return true;
}
