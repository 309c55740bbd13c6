import type { ViolationEvent } from '../checks/types.js';
import type { ClientOp, MemberFact } from '../history/client-history.js';
import type { BrokerFact, GroupFact, ReplicaFact } from '../history/cluster-history.js';
import { isInternalTopic } from '../kafka/admin/index.js';
import type { ScenarioRun } from '../scenario/run.js';
import type { SimTime } from '../sim/time.js';
import type { TraceRecord } from '../sim/trace.js';
import { type MessageFamily, messageFamily, replicationObservations, summarizeMessage } from './messages.js';
import { type Tone, tellStory } from './story.js';

/**
 * The run as the HTML report walks it: one list of steps (every message delivered, every replica,
 * broker, group and client fact, every fault and timeline action, in time order), the cluster
 * state as cells that steps change, the fault bands, and the verdicts pointing at the steps that
 * prove them. Built after the run from what it returns: nothing here touches the simulation.
 */

/** What a step is, for its colour and for "next change". */
export type StepKind =
  | 'message'
  | 'drop'
  | 'disconnect'
  | 'fault'
  | 'recovery'
  | 'action'
  | 'note'
  | 'replica'
  | 'broker'
  | 'group'
  | 'member'
  | 'op'
  | 'assert'
  | 'end';

export type CellValue = string | number | null;
/** A cell of the state and its new value. */
export type CellChange = readonly [cell: number, value: CellValue];

export interface Step {
  readonly time: SimTime;
  readonly kind: StepKind;
  /** Index in `processes`, or -1 for the world (the network, the scenario's timeline). */
  readonly process: number;
  /** A message's sender or a disconnect's peer; -1 for none. */
  readonly peer: number;
  readonly text: string;
  readonly family?: MessageFamily;
  /** More lines to show at the step (kafka-topics.sh --describe's output). */
  readonly detail?: string;
  /** Where "next change" stops: faults, actions, elections, ISR changes, truncations, failures, evidence. */
  readonly notable: boolean;
  readonly changes: readonly CellChange[];
}

/** Which cell holds what, for the state panel and the partition lanes. */
export interface StateLayout {
  readonly processes: readonly { readonly name: string; readonly status: number }[];
  readonly controller: number;
  readonly network: number;
  readonly partitions: readonly PartitionCells[];
  readonly clients: readonly ClientCells[];
}

export interface PartitionCells {
  readonly name: string;
  readonly leader: number;
  readonly epoch: number;
  readonly isr: number;
  readonly replicas: readonly ReplicaCells[];
}

export interface ReplicaCells {
  readonly broker: number;
  /** The process index of the broker, or -1. */
  readonly process: number;
  readonly role: number;
  readonly leo: number;
  readonly hw: number;
}

export interface ClientCells {
  readonly name: string;
  readonly ops: readonly {
    readonly f: string;
    readonly invoke: number;
    readonly ok: number;
    readonly fail: number;
    readonly info: number;
  }[];
}

/** A time a process was down or cut off, or the network was split. */
export interface FaultBand {
  readonly from: SimTime;
  /** Until the end of the run when it never ended. */
  readonly to: SimTime;
  /** Index in `processes`; -1 for the whole network. */
  readonly process: number;
  readonly kind: 'crashed' | 'paused' | 'partition' | 'isolated' | 'held';
  readonly label: string;
}

/** Messages between two processes in one slice of time, for the overview. */
export interface TrafficBin {
  readonly bin: number;
  readonly from: number;
  readonly to: number;
  readonly family: MessageFamily;
  readonly count: number;
}

export interface Evidence {
  readonly step: number;
  readonly label: string;
}

export interface VerdictView {
  readonly name: string;
  readonly status: 'holds' | 'violated';
  readonly expected?: 'holds' | 'violated';
  readonly met: boolean;
  readonly violations: readonly {
    readonly message: string;
    readonly time: SimTime;
    readonly evidence: readonly Evidence[];
  }[];
}

export interface AssertionView {
  readonly text: string;
  readonly passed: boolean;
  readonly line?: number;
  readonly step: number;
}

export interface StoryView {
  readonly time: SimTime;
  readonly text: string;
  readonly tone: Tone;
  readonly step: number;
}

