import type { CommitOp, PolledRecord, PollOp, ProcessOp } from '../history/client-history.js';
import { factEvent, finalEvent, opEvent, violation } from './events.js';
import { type CommittedLog, tp } from './final-state.js';
import { historyIndex, truncationsOf } from './history-index.js';
import { addTo } from './maps.js';
import type { CheckInput, Violation, ViolationEvent } from './types.js';

/** An ok commit of one partition's offset, with the commit's invoke. */
interface Claim {
  readonly ok: CommitOp;
  readonly invoke: CommitOp | undefined;
  /** The committed offset: the next record to read. */
  readonly offset: number;
}

/** What a group did with one partition. */
interface GroupPartition {
  readonly topic: string;
  readonly partition: number;
  /** ok commits in history order. */
  readonly claims: Claim[];
  /** offset → the values members finished processing there (or read, for a group without `process` ops). */
  readonly consumed: Map<number, Set<string | null>>;
  /** The lowest offset a member read or processed: where the group's consumption began. */
  start: number;
  /** The polls and `process` ops of members that held a record of this partition. */
  readonly polls: PollOp[];
  readonly processing: ProcessOp[];
}

/** One process op's completion, by op id. */
type Completions = ReadonlyMap<number, ProcessOp>;

/**
 * The group rule of `poll-skip` (kafka-sim's, for at-most-once): an ok commit of offset N for a
 * partition is the group's claim that every record below N was consumed. Every record of the final
 * committed log from the group's first read or processed offset of that partition up to N − 1 that
 * no member of the group finished processing is a skip: Kafka's at-most-once, as when a consumer
 * commits right after poll and crashes while processing (or a position reset jumps over records).
 * Re-reading and processing a record again is at-least-once, not a skip.
 *
 * - Members of a group: the processes whose commits, member facts or `process` ops name it, so a
 *   consumer using assign() with a group.id counts (its generation -1 commits are the group's
 *   offsets, as Kafka stores them), one without a group.id never does (it cannot commit).
 * - Only ok commits claim anything: a commit refused to a member of an older generation
 *   (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID) fails and an `info` commit may not have happened.
 * - Records below the group's first read or processed offset are not claimed: the group started
 *   there (auto.offset.reset=latest, or an earlier group's commit).
 * - Offsets not in the final committed log (truncated, or above its high watermark) prove nothing;
 *   a record processed at an offset that the final log gives to another record was truncated, and
 *   the record there now was not processed.
 * - A group whose members record no `process` op at all (a history without processing) counts its
 *   members' reads as consumed, as a poll-only Jepsen history must.
 *
 * Events: the claiming commit (invoke and ok), the polls that returned the skipped records, the
 * `process` ops that began on them and never finished (with their `info` 'crashed' completion),
 * truncations of the offsets, and the final leader's replica.
 */
export function groupSkips(
  input: CheckInput,
  logOf: (name: string) => CommittedLog | undefined,
): Violation[] {
  const ops = input.clients.ops;
  // who belongs to which group
  const groupsOf = new Map<string, Set<string>>();
  for (const fact of input.clients.memberFacts) addTo(groupsOf, fact.process, fact.group);
  const withProcessing = new Set<string>();
  for (const op of ops) {
    if (op.f === 'commit') addTo(groupsOf, op.process, op.group);
    else if (op.f === 'process' && op.group !== null) {
      addTo(groupsOf, op.process, op.group);
      withProcessing.add(op.group);
    }
  }
  const groups = new Map<string, Map<string, GroupPartition>>();
  const commitInvokes = new Map<number, CommitOp>();
  const completions = new Map<number, ProcessOp>();
  for (const op of ops) {
    if (op.f === 'commit') {
      if (op.type === 'invoke') commitInvokes.set(op.id, op);
      if (op.type !== 'ok') continue;
      for (const o of op.offsets)
        partitionOf(groups, op.group, o.topic, o.partition).claims.push({
          ok: op,
          invoke: commitInvokes.get(op.id),
          offset: o.offset,
        });
    } else if (op.f === 'process' && op.group !== null) {
      if (op.type !== 'invoke') completions.set(op.id, op);
      const touched = new Set<GroupPartition>();
      for (const r of op.records) {
        const gp = partitionOf(groups, op.group, r.topic, r.partition);
        gp.start = Math.min(gp.start, r.offset);
        if (op.type === 'ok') addTo(gp.consumed, r.offset, r.value);
        if (op.type === 'invoke') touched.add(gp);
      }
      for (const gp of touched) gp.processing.push(op);
    }
  }
  for (const poll of historyIndex(input).polls) {
    for (const group of groupsOf.get(poll.process) ?? []) {
      const touched = new Set<GroupPartition>();
      for (const r of poll.records ?? []) {
        const gp = partitionOf(groups, group, r.topic, r.partition);
        gp.start = Math.min(gp.start, r.offset);
        if (!withProcessing.has(group)) addTo(gp.consumed, r.offset, r.value);
        touched.add(gp);
      }
      for (const gp of touched) gp.polls.push(poll);
    }
  }

  const violations: Violation[] = [];
  for (const [group, partitions] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const [name, gp] of [...partitions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (gp.claims.length === 0 || gp.start === Number.POSITIVE_INFINITY) continue;
      const log = logOf(name);
      if (log === undefined) continue;
      const processing = withProcessing.has(group);
      for (const run of skippedRuns(gp, log))
        violations.push(describe(input, group, name, gp, log, run, processing, completions));
    }
  }
  return violations;
}

