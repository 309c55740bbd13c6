import fc from 'fast-check';
import { stringify } from 'yaml';
import type { CheckName, Violation } from '../checks/types.js';
import { type CompiledScenario, compileScenario } from '../scenario/compile.js';
import { runScenario, unmetExpectations } from '../scenario/run.js';
import type { ScenarioFile, TimelineEntry } from '../scenario/types.js';
import { type FaultScheduleOptions, faultScheduleArb } from './arbitraries.js';
import {
  type ClusterConfigOptions,
  type ClusterSetup,
  clusterConfigArb,
  type Workload,
  type WorkloadOptions,
  workloadArb,
} from './config-arbitraries.js';
import { materialize, scheduleTargets } from './materialize.js';

export interface ScenarioParts {
  /** Default `property`. */
  readonly name?: string;
  readonly description?: string;
  /** Duration text: `60s`. */
  readonly duration: string;
  readonly cluster: ClusterSetup;
  readonly workload?: Workload;
  /**
   * The fault window, written as the `faults:` section that checkSchedule replaces by a schedule:
   * it also gives the run its healing period after `until` (network healed, brokers restarted).
   */
  readonly faults?: { readonly from: string; readonly until: string };
  /** Entries of the timeline (faults and operations) written as they are. */
  readonly timeline?: readonly TimelineEntry[];
}

/** A scenario as a file says it, its YAML text, and compiled. */
export interface BuiltScenario {
  readonly file: ScenarioFile;
  readonly text: string;
  readonly compiled: CompiledScenario;
}

/** Puts the parts in one scenario and compiles it (a ScenarioError names what Kafka would refuse). */
export function buildScenario(parts: ScenarioParts): BuiltScenario {
  const file: ScenarioFile = {
    name: parts.name ?? 'property',
    description: parts.description ?? 'A scenario built from generated parts.',
    duration: parts.duration,
    cluster: parts.cluster.cluster,
    topics: parts.cluster.topics,
    ...(parts.workload?.producers.length ? { producers: parts.workload.producers } : {}),
    ...(parts.workload?.consumers.length ? { consumers: parts.workload.consumers } : {}),
    ...(parts.timeline?.length ? { timeline: parts.timeline } : {}),
    ...(parts.faults === undefined ? {} : { faults: parts.faults }),
  };
  const text = stringify(file, { lineWidth: 0 });
  return { file, text, compiled: compileScenario(`${file.name}.yaml`, text) };
}

export interface ScenarioArbOptions {
  readonly duration: string;
  readonly cluster?: ClusterConfigOptions;
  readonly workload?: Omit<WorkloadOptions, 'topic'>;
  /** The fault window and the schedule's options (its targets are the generated cluster's). */
  readonly faults: Omit<FaultScheduleOptions, 'targets' | 'from'> & { readonly from: string };
}

/** A generated scenario and a fault schedule for it: what checkSchedule takes. */
export interface ScenarioWithSchedule {
  readonly scenario: BuiltScenario;
  readonly schedule: TimelineEntry[];
}

/**
 * A cluster, a workload and a schedule of faults inside a window of it. The schedule comes after
 * the cluster (its targets depend on how many brokers there are), so shrinking the cluster draws
 * the schedule again; counterexamples print as the scenario's YAML and the schedule.
 */
export function scenarioArb(options: ScenarioArbOptions): fc.Arbitrary<ScenarioWithSchedule> {
  const topic = 'orders';
  const window = { from: options.faults.from, until: options.faults.until };
  return fc
    .tuple(clusterConfigArb({ ...options.cluster, topic }), workloadArb({ ...options.workload, topic }))
    .map(([cluster, workload]) =>
      buildScenario({ duration: options.duration, cluster, workload, faults: window }),
    )
    .chain((scenario) =>
      faultScheduleArb({ ...options.faults, targets: scheduleTargets(scenario.compiled) }).map(
        (schedule): ScenarioWithSchedule & fc.WithToStringMethod => ({
          scenario,
          schedule,
          [fc.toStringMethod]: () => `${scenario.text}schedule: ${fc.stringify(schedule)}`,
        }),
      ),
    );
}

/** One checker's verdict in a checkSchedule run. */
export interface ScheduleCheckOutcome {
  readonly name: CheckName;
  readonly status: 'holds' | 'violated';
  /** As the scenario's `expect:` says, or (when it says nothing of checkers) the checker holds. */
  readonly met: boolean;
  readonly violations: readonly Violation[];
}

export interface ScheduleResult {
  /** pass: every checker met and every timeline or final assertion passed. */
  readonly verdict: 'pass' | 'fail';
  readonly traceHash: string;
  readonly checks: readonly ScheduleCheckOutcome[];
  /** The checkers not met, and `assertions` when an assertion failed. */
  readonly failing: readonly string[];
  /** The scenario that was run, standalone: `kafka-sim run` of it replays this run exactly. */
  readonly yaml: string;
}

/**
 * Runs a scenario (compiled, or its YAML text) under a fault schedule at a seed and returns the
 * checkers' verdicts. The schedule takes the place of the scenario's `faults:` section, whose
 * `until` still opens the healing period; a scenario without one gets the schedule appended to
 * its timeline and no healing. Pure: no I/O; the same arguments give the same trace hash.
 */
export function checkSchedule(
  scenario: CompiledScenario | string,
  schedule: readonly TimelineEntry[],
  seed: number,
): ScheduleResult {
  const compiled = typeof scenario === 'string' ? compileScenario('scenario.yaml', scenario) : scenario;
  const yaml = materialize(compiled, seed, schedule, { faultsComment: ' the fault schedule under test' });
  const run = runScenario(compileScenario(compiled.file, yaml), { seed, trace: 'off' });
  const checks = run.checks.map(
    (c): ScheduleCheckOutcome => ({
      name: c.result.name,
      status: c.result.status,
      met: c.met,
      violations: c.result.violations,
    }),
  );
  const failing = unmetExpectations(run).map((unmet) => unmet.check);
  return { verdict: run.verdict, traceHash: run.traceHash, checks, failing, yaml };
}
