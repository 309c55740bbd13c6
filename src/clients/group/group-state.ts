/**
 * The classic consumer group's states on the coordinator (GroupMetadata.scala at 3.8.0, L37-L126):
 * which state may follow which (assertValidTransition) and when a rebalance may start.
 */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

/** Allowed previous states of each state. */
const VALID_PREVIOUS: Readonly<Record<GroupState, readonly GroupState[]>> = {
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Empty: ['PreparingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export function isValidTransition(from: GroupState, to: GroupState): boolean {
  return VALID_PREVIOUS[to].includes(from);
}

/** Throws as GroupMetadata.assertValidTransition does. */
export function assertValidTransition(groupId: string, from: GroupState, to: GroupState): void {
  if (!isValidTransition(from, to)) {
    throw new Error(
      `Group ${groupId} should be in the ${VALID_PREVIOUS[to].join(',')} states before moving to ${to} state. Instead it is in ${from} state.`,
    );
  }
}

/** GroupMetadata.canRebalance: a rebalance may start from Stable, CompletingRebalance or Empty. */
export function canRebalance(state: GroupState): boolean {
  return VALID_PREVIOUS.PreparingRebalance.includes(state);
}
