import type { SendOp } from '../history/client-history.js';
import { isInternalTopic } from '../kafka/admin/index.js';
import { displayName, type ScenarioRun } from '../scenario/run.js';
import { formatTime, type SimTime } from '../sim/time.js';

/** How a story line reads: a fault, a recovery, a plain fact, or what the scenario did. */
export type Tone = 'fault' | 'recovery' | 'fact' | 'action' | 'output';

export interface StoryLine {
  readonly time: SimTime;
  readonly text: string;
  readonly tone: Tone;
}

/** `t=12.004s`: simulated seconds to the millisecond. */
export function storyTime(time: SimTime): string {
  return `t=${formatTime(time).replace(/(\.\d{3})\d{3}s$/, '$1s')}`;
}

const FAULT_KINDS = new Set([
  'crash',
  'power-loss',
  'pause',
  'isolate',
  'partition',
  'expire-session',
  'restore-zookeeper',
  'link',
]);

/**
 * The run told in Kafka's words, in time order: what the timeline did, who became controller,
 * leader changes with their ISR, ISR shrinks and expansions, truncations on the way back, and at
 * the end what each producer saw. Internal topics (`__consumer_offsets`) are left out.
 */
export function tellStory(run: ScenarioRun): StoryLine[] {
  const lines: (StoryLine & { order: number })[] = [];
  let order = 0;
  const add = (time: SimTime, text: string, tone: Tone) => lines.push({ time, text, tone, order: order++ });
  for (const event of run.timeline) {
    add(
      event.time,
      event.text,
      FAULT_KINDS.has(event.kind)
        ? 'fault'
        : event.kind === 'restart' || event.kind === 'heal' || event.kind === 'resume'
          ? 'recovery'
          : 'action',
    );
    if (event.output !== undefined)
      for (const line of event.output.trimEnd().split('\n')) add(event.time, `  ${line}`, 'output');
  }
  for (const assertion of run.assertions)
    add(
      assertion.time,
      `${assertion.passed ? 'as expected' : 'NOT as expected'}: ${assertion.text}`,
      assertion.passed ? 'fact' : 'fault',
    );
  /** Who was controller when: elections in time order, looked up by a fact's time. */
  const elections: { time: SimTime; broker: number }[] = [];
  for (const fact of run.cluster.history.brokerFacts) {
    if (fact.kind === 'controller-elected') {
      elections.push({ time: fact.time, broker: fact.broker });
      add(fact.time, `broker ${fact.broker} became the controller (epoch ${fact.controllerEpoch})`, 'fact');
    } else if (fact.kind === 'zk-session' && fact.state === 'Expired')
      add(fact.time, `broker ${fact.broker}'s ZooKeeper session expired`, 'fault');
  }
  const controllerAt = (time: SimTime): number | undefined => {
    let found: number | undefined;
    for (const e of elections) if (e.time <= time) found = e.broker;
    return found;
  };
  const isrOf = new Map<string, readonly number[]>();
  const leaderOf = new Map<string, number>();
  for (const fact of run.cluster.history.facts) {
    if (isInternalTopic(fact.topic)) continue;
    const tp = `${fact.topic}-${fact.partition}`;
    const before = isrOf.get(tp);
    const change = (isr: readonly number[]) =>
      before === undefined || before.join(',') === isr.join(',')
        ? `ISR [${isr.join(',')}]`
        : `ISR [${before.join(',')}] -> [${isr.join(',')}]`;
    switch (fact.kind) {
      case 'become-leader': {
        const controller = controllerAt(fact.time);
        const by = controller === undefined ? 'the controller' : `controller ${controller}`;
        const shrunk = (before?.length ?? 0) > fact.isr.length;
        add(
          fact.time,
          leaderOf.get(tp) === fact.broker
            ? `${by} kept ${fact.broker} leader of ${tp} (epoch ${fact.leaderEpoch}), ${change(fact.isr)}`
            : `${by} elected ${fact.broker} leader of ${tp} (epoch ${fact.leaderEpoch}), ${change(fact.isr)}`,
          shrunk ? 'fault' : 'recovery',
        );
        isrOf.set(tp, fact.isr);
        leaderOf.set(tp, fact.broker);
        break;
      }
      case 'isr':
        add(
          fact.time,
          `${tp}: leader ${fact.broker} ${change(fact.isr)}`,
          (before?.length ?? 0) > fact.isr.length ? 'fault' : 'recovery',
        );
        isrOf.set(tp, fact.isr);
        break;
      case 'truncate':
        add(
          fact.time,
          `broker ${fact.broker} truncated ${tp} from ${fact.to + fact.removed} to ${fact.to}`,
          'fault',
        );
        break;
      default:
        break;
    }
  }
  tellGroups(run, add);
  // The producers' retries, from their trace notes: one line when an error starts on a partition
  // (a new error, or the same one after 5 s without it).
  const streak = new Map<string, { error: string; time: SimTime }>();
  for (const record of run.cluster.world.trace) {
    if (record.kind !== 'note' || record.detail === undefined) continue;
    if (record.detail.startsWith('Fatal error during KafkaServer startup')) {
      const owned = record.detail.includes('NODE_OWNED_BY_ANOTHER_SESSION')
        ? ': its previous ZooKeeper session still owns its /brokers/ids znode (restart it after zookeeper.session.timeout.ms)'
        : '';
      add(record.time, `${displayName(record.process)} could not start and exits${owned}`, 'fault');
      continue;
    }
    const retry =
      /^(\S+): Got error produce response on topic-partition (\S+), retrying .* Error: (\S+)$/.exec(
        record.detail,
      );
    if (retry !== null) {
      const [, client, tp, error] = retry as unknown as [string, string, string, string];
      if (isInternalTopic(tp.replace(/-[0-9]+$/, ''))) continue;
      const key = `${client} ${tp}`;
      const last = streak.get(key);
      if (last === undefined || last.error !== error || record.time - last.time > 5_000_000)
        add(record.time, `${client}: ${error} for ${tp}, retrying`, 'fault');
      streak.set(key, { error, time: record.time });
    }
  }
  // What the checkers found, at the time each violation happened (the first few per checker).
  for (const outcome of run.checks)
    for (const violation of outcome.result.violations.slice(0, STORY_VIOLATIONS))
      add(
        violation.time,
        violation.message
          .toLowerCase()
          .replace(/^([a-z0-9 -]+):.*$/s, '$1')
          .replace(/ /g, '-') === outcome.result.name.toLowerCase()
          ? violation.message
          : `${outcome.result.name}: ${violation.message}`,
        outcome.expected === 'violated' ? 'fact' : 'fault',
      );
  const sends = new Map<string, { ok: number; fail: number; info: number; invoked: number }>();
  for (const op of run.cluster.clients.ops) {
    if (op.f !== 'send') continue;
    const counts = sends.get(op.process) ?? { ok: 0, fail: 0, info: 0, invoked: 0 };
    if (op.type === 'invoke') counts.invoked++;
    else counts[op.type]++;
    sends.set(op.process, counts);
  }
  const end = run.scenario.duration;
  for (const line of consumerSummaries(run)) add(end, line, 'fact');
  for (const [producer, c] of sends) {
    const pending = c.invoked - c.ok - c.fail - c.info;
    add(
      end,
      `${producer}: ${c.invoked} sent, ${c.ok} acknowledged, ${c.fail} failed, ${c.info + pending} unknown`,
      'fact',
    );
  }
  return lines
    .sort((a, b) => a.time - b.time || a.order - b.order)
    .map(({ time, text, tone }) => ({ time, text, tone }));
}

