import { runChecks } from '../checks/run.js';
import { snapshotCluster } from '../checks/snapshot.js';
import { CHECK_NAMES, type CheckResult } from '../checks/types.js';
import type { ConsumerActor } from '../clients/consumer/application.js';
import { resolveProducerConfig } from '../clients/producer/config.js';
import type { KafkaProducer } from '../clients/producer/producer.js';
import {
  Cluster,
  type KafkaZkView,
  type StoredPartitionState,
  type ZooKeeperRestore,
} from '../cluster/cluster.js';
import { scenarioForSeed } from '../faults/materialize.js';
import { describeTopics } from '../kafka/admin/index.js';
import { brokerName } from '../kafka/broker/io.js';
import { describedTopicFromZooKeeper } from '../kafka/describe-cluster.js';
import type { Fault } from '../sim/fault.js';
import { isolateRuleName, partitionRuleName } from '../sim/network.js';
import type { SimTime } from '../sim/time.js';
import type { TraceLevel, TraceRecord } from '../sim/trace.js';
import type { Action, CompiledScenario, TimedAction } from './compile.js';
import { formatDuration } from './duration.js';
import type { StateAssertion } from './types.js';

/** A line of the run's story told by the timeline itself: what was done, or what was seen. */
export interface TimelineEvent {
  readonly time: SimTime;
  /** The timeline entry's line in the scenario file. */
  readonly line: number;
  readonly kind: Action['kind'];
  readonly text: string;
  /** describe: kafka-topics.sh --describe's output. */
  readonly output?: string;
}

/** One state assertion (timeline `assert` or `expect.final`) and what was found. */
export interface AssertionResult {
  readonly time: SimTime;
  readonly line?: number;
  readonly passed: boolean;
  readonly text: string;
}

/** A checker's verdict against what the scenario expects of it. */
export interface CheckOutcome {
  readonly result: CheckResult;
  /** holds or violated, when the scenario says. */
  readonly expected?: 'holds' | 'violated';
  /** Met: as expected, or (with no checker expectations at all) the checker holds. */
  readonly met: boolean;
}

export interface ScenarioRun {
  readonly scenario: CompiledScenario;
  readonly seed: number;
  readonly cluster: Cluster;
  readonly traceHash: string;
  readonly events: number;
  readonly simulatedMs: number;
  readonly timeline: readonly TimelineEvent[];
  readonly assertions: readonly AssertionResult[];
  readonly checks: readonly CheckOutcome[];
  /** pass: every check outcome and every assertion met. */
  readonly verdict: 'pass' | 'fail';
}

export interface RunOptions {
  readonly seed?: number;
  /** Trace records to keep (default `faults`); the hash covers everything either way. */
  readonly trace?: TraceLevel;
  readonly onTrace?: (record: TraceRecord) => void;
}

/**
 * Runs a compiled scenario: builds the cluster, creates its topics, starts its clients, applies
 * the timeline at its times, and checks the assertions. Pure simulation: no I/O, no wall clock.
 */
