import { describe, expect, it } from 'vitest';
import {
  assertValidTransition,
  canRebalance,
  type GroupState,
  isValidTransition,
} from '../../src/clients/group/group-state.js';

const STATES: GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

describe('consumer group states (GroupMetadata)', () => {
  it('allows exactly the transitions of GroupMetadata.validPreviousStates', () => {
    const allowed = STATES.flatMap((from) =>
      STATES.filter((to) => isValidTransition(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'Empty->PreparingRebalance',
        'Empty->Dead',
        'PreparingRebalance->CompletingRebalance',
        'PreparingRebalance->Empty',
        'PreparingRebalance->Dead',
        'CompletingRebalance->PreparingRebalance',
        'CompletingRebalance->Stable',
        'CompletingRebalance->Dead',
        'Stable->PreparingRebalance',
        'Stable->Dead',
        'Dead->Dead',
      ].sort(),
    );
    expect(STATES.filter(canRebalance)).toEqual(['Empty', 'CompletingRebalance', 'Stable']);
    expect(() => assertValidTransition('g', 'Empty', 'Stable')).toThrow(
      'Group g should be in the CompletingRebalance states before moving to Stable state. Instead it is in Empty state.',
    );
  });
});