/** Contiguous skipped offsets claimed by the same (first) commit. */
interface Run {
  readonly claim: Claim;
  readonly offsets: number[];
}

/** The group's record of one partition, started when first seen. */
function partitionOf(
  groups: Map<string, Map<string, GroupPartition>>,
  group: string,
  topic: string,
  partition: number,
): GroupPartition {
  let partitions = groups.get(group);
  if (partitions === undefined) {
    partitions = new Map();
    groups.set(group, partitions);
  }
  const key = tp(topic, partition);
  let gp = partitions.get(key);
  if (gp === undefined) {
    gp = {
      topic,
      partition,
      claims: [],
      consumed: new Map(),
      start: Number.POSITIVE_INFINITY,
      polls: [],
      processing: [],
    };
    partitions.set(key, gp);
  }
  return gp;
}

function skippedRuns(gp: GroupPartition, log: CommittedLog): Run[] {
  // the commits that raised the claim, in history order: the first to claim an offset proves it
  const raising: Claim[] = [];
  for (const c of gp.claims) if (c.offset > (raising.at(-1)?.offset ?? gp.start)) raising.push(c);
  const runs: Run[] = [];
  let current: Run | undefined;
  let claimAt = 0;
  const top = Math.min(raising.at(-1)?.offset ?? gp.start, log.highWatermark);
  for (let o = gp.start; o < top; o++) {
    if (!log.byOffset.has(o)) continue;
    const value = log.byOffset.get(o) ?? null;
    if (gp.consumed.get(o)?.has(value) === true) {
      current = undefined;
      continue;
    }
    while ((raising[claimAt]?.offset ?? Number.POSITIVE_INFINITY) <= o) claimAt++;
    const claim = raising[claimAt]!;
    if (current?.claim === claim && current.offsets.at(-1) === o - 1) current.offsets.push(o);
    else {
      current = { claim, offsets: [o] };
      runs.push(current);
    }
  }
  return runs;
}

function describe(
  input: CheckInput,
  group: string,
  name: string,
  gp: GroupPartition,
  log: CommittedLog,
  run: Run,
  processing: boolean,
  completions: Completions,
): Violation {
  const first = run.offsets[0]!;
  const last = run.offsets.at(-1)!;
  const wanted = new Map(run.offsets.map((o) => [o, log.byOffset.get(o) ?? null]));
  const isSkipped = (r: PolledRecord) =>
    r.topic === gp.topic &&
    r.partition === gp.partition &&
    wanted.has(r.offset) &&
    wanted.get(r.offset) === r.value;
  const polls = gp.polls.filter((p) => (p.records ?? []).some(isSkipped));
  const started = gp.processing.filter((p) => p.records.some(isSkipped));
  const events: ViolationEvent[] = [opEvent(run.claim.ok)];
  if (run.claim.invoke !== undefined) events.push(opEvent(run.claim.invoke));
  for (const p of polls) events.push(opEvent(p));
  // what became of them, per process, in history order
  const fates: string[] = [];
  const fateOf = new Map<string, string>();
  for (const p of polls)
    if (!fateOf.has(p.process)) fateOf.set(p.process, 'polled them but never processed them');
  for (const p of started) {
    events.push(opEvent(p));
    const done = completions.get(p.id);
    if (done !== undefined) events.push(opEvent(done));
    fateOf.set(
      p.process,
      done?.error === 'crashed'
        ? 'polled them and crashed while processing them'
        : 'polled them and began processing them but never finished',
    );
  }
  for (const [process, fate] of fateOf) fates.push(`${process} ${fate}`);
  // offsets where members processed other records (truncated since, or inconsistent offsets)
  const replaced = run.offsets.filter((o) => gp.consumed.has(o));
  for (const o of replaced)
    for (const t of truncationsOf(input, name, o, 0)) events.push(factEvent(t.fact, t.index));
  events.push(finalEvent(input.final.time, gp.topic, gp.partition, log.leader));

  const range = first === last ? `${name}@${first}` : `${name}@${first}..${last}`;
  const verb = processing ? 'processed' : 'read';
  const commit = run.claim.ok;
  const who = commit.generation >= 0 ? `${commit.process}, generation ${commit.generation}` : commit.process;
  // without process ops a read is consumption: nothing to add about who read them
  const why = [...fates];
  if (why.length === 0 && processing) why.push('no member polled them');
  if (replaced.length > 0)
    why.push(
      `members processed other records at offset(s) ${replaced.join(', ')}: the final log holds different ones there`,
    );
  const tail = why.length === 0 ? '' : `: ${why.join('; ')}`;
  return violation(
    `poll skip: group ${group} committed ${name} up to offset ${run.claim.offset} (${who}) but no member ${verb} ${range} (${run.offsets.length} committed record(s), first: ${wanted.get(first) ?? 'null'})${tail}`,
    commit.time,
    events,
  );
}