export function runScenario(scenario: CompiledScenario, options: RunOptions = {}): ScenarioRun {
  const seed = options.seed ?? scenario.seed;
  // A `faults:` section: the seed draws its faults, and the run is of them written out.
  if (scenario.faults !== undefined)
    return runScenario(scenarioForSeed(scenario, seed), { ...options, seed });
  const cluster = new Cluster({
    seed,
    brokers: scenario.brokers,
    zookeepers: scenario.zookeepers,
    brokerConfig: scenario.brokerConfig,
    truncation: scenario.truncation,
    trace: options.trace ?? 'faults',
    ...(options.onTrace === undefined ? {} : { onTrace: options.onTrace }),
    ...(scenario.latency === undefined ? {} : { latency: scenario.latency }),
    ...(scenario.loss === undefined ? {} : { loss: scenario.loss }),
  });
  for (const topic of scenario.topics)
    cluster.createTopic({
      name: topic.name,
      ...(topic.partitions === undefined ? {} : { partitions: topic.partitions }),
      ...(topic.replicationFactor === undefined ? {} : { replicationFactor: topic.replicationFactor }),
      ...(topic.assignment === undefined ? {} : { assignment: topic.assignment }),
      configs: topic.configs,
    });
  for (const producer of scenario.producers)
    cluster.addProducer(
      producer.name,
      { config: producer.config, workload: producer.workload },
      producer.start ?? null,
    );
  for (const consumer of scenario.consumers)
    cluster.addConsumer(consumer.name, consumer.options, consumer.start ?? null);
  const timeline: TimelineEvent[] = [];
  const assertions: AssertionResult[] = [];
  for (const entry of scenario.timeline)
    cluster.world.at(entry.at, () => apply(cluster, entry, timeline, assertions), entry.action.kind);
  const result = cluster.world.runUntil(scenario.duration);
  for (const assertion of scenario.expectations.final ?? [])
    assertions.push(check(cluster, assertion, undefined));
  const checks = judge(scenario, cluster);
  const verdict = checks.every((c) => c.met) && assertions.every((a) => a.passed) ? 'pass' : 'fail';
  return {
    scenario,
    seed,
    cluster,
    traceHash: cluster.world.traceHash(),
    events: result.events,
    simulatedMs: scenario.duration / 1000,
    timeline,
    assertions,
    checks,
    verdict,
  };
}

/** The pseudo-checker a failed state assertion (timeline `assert` or `expect.final`) counts as. */
export const ASSERTIONS = 'assertions';

/** An expectation a run did not meet: a checker's name (or `assertions`) and what went wrong. */
export interface UnmetExpectation {
  readonly check: string;
  readonly text: string;
}

/**
 * What the run did not meet, checker by checker with its first violation, then `assertions` with
 * the first failed one: what `check` counts, shrinking keeps failing and checkSchedule reports.
 */
export function unmetExpectations(run: ScenarioRun): UnmetExpectation[] {
  const unmet: UnmetExpectation[] = [];
  for (const check of run.checks) {
    if (check.met) continue;
    unmet.push({
      check: check.result.name,
      text:
        check.result.violations[0]?.message ??
        `expected ${check.expected ?? 'holds'}, but it ${check.result.status === 'holds' ? 'held' : 'was violated'}`,
    });
  }
  const assertion = run.assertions.find((a) => !a.passed);
  if (assertion !== undefined)
    unmet.push({
      check: ASSERTIONS,
      text: `${assertion.line === undefined ? '' : `line ${assertion.line}: `}${assertion.text}`,
    });
  return unmet;
}

/**
 * Runs every checker over the run's histories and final state. The final state is quiescent when
 * every broker and ZooKeeper server is up and the network is whole (then replicas must agree).
 * A producer promised order with idempotence or one request in flight.
 */
function judge(scenario: CompiledScenario, cluster: Cluster): CheckOutcome[] {
  const processesUp = [...cluster.brokerIds.map(brokerName), ...cluster.zookeeperNames].every(
    (name) => cluster.world.state(name) === 'up',
  );
  const quiescent = processesUp && !cluster.world.network.isFaulty;
  const producers: Record<string, { orderPromised: boolean }> = {};
  for (const p of scenario.producers) {
    const config = resolveProducerConfig(p.config);
    producers[p.name] = { orderPromised: config.idempotent || config.guaranteeMessageOrder };
  }
  const results = runChecks({
    clients: cluster.clients,
    cluster: cluster.history,
    final: snapshotCluster(cluster, { quiescent }),
    producers,
  });
  const expectations = scenario.expectations as Readonly<Record<string, unknown>>;
  const anyExpected = CHECK_NAMES.some((name) => expectations[name] !== undefined);
  return results.map((result) => {
    const expected = expectations[result.name] as 'holds' | 'violated' | undefined;
    const met =
      expected !== undefined ? result.status === expected : anyExpected || result.status === 'holds';
    return { result, ...(expected === undefined ? {} : { expected }), met };
  });
}

