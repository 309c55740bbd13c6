import type { AssignmentStrategy } from '../clients/assignors/index.js';
import type { CommitMode, ConsumerActorOptions } from '../clients/consumer/application.js';
import { ConfigException, type ConsumerConfig, consumerConfig } from '../clients/consumer/config.js';
import {
  type ProducerConfig,
  ProducerConfigError,
  parseAcks,
  resolveProducerConfig,
} from '../clients/producer/config.js';
import type { KeyPattern, ProducerWorkload } from '../clients/producer/workload.js';
import {
  DEFAULT_FAULT_COUNT,
  DEFAULT_LASTS,
  FAULT_KINDS,
  type FaultCount,
  type FaultKind,
  type FaultSpec,
  type FaultsFileSpec,
} from '../faults/spec.js';
import { KafkaError, planCreatePartitions, planCreateTopic } from '../kafka/admin/index.js';
import { type BrokerConfig, DEFAULT_BROKER_CONFIG } from '../kafka/config.js';
import type { LatencyDistribution } from '../sim/latency.js';
import { type SimTime, toMillis } from '../sim/time.js';
import { didYouMean } from './did-you-mean.js';
import { formatDuration, parseDuration } from './duration.js';
import { parseScenario, ScenarioError, type SourceMap } from './load.js';
import type {
  ConsumerFileSpec,
  Expectations,
  KeysSpec,
  LatencySpec,
  ProducerFileSpec,
  ScenarioFile,
  StateAssertion,
  TargetSpec,
  TimelineEntry,
  TopicFileSpec,
} from './types.js';

/** A timeline action, resolved against the scenario (targets stay symbolic until they run). */
export type Action =
  | {
      readonly kind: 'crash' | 'power-loss' | 'restart' | 'pause' | 'resume' | 'isolate';
      readonly target: TargetSpec;
    }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly string[])[] }
  | { readonly kind: 'heal' }
  | {
      readonly kind: 'link';
      readonly from: string;
      readonly to: string;
      readonly latency?: LatencyDistribution;
      readonly loss?: number;
      readonly oneWay: boolean;
    }
  | { readonly kind: 'expire-session'; readonly broker: number }
  | { readonly kind: 'backup-zookeeper' | 'restore-zookeeper'; readonly backup: string }
  | { readonly kind: 'create-topic'; readonly topic: CompiledTopic }
  | { readonly kind: 'delete-topic'; readonly topic: string }
  | { readonly kind: 'add-partitions'; readonly topic: string; readonly count: number }
  | {
      readonly kind: 'reassign';
      readonly topic: string;
      readonly partition: number;
      readonly replicas: readonly number[];
    }
  | {
      readonly kind: 'preferred-election';
      readonly partitions: 'all' | readonly { topic: string; partition: number }[];
    }
  | { readonly kind: 'start' | 'stop'; readonly client: string }
  | { readonly kind: 'describe'; readonly topic: string }
  | { readonly kind: 'subscribe'; readonly consumer: string; readonly topics: readonly string[] }
  | { readonly kind: 'assert'; readonly assertion: StateAssertion };

export interface TimedAction {
  readonly at: SimTime;
  readonly action: Action;
  /** A lasting fault is undone this much later (restart, resume, the rule lifted, link reset). */
  readonly for?: SimTime;
  /** Where the entry is in the file, for messages about it. */
  readonly line: number;
}

export interface CompiledTopic {
  readonly name: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  readonly assignment?: readonly (readonly number[])[];
  readonly configs: Readonly<Record<string, string>>;
}

export interface CompiledProducer {
  readonly name: string;
  /** Undefined: the timeline starts it. */
  readonly start: SimTime | undefined;
  readonly config: Partial<ProducerConfig>;
  readonly workload: ProducerWorkload;
}

export interface CompiledConsumer {
  readonly name: string;
  /** Undefined: the timeline starts it. */
  readonly start: SimTime | undefined;
  readonly options: Omit<ConsumerActorOptions, 'bootstrap' | 'history'>;
  /** The group it joins (subscribe with a group.id), if any. */
  readonly group: string | null;
}

