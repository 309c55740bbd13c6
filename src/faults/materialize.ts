import { isMap, isSeq, parseDocument, visit, type YAMLMap, type YAMLSeq } from 'yaml';
import { brokerName } from '../kafka/broker/io.js';
import { DEFAULT_BROKER_CONFIG } from '../kafka/config.js';
import { type CompiledScenario, compileScenario } from '../scenario/compile.js';
import { formatDuration } from '../scenario/duration.js';
import type { TimelineEntry } from '../scenario/types.js';
import { MILLISECOND, SECOND, type SimTime } from '../sim/time.js';
import { drawFaults, type FaultTargets } from './generate.js';

/**
 * What a scenario's faults may aim at: the brokers its `faults:` section names (every broker
 * without one), its ZooKeeper servers, clients and the partitions it starts with.
 */
export function scheduleTargets(scenario: CompiledScenario): FaultTargets {
  const brokers = scenario.faults?.brokers ?? Array.from({ length: scenario.brokers }, (_, i) => i + 1);
  return {
    brokers: brokers.map(brokerName),
    zookeepers: Array.from({ length: scenario.zookeepers }, (_, i) => `zookeeper-${i + 1}`),
    producers: scenario.producers.map((p) => p.name),
    consumers: scenario.consumers.map((c) => c.name),
    partitions: scenario.topics.flatMap((t) => {
      // A topic without a partition count gets the brokers' num.partitions, as auto-creation does.
      const count =
        t.assignment?.length ??
        t.partitions ??
        scenario.brokerConfig['num.partitions'] ??
        DEFAULT_BROKER_CONFIG['num.partitions'];
      return Array.from({ length: count }, (_, p) => `${t.name}-${p}`);
    }),
  };
}

/** Changes to the workload a shrinker may make, besides dropping faults. */
export interface WorkloadEdits {
  /** A producer's `count` (records it sends), by producer name. */
  readonly producerCounts?: Readonly<Record<string, number>>;
  /** Clients taken out, with the timeline entries that name them. */
  readonly removeClients?: readonly string[];
}

/**
 * Writes a scenario with `faults:` as the standalone scenario one seed of it is: the same file
 * (comments and all) with the seed set, `faults:` gone and the drawn faults appended to the
 * timeline as plain entries. `kafka-sim run` of the text is exactly that seed's run.
 */
export function materialize(
  scenario: CompiledScenario,
  seed: number,
  faults: readonly TimelineEntry[],
  options: {
    readonly edits?: WorkloadEdits;
    /** A comment at the top of the file. */
    readonly header?: string;
    /** The comment above the first fault. */
    readonly faultsComment?: string;
    /**
     * Heal here (µs) instead of at the `faults:` section's `until`, with the run as much shorter
     * (the healing period keeps its length), but never ending before the scenario's own timeline.
     */
    readonly healAt?: SimTime;
  } = {},
): string {
  const edits = options.edits ?? {};
  const doc = parseDocument(scenario.text);
  if (options.header !== undefined)
    doc.commentBefore = doc.commentBefore ? `${options.header}\n${doc.commentBefore}` : options.header;
  doc.delete('faults');
  doc.set('seed', seed);
  const heal = healingWindow(scenario, options.healAt);
  if (heal !== undefined && heal.duration !== scenario.duration)
    doc.set('duration', formatDuration(heal.duration));
  const removed = new Set(edits.removeClients ?? []);
  for (const key of ['producers', 'consumers']) {
    const clients = doc.get(key);
    if (!isSeq(clients)) continue;
    const seq = clients as YAMLSeq<YAMLMap>;
    seq.items = seq.items.filter((client) => !removed.has(String(client.get('name'))));
    for (const client of seq.items) {
      const count = edits.producerCounts?.[String(client.get('name'))];
      if (count !== undefined) client.set('count', count);
    }
    if (seq.items.length === 0) doc.delete(key);
  }
  let timeline = doc.get('timeline');
  if (!isSeq(timeline)) {
    timeline = doc.createNode([]);
    doc.set('timeline', timeline);
  }
  const seq = timeline as YAMLSeq;
  if (removed.size > 0)
    seq.items = seq.items.filter((item) => !(isMap(item) && namesAny(item.toJSON(), removed)));
  for (const [i, fault] of faults.entries()) {
    const node = doc.createNode(fault);
    // Lists and inner maps on one line: `partition: [[broker-1], [broker-2, broker-3]]`.
    visit(node, {
      Seq(_, seq) {
        seq.flow = true;
      },
      Map(_, map) {
        if (map !== node) map.flow = true;
      },
    });
    if (i === 0)
      node.commentBefore = options.faultsComment ?? ` drawn from the faults: section for seed ${seed}`;
    seq.items.push(node);
  }
  for (const [i, entry] of healing(scenario, heal).entries()) {
    const node = doc.createNode(entry);
    if (i === 0)
      node.commentBefore =
        ' the healing period: the network whole, and every broker started again as a supervisor would (a broker that restarts while its old ZooKeeper session lives fails to register and exits, so once more after the session timeout)';
    seq.items.push(node);
  }
  if (seq.items.length === 0) doc.delete('timeline');
  return doc.toString({ lineWidth: 0 });
}