export interface ReportModel {
  readonly scenario: string;
  readonly description: string;
  readonly seed: number;
  readonly traceHash: string;
  readonly verdict: 'pass' | 'fail';
  readonly duration: SimTime;
  readonly events: number;
  readonly processes: readonly string[];
  readonly steps: readonly Step[];
  readonly initial: readonly CellValue[];
  readonly layout: StateLayout;
  readonly faults: readonly FaultBand[];
  readonly traffic: readonly TrafficBin[];
  readonly trafficBins: number;
  /** Messages delivered in the run, and how many are steps (the rest were thinned out). */
  readonly messages: { readonly delivered: number; readonly shown: number };
  readonly checks: readonly VerdictView[];
  readonly assertions: readonly AssertionView[];
  readonly story: readonly StoryView[];
}

export interface ModelOptions {
  /** The run's trace records (default: `run.cluster.world.trace`); deliveries need level `messages`. */
  readonly trace?: readonly TraceRecord[];
  /** At most this many steps (default 30,000): beyond it messages are thinned out, idle ones first. */
  readonly maxSteps?: number;
  /** Time slices of the overview's traffic (default 600). */
  readonly trafficBins?: number;
}

/** Messages that are the run's heartbeat rather than its news: thinned out first in a long run. */
const IDLE_MESSAGE = /^(Fetch |Fetch \(consumer\) |zk-ping|zk-pong|Heartbeat)|no records/;

const LIFECYCLE = new Set(['start', 'crash', 'restart', 'pause', 'resume']);
const NETWORK = new Set(['partition', 'heal', 'lift', 'link', 'hold', 'release']);

/**
 * Processes in the order the diagrams show them: ZooKeeper, brokers by id, producers, the other
 * clients, then admin (mostly quiet). Producers sit next to the brokers they write to, so that
 * their traffic crosses as few lanes as it can.
 */
function processOrder(names: Iterable<string>, producers: ReadonlySet<string>): string[] {
  const rank = (name: string): [number, number, string] => {
    const m = /^(zookeeper|broker)-([0-9]+)$/.exec(name);
    if (m !== null) return [m[1] === 'zookeeper' ? 0 : 1, Number(m[2]), name];
    return [name === 'admin' ? 5 : producers.has(name) ? 3 : 4, 0, name];
  };
  const first = new Map<string, number>();
  let i = 0;
  for (const name of names) if (!first.has(name)) first.set(name, i++);
  return [...first.keys()].sort((a, b) => {
    const [ra, na] = rank(a);
    const [rb, nb] = rank(b);
    return (
      ra - rb ||
      na - nb ||
      (ra === 3 || ra === 4 ? (first.get(a) ?? 0) - (first.get(b) ?? 0) : a < b ? -1 : a > b ? 1 : 0)
    );
  });
}

const brokerProcess = (id: number) => `broker-${id}`;

/** One entry before it becomes a step: when, in which order among equal times, and how. */
interface Pending {
  readonly time: SimTime;
  /** Ties at one time: trace records first (they are what happened), then facts and client ops. */
  readonly rank: number;
  readonly seq: number;
  readonly key?: string;
  readonly make: () => Omit<Step, 'changes' | 'notable'> & { notable?: boolean };
}

/**
 * Builds the report's model of a run. `trace` needs level `messages` for the messages; at a lower
 * level the diagram shows faults, facts and operations only.
 */