/** A scenario ready to run: every value checked and converted. */
export interface CompiledScenario {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly duration: SimTime;
  readonly brokers: number;
  readonly zookeepers: number;
  readonly truncation: 'leader-epoch' | 'high-watermark';
  readonly brokerConfig: Partial<BrokerConfig>;
  readonly latency?: LatencyDistribution;
  readonly loss?: number;
  readonly topics: readonly CompiledTopic[];
  readonly producers: readonly CompiledProducer[];
  readonly consumers: readonly CompiledConsumer[];
  readonly timeline: readonly TimedAction[];
  /** A random mix of faults each seed draws its own schedule from (see src/faults). */
  readonly faults?: FaultSpec;
  readonly expectations: Expectations;
  /** The file's text, from which a seed's drawn faults are written out as a timeline. */
  readonly text: string;
}

const ACTION_KEYS = [
  'crash',
  'power-loss',
  'restart',
  'pause',
  'resume',
  'isolate',
  'partition',
  'heal',
  'link',
  'expire-session',
  'backup-zookeeper',
  'restore-zookeeper',
  'create-topic',
  'delete-topic',
  'add-partitions',
  'reassign',
  'preferred-election',
  'start',
  'stop',
  'describe',
  'subscribe',
  'assert',
] as const;

/** The actions `for` can undo. */
const LASTING_ACTIONS: readonly Action['kind'][] = [
  'crash',
  'power-loss',
  'pause',
  'isolate',
  'partition',
  'link',
];

/** Reads, validates and compiles a scenario file's text. Throws ScenarioError. */
export function compileScenario(file: string, text: string): CompiledScenario {
  const { scenario, source } = parseScenario(file, text);
  return { ...new Compiler(scenario, source).compile(), text };
}

class Compiler {
  private readonly brokers: number;
  private readonly zookeepers: number;
  private readonly topics = new Map<string, number[][]>();
  private readonly clients = new Set<string>();
  /** Every topic the file creates, at the start or in the timeline. */
  private readonly everTopics = new Set<string>();

  constructor(
    private readonly scenario: ScenarioFile,
    private readonly source: SourceMap,
  ) {
    this.brokers = scenario.cluster?.brokers ?? 3;
    this.zookeepers = scenario.cluster?.zookeepers ?? 1;
  }

  private fail(path: (string | number)[], problem: string, key = false): never {
    const { line, column } = this.source.at(path, key);
    throw new ScenarioError(this.source.file, line, column, problem);
  }

  private duration(path: (string | number)[], text: string): SimTime {
    const value = parseDuration(text);
    if (value === undefined) this.fail(path, `${text} is not a duration.`);
    return value;
  }

  compile(): Omit<CompiledScenario, 'text'> {
    const s = this.scenario;
    const brokerConfig = { ...(s.cluster?.config ?? {}) };
    const config = { ...DEFAULT_BROKER_CONFIG, ...brokerConfig };
    if (config['min.insync.replicas'] < 1)
      this.fail(
        ['cluster', 'config', 'min.insync.replicas'],
        'Invalid value 0 for configuration min.insync.replicas: Value must be at least 1',
      );
    const topics = (s.topics ?? []).map((t, i) => this.topic(t, ['topics', i], config));
    // Clients first, so that the timeline may name them; consumers' topics after the timeline,
    // which may create them.
    for (const [i, c] of [...(s.producers ?? []), ...(s.consumers ?? [])].entries()) {
      const path =
        i < (s.producers ?? []).length ? ['producers', i] : ['consumers', i - (s.producers ?? []).length];
      if (this.clients.has(c.name))
        this.fail([...path, 'name'], `a client named '${c.name}' is defined twice.`);
      this.clients.add(c.name);
    }
    // A loop, not .map(closure): a sweep compiles the scenario once per seed, and the closure's
    // optimized code (this.entry inlined) would be dropped at each full GC and compiled again.
    const timeline: TimedAction[] = [];
    for (const [i, entry] of (s.timeline ?? []).entries()) timeline.push(this.entry(entry, i, config));
    this.checkRestores(timeline);
    const startedByTimeline = new Set(
      timeline.flatMap(({ action }) => (action.kind === 'start' ? [action.client] : [])),
    );
    const producers = (s.producers ?? []).map((p, i) =>
      this.producer(p, ['producers', i], startedByTimeline.has(p.name)),
    );
    const consumers = (s.consumers ?? []).map((c, i) =>
      this.consumer(c, ['consumers', i], startedByTimeline.has(c.name)),
    );
    const duration = this.duration(['duration'], s.duration);
    for (const [i, entry] of timeline.entries())
      if (entry.at > duration)
        this.fail(
          ['timeline', i, 'at'],
          `timeline[${i}] is at ${s.timeline?.[i]?.at}, after the scenario's duration (${s.duration}).`,
        );
    return {
      file: this.source.file,
      name: s.name,
      description: s.description,
      seed: s.seed ?? 1,
      duration,
      brokers: this.brokers,
      zookeepers: this.zookeepers,
      truncation: s.cluster?.truncation ?? 'leader-epoch',
      brokerConfig,
      ...(s.network?.latency === undefined
        ? {}
        : { latency: this.latency(['network', 'latency'], s.network.latency) }),
      ...(s.network?.loss === undefined ? {} : { loss: s.network.loss }),
      topics,
      producers,
      consumers,
      timeline: [...timeline].sort((a, b) => a.at - b.at),
      ...(s.faults === undefined ? {} : { faults: this.faults(s.faults, duration) }),
      expectations: s.expect ?? {},
    };
  }

