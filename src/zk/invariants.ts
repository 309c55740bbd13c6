import { nameOf, parentOf, utf8Length } from './paths.js';
import type { TreeState } from './tree.js';

/**
 * What must hold of a znode tree at every moment, as sentences naming what is wrong (empty when
 * all holds): for tests after every step, and for live assertions in runs.
 */
export function treeInvariantViolations(state: TreeState): string[] {
  const problems: string[] = [];
  const root = state.nodes.get('/');
  if (root === undefined) problems.push('the root / is missing');
  for (const [path, node] of state.nodes) {
    const { stat } = node;
    if (path !== '/') {
      const parent = state.nodes.get(parentOf(path));
      if (parent === undefined) problems.push(`${path} has no parent`);
      else if (!parent.children.has(nameOf(path)))
        problems.push(`${path} is not among its parent's children`);
    }
    for (const child of node.children) {
      const childPath = path === '/' ? `/${child}` : `${path}/${child}`;
      if (!state.nodes.has(childPath)) problems.push(`${path} lists a child ${child} that does not exist`);
    }
    if (stat.numChildren !== node.children.size)
      problems.push(`${path}: numChildren ${stat.numChildren} ≠ ${node.children.size}`);
    if (stat.dataLength !== utf8Length(node.data))
      problems.push(`${path}: dataLength ${stat.dataLength} is wrong`);
    if (!(stat.czxid <= stat.mzxid && stat.mzxid <= state.zxid)) problems.push(`${path}: mzxid out of order`);
    if (!(stat.czxid <= stat.pzxid && stat.pzxid <= state.zxid)) problems.push(`${path}: pzxid out of order`);
    if (stat.ephemeralOwner !== 0) {
      if (node.children.size > 0) problems.push(`ephemeral ${path} has children`);
      if (!state.sessions.get(stat.ephemeralOwner)?.has(path)) {
        problems.push(`ephemeral ${path} is not owned by an open session ${stat.ephemeralOwner}`);
      }
    }
  }
  for (const [session, paths] of state.sessions) {
    for (const path of paths) {
      if (state.nodes.get(path)?.stat.ephemeralOwner !== session) {
        problems.push(`session ${session} claims ${path}, which it does not own`);
      }
    }
  }
  for (const [kind, table] of [
    ['data', state.dataWatches],
    ['child', state.childWatches],
  ] as const) {
    for (const [path, sessions] of table) {
      for (const session of sessions) {
        if (!state.sessions.has(session))
          problems.push(`closed session ${session} still has a ${kind} watch on ${path}`);
      }
    }
  }
  return problems;
}