/** When the healing period of a `faults:` scenario starts, and when its run ends. */
interface HealingWindow {
  readonly at: SimTime;
  readonly duration: SimTime;
}

/**
 * The healing period at `until`, or moved earlier to `healAt` with the run shortened by as much
 * (so the period keeps its length), though never to end before the scenario's own timeline.
 */
function healingWindow(scenario: CompiledScenario, healAt: SimTime | undefined): HealingWindow | undefined {
  const spec = scenario.faults;
  if (spec === undefined) return undefined;
  if (healAt === undefined || healAt >= spec.until) return { at: spec.until, duration: scenario.duration };
  const lastEntry = Math.max(0, ...scenario.timeline.map((entry) => entry.at));
  return { at: healAt, duration: Math.max(scenario.duration - (spec.until - healAt), lastEntry, healAt) };
}

/**
 * The entries that open the healing period: the network healed and every broker restarted (a
 * no-op for a broker that is up), then restarted again once zookeeper.session.timeout.ms has
 * passed, as systemd's Restart= would keep trying.
 */
function healing(scenario: CompiledScenario, window: HealingWindow | undefined): TimelineEntry[] {
  if (window === undefined) return [];
  const sessionTimeout =
    (scenario.brokerConfig['zookeeper.session.timeout.ms'] ??
      DEFAULT_BROKER_CONFIG['zookeeper.session.timeout.ms']) * MILLISECOND;
  const entries: TimelineEntry[] = [{ at: formatDuration(window.at), heal: true }];
  for (const at of [window.at, window.at + sessionTimeout + 2 * SECOND])
    if (at <= window.duration)
      for (let id = 1; id <= scenario.brokers; id++)
        entries.push({ at: formatDuration(at), restart: brokerName(id) });
  return entries;
}

/** Whether a timeline entry names one of `clients` (start, stop, crash, subscribe, a link...). */
function namesAny(entry: unknown, clients: ReadonlySet<string>): boolean {
  if (typeof entry === 'string') return clients.has(entry);
  if (Array.isArray(entry)) return entry.some((e) => namesAny(e, clients));
  if (entry !== null && typeof entry === 'object')
    return Object.values(entry).some((v) => namesAny(v, clients));
  return false;
}

/**
 * The scenario one seed of a `faults:` scenario runs: its drawn faults written out as a timeline
 * and compiled again, so that a run and its written-out file are the same run.
 */
export function scenarioForSeed(scenario: CompiledScenario, seed: number): CompiledScenario {
  const spec = scenario.faults;
  if (spec === undefined) return scenario;
  const drawn = drawFaults(spec, scheduleTargets(scenario), seed);
  return compileScenario(
    scenario.file,
    materialize(
      scenario,
      seed,
      drawn.map((fault) => fault.entry),
    ),
  );
}
