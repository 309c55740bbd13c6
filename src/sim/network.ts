import { DEFAULT_LATENCY, type LatencyDistribution, latencySampler } from './latency.js';
import type { Link } from './link.js';

/** The world's side of the network: processes by index, links, and what to do when one unblocks. */
export interface NetworkKernel {
  processIndex(name: string): number;
  processName(index: number): string;
  link(fromIndex: number, toIndex: number): Link<unknown>;
  links(): Iterable<Link<unknown>>;
  /** A link was cut or held and is now open: its stalled frames move again. */
  unblocked(link: Link<unknown>): void;
  record(kind: 'partition' | 'heal' | 'lift' | 'link' | 'hold' | 'release', detail: string): void;
}

export interface LinkSettings {
  readonly latency?: LatencyDistribution;
  /** Probability that a message is lost; a lost message breaks its connection. */
  readonly loss?: number;
}

interface CutRule {
  readonly cuts: (from: number, to: number) => boolean;
  /** How the trace names it (`isolate broker-2`, `[a b] | [c]`): what `lift` is given. */
  readonly label: string;
}

function checkLoss(loss: number): void {
  if (!(loss >= 0 && loss <= 1)) throw new RangeError(`loss must be a probability in [0, 1], got ${loss}`);
}

/** The name the trace gives a partition rule, and what `lift` takes to end it. */
export const partitionRuleName = (groups: readonly (readonly string[])[]): string =>
  groups.map((group) => `[${group.join(' ')}]`).join(' | ');

/** The name the trace gives an isolation, and what `lift` takes to end it. */
export const isolateRuleName = (name: string): string => `isolate ${name}`;

/**
 * The simulated network's faults and settings. Links are one per direction between two processes;
 * partitions are rules, so processes that start later are cut as the rules say. Every change is
 * recorded in the trace.
 */
export class Network {
  private rules: CutRule[] = [];
  private latency: LatencyDistribution = DEFAULT_LATENCY;
  private defaultSampler = latencySampler(DEFAULT_LATENCY);
  private loss = 0;

  constructor(private readonly kernel: NetworkKernel) {}

  /** Latency and loss for every link that has no settings of its own. */
  setDefaults(settings: LinkSettings): void {
    if (settings.loss !== undefined) checkLoss(settings.loss);
    if (settings.latency !== undefined) {
      this.defaultSampler = latencySampler(settings.latency);
      this.latency = settings.latency;
    }
    if (settings.loss !== undefined) this.loss = settings.loss;
    for (const link of this.kernel.links()) this.applyDefaults(link);
    this.kernel.record('link', `defaults ${describeSettings(settings)}`);
  }

  /** Whether a partition, an isolation or a held link is in force (heal clears them all). */
  get isFaulty(): boolean {
    if (this.rules.length > 0) return true;
    for (const link of this.kernel.links()) if (link.held) return true;
    return false;
  }

  get defaultLatency(): LatencyDistribution {
    return this.latency;
  }

  get defaultLoss(): number {
    return this.loss;
  }

  /** Fills in a new link's settings and whether the current rules cut it. */
  initLink(link: Link<unknown>): void {
    this.applyDefaults(link);
    link.cut = this.rules.some((rule) => rule.cuts(link.fromIndex, link.toIndex));
  }

  /** Latency and loss of the link `from` → `to` (and back, unless `oneWay`). */
  setLink(from: string, to: string, settings: LinkSettings, options: { oneWay?: boolean } = {}): void {
    if (settings.loss !== undefined) checkLoss(settings.loss);
    const sampler = settings.latency === undefined ? undefined : latencySampler(settings.latency);
    const a = this.kernel.processIndex(from);
    const b = this.kernel.processIndex(to);
    const pairs: [number, number][] = options.oneWay
      ? [[a, b]]
      : [
          [a, b],
          [b, a],
        ];
    for (const [x, y] of pairs) {
      const link = this.kernel.link(x, y);
      if (sampler !== undefined) {
        link.sampler = sampler;
        link.customLatency = true;
      }
      if (settings.loss !== undefined) {
        link.loss = settings.loss;
        link.customLoss = true;
      }
    }
    this.kernel.record(
      'link',
      `${from} ${options.oneWay ? '->' : '<->'} ${to} ${describeSettings(settings)}`,
    );
  }

  /** Cuts every link between processes of different groups. Processes in no group keep their links. */
  partition(groups: readonly (readonly string[])[]): void {
    const groupOf = new Map<number, number>();
    groups.forEach((group, g) => {
      for (const name of group) {
        const index = this.kernel.processIndex(name);
        if (groupOf.has(index)) throw new RangeError(`partition: ${name} is in two groups`);
        groupOf.set(index, g);
      }
    });
    this.addRule(
      {
        cuts: (from, to) => {
          const gf = groupOf.get(from);
          const gt = groupOf.get(to);
          return gf !== undefined && gt !== undefined && gf !== gt;
        },
      },
      'partition',
      partitionRuleName(groups),
    );
  }