/** `broker 3` for broker-3, `zookeeper 1` for zookeeper-1, a client's own name otherwise. */
export function displayName(process: string): string {
  return process.replace(/^(broker|zookeeper)-([0-9]+)$/, '$1 $2');
}

/** The process a target names now: a name, the controller, or a partition's leader. */
function resolve(
  cluster: Cluster,
  target: Extract<Action, { target: unknown }>['target'],
): string | undefined {
  if (typeof target !== 'string') {
    const match = /^(.+)-([0-9]+)$/.exec(target.leader) as RegExpExecArray;
    const leader = cluster.partitionState(match[1] as string, Number(match[2]))?.leader ?? -1;
    return leader < 0 ? undefined : brokerName(leader);
  }
  if (target === 'controller') {
    const id = cluster.controllerId;
    return id === undefined ? undefined : brokerName(id);
  }
  return target;
}

function apply(
  cluster: Cluster,
  entry: TimedAction,
  timeline: TimelineEvent[],
  assertions: AssertionResult[],
): void {
  const { action } = entry;
  const world = cluster.world;
  const sayAs = (kind: Action['kind'], text: string, output?: string) =>
    timeline.push({
      time: world.now,
      line: entry.line,
      kind,
      text,
      ...(output === undefined ? {} : { output }),
    });
  const say = (text: string, output?: string) => sayAs(action.kind, text, output);
  const fault = (f: Fault, text: string) => {
    world.inject(f);
    say(text);
  };
  /** `for`: the lasting fault is undone that much later, told as its own line. */
  const undoLater = (kind: Action['kind'], f: Fault, text: string) => {
    const lasts = entry.for;
    if (lasts === undefined) return;
    world.at(
      world.now + lasts,
      () => {
        world.inject(f);
        sayAs(kind, `${text} (after ${formatDuration(lasts)})`);
      },
      kind,
    );
  };
  switch (action.kind) {
    case 'crash':
    case 'power-loss':
    case 'restart':
    case 'pause':
    case 'resume':
    case 'isolate': {
      const process = resolve(cluster, action.target);
      const what =
        typeof action.target === 'string' ? action.target : `the leader of ${action.target.leader}`;
      if (process === undefined) {
        say(`${action.kind}: ${what} has no process now; nothing done`);
        return;
      }
      const state = world.state(process);
      if (!world.inject({ kind: action.kind, process })) {
        say(`${action.kind}: ${displayName(process)} is ${state}; nothing done`);
        return;
      }
      const verb = {
        crash: 'crashed',
        'power-loss': 'lost power (unflushed writes are gone)',
        restart: 'restarted',
        pause: 'paused',
        resume: 'resumed',
        isolate: 'isolated from the network',
      }[action.kind];
      say(`${displayName(process)} ${verb}${process === what ? '' : ` (${what})`}`);
      if (action.kind === 'crash' || action.kind === 'power-loss')
        undoLater('restart', { kind: 'restart', process }, `${displayName(process)} restarted`);
      else if (action.kind === 'pause')
        undoLater('resume', { kind: 'resume', process }, `${displayName(process)} resumed`);
      else if (action.kind === 'isolate')
        undoLater(
          'heal',
          { kind: 'lift', rule: isolateRuleName(process) },
          `${displayName(process)} can reach the network again`,
        );
      return;
    }
    case 'partition': {
      const shown = action.groups.map((g) => `[${g.join(', ')}]`).join(' | ');
      fault({ kind: 'partition', groups: action.groups }, `network partitioned into ${shown}`);
      undoLater(
        'heal',
        { kind: 'lift', rule: partitionRuleName(action.groups) },
        `network partition ${shown} ended`,
      );
      return;
    }
    case 'heal':
      fault({ kind: 'heal' }, 'network healed');
      return;
    case 'link':
      fault(
        {
          kind: 'link',
          from: action.from,
          to: action.to,
          settings: {
            ...(action.latency === undefined ? {} : { latency: action.latency }),
            ...(action.loss === undefined ? {} : { loss: action.loss }),
          },
          oneWay: action.oneWay,
        },
        `link ${action.from} ${action.oneWay ? '->' : '<->'} ${action.to} changed`,
      );
      undoLater(
        'link',
        { kind: 'reset-link', from: action.from, to: action.to, oneWay: action.oneWay },
        `link ${action.from} ${action.oneWay ? '->' : '<->'} ${action.to} back to the network's defaults`,
      );
      return;
    case 'expire-session': {
      const zk = cluster.broker(action.broker)?.zookeeper();
      if (zk === undefined || world.state(brokerName(action.broker)) !== 'up') {
        say(`broker ${action.broker} is down: no session to expire`);
        return;
      }
      cluster.ensemble.expireSession(zk.sessionId);
      say(`ZooKeeper expires broker ${action.broker}'s session at its next tick`);
      return;
    }
    case 'backup-zookeeper': {
      const backup = cluster.backupZooKeeper(action.backup);
      say(
        `ZooKeeper backed up as ${action.backup}: ${backup.tree.nodes.size} znodes up to zxid 0x${backup.tree.zxid.toString(16)}, ${backup.sessions.length} session(s)`,
      );
      return;
    }
    case 'restore-zookeeper':
      say(describeRestore(cluster.restoreZooKeeper(action.backup)));
      return;
    case 'create-topic':
      cluster.createTopic({
        name: action.topic.name,
        ...(action.topic.partitions === undefined ? {} : { partitions: action.topic.partitions }),
        ...(action.topic.replicationFactor === undefined
          ? {}
          : { replicationFactor: action.topic.replicationFactor }),
        ...(action.topic.assignment === undefined ? {} : { assignment: action.topic.assignment }),
        configs: action.topic.configs,
      });
      say(`kafka-topics.sh --create --topic ${action.topic.name}`);
      return;
    case 'delete-topic':
      cluster.admin({ kind: 'delete-topic', topic: action.topic });
      say(`kafka-topics.sh --delete --topic ${action.topic}`);
      return;
    case 'add-partitions':
      cluster.admin({ kind: 'create-partitions', topic: action.topic, count: action.count });
      say(`kafka-topics.sh --alter --topic ${action.topic} --partitions ${action.count}`);
      return;
    case 'reassign':
      cluster.admin({
        kind: 'reassign',
        partitions: [{ topic: action.topic, partition: action.partition, replicas: action.replicas }],
      });
      say(
        `kafka-reassign-partitions.sh: ${action.topic}-${action.partition} to replicas [${action.replicas.join(',')}]`,
      );
      return;
    case 'preferred-election':
      cluster.admin({
        kind: 'preferred-election',
        ...(action.partitions === 'all' ? {} : { partitions: action.partitions }),
      });
      say(
        `kafka-leader-election.sh --election-type preferred ${action.partitions === 'all' ? '--all-topic-partitions' : action.partitions.map((p) => `${p.topic}-${p.partition}`).join(' ')}`,
      );
      return;
    case 'start':
      if (world.state(action.client) === 'not-started') world.start(action.client);
      else world.restart(action.client);
      say(`${action.client} started`);
      return;
    case 'stop':
      (world.actorOf(action.client) as KafkaProducer | undefined)?.close?.();
      say(`${action.client} stopped sending`);
      return;
    case 'subscribe': {
      const actor = world.actorOf(action.consumer) as ConsumerActor | undefined;
      if (actor === undefined || world.state(action.consumer) !== 'up') {
        say(`${action.consumer} is not running: nothing to subscribe`);
        return;
      }
      actor.consumer.subscribe(action.topics);
      say(`${action.consumer} subscribes to [${action.topics.join(', ')}]`);
      return;
    }
    case 'describe': {
      const described = describedTopicFromZooKeeper(
        (path) => cluster.ensemble.tree.node(path)?.data,
        action.topic,
      );
      const output =
        described === undefined
          ? `Error: Topic '${action.topic}' does not exist.\n`
          : describeTopics([described]);
      say(`kafka-topics.sh --describe --topic ${action.topic}`, output);
      return;
    }
    case 'assert':
      assertions.push(check(cluster, action.assertion, entry.line));
      return;
  }
}

