import { type CompiledScenario, compileScenario } from '../scenario/compile.js';
import { formatDuration, parseDuration } from '../scenario/duration.js';
import { runScenario, type ScenarioRun, type UnmetExpectation, unmetExpectations } from '../scenario/run.js';
import type { TimelineEntry } from '../scenario/types.js';
import { SECOND, type SimTime } from '../sim/time.js';
import { drawFaults } from './generate.js';
import { materialize, scheduleTargets, type WorkloadEdits } from './materialize.js';

/** A failing run reduced to a small scenario with an explicit timeline that replays it exactly. */
export interface Counterexample {
  /** The scenario's name and the seed that failed. */
  readonly scenario: string;
  readonly seed: number;
  /** The checker (or `assertions`) that still fails in the shrunk scenario. */
  readonly check: string;
  /** The standalone scenario file: `faults:` replaced by the timeline that was drawn and shrunk. */
  readonly yaml: string;
  /** Faults left in the shrunk timeline. */
  readonly faults: number;
  /** Faults the seed drew before shrinking. */
  readonly drawnFaults: number;
  /** The shrunk scenario's trace hash at `seed`: what `kafka-sim run` of the file prints. */
  readonly traceHash: string;
  /** The first violation of `check` in the shrunk run, as the checker words it. */
  readonly violation: string;
  /** Runs spent shrinking. */
  readonly runs: number;
}

export interface ShrinkOptions {
  /** Stop trying smaller candidates after this many runs (the smallest failing one so far wins). */
  readonly maxRuns?: number;
}

/** One candidate: the faults left, the workload changes and when the healing period starts. */
interface Candidate {
  readonly faults: readonly TimelineEntry[];
  readonly edits: WorkloadEdits;
  /** Heal here (µs) rather than at the `faults:` section's `until`, the run as much shorter. */
  readonly healAt?: SimTime;
}

/** The first unmet expectation of `check` in `run`, if it fails it. */
function failureOf(run: ScenarioRun, check: string): UnmetExpectation | undefined {
  return unmetExpectations(run).find((unmet) => unmet.check === check);
}

/**
 * Shrinks the failure of `check` at `seed` of a `faults:` scenario to a small scenario that still
 * fails it, in the spirit of delta debugging (Zeller) on the schedule's own structure: drop faults
 * (halves first, then one at a time), end the remaining ones sooner (halve each `for`), start them
 * sooner (the whole schedule moved earlier), heal sooner, then make the workload smaller (halve
 * each producer's record count, leave clients out), and again while anything got smaller. Each
 * candidate is written out and compiled as the counterexample file will be, so the result replays
 * exactly. Undefined when the seed does not fail `check` at all.
 */
