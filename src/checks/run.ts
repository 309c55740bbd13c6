import { checkDuplicate } from './duplicate.js';
import { checkG1a } from './g1a.js';
import { checkGroupExclusivity } from './group-exclusivity.js';
import { checkHwRegression } from './hw-regression.js';
import { checkInconsistentOffsets } from './inconsistent-offsets.js';
import { checkLostWrite } from './lost-write.js';
import { checkNonmonotonicPoll, checkPollSkip } from './poll-order.js';
import { checkReorder } from './reorder.js';
import { checkReplicaDivergence } from './replica-divergence.js';
import { checkSplitBrain } from './split-brain.js';
import { CHECK_NAMES, type Checker, type CheckInput, type CheckName, type CheckResult } from './types.js';
import { checkUnseen } from './unseen.js';

/** Every checker by its name. */
export const CHECKERS: Readonly<Record<CheckName, Checker>> = {
  'lost-write': checkLostWrite,
  duplicate: checkDuplicate,
  'inconsistent-offsets': checkInconsistentOffsets,
  'nonmonotonic-poll': checkNonmonotonicPoll,
  'poll-skip': checkPollSkip,
  G1a: checkG1a,
  unseen: checkUnseen,
  reorder: checkReorder,
  'replica-divergence': checkReplicaDivergence,
  'split-brain': checkSplitBrain,
  'hw-regression': checkHwRegression,
  'group-exclusivity': checkGroupExclusivity,
};

/**
 * Runs the named checkers (all by default) in CHECK_NAMES order, whatever order `names` lists them
 * in. Pure: the same input gives the same results.
 */
export function runChecks(input: CheckInput, names?: readonly CheckName[]): CheckResult[] {
  const wanted = names === undefined ? undefined : new Set(names);
  return CHECK_NAMES.filter((n) => wanted === undefined || wanted.has(n)).map((n) => CHECKERS[n](input));
}

/** The names of the checkers that found violations. */
export const violated = (results: readonly CheckResult[]): CheckName[] =>
  results.filter((r) => r.status === 'violated').map((r) => r.name);