export function buildReportModel(run: ScenarioRun, options: ModelOptions = {}): ReportModel {
  const trace = options.trace ?? run.cluster.world.trace;
  const duration = run.scenario.duration;
  const history = run.cluster.history;
  const ops = run.cluster.clients.ops;
  const memberFacts = run.cluster.clients.memberFacts;

  // ---- processes --------------------------------------------------------------------------------
  const names: string[] = [];
  for (const r of trace) {
    if (r.process !== 'world') names.push(r.process);
    if (r.peer !== undefined) names.push(r.peer);
  }
  for (const id of run.cluster.brokerIds) names.push(brokerProcess(id));
  names.push(...run.cluster.zookeeperNames);
  for (const op of ops) names.push(op.process);
  for (const f of memberFacts) names.push(f.process);
  const producers = new Set(ops.filter((op) => op.f === 'send').map((op) => op.process));
  for (const p of run.scenario.producers) producers.add(p.name);
  const processes = processOrder(names, producers);
  const indexOf = new Map(processes.map((name, i) => [name, i]));
  const proc = (name: string | undefined): number => (name === undefined ? -1 : (indexOf.get(name) ?? -1));
  const isBroker = (name: string | undefined) => name !== undefined && /^broker-[0-9]+$/.test(name);

  // ---- cells ------------------------------------------------------------------------------------
  const initial: CellValue[] = [];
  const cell = (value: CellValue): number => initial.push(value) - 1;
  const statusCells = processes.map((name) => ({ name, status: cell('not started') }));
  const controllerCell = cell(null);
  const networkCell = cell('whole');
  const partitions = new Map<
    string,
    { name: string; leader: number; epoch: number; isr: number; replicas: Map<number, ReplicaCells> }
  >();
  const partitionCells = (topic: string, partition: number) => {
    const name = `${topic}-${partition}`;
    let p = partitions.get(name);
    if (p === undefined) {
      p = { name, leader: cell(null), epoch: cell(-1), isr: cell(null), replicas: new Map() };
      partitions.set(name, p);
    }
    return p;
  };
  const replicaCells = (topic: string, partition: number, broker: number): ReplicaCells => {
    const p = partitionCells(topic, partition);
    let r = p.replicas.get(broker);
    if (r === undefined) {
      r = { broker, process: proc(brokerProcess(broker)), role: cell(null), leo: cell(null), hw: cell(null) };
      p.replicas.set(broker, r);
    }
    return r;
  };
  const clients = new Map<
    string,
    Map<string, { f: string; invoke: number; ok: number; fail: number; info: number }>
  >();
  const opCells = (process: string, f: string) => {
    let byF = clients.get(process);
    if (byF === undefined) {
      byF = new Map();
      clients.set(process, byF);
    }
    let c = byF.get(f);
    if (c === undefined) {
      c = { f, invoke: cell(0), ok: cell(0), fail: cell(0), info: cell(0) };
      byF.set(f, c);
    }
    return c;
  };

  // The running state, while steps are made in order.
  const value = [...initial];
  let changes: CellChange[] = [];
  const set = (c: number, v: CellValue) => {
    while (value.length <= c) value.push(initial[value.length] ?? null);
    if (value[c] === v) return;
    value[c] = v;
    changes.push([c, v]);
  };
  const get = (c: number): CellValue => (c < value.length ? (value[c] ?? null) : (initial[c] ?? null));
  /** Whom each follower follows. */
  const following = new Map<string, number>();

  // ---- fault bands --------------------------------------------------------------------------------
  const faults: FaultBand[] = [];
  const open = new Map<string, { from: SimTime; process: number; kind: FaultBand['kind']; label: string }>();
  const begin = (key: string, from: SimTime, process: number, kind: FaultBand['kind'], label: string) => {
    if (!open.has(key)) open.set(key, { from, process, kind, label });
  };
  const end = (key: string, to: SimTime) => {
    const band = open.get(key);
    if (band === undefined) return;
    open.delete(key);
    faults.push({ ...band, to });
  };
  const networkRules: string[] = [];

  // ---- traffic ------------------------------------------------------------------------------------
  const bins = options.trafficBins ?? 600;
  const traffic = new Map<
    string,
    { bin: number; from: number; to: number; family: MessageFamily; count: number }
  >();
  let delivered = 0;

  // ---- the entries, in time order -------------------------------------------------------------------
  const pending: Pending[] = [];
  let seq = 0;
  const push = (time: SimTime, rank: number, make: Pending['make'], key?: string) =>
    pending.push({ time, rank, seq: seq++, make, ...(key === undefined ? {} : { key }) });

  // Timeline entries carry the scenario's words; the trace's action records say when they ran.
  const timeline = [...run.timeline];
  const lineAssertions = run.assertions.filter((a) => a.line !== undefined);
  /** The assertion the last trace step made, and each assertion's step. */
  let madeAssertion: (typeof run.assertions)[number] | undefined;
  const assertionStep = new Map<(typeof run.assertions)[number], number>();
  for (const record of trace) push(record.time, 0, () => traceStep(record));

  function traceStep(r: TraceRecord): ReturnType<Pending['make']> {
    const p = proc(r.process);
    const q = proc(r.peer);
    const detail = r.detail ?? '';
    if (r.kind === 'deliver') {
      delivered++;
      const family = messageFamily(r.message, isBroker(requester(r)));
      const bin = Math.min(bins - 1, Math.max(0, Math.floor((r.time / Math.max(1, duration)) * bins)));
      const key = `${bin} ${q} ${p} ${family}`;
      const t = traffic.get(key);
      if (t === undefined) traffic.set(key, { bin, from: q, to: p, family, count: 1 });
      else t.count++;
      observeReplication(r);
      return {
        time: r.time,
        kind: 'message',
        process: p,
        peer: q,
        text: r.message === undefined ? detail : summarizeMessage(r.message),
        family,
      };
    }
    if (r.kind === 'drop' || r.kind === 'disconnect')
      return {
        time: r.time,
        kind: r.kind,
        process: p,
        peer: q,
        text:
          r.kind === 'drop'
            ? `dropped a message from ${r.peer}: ${detail}`
            : `lost its connection to ${r.peer}: ${detail}`,
        notable: false,
      };
    if (LIFECYCLE.has(r.kind)) {
      const status = statusCells[p]?.status;
      const name = r.process;
      if (r.kind === 'crash') {
        end(`paused ${name}`, r.time);
        begin(`crashed ${name}`, r.time, p, 'crashed', detail === 'power loss' ? 'power loss' : 'crashed');
        if (status !== undefined) set(status, detail === 'power loss' ? 'crashed (power loss)' : 'crashed');
        forgetReplicas(name, detail === 'power loss');
      } else if (r.kind === 'pause') {
        begin(`paused ${name}`, r.time, p, 'paused', 'paused');
        if (status !== undefined) set(status, 'paused');
      } else {
        if (r.kind === 'restart') end(`crashed ${name}`, r.time);
        if (r.kind === 'resume') end(`paused ${name}`, r.time);
        if (status !== undefined) set(status, 'up');
      }
      return {
        time: r.time,
        kind: r.kind === 'crash' || r.kind === 'pause' ? 'fault' : 'recovery',
        process: p,
        peer: -1,
        text: `${r.kind === 'crash' ? (detail === 'power loss' ? 'lost power' : 'crashed') : r.kind === 'pause' ? 'paused' : r.kind === 'resume' ? 'resumed' : r.kind === 'restart' ? `restarted (${detail})` : `started`}`,
        notable: r.kind !== 'start' || r.time > 0,
      };
    }
    if (NETWORK.has(r.kind)) {
      if (r.kind === 'partition') {
        networkRules.push(detail);
        const isolated = /^isolate (\S+)$/.exec(detail);
        if (isolated !== null)
          begin(`isolated ${isolated[1]}`, r.time, proc(isolated[1]), 'isolated', 'isolated');
        else {
          begin(`partition ${detail}`, r.time, -1, 'partition', `partition ${detail}`);
          // The lanes of every side but the largest are cut off (one-way: the senders are).
          const sides = [...detail.matchAll(/\[([^\]]*)\]/g)].map((m) =>
            (m[1] ?? '').split(' ').filter(Boolean),
          );
          const oneWay = detail.includes('] -> [');
          const largest = Math.max(...sides.map((g) => g.length));
          const cut = oneWay
            ? sides.slice(0, 1)
            : sides.filter((g, i) => g.length < largest || i > sides.findIndex((x) => x.length === largest));
          for (const group of cut)
            for (const name of group)
              begin(
                `isolated ${name} ${detail}`,
                r.time,
                proc(name),
                'isolated',
                oneWay ? `cannot send to ${sides[1]?.join(', ')}` : 'cut off',
              );
        }
      } else if (r.kind === 'hold') {
        networkRules.push(`hold ${detail}`);
        begin(`held ${detail}`, r.time, proc(detail.split(' ')[0]), 'held', `holds ${detail}`);
      } else if (r.kind === 'release') {
        const i = networkRules.indexOf(`hold ${detail}`);
        if (i >= 0) networkRules.splice(i, 1);
        end(`held ${detail}`, r.time);
      } else if (r.kind === 'lift') {
        // One partition or isolation ends; the others stay.
        const i = networkRules.indexOf(detail);
        if (i >= 0) networkRules.splice(i, 1);
        // A side's band is `isolated <process> <rule>`: ended only with its own rule, not one whose
        // text merely ends the same way.
        for (const key of [...open.keys()])
          if (key === `partition ${detail}` || /^isolated \S+ (.+)$/.exec(key)?.[1] === detail)
            end(key, r.time);
        const isolated = /^isolate (\S+)$/.exec(detail);
        if (isolated !== null) end(`isolated ${isolated[1]}`, r.time);
      } else if (r.kind === 'heal') {
        networkRules.length = 0;
        for (const key of [...open.keys()])
          if (key.startsWith('partition ') || key.startsWith('isolated ') || key.startsWith('held '))
            end(key, r.time);
      }
      if (r.kind !== 'link') set(networkCell, networkRules.length === 0 ? 'whole' : networkRules.join('; '));
      return {
        time: r.time,
        kind: r.kind === 'heal' || r.kind === 'release' || r.kind === 'lift' ? 'recovery' : 'fault',
        process: -1,
        peer: -1,
        text: `network: ${r.kind === 'heal' ? 'healed, all links open' : r.kind === 'lift' ? `${detail} ended` : `${r.kind} ${detail}`}`,
        notable: !(r.kind === 'link' && r.time === 0),
      };
    }
    if (r.kind === 'action') {
      const i = timeline.findIndex((t) => t.time === r.time && t.kind === detail);
      if (detail === 'assert') {
        const a = lineAssertions.findIndex((x) => x.time === r.time);
        const assertion = a >= 0 ? lineAssertions.splice(a, 1)[0] : undefined;
        if (i >= 0) timeline.splice(i, 1);
        if (assertion !== undefined) {
          madeAssertion = assertion;
          return {
            time: r.time,
            kind: 'assert',
            process: -1,
            peer: -1,
            text: `${assertion.passed ? 'as expected' : 'NOT as expected'}: ${assertion.text}`,
          };
        }
      }
      const entry = i >= 0 ? timeline.splice(i, 1)[0] : undefined;
      return {
        time: r.time,
        kind: 'action',
        process: -1,
        peer: -1,
        text: entry === undefined ? `scenario: ${detail}` : `scenario (line ${entry.line}): ${entry.text}`,
        ...(entry?.output === undefined ? {} : { detail: entry.output.trimEnd() }),
      };
    }
    // Notes mostly retell facts that are steps of their own: only trouble stops "next change".
    return {
      time: r.time,
      kind: 'note',
      process: p,
      peer: -1,
      text: detail,
      notable: r.kind === 'note' && /\berror\b|expired|fenced|timed out|exception|retrying/i.test(detail),
    };
  }

  /** The broker that asked: a fetch's sender, a fetch response's receiver. */
  function requester(r: TraceRecord): string | undefined {
    const type =
      typeof r.message === 'object' && r.message !== null
        ? (r.message as { type?: unknown }).type
        : undefined;
    return typeof type === 'string' && type.endsWith('Response') ? r.process : r.peer;
  }

  /** A follower's LEO from its fetch offset (as Kafka's leader learns it), its HW from the response. */
  function observeReplication(r: TraceRecord): void {
    for (const o of replicationObservations(r.message)) {
      if (isInternalTopic(o.topic)) continue;
      if (o.kind === 'fetch') {
        const key = `${o.topic}-${o.partition}`;
        if (epochOf(key, o.replica) !== o.currentLeaderEpoch) continue; // a stale fetch
        set(replicaCells(o.topic, o.partition, o.replica).leo, o.fetchOffset);
      } else {
        const broker = brokerId(r.process);
        const leader = brokerId(r.peer);
        if (broker === undefined || leader === undefined) continue;
        if (following.get(replicaKey(o.topic, o.partition, broker)) !== leader) continue;
        const cells = replicaCells(o.topic, o.partition, broker);
        if (o.nextOffset !== undefined) set(cells.leo, o.nextOffset);
        const leo = get(cells.leo);
        set(cells.hw, typeof leo === 'number' ? Math.min(leo, o.highWatermark) : o.highWatermark);
      }
    }
  }
  const replicaKey = (topic: string, partition: number, broker: number) => `${topic}-${partition} ${broker}`;
  const epochs = new Map<string, number>();
  const epochOf = (tp: string, broker: number) => epochs.get(`${tp} ${broker}`);
  const brokerId = (name: string | undefined): number | undefined => {
    const m = name === undefined ? null : /^broker-([0-9]+)$/.exec(name);
    return m === null ? undefined : Number(m[1]);
  };

  /** A crash forgets each replica's role; a power loss also what its log held past the flush. */
  function forgetReplicas(name: string, powerLoss: boolean): void {
    const id = brokerId(name);
    if (id === undefined) return;
    for (const p of partitions.values()) {
      const r = p.replicas.get(id);
      if (r === undefined) continue;
      set(r.role, null);
      following.delete(`${p.name} ${id}`);
      if (powerLoss) {
        set(r.leo, null);
        set(r.hw, null);
      }
    }
  }

  for (const [i, fact] of history.brokerFacts.entries())
    push(fact.time, 1, () => brokerStep(fact), `bf:${i}`);
  for (const [i, fact] of history.facts.entries()) push(fact.time, 2, () => replicaStep(fact), `rf:${i}`);
  for (const [i, fact] of history.groupFacts.entries()) push(fact.time, 3, () => groupStep(fact), `gf:${i}`);
  for (const [i, fact] of memberFacts.entries()) push(fact.time, 4, () => memberStep(fact), `mf:${i}`);
  for (const op of ops) push(op.time, 5, () => opStep(op), `op:${op.id}:${op.type}`);

  function brokerStep(fact: BrokerFact): ReturnType<Pending['make']> {
    const p = proc(brokerProcess(fact.broker));
    let text: string;
    switch (fact.kind) {
      case 'zk-session':
        text = `ZooKeeper session 0x${fact.sessionId.toString(16)} ${fact.state}`;
        break;
      case 'registered':
        text = `registered in ZooKeeper with broker epoch ${fact.brokerEpoch}`;
        break;
      case 'controller-elected':
        set(controllerCell, fact.broker);
        text = `became the controller (controller epoch ${fact.controllerEpoch})`;
        break;
      case 'controller-resigned':
        if (get(controllerCell) === fact.broker) set(controllerCell, null);
        text = 'resigned as controller';
        break;
    }
    return {
      time: fact.time,
      kind: 'broker',
      process: p,
      peer: -1,
      text,
      notable: fact.kind === 'zk-session' ? fact.state !== 'SyncConnected' : fact.kind !== 'registered',
    };
  }

  function replicaStep(fact: ReplicaFact): ReturnType<Pending['make']> {
    const tp = `${fact.topic}-${fact.partition}`;
    const step = (text: string, notable: boolean): ReturnType<Pending['make']> => ({
      time: fact.time,
      kind: 'replica',
      process: proc(brokerProcess(fact.broker)),
      peer: -1,
      text,
      notable,
    });
    const internal = isInternalTopic(fact.topic);
    const r = internal ? undefined : replicaCells(fact.topic, fact.partition, fact.broker);
    const p = internal ? undefined : partitionCells(fact.topic, fact.partition);
    const currentEpoch = p === undefined ? -1 : Number(get(p.epoch) ?? -1);
    switch (fact.kind) {
      case 'become-leader':
        epochs.set(`${tp} ${fact.broker}`, fact.leaderEpoch);
        following.delete(replicaKey(fact.topic, fact.partition, fact.broker));
        if (r !== undefined && p !== undefined) {
          set(r.role, `leader, epoch ${fact.leaderEpoch}`);
          set(r.leo, fact.logEndOffset);
          if (fact.leaderEpoch >= currentEpoch) {
            set(p.leader, fact.broker);
            set(p.epoch, fact.leaderEpoch);
            set(p.isr, fact.isr.join(','));
          }
        }
        return step(
          `became leader of ${tp} in epoch ${fact.leaderEpoch}, ISR [${fact.isr.join(',')}], LEO ${fact.logEndOffset}`,
          true,
        );
      case 'become-follower':
        epochs.set(`${tp} ${fact.broker}`, fact.leaderEpoch);
        following.set(replicaKey(fact.topic, fact.partition, fact.broker), fact.leader);
        if (r !== undefined && p !== undefined) {
          set(r.role, `follower of ${fact.leader}, epoch ${fact.leaderEpoch}`);
          if (fact.leaderEpoch > currentEpoch) {
            set(p.leader, fact.leader);
            set(p.epoch, fact.leaderEpoch);
          }
        }
        return step(`became follower of broker ${fact.leader} for ${tp} in epoch ${fact.leaderEpoch}`, true);
      case 'append':
        if (r !== undefined) set(r.leo, fact.lastOffset + 1);
        return step(
          fact.firstOffset === fact.lastOffset
            ? `appended ${tp}@${fact.firstOffset} (epoch ${fact.leaderEpoch})`
            : `appended ${tp}@${fact.firstOffset}..${fact.lastOffset} (epoch ${fact.leaderEpoch})`,
          false,
        );
      case 'truncate': {
        if (r !== undefined) {
          set(r.leo, fact.to);
          const hw = get(r.hw);
          if (typeof hw === 'number' && hw > fact.to) set(r.hw, fact.to);
        }
        return step(`truncated ${tp} to offset ${fact.to}, removing ${fact.removed} record(s)`, true);
      }
      case 'high-watermark':
        if (r !== undefined) set(r.hw, fact.highWatermark);
        return step(`high watermark of ${tp} now ${fact.highWatermark}`, false);
      case 'isr':
        if (p !== undefined && fact.leaderEpoch >= currentEpoch) set(p.isr, fact.isr.join(','));
        return step(`ISR of ${tp} now [${fact.isr.join(',')}]`, true);
    }
  }

  function groupStep(fact: GroupFact): ReturnType<Pending['make']> {
    return {
      time: fact.time,
      kind: 'group',
      process: proc(brokerProcess(fact.broker)),
      peer: -1,
      text: `group ${fact.group}: ${fact.state}, generation ${fact.generation}, ${fact.members.length} member(s) (${fact.reason})`,
      notable: true,
    };
  }

  function memberStep(fact: MemberFact): ReturnType<Pending['make']> {
    const text =
      fact.kind === 'joining'
        ? `joining group ${fact.group}: ${fact.reason}`
        : `${fact.kind} [${fact.partitions.join(', ')}] in group ${fact.group}, generation ${fact.generation}`;
    return { time: fact.time, kind: 'member', process: proc(fact.process), peer: -1, text, notable: true };
  }

  function opStep(op: ClientOp): ReturnType<Pending['make']> {
    const c = opCells(op.process, op.f);
    set(c[op.type], Number(get(c[op.type]) ?? 0) + 1);
    return {
      time: op.time,
      kind: 'op',
      process: proc(op.process),
      peer: -1,
      text: describeOp(op),
      notable: op.type === 'fail' || op.type === 'info',
    };
  }

  pending.sort((a, b) => a.time - b.time || a.rank - b.rank || a.seq - b.seq);

  // ---- steps ---------------------------------------------------------------------------------------
  const steps: Step[] = [];
  const stepOfKey = new Map<string, number>();
  for (const entry of pending) {
    changes = [];
    madeAssertion = undefined;
    const made = entry.make();
    const step: Step = { ...made, notable: made.notable ?? made.kind !== 'message', changes };
    if (entry.key !== undefined) stepOfKey.set(entry.key, steps.length);
    if (madeAssertion !== undefined) assertionStep.set(madeAssertion, steps.length);
    steps.push(step);
  }
  for (const band of open.values()) faults.push({ ...band, to: duration });
  faults.sort((a, b) => a.from - b.from || a.process - b.process);
  const finalStep = steps.length;
  steps.push({
    time: duration,
    kind: 'end',
    process: -1,
    peer: -1,
    text: 'end of the run: the checkers read the final state',
    notable: true,
    changes: [],
  });

  // ---- verdicts, linked to the steps that prove them -------------------------------------------
  const evidenceLabel = (e: ViolationEvent): string => {
    switch (e.kind) {
      case 'op':
        return `${e.process} ${e.f} ${e.type} (op ${e.id})`;
      case 'replica-fact':
        return `broker ${e.broker} ${e.what} ${e.topic}-${e.partition}`;
      case 'member-fact':
        return `${e.process} ${e.what}`;
      case 'final-state':
        return `final state of ${e.topic}-${e.partition}${e.broker === null ? ' in ZooKeeper' : ` on broker ${e.broker}`}`;
    }
  };
  const evidenceStep = (e: ViolationEvent): number => {
    const key =
      e.kind === 'op'
        ? `op:${e.id}:${e.type}`
        : e.kind === 'replica-fact'
          ? `rf:${e.index}`
          : e.kind === 'member-fact'
            ? `mf:${e.index}`
            : undefined;
    return key === undefined ? finalStep : (stepOfKey.get(key) ?? finalStep);
  };
  const evidenceSteps = new Set<number>();
  const checks: VerdictView[] = run.checks.map((c) => ({
    name: c.result.name,
    status: c.result.status,
    ...(c.expected === undefined ? {} : { expected: c.expected }),
    met: c.met,
    violations: c.result.violations.map((v) => ({
      message: v.message,
      time: v.time,
      evidence: v.events.map((e) => {
        const step = evidenceStep(e);
        evidenceSteps.add(step);
        return { step, label: evidenceLabel(e) };
      }),
    })),
  }));
  const assertions: AssertionView[] = run.assertions.map((a) => ({
    text: a.text,
    passed: a.passed,
    ...(a.line === undefined ? {} : { line: a.line }),
    step: assertionStep.get(a) ?? finalStep,
  }));

  // ---- thinning: beyond the budget, messages go, idle ones first (their state changes move on) ---
  const maxSteps = options.maxSteps ?? 30_000;
  /** 0: always kept; 1: idle messages (fetches that change nothing, pings, heartbeats); 2: other messages. */
  const tierOf = (i: number, s: Step): 0 | 1 | 2 => {
    if (s.kind !== 'message' || s.notable || evidenceSteps.has(i)) return 0;
    return s.changes.length === 0 && IDLE_MESSAGE.test(s.text) ? 1 : 2;
  };
  let kept = steps.map((_, i) => i);
  if (steps.length > maxSteps) {
    const tiers = steps.map((s, i) => tierOf(i, s));
    const count = [0, 0, 0];
    for (const t of tiers) count[t] = (count[t] ?? 0) + 1;
    let over = steps.length - maxSteps;
    /** The share of each tier kept, spread evenly over the run. */
    const share = [1, 1, 1];
    for (const t of [1, 2] as const) {
      const n = count[t] ?? 0;
      const drop = Math.min(over, n);
      share[t] = n === 0 ? 1 : 1 - drop / n;
      over -= drop;
    }
    const seen = [0, 0, 0];
    kept = [];
    for (const [i, t] of tiers.entries()) {
      const n = seen[t] ?? 0;
      seen[t] = n + 1;
      const f = share[t] ?? 1;
      if (t === 0 || Math.floor((n + 1) * f) > Math.floor(n * f)) kept.push(i);
    }
  }
  const remap = new Int32Array(steps.length);
  const thinned: Step[] = [];
  let carried: CellChange[] = [];
  let k = 0;
  for (const [i, s] of steps.entries()) {
    if (kept[k] === i) {
      remap[i] = thinned.length;
      const notable = s.notable || evidenceSteps.has(i);
      thinned.push(
        carried.length === 0 && notable === s.notable
          ? s
          : { ...s, notable, changes: carried.length === 0 ? s.changes : [...carried, ...s.changes] },
      );
      carried = [];
      k++;
    } else {
      remap[i] = thinned.length; // a dropped step points at the next kept one
      carried.push(...s.changes);
    }
  }
  const at = (i: number) => remap[i] ?? thinned.length - 1;
  const shownMessages = thinned.filter((s) => s.kind === 'message').length;

  // ---- the story, each line pointing at the first step of its time -------------------------------
  const firstStepAt = (time: SimTime): number => {
    let lo = 0;
    let hi = thinned.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((thinned[mid] as Step).time < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const story = tellStory(run).map((line) => ({ ...line, step: firstStepAt(line.time) }));

  const sortedPartitions = [...partitions.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => ({
      name: p.name,
      leader: p.leader,
      epoch: p.epoch,
      isr: p.isr,
      replicas: [...p.replicas.values()].sort((a, b) => a.broker - b.broker),
    }));
  return {
    scenario: run.scenario.name,
    description: run.scenario.description.trimEnd(),
    seed: run.seed,
    traceHash: run.traceHash,
    verdict: run.verdict,
    duration,
    events: run.events,
    processes,
    steps: thinned,
    initial,
    layout: {
      processes: statusCells,
      controller: controllerCell,
      network: networkCell,
      partitions: sortedPartitions,
      clients: [...clients.entries()].map(([name, byF]) => ({ name, ops: [...byF.values()] })),
    },
    faults,
    traffic: [...traffic.values()].sort((a, b) => a.bin - b.bin || a.from - b.from || a.to - b.to),
    trafficBins: bins,
    messages: { delivered, shown: shownMessages },
    checks: checks.map((c) => ({
      ...c,
      violations: c.violations.map((v) => ({
        ...v,
        evidence: v.evidence.map((e) => ({ ...e, step: at(e.step) })),
      })),
    })),
    assertions: assertions.map((a) => ({ ...a, step: at(a.step) })),
    story,
  };
}

/** A client operation in a line: `p1 send p1-17 to orders`, `ok: p1-17 at orders-0@17`. */
export function describeOp(op: ClientOp): string {
  const error = 'error' in op && op.error !== undefined ? `: ${op.error}` : '';
  const verdict = { invoke: '', ok: ' ok', fail: ' failed', info: ' outcome unknown' }[op.type];
  switch (op.f) {
    case 'send': {
      const where =
        op.partition === undefined
          ? op.record.topic
          : `${op.record.topic}-${op.partition}${op.offset === undefined ? '' : `@${op.offset}`}`;
      return op.type === 'invoke'
        ? `send ${op.record.value} to ${op.record.topic}`
        : `send ${op.record.value}${verdict} (${where})${error}`;
    }
    case 'poll': {
      if (op.type !== 'ok' || op.records === undefined) return `poll${verdict}${error}`;
      const first = op.records[0];
      const last = op.records[op.records.length - 1];
      return first === undefined || last === undefined
        ? 'poll ok: no records'
        : `poll ok: ${op.records.length} record(s), ${first.topic}-${first.partition}@${first.offset}${op.records.length > 1 ? ` .. ${last.topic}-${last.partition}@${last.offset}` : ''}`;
    }
    case 'commit':
      return `commit${verdict} ${op.offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`).join(', ')} (generation ${op.generation})${error}`;
    default: {
      const generic = op as { f: string; records?: readonly unknown[] };
      const count = Array.isArray(generic.records) ? ` ${generic.records.length} record(s)` : '';
      return `${generic.f}${verdict}${count}${error}`;
    }
  }
}