/** A partition's state znode in a sentence: `leader 2 epoch 3 ISR [2,3]`. */
function leadership(p: StoredPartitionState): string {
  return `leader ${p.leader} epoch ${p.leaderEpoch} ISR [${p.isr.join(',')}]`;
}

/** What a ZooKeeper restore rolled back, for the story: `/controller_epoch 3 -> 1, …`. */
export function describeRestore(r: ZooKeeperRestore): string {
  const { before, after } = r;
  const controller = (id: number | undefined) => (id === undefined ? 'none' : `broker ${id}`);
  const ids = (view: KafkaZkView) => `[${view.brokers.map((b) => b.id).join(',')}]`;
  const changes: string[] = [];
  const unchanged: string[] = [];
  const compare = (what: string, was: string, now: string) => {
    if (was === now) unchanged.push(`${what} ${now}`);
    else changes.push(`${what} ${was} -> ${now}`);
  };
  compare(
    '/controller_epoch',
    String(before.controllerEpoch ?? 'none'),
    String(after.controllerEpoch ?? 'none'),
  );
  compare('/controller', controller(before.controller), controller(after.controller));
  compare('/brokers/ids', ids(before), ids(after));
  const partitions: string[] = [];
  for (const key of [...new Set([...before.partitions.keys(), ...after.partitions.keys()])].sort()) {
    const was = before.partitions.get(key);
    const now = after.partitions.get(key);
    if (was === undefined) partitions.push(`${key} back (${leadership(now as StoredPartitionState)})`);
    else if (now === undefined) partitions.push(`${key} gone (was ${leadership(was)})`);
    else if (leadership(was) !== leadership(now) || was.zkVersion !== now.zkVersion)
      partitions.push(`${key} ${leadership(was)} -> ${leadership(now)}`);
  }
  const shown = partitions.slice(0, 6);
  if (partitions.length > shown.length) shown.push(`${partitions.length - shown.length} more partition(s)`);
  const zxid = `zxid 0x${r.zxidBefore.toString(16)} -> 0x${r.zxidAfter.toString(16)}${r.zxidAfter < r.zxidBefore ? ' (zxids are handed out again)' : ''}`;
  const rolledBack = [...changes, ...shown];
  return `ZooKeeper restored from backup ${r.backup} taken at t=${formatDuration(r.takenAt)}: every server restarted; ${rolledBack.length === 0 ? 'nothing rolled back' : rolledBack.join(', ')}${unchanged.length === 0 ? '' : ` (unchanged: ${unchanged.join(', ')})`}; ${zxid}; ${r.revivedSessions} session(s) of the backup live again, ${r.forgottenSessions} session(s) created since are gone`;
}