  /** The `faults:` section: its window inside the run, its counts and lengths in order. */
  private faults(f: FaultsFileSpec, duration: SimTime): FaultSpec {
    const path = ['faults'];
    if (f.count !== undefined && f.rate !== undefined)
      this.fail([...path, 'rate'], "give 'count' or 'rate', not both.", true);
    const from = f.from === undefined ? 0 : this.duration([...path, 'from'], f.from);
    const until =
      f.until === undefined
        ? Math.floor((duration * 2) / 3 / 1000) * 1000
        : this.duration([...path, 'until'], f.until);
    if (until > duration)
      this.fail(
        [...path, 'until'],
        `faults end at ${f.until}, after the scenario's duration (${this.scenario.duration}).`,
      );
    if (from >= until)
      this.fail(
        [...path, 'from'],
        `faults begin at ${f.from ?? '0s'}, not before they must have ended (until: ${f.until ?? formatDuration(until)}).`,
      );
    const lasts =
      f.lasts === undefined
        ? DEFAULT_LASTS
        : {
            min: this.duration([...path, 'lasts', 'min'], f.lasts.min),
            max: this.duration([...path, 'lasts', 'max'], f.lasts.max),
          };
    if (lasts.min > lasts.max) this.fail([...path, 'lasts', 'min'], 'lasts.min is more than lasts.max.');
    if (lasts.min <= 0) this.fail([...path, 'lasts', 'min'], 'a fault lasts longer than 0.');
    if (typeof f.count === 'object' && f.count.min > f.count.max)
      this.fail([...path, 'count', 'min'], 'count.min is more than count.max.');
    const count: FaultCount =
      f.rate !== undefined
        ? { kind: 'rate', perMinute: f.rate }
        : f.count === undefined
          ? DEFAULT_FAULT_COUNT
          : typeof f.count === 'number'
            ? { kind: 'range', min: f.count, max: f.count }
            : { kind: 'range', min: f.count.min, max: f.count.max };
    const kinds = new Map<FaultKind, number>(
      f.kinds === undefined
        ? FAULT_KINDS.map((k) => [k, 1])
        : Array.isArray(f.kinds)
          ? (f.kinds as readonly FaultKind[]).map((k) => [k, 1])
          : (Object.entries(f.kinds) as [FaultKind, number][]),
    );
    const brokers = f.brokers ?? Array.from({ length: this.brokers }, (_, i) => i + 1);
    for (const [i, id] of brokers.entries())
      if (id < 1 || id > this.brokers)
        this.fail([...path, 'brokers', i], `there is no broker ${id} (brokers are 1 to ${this.brokers}).`);
    return { kinds, count, from, until, lasts, swarm: f.swarm ?? true, brokers };
  }