export function shrinkFailure(
  scenario: CompiledScenario,
  seed: number,
  check: string,
  options: ShrinkOptions = {},
): Counterexample | undefined {
  const maxRuns = options.maxRuns ?? 300;
  const drawn =
    scenario.faults === undefined
      ? []
      : drawFaults(scenario.faults, scheduleTargets(scenario), seed).map((f) => f.entry);
  let runs = 0;
  const written = (candidate: Candidate, more: Parameters<typeof materialize>[3] = {}) =>
    materialize(scenario, seed, candidate.faults, {
      edits: candidate.edits,
      ...(candidate.healAt === undefined ? {} : { healAt: candidate.healAt }),
      ...more,
    });
  /** The checks a candidate fails, when `check` is one of them. */
  const attempt = (candidate: Candidate): Set<string> | undefined => {
    runs++;
    const run = runScenario(compileScenario(scenario.file, written(candidate)), { seed, trace: 'off' });
    const failing = new Set(unmetExpectations(run).map((unmet) => unmet.check));
    return failing.has(check) ? failing : undefined;
  };
  let best: Candidate = { faults: drawn, edits: {} };
  let bestFailing = attempt(best);
  if (bestFailing === undefined) return undefined;
  /** Takes the candidate if `check` still fails (and, with `noNewFailures`, nothing else newly does). */
  const tryCandidate = (candidate: Candidate, noNewFailures = false): boolean => {
    if (runs >= maxRuns) return false;
    const failing = attempt(candidate);
    if (failing === undefined) return false;
    if (noNewFailures && [...failing].some((name) => !bestFailing?.has(name))) return false;
    best = candidate;
    bestFailing = failing;
    return true;
  };
  for (let progress = true; progress && runs < maxRuns; ) {
    progress = false;
    // Drop faults: chunks of half, a quarter, ..., then single ones, from the last.
    for (let size = Math.max(1, Math.floor(best.faults.length / 2)); size >= 1; size = Math.floor(size / 2)) {
      for (let start = best.faults.length - size; start >= 0; start -= size) {
        const faults = [...best.faults.slice(0, start), ...best.faults.slice(start + size)];
        if (tryCandidate({ ...best, faults })) progress = true;
      }
      if (size === 1) break;
    }
    // End faults sooner: halve each `for`, in whole seconds down to a second, then in tenths of a
    // second down to 100 ms.
    for (let i = 0; i < best.faults.length; i++) {
      const fault = best.faults[i] as TimelineEntry;
      const lasts = fault.for === undefined ? undefined : parseDuration(fault.for);
      const halved = lasts === undefined ? undefined : halvedLength(lasts);
      if (halved === undefined) continue;
      const shorter = { ...fault, for: formatDuration(halved) };
      const faults = best.faults.map((f, j) => (j === i ? shorter : f));
      if (tryCandidate({ ...best, faults })) progress = true;
    }
    // Start sooner: the whole schedule moved earlier by half its lead over the window's start (in
    // whole seconds), the faults' spacing kept, so that the healing period can come sooner too.
    const from = scenario.faults?.from;
    if (from !== undefined && best.faults.length > 0) {
      const lead = firstFaultStart(best.faults) - from;
      const shift = Math.floor(lead / 2 / SECOND) * SECOND;
      if (shift > 0 && tryCandidate({ ...best, faults: best.faults.map((f) => movedEarlier(f, shift)) }))
        progress = true;
    }
    // Heal sooner: a second after the last fault left has ended (or halfway there), the run as much
    // shorter. A shorter run leaves the workload less time, so it must not fail anything new.
    const until = scenario.faults?.until;
    if (until !== undefined) {
      const current = best.healAt ?? until;
      const target = (Math.ceil(lastFaultEnd(best.faults) / SECOND) + 1) * SECOND;
      const halfway = Math.ceil((target + current) / 2 / SECOND) * SECOND;
      for (const healAt of new Set([target, halfway]))
        if (healAt < current && tryCandidate({ ...best, healAt }, true)) {
          progress = true;
          break;
        }
    }
    // A smaller workload: fewer records per producer, then fewer clients.
    for (const producer of scenario.producers) {
      const count = best.edits.producerCounts?.[producer.name] ?? producer.workload.count;
      if (count === undefined || count < 20) continue;
      const producerCounts = { ...best.edits.producerCounts, [producer.name]: Math.floor(count / 2) };
      if (tryCandidate({ ...best, edits: { ...best.edits, producerCounts } })) progress = true;
    }
    for (const client of [...scenario.consumers, ...scenario.producers].map((c) => c.name)) {
      const removed = best.edits.removeClients ?? [];
      if (removed.includes(client)) continue;
      const faults = best.faults.flatMap((f) => withoutClient(f, client));
      if (tryCandidate({ faults, edits: { ...best.edits, removeClients: [...removed, client] } }))
        progress = true;
    }
  }
  const removed = best.edits.removeClients ?? [];
  const healed =
    best.healAt === undefined || scenario.faults === undefined
      ? ''
      : `, healed at ${formatDuration(best.healAt)} instead of ${formatDuration(scenario.faults.until)}`;
  const header = [
    ` counterexample: ${check} fails at seed ${seed} of ${scenario.file}.`,
    ` Shrunk from ${drawn.length} fault(s) to ${best.faults.length} in ${runs} runs${removed.length > 0 ? `, without ${removed.join(', ')}` : ''}${healed}.`,
  ].join('\n');
  const yaml = written(best, {
    header,
    faultsComment: ` the faults left of seed ${seed}'s draw, after shrinking`,
  });
  // The file itself, compiled and run as `kafka-sim run` will: the counterexample is what it does.
  const run = runScenario(compileScenario(scenario.file, yaml), { seed, trace: 'off' });
  runs++;
  const failure = failureOf(run, check);
  if (failure === undefined) return undefined;
  return {
    scenario: scenario.name,
    seed,
    check,
    yaml,
    faults: best.faults.length,
    drawnFaults: drawn.length,
    traceHash: run.traceHash,
    violation: failure.text,
    runs,
  };
}

/** Half of a fault's length: whole seconds down to 1 s, then tenths down to 100 ms; or no shorter. */
export function halvedLength(lasts: SimTime): SimTime | undefined {
  if (lasts >= 2 * SECOND) return Math.floor(lasts / 2 / SECOND) * SECOND;
  const tenth = SECOND / 10;
  return lasts >= 2 * tenth ? Math.floor(lasts / 2 / tenth) * tenth : undefined;
}

/** When the first of `faults` starts (µs). */
function firstFaultStart(faults: readonly TimelineEntry[]): SimTime {
  return Math.min(...faults.map((fault) => parseDuration(fault.at) ?? 0));
}

/** The fault `shift` (µs) earlier. */
function movedEarlier(fault: TimelineEntry, shift: SimTime): TimelineEntry {
  return { ...fault, at: formatDuration((parseDuration(fault.at) ?? 0) - shift) };
}

/** When the last of `faults` has ended (µs): its `at`, plus its `for` if it has one. */
function lastFaultEnd(faults: readonly TimelineEntry[]): SimTime {
  let end = 0;
  for (const fault of faults) {
    const at = parseDuration(fault.at) ?? 0;
    const lasts = fault.for === undefined ? 0 : (parseDuration(fault.for) ?? 0);
    end = Math.max(end, at + lasts);
  }
  return end;
}

/** The fault without `client`: out of a partition's groups; a fault aimed at it is dropped. */
function withoutClient(fault: TimelineEntry, client: string): TimelineEntry[] {
  if ('partition' in fault) {
    const groups = fault.partition.map((g) => g.filter((name) => name !== client));
    return [{ ...fault, partition: groups }];
  }
  if ('crash' in fault && fault.crash === client) return [];
  if ('link' in fault && (fault.link.from === client || fault.link.to === client)) return [];
  return [fault];
}