/** Checks a state assertion against the cluster now, saying what was expected and what was found. */
function check(cluster: Cluster, assertion: StateAssertion, line: number | undefined): AssertionResult {
  const problems: string[] = [];
  const expected: string[] = [];
  if (assertion.controller !== undefined) {
    expected.push(`controller ${assertion.controller}`);
    if (cluster.controllerId !== assertion.controller)
      problems.push(`controller is ${cluster.controllerId ?? 'none'}`);
  }
  if (assertion.partition !== undefined) {
    const match = /^(.+)-([0-9]+)$/.exec(assertion.partition) as RegExpExecArray;
    const topic = match[1] as string;
    const partition = Number(match[2]);
    const state = cluster.partitionState(topic, partition);
    const leaderLog =
      state === undefined
        ? undefined
        : cluster.broker(state.leader)?.replicaManager.partitions.get(assertion.partition)?.log;
    if (assertion.leader !== undefined) {
      expected.push(`leader ${assertion.leader}`);
      if (state?.leader !== assertion.leader) problems.push(`leader is ${state?.leader ?? 'unknown'}`);
    }
    if (assertion.isr !== undefined) {
      expected.push(`ISR [${assertion.isr.join(',')}]`);
      const isr = state?.isr ?? [];
      if ([...isr].sort().join(',') !== [...assertion.isr].sort().join(','))
        problems.push(`ISR is [${isr.join(',')}]`);
    }
    if (assertion['high-watermark'] !== undefined) {
      expected.push(`HW ${assertion['high-watermark']}`);
      if (leaderLog?.highWatermark !== assertion['high-watermark'])
        problems.push(`HW is ${leaderLog?.highWatermark ?? 'unknown'}`);
    }
    for (const [id, leo] of Object.entries(assertion['log-end-offset'] ?? {})) {
      expected.push(`LEO ${leo} on broker ${id}`);
      const log = cluster.broker(Number(id))?.replicaManager.partitions.get(assertion.partition)?.log;
      if (log?.logEndOffset !== leo)
        problems.push(`LEO on broker ${id} is ${log?.logEndOffset ?? 'unknown'}`);
    }
  }
  if (assertion.group !== undefined) checkGroup(cluster, assertion, expected, problems);
  const subject = [
    assertion.partition,
    assertion.group === undefined ? undefined : `group ${assertion.group}`,
  ]
    .filter((x) => x !== undefined)
    .map((x) => `${x}: `)
    .join('');
  return {
    time: cluster.world.now,
    ...(line === undefined ? {} : { line }),
    passed: problems.length === 0,
    text: `${subject}expected ${expected.join(', ')}${problems.length === 0 ? '' : `; but ${problems.join(', ')}`}`,
  };
}