  /** CreateTopics as a ZooKeeper-mode broker would judge it (ZkAdminManager), with Kafka's message. */
  private topic(t: TopicFileSpec, path: (string | number)[], config: BrokerConfig): CompiledTopic {
    const view = {
      topics: [...this.topics].map(([name, partitions]) => ({
        name,
        partitions: partitions.map((replicas) => ({ replicas })),
      })),
      brokers: Array.from({ length: this.brokers }, (_, i) => i + 1),
    };
    let placed: Map<number, number[]>;
    try {
      placed = planCreateTopic(
        {
          name: t.name,
          ...(t.partitions === undefined ? {} : { numPartitions: t.partitions }),
          ...(t['replication-factor'] === undefined ? {} : { replicationFactor: t['replication-factor'] }),
          ...(t.assignment === undefined ? {} : { assignments: new Map(t.assignment.map((r, p) => [p, r])) }),
        },
        view,
        {
          defaultNumPartitions: config['num.partitions'],
          defaultReplicationFactor: config['default.replication.factor'],
          fixedStartIndex: 0,
        },
      );
    } catch (error) {
      if (error instanceof KafkaError) this.fail(path, `topic '${t.name}': ${error.message}`);
      throw error;
    }
    this.topics.set(t.name, [...placed.values()]);
    this.everTopics.add(t.name);
    const configs: Record<string, string> = {};
    for (const [key, value] of Object.entries(t.config ?? {})) configs[key] = String(value);
    return {
      name: t.name,
      ...(t.partitions === undefined ? {} : { partitions: t.partitions }),
      ...(t['replication-factor'] === undefined ? {} : { replicationFactor: t['replication-factor'] }),
      ...(t.assignment === undefined ? {} : { assignment: t.assignment }),
      configs,
    };
  }

  /** A client's start: its own `start`, else at 0s unless the timeline starts it. */
  private start(
    path: (string | number)[],
    start: string | undefined,
    byTimeline: boolean,
  ): SimTime | undefined {
    if (start !== undefined) return this.duration([...path, 'start'], start);
    return byTimeline ? undefined : 0;
  }

  private producer(p: ProducerFileSpec, path: (string | number)[], byTimeline: boolean): CompiledProducer {
    const { acks, ...rest } = p.config ?? {};
    const config: Partial<ProducerConfig> = { ...rest };
    try {
      if (acks !== undefined) config.acks = parseAcks(acks);
      resolveProducerConfig(config);
    } catch (error) {
      if (error instanceof ProducerConfigError) this.fail([...path, 'config'], error.message);
      throw error;
    }
    return {
      name: p.name,
      start: this.start(path, p.start, byTimeline),
      config,
      workload: {
        topic: p.topic,
        ...(p.count === undefined ? {} : { count: p.count }),
        ...(p.rate === undefined ? {} : { rate: p.rate }),
        keys: keyPattern(p.keys ?? 'none'),
        ...(p['value-bytes'] === undefined ? {} : { valueBytes: p['value-bytes'] }),
        ...(p.partition === undefined ? {} : { partition: p.partition }),
      },
    };
  }

  private consumer(c: ConsumerFileSpec, path: (string | number)[], byTimeline: boolean): CompiledConsumer {
    if ((c.topics === undefined) === (c.assign === undefined))
      this.fail(
        path,
        `consumer '${c.name}' needs either topics (subscribe) or assign, not ${c.topics === undefined ? 'neither' : 'both'}.`,
      );
    const { 'partition.assignment.strategy': strategy, ...rest } = c.config ?? {};
    const config: Partial<ConsumerConfig> = { 'client.id': c.name, ...rest };
    if (strategy !== undefined) {
      const names = typeof strategy === 'string' ? strategy.split(',').map((n) => n.trim()) : strategy;
      (config as { 'partition.assignment.strategy'?: readonly string[] })['partition.assignment.strategy'] =
        names.map((n) => ASSIGNOR_CLASSES[n] ?? n);
    }
    const commit: CommitMode = c.commit ?? (config['group.id'] ? 'auto' : 'none');
    try {
      // As KafkaConsumer's constructor judges its configs, with Kafka's messages.
      const resolved = consumerConfig({ ...config, 'enable.auto.commit': commit === 'auto' });
      if (c.topics !== undefined && resolved['group.id'] === null)
        this.fail(
          [...path, 'topics'],
          `consumer '${c.name}': To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration.`,
        );
      if (commit !== 'none' && resolved['group.id'] === null)
        this.fail(
          [...path, 'commit'],
          `consumer '${c.name}': committing offsets needs a group.id in its config.`,
        );
    } catch (error) {
      if (error instanceof ConfigException || (error instanceof Error && !(error instanceof ScenarioError)))
        this.fail([...path, 'config'], `consumer '${c.name}': ${error.message}`);
      throw error;
    }
    const topicsKnown = (names: readonly string[], where: string) =>
      names.forEach((topic, n) => {
        if (!this.everTopics.has(topic)) this.fail([...path, where, n], `unknown topic '${topic}'.`);
      });
    if (c.topics !== undefined) topicsKnown(c.topics, 'topics');
    const assign = c.assign?.map((text, n) => {
      const match = /^(.+)-([0-9]+)$/.exec(text) as RegExpExecArray;
      const topic = match[1] as string;
      if (!this.everTopics.has(topic))
        this.fail([...path, 'assign', n], `unknown topic '${topic}' in ${text}.`);
      return { topic, partition: Number(match[2]) };
    });
    const perRecordMs =
      c.processing?.['per-record'] === undefined
        ? undefined
        : toMillis(this.duration([...path, 'processing', 'per-record'], c.processing['per-record']));
    const perBatchMs =
      c.processing?.['per-batch'] === undefined
        ? undefined
        : toMillis(this.duration([...path, 'processing', 'per-batch'], c.processing['per-batch']));
    const pollTimeoutMs =
      c['poll-timeout'] === undefined
        ? undefined
        : toMillis(this.duration([...path, 'poll-timeout'], c['poll-timeout']));
    return {
      name: c.name,
      start: this.start(path, c.start, byTimeline),
      group: c.topics === undefined ? null : ((config['group.id'] ?? null) as string | null),
      options: {
        config,
        commitMode: commit,
        ...(c.topics === undefined ? {} : { subscribe: c.topics }),
        ...(assign === undefined ? {} : { assign }),
        ...(perRecordMs === undefined && perBatchMs === undefined
          ? {}
          : {
              processing: {
                ...(perRecordMs === undefined ? {} : { perRecordMs }),
                ...(perBatchMs === undefined ? {} : { perBatchMs }),
              },
            }),
        ...(pollTimeoutMs === undefined ? {} : { pollTimeoutMs }),
      },
    };
  }

