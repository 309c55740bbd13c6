/**
 * Faults for users' own property tests: fast-check arbitraries of fault schedules, clusters and
 * workloads, a scenario builder, and checkSchedule to run a scenario under a schedule; the
 * `faults:` draw of a seed, and shrinking a failing seed to a counterexample scenario.
 */
export { type FaultScheduleOptions, faultScheduleArb, type ScheduleTargets } from './arbitraries.js';
export {
  type Acks,
  type ClusterConfigOptions,
  type ClusterSetup,
  clusterConfigArb,
  type IntRange,
  type Truncation,
  type Workload,
  type WorkloadOptions,
  workloadArb,
} from './config-arbitraries.js';
export { type DrawnFault, drawFaults, type FaultTargets } from './generate.js';
export { materialize, scenarioForSeed, scheduleTargets } from './materialize.js';
export {
  type BuiltScenario,
  buildScenario,
  checkSchedule,
  type ScenarioArbOptions,
  type ScenarioParts,
  type ScenarioWithSchedule,
  type ScheduleCheckOutcome,
  type ScheduleResult,
  scenarioArb,
} from './property.js';
export { type Counterexample, type ShrinkOptions, shrinkFailure } from './shrink.js';
export { FAULT_KINDS, type FaultKind, type FaultSpec } from './spec.js';