/**
 * A group's state, generation and members as its coordinator last recorded them, and what each
 * consumer owns now by its own account (its assignments, less what it revoked or lost; nothing
 * while it is down).
 */
function checkGroup(
  cluster: Cluster,
  assertion: StateAssertion,
  expected: string[],
  problems: string[],
): void {
  const group = assertion.group as string;
  const facts = cluster.history.groupFacts.filter((f) => f.group === group);
  const last = facts[facts.length - 1];
  if (assertion.state !== undefined) {
    expected.push(`state ${assertion.state}`);
    if (last?.state !== assertion.state) problems.push(`state is ${last?.state ?? 'unknown'}`);
  }
  if (assertion.generation !== undefined) {
    expected.push(`generation ${assertion.generation}`);
    if (last?.generation !== assertion.generation)
      problems.push(`generation is ${last?.generation ?? 'unknown'}`);
  }
  if (assertion.members !== undefined) {
    expected.push(`${assertion.members} members`);
    if (last?.members.length !== assertion.members)
      problems.push(`members are ${last === undefined ? 'unknown' : last.members.length}`);
  }
  if (assertion.assignment !== undefined) {
    const owned = ownedPartitions(cluster, group);
    for (const [consumer, partitions] of Object.entries(assertion.assignment)) {
      expected.push(`${consumer} owns [${partitions.join(', ')}]`);
      const has = owned.get(consumer) ?? [];
      if ([...has].sort().join(',') !== [...partitions].sort().join(','))
        problems.push(`${consumer} owns [${has.join(', ')}]`);
    }
  }
}

/** Per consumer process of `group`: the partitions it believes it owns now. */
export function ownedPartitions(cluster: Cluster, group: string): Map<string, string[]> {
  const owned = new Map<string, string[]>();
  for (const fact of cluster.clients.memberFacts) {
    if (fact.group !== group) continue;
    if (fact.kind === 'assigned') owned.set(fact.process, [...fact.partitions]);
    else if (fact.kind === 'revoked' || fact.kind === 'lost')
      owned.set(
        fact.process,
        (owned.get(fact.process) ?? []).filter((p) => !fact.partitions.includes(p)),
      );
  }
  for (const process of owned.keys()) if (cluster.world.state(process) !== 'up') owned.set(process, []);
  return owned;
}