  private latency(path: (string | number)[], spec: LatencySpec): LatencyDistribution {
    if (typeof spec === 'string') return { kind: 'constant', value: this.duration(path, spec) };
    const d = (field: 'value' | 'min' | 'max' | 'mean' | 'median'): SimTime | undefined =>
      spec[field] === undefined ? undefined : this.duration([...path, field], spec[field] as string);
    const need = (field: 'value' | 'min' | 'max' | 'mean' | 'median'): SimTime =>
      d(field) ?? this.fail(path, `a ${spec.distribution} latency needs '${field}'.`);
    const max = d('max');
    const withMax = max === undefined ? {} : { max };
    switch (spec.distribution) {
      case 'constant':
        return { kind: 'constant', value: need('value') };
      case 'uniform':
        return { kind: 'uniform', min: need('min'), max: need('max') };
      case 'exponential': {
        const min = d('min');
        return { kind: 'exponential', mean: need('mean'), ...(min === undefined ? {} : { min }), ...withMax };
      }
      case 'lognormal':
        return {
          kind: 'lognormal',
          median: need('median'),
          sigma: spec.sigma ?? this.fail(path, "a lognormal latency needs 'sigma'."),
          ...withMax,
        };
      case 'pareto':
        return {
          kind: 'pareto',
          min: need('min'),
          alpha: spec.alpha ?? this.fail(path, "a pareto latency needs 'alpha'."),
          ...withMax,
        };
    }
  }

  private process(path: (string | number)[], name: string): void {
    const broker = /^broker-([0-9]+)$/.exec(name);
    if (broker !== null) {
      const id = Number(broker[1]);
      if (id < 1 || id > this.brokers)
        this.fail(path, `there is no ${name}: the cluster has brokers 1 to ${this.brokers}.`);
      return;
    }
    const zk = /^zookeeper-([0-9]+)$/.exec(name);
    if (zk !== null) {
      const id = Number(zk[1]);
      if (id < 1 || id > this.zookeepers)
        this.fail(path, `there is no ${name}: the ensemble has zookeeper-1 to zookeeper-${this.zookeepers}.`);
      return;
    }
    if (!this.clients.has(name))
      this.fail(
        path,
        `unknown process '${name}': write broker-<id>, zookeeper-<id>, "controller", { leader: <topic>-<partition> } or a client's name${this.clients.size === 0 ? '' : ` (${[...this.clients].join(', ')})`}.`,
      );
  }