const STORY_VIOLATIONS = 3;

/**
 * Consumer groups as their coordinators and members saw them: a rebalance starting (with the
 * coordinator's reason, member ids named by their consumers), a generation becoming Stable, and
 * each member's assignment, revocations and losses.
 */
function tellGroups(run: ScenarioRun, add: (time: SimTime, text: string, tone: Tone) => void): void {
  const { memberFacts } = run.cluster.clients;
  const consumerOf = new Map<string, string>();
  for (const fact of memberFacts) if (fact.memberId !== '') consumerOf.set(fact.memberId, fact.process);
  const named = (text: string) =>
    [...consumerOf].reduce((t, [id, consumer]) => t.split(id).join(consumer), text);
  const previous = new Map<string, string>();
  for (const fact of run.cluster.history.groupFacts) {
    const key = `${fact.state} ${fact.generation}`;
    if (previous.get(fact.group) === key) continue;
    previous.set(fact.group, key);
    if (fact.state === 'PreparingRebalance')
      add(
        fact.time,
        `group ${fact.group} rebalancing (coordinator ${fact.broker}): ${named(fact.reason)}`,
        'fault',
      );
    else if (fact.state === 'Stable')
      add(
        fact.time,
        `group ${fact.group} generation ${fact.generation} is Stable with ${fact.members.length} member(s): ${fact.members.map((m) => consumerOf.get(m) ?? m).join(', ')}`,
        'recovery',
      );
    else if (fact.state === 'Empty' || fact.state === 'Dead')
      add(fact.time, `group ${fact.group} is ${fact.state}`, 'fact');
  }
  for (const fact of memberFacts) {
    switch (fact.kind) {
      case 'assigned':
        add(
          fact.time,
          `${fact.process} owns [${fact.partitions.join(', ')}] in generation ${fact.generation} of ${fact.group}`,
          'fact',
        );
        break;
      case 'revoked':
      case 'lost':
        if (fact.partitions.length > 0)
          add(
            fact.time,
            `${fact.process} ${fact.kind} [${fact.partitions.join(', ')}]`,
            fact.kind === 'lost' ? 'fault' : 'fact',
          );
        break;
      default:
        break;
    }
  }
}

