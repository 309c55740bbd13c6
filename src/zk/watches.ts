import type { SessionId } from './types.js';

/**
 * One of the tree's watch tables (ZooKeeper's WatchManager): path → the sessions watching it, in
 * the order they registered. Watches are one-shot: triggering a path takes all its watchers.
 */
export type WatchTable = Map<string, Set<SessionId>>;

export function addWatch(table: WatchTable, path: string, session: SessionId): void {
  let watchers = table.get(path);
  if (watchers === undefined) {
    watchers = new Set();
    table.set(path, watchers);
  }
  watchers.add(session);
}

/** Removes and returns the sessions watching `path` (WatchManager.triggerWatch). */
export function takeWatchers(table: WatchTable, path: string): SessionId[] {
  const watchers = table.get(path);
  if (watchers === undefined) return [];
  table.delete(path);
  return [...watchers];
}

/** Forgets every watch of `session` (WatchManager.removeWatcher, when its connection closes). */
export function removeSessionWatches(table: WatchTable, session: SessionId): void {
  for (const [path, watchers] of table) {
    if (watchers.delete(session) && watchers.size === 0) table.delete(path);
  }
}

/** The paths `session` watches in `table`, sorted. */
export function watchedPaths(table: WatchTable, session: SessionId): string[] {
  const paths: string[] = [];
  for (const [path, watchers] of table) if (watchers.has(session)) paths.push(path);
  return paths.sort();
}