  private partitionOf(path: (string | number)[], text: string): { topic: string; partition: number } {
    const match = /^(.+)-([0-9]+)$/.exec(text) as RegExpExecArray;
    const topic = match[1] as string;
    const partition = Number(match[2]);
    const partitions = this.topics.get(topic);
    if (partitions === undefined) this.fail(path, `unknown topic '${topic}' in ${text}.`);
    if (partition >= partitions.length)
      this.fail(path, `${text}: topic '${topic}' has partitions 0 to ${partitions.length - 1}.`);
    return { topic, partition };
  }

  private target(path: (string | number)[], target: TargetSpec): TargetSpec {
    if (typeof target === 'string') {
      if (target !== 'controller') this.process(path, target);
    } else this.partitionOf([...path, 'leader'], target.leader);
    return target;
  }

  /**
   * Every restore-zookeeper names a backup taken before it: earlier in time, or at the same time
   * and earlier in the file (the timeline runs in time order, ties in file order).
   */
  private checkRestores(timeline: readonly TimedAction[]): void {
    const backups = timeline.flatMap((entry, i) =>
      entry.action.kind === 'backup-zookeeper' ? [{ name: entry.action.backup, at: entry.at, i }] : [],
    );
    timeline.forEach((entry, i) => {
      if (entry.action.kind !== 'restore-zookeeper') return;
      const name = entry.action.backup;
      const here = ['timeline', i, 'restore-zookeeper'];
      const named = backups.filter((b) => b.name === name);
      if (named.some((b) => b.at < entry.at || (b.at === entry.at && b.i < i))) return;
      const first = named[0];
      if (first !== undefined)
        this.fail(
          here,
          `backup '${name}' is taken at ${this.scenario.timeline?.[first.i]?.at}, not before this restore at ${this.scenario.timeline?.[i]?.at}.`,
        );
      const names = [...new Set(backups.map((b) => b.name))];
      const guess = didYouMean(name, names);
      this.fail(
        here,
        `no backup named '${name}'${guess === undefined ? '' : ` (did you mean '${guess}'?)`}: take one earlier in the timeline with backup-zookeeper: ${name}.`,
      );
    });
  }