  /** Cuts the links from each process in `from` to each in `to`; the other way still works. */
  partitionOneWay(from: readonly string[], to: readonly string[]): void {
    const sources = new Set(from.map((name) => this.kernel.processIndex(name)));
    const targets = new Set(to.map((name) => this.kernel.processIndex(name)));
    this.addRule(
      { cuts: (f, t) => sources.has(f) && targets.has(t) },
      'partition',
      `[${from.join(' ')}] -> [${to.join(' ')}]`,
    );
  }

  /** Cuts `name` off from every other process, both ways, including processes started later. */
  isolate(name: string): void {
    const index = this.kernel.processIndex(name);
    this.addRule({ cuts: (f, t) => (f === index) !== (t === index) }, 'partition', isolateRuleName(name));
  }

  /** Stalls the link `from` → `to`: its messages wait, in order, until `release`. */
  hold(from: string, to: string): void {
    const link = this.kernel.link(this.kernel.processIndex(from), this.kernel.processIndex(to));
    link.held = true;
    this.kernel.record('hold', `${from} -> ${to}`);
  }

  release(from: string, to: string): void {
    const link = this.kernel.link(this.kernel.processIndex(from), this.kernel.processIndex(to));
    const wasBlocked = link.blocked;
    link.held = false;
    this.kernel.record('release', `${from} -> ${to}`);
    if (wasBlocked && !link.blocked) this.kernel.unblocked(link);
  }

  /**
   * Ends one partition or isolation, named as the trace names it (`isolate broker-2`, or the
   * groups as `[a b] | [c]`), and keeps the others: a fault that lasts a while ends alone.
   * Returns false if no such rule is in force.
   */
  lift(label: string): boolean {
    const i = this.rules.findIndex((rule) => rule.label === label);
    if (i < 0) return false;
    this.rules.splice(i, 1);
    const opened: Link<unknown>[] = [];
    for (const link of this.kernel.links()) {
      const wasBlocked = link.blocked;
      link.cut = this.rules.some((rule) => rule.cuts(link.fromIndex, link.toIndex));
      if (wasBlocked && !link.blocked) opened.push(link);
    }
    this.kernel.record('lift', label);
    for (const link of opened) this.kernel.unblocked(link);
    return true;
  }

  /** The link `from` → `to` (and back, unless `oneWay`) takes the network's defaults again. */
  resetLink(from: string, to: string, options: { oneWay?: boolean } = {}): void {
    const a = this.kernel.processIndex(from);
    const b = this.kernel.processIndex(to);
    for (const [x, y] of options.oneWay
      ? [[a, b]]
      : [
          [a, b],
          [b, a],
        ]) {
      const link = this.kernel.link(x as number, y as number);
      link.customLatency = false;
      link.customLoss = false;
      this.applyDefaults(link);
    }
    this.kernel.record('link', `${from} ${options.oneWay ? '->' : '<->'} ${to} back to the defaults`);
  }

  /** Ends every partition and every hold; stalled messages move on in order. */
  heal(): void {
    this.rules = [];
    const opened: Link<unknown>[] = [];
    for (const link of this.kernel.links()) {
      if (link.blocked) opened.push(link);
      link.cut = false;
      link.held = false;
    }
    this.kernel.record('heal', 'all links open');
    for (const link of opened) this.kernel.unblocked(link);
  }

  /** Whether messages from `from` to `to` are stalled now. */
  isBlocked(from: string, to: string): boolean {
    const f = this.kernel.processIndex(from);
    const t = this.kernel.processIndex(to);
    return this.kernel.link(f, t).blocked;
  }

  private addRule(cut: Pick<CutRule, 'cuts'>, kind: 'partition', detail: string): void {
    const rule = { cuts: cut.cuts, label: detail };
    this.rules.push(rule);
    for (const link of this.kernel.links()) {
      if (!link.cut && rule.cuts(link.fromIndex, link.toIndex)) link.cut = true;
    }
    this.kernel.record(kind, detail);
  }

  private applyDefaults(link: Link<unknown>): void {
    if (!link.customLatency) link.sampler = this.defaultSampler;
    if (!link.customLoss) link.loss = this.loss;
  }
}

function describeSettings(settings: LinkSettings): string {
  const parts: string[] = [];
  if (settings.latency !== undefined) parts.push(`latency=${JSON.stringify(settings.latency)}`);
  if (settings.loss !== undefined) parts.push(`loss=${settings.loss}`);
  return parts.join(' ');
}
