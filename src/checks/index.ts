/** The checkers: pure functions of the history and the final state that name every violation. */
export { checkDuplicate } from './duplicate.js';
export {
  type CommittedLog,
  committedLog,
  type FinalPartition,
  type FinalRecord,
  type FinalReplica,
  type FinalState,
  leaderReplica,
} from './final-state.js';
export { checkG1a } from './g1a.js';
export { checkGroupExclusivity } from './group-exclusivity.js';
export { checkHwRegression } from './hw-regression.js';
export { checkInconsistentOffsets } from './inconsistent-offsets.js';
export { checkLostWrite } from './lost-write.js';
export { checkNonmonotonicPoll, checkPollSkip } from './poll-order.js';
export { checkReorder, producerPromise } from './reorder.js';
export { checkReplicaDivergence } from './replica-divergence.js';
export { CHECKERS, runChecks, violated } from './run.js';
export { type FinalStateSource, snapshotCluster, snapshotFinalState } from './snapshot.js';
export { checkSplitBrain } from './split-brain.js';
export {
  CHECK_NAMES,
  type Checker,
  type CheckInput,
  type CheckName,
  type CheckResult,
  type ProducerPromise,
  type Violation,
  type ViolationEvent,
} from './types.js';
export { checkUnseen } from './unseen.js';