  private entry(entry: TimelineEntry, i: number, config: BrokerConfig): TimedAction {
    const path = ['timeline', i];
    const at = this.duration([...path, 'at'], entry.at);
    const line = this.source.at(path).line;
    const key = ACTION_KEYS.find((k) => k in entry) as (typeof ACTION_KEYS)[number];
    const value = (entry as unknown as Record<string, unknown>)[key];
    const here = [...path, key];
    const action = ((): Action => {
      switch (key) {
        case 'crash':
        case 'power-loss':
        case 'restart':
        case 'pause':
        case 'resume':
        case 'isolate':
          return { kind: key, target: this.target(here, value as TargetSpec) };
        case 'partition': {
          const groups = value as string[][];
          groups.forEach((group, g) => {
            for (const [n, name] of group.entries()) this.process([...here, g, n], name);
          });
          return { kind: 'partition', groups };
        }
        case 'heal':
          return { kind: 'heal' };
        case 'link': {
          const link = value as Extract<TimelineEntry, { link: unknown }>['link'];
          this.process([...here, 'from'], link.from);
          this.process([...here, 'to'], link.to);
          return {
            kind: 'link',
            from: link.from,
            to: link.to,
            ...(link.latency === undefined
              ? {}
              : { latency: this.latency([...here, 'latency'], link.latency) }),
            ...(link.loss === undefined ? {} : { loss: link.loss }),
            oneWay: link['one-way'] ?? false,
          };
        }
        case 'expire-session': {
          const name = value as string;
          this.process(here, name);
          const broker = /^broker-([0-9]+)$/.exec(name);
          if (broker === null) this.fail(here, `expire-session takes a broker, not '${name}'.`);
          return { kind: 'expire-session', broker: Number(broker[1]) };
        }
        case 'backup-zookeeper':
        case 'restore-zookeeper':
          return { kind: key, backup: value as string };
        case 'create-topic':
          return { kind: 'create-topic', topic: this.topic(value as TopicFileSpec, here, config) };
        case 'delete-topic': {
          const topic = value as string;
          if (!this.topics.has(topic)) this.fail(here, `Topic '${topic}' does not exist as expected`);
          this.topics.delete(topic);
          return { kind: 'delete-topic', topic };
        }
        case 'add-partitions': {
          const { topic, count } = value as { topic: string; count: number };
          const partitions = this.topics.get(topic) ?? [];
          try {
            const added = planCreatePartitions(
              { name: topic, count },
              {
                topics: [...this.topics].map(([name, ps]) => ({
                  name,
                  partitions: ps.map((replicas) => ({ replicas })),
                })),
                brokers: Array.from({ length: this.brokers }, (_, b) => b + 1),
              },
            );
            this.topics.set(topic, [...partitions, ...added]);
          } catch (error) {
            if (error instanceof KafkaError) this.fail(here, error.message);
            throw error;
          }
          return { kind: 'add-partitions', topic, count };
        }
        case 'reassign': {
          const { partition, replicas } = value as { partition: string; replicas: number[] };
          const tp = this.partitionOf([...here, 'partition'], partition);
          for (const [r, id] of replicas.entries())
            if (id < 1 || id > this.brokers)
              this.fail(
                [...here, 'replicas', r],
                `Unknown broker ${id}: the cluster has brokers 1 to ${this.brokers}.`,
              );
          return { kind: 'reassign', ...tp, replicas };
        }
        case 'preferred-election': {
          const spec = value as 'all' | string[];
          return {
            kind: 'preferred-election',
            partitions: spec === 'all' ? 'all' : spec.map((p, n) => this.partitionOf([...here, n], p)),
          };
        }
        case 'start':
        case 'stop': {
          const client = value as string;
          if (!this.clients.has(client))
            this.fail(
              here,
              `unknown client '${client}'${this.clients.size === 0 ? '' : `: clients are ${[...this.clients].join(', ')}`}.`,
            );
          return { kind: key, client };
        }
        case 'subscribe': {
          const { consumer, topics } = value as { consumer: string; topics: string[] };
          const spec = this.scenario.consumers?.find((c) => c.name === consumer);
          if (spec === undefined)
            this.fail(
              [...here, 'consumer'],
              `unknown consumer '${consumer}'${(this.scenario.consumers ?? []).length === 0 ? '' : `: consumers are ${(this.scenario.consumers ?? []).map((c) => c.name).join(', ')}`}.`,
            );
          if (spec.topics === undefined)
            this.fail(
              [...here, 'consumer'],
              `consumer '${consumer}' uses assign(): IllegalStateException: Subscription to topics, partitions and pattern are mutually exclusive.`,
            );
          topics.forEach((topic, n) => {
            if (!this.everTopics.has(topic)) this.fail([...here, 'topics', n], `unknown topic '${topic}'.`);
          });
          return { kind: 'subscribe', consumer, topics };
        }
        case 'describe': {
          const topic = value as string;
          if (!this.topics.has(topic)) this.fail(here, `unknown topic '${topic}'.`);
          return { kind: 'describe', topic };
        }
        case 'assert': {
          const assertion = value as StateAssertion;
          if (assertion.partition !== undefined)
            this.partitionOf([...here, 'partition'], assertion.partition);
          return { kind: 'assert', assertion };
        }
      }
    })();
    if (entry.for === undefined) return { at, action, line };
    if (!LASTING_ACTIONS.includes(action.kind))
      this.fail(
        [...path, 'for'],
        `'for' undoes a lasting fault (${LASTING_ACTIONS.join(', ')}), not ${action.kind}.`,
        true,
      );
    const lasts = this.duration([...path, 'for'], entry.for);
    if (lasts <= 0) this.fail([...path, 'for'], `'for' must be longer than 0, not ${entry.for}.`);
    return { at, action, line, for: lasts };
  }
}

/** Kafka's assignor class names (ConsumerPartitionAssignor implementations) to ours. */
const ASSIGNOR_CLASSES: Readonly<Record<string, AssignmentStrategy>> = {
  'org.apache.kafka.clients.consumer.RangeAssignor': 'range',
  'org.apache.kafka.clients.consumer.RoundRobinAssignor': 'roundrobin',
  'org.apache.kafka.clients.consumer.StickyAssignor': 'sticky',
  'org.apache.kafka.clients.consumer.CooperativeStickyAssignor': 'cooperative-sticky',
};

function keyPattern(spec: KeysSpec): KeyPattern {
  if (spec === 'none') return { kind: 'none' };
  if (spec === 'sequential') return { kind: 'sequential' };
  if ('fixed' in spec) return { kind: 'fixed', keys: spec.fixed };
  return { kind: 'random', keys: spec.random };
}