/** Per consumer: records polled and processed, and commits. */
function consumerSummaries(run: ScenarioRun): string[] {
  const counts = new Map<string, { polled: number; processed: number; commits: number; failed: number }>();
  const of = (process: string) => {
    const c = counts.get(process) ?? { polled: 0, processed: 0, commits: 0, failed: 0 };
    counts.set(process, c);
    return c;
  };
  const processing = new Map<number, number>();
  for (const op of run.cluster.clients.ops) {
    if (op.f === 'poll' && op.type === 'ok') of(op.process).polled += op.records?.length ?? 0;
    else if (op.f === 'commit' && op.type !== 'invoke') {
      if (op.type === 'ok') of(op.process).commits++;
      else of(op.process).failed++;
    } else if (op.f === 'process') {
      if (op.type === 'invoke') processing.set(op.id, op.records?.length ?? 0);
      else if (op.type === 'ok') of(op.process).processed += processing.get(op.id) ?? 0;
    }
  }
  return [...counts].map(
    ([consumer, c]) =>
      `${consumer}: ${c.polled} records polled, ${c.processed} processed, ${c.commits} commits${c.failed > 0 ? ` (${c.failed} failed)` : ''}`,
  );
}

/**
 * The verdict table: each checker, what the scenario expected of it and what it found, then each
 * assertion. `ok` is false for a line that makes the run fail.
 */
export function verdictTable(run: ScenarioRun): { text: string; ok: boolean }[] {
  const lines = [{ text: `${'check'.padEnd(22)}${'expected'.padEnd(10)}found`, ok: true }];
  for (const c of run.checks) {
    const found = c.result.status === 'holds' ? 'holds' : `violated (${c.result.violations.length})`;
    lines.push({
      text: `${c.result.name.padEnd(22)}${(c.expected ?? '-').padEnd(10)}${found}${c.met ? '' : '   <- not as expected'}`,
      ok: c.met,
    });
  }
  for (const a of run.assertions)
    lines.push({
      text: `${a.passed ? 'met    ' : 'NOT MET'} ${a.line === undefined ? 'final' : `line ${a.line}`}: ${a.text}`,
      ok: a.passed,
    });
  return lines;
}

/** Acknowledged sends of a run, for summaries. */
export function acknowledged(run: ScenarioRun): SendOp[] {
  return run.cluster.clients.ops.filter((op): op is SendOp => op.f === 'send' && op.type === 'ok');
}
