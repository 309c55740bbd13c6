import { describe, expect, it } from 'vitest';
import { checkNonmonotonicPoll, checkPollSkip } from '../../src/checks/poll-order.js';
import { finalState, healthy, refs, Scenario } from './builders.js';

const log = ['a', 'b', 'c', 'd', 'e'];
const final = (values: readonly string[] = log) => finalState([{ replicas: healthy(values) }]);
const t0 = (offsets: readonly number[], values: readonly string[] = log) =>
  offsets.map((o) => [0, o, values[o] ?? null] as const);

/** c1 (generation 1) processes and commits t-0@0..1, then polls t-0@2..4 and commits offset 5. */
function commitThenCrash(s: Scenario, commit: Parameters<Scenario['commit']>[2] = {}) {
  s.assigned('c1', 'g', 'm1', 1, ['t-0']);
  s.poll('c1', t0([0, 1]));
  s.process('c1', t0([0, 1]));
  s.commit('c1', [[0, 2]]);
  const poll = s.poll('c1', t0([2, 3, 4]));
  const commitId = s.commit('c1', [[0, 5]], commit);
  return { poll, commit: commitId };
}

describe('poll-skip, the group rule (at-most-once)', () => {
  it('holds for at-least-once: a batch cut short by a crash is read again from the committed offset', () => {
    const s = new Scenario();
    s.assigned('c1', 'g', 'm1', 1, ['t-0']);
    s.poll('c1', t0([0, 1, 2]));
    s.process('c1', t0([0, 1, 2]));
    s.commit('c1', [[0, 3]]);
    s.poll('c1', t0([3, 4]));
    s.process('c1', t0([3, 4]), 'info'); // crashed while processing, before committing
    s.assigned('c2', 'g', 'm2', 2, ['t-0']);
    s.poll('c2', t0([3, 4])); // from the committed offset 3: read twice, processed once
    s.process('c2', t0([3, 4]));
    s.commit('c2', [[0, 5]], { generation: 2 });
    const input = s.input(final());
    expect(checkPollSkip(input).status).toBe('holds');
    expect(checkNonmonotonicPoll(input).status).toBe('holds');
  });

  it('fires when a member commits past a batch and crashes while processing it', () => {
    const s = new Scenario();
    const { poll, commit } = commitThenCrash(s);
    const processing = s.process('c1', t0([2, 3, 4]), 'info');
    s.assigned('c2', 'g', 'm2', 2, ['t-0']); // starts at the committed 5: nothing left to read
    const result = checkPollSkip(s.input(final()));
    expect(result.violations.map((v) => v.message)).toEqual([
      'poll skip: group g committed t-0 up to offset 5 (c1, generation 1) but no member processed t-0@2..4 (3 committed record(s), first: c): c1 polled them and crashed while processing them',
    ]);
    expect(refs(result.violations[0]!.events)).toEqual([
      `op ${poll} ok`,
      `op ${commit} invoke`,
      `op ${commit} ok`,
      `op ${processing} invoke`,
      `op ${processing} info`,
      'final 1',
    ]);
  });

  it('names a batch still in processing at the end, and one polled but never processed', () => {
    const s = new Scenario();
    commitThenCrash(s);
    s.process('c1', t0([2]), 'none');
    const result = checkPollSkip(s.input(final()));
    expect(result.violations.map((v) => v.message)).toEqual([
      'poll skip: group g committed t-0 up to offset 5 (c1, generation 1) but no member processed t-0@2..4 (3 committed record(s), first: c): c1 polled them and began processing them but never finished',
    ]);
    const t = new Scenario();
    commitThenCrash(t); // crashed between the commit and the processing
    expect(checkPollSkip(t.input(final())).violations.map((v) => v.message)).toEqual([
      'poll skip: group g committed t-0 up to offset 5 (c1, generation 1) but no member processed t-0@2..4 (3 committed record(s), first: c): c1 polled them but never processed them',
    ]);
  });

  it('only ok commits claim: a commit refused to an older generation, or of unknown outcome, claims nothing', () => {
    const s = new Scenario();
    commitThenCrash(s, { type: 'fail', error: 'CommitFailedException' });
    s.process('c1', t0([2, 3, 4]), 'info');
    s.commit('c3', [[0, 5]], { type: 'info', error: 'TimeoutException', generation: 2 });
    expect(checkPollSkip(s.input(final())).status).toBe('holds');
  });

  it('does not claim records below where the group started (auto.offset.reset=latest)', () => {
    const s = new Scenario();
    s.assigned('c1', 'g', 'm1', 1, ['t-0']);
    s.commit('c1', [[0, 3]]); // an auto-commit of the reset position, nothing read yet
    s.poll('c1', t0([3, 4]));
    s.process('c1', t0([3, 4]));
    s.commit('c1', [[0, 5]]);
    expect(checkPollSkip(s.input(final())).status).toBe('holds');
  });

  it('fires when the group jumps over records no member polled (a later member reset to latest)', () => {
    const s = new Scenario();
    s.assigned('c1', 'g', 'm1', 1, ['t-0']);
    s.poll('c1', t0([0, 1]));
    s.process('c1', t0([0, 1]));
    s.assigned('c2', 'g', 'm2', 2, ['t-0']);
    s.poll('c2', t0([4]));
    s.process('c2', t0([4]));
    const commit = s.commit('c2', [[0, 5]], { generation: 2 });
    const result = checkPollSkip(s.input(final()));
    expect(result.violations.map((v) => v.message)).toEqual([
      'poll skip: group g committed t-0 up to offset 5 (c2, generation 2) but no member processed t-0@2..3 (2 committed record(s), first: c): no member polled them',
    ]);
    expect(refs(result.violations[0]!.events)).toEqual([`op ${commit} invoke`, `op ${commit} ok`, 'final 1']);
  });

  it('each skipped run is proved by the first commit that claimed it', () => {
    const s = new Scenario();
    s.assigned('c1', 'g', 'm1', 1, ['t-0']);
    s.poll('c1', t0([0]));
    s.process('c1', t0([0]));
    s.commit('c1', [[0, 1]]);
    const first = s.commit('c1', [[0, 3]]);
    s.commit('c1', [[0, 2]]); // lower: claims nothing new
    s.assigned('c2', 'g', 'm2', 2, ['t-0']);
    s.poll('c2', t0([3]));
    s.process('c2', t0([3]));
    const second = s.commit('c2', [[0, 5]], { generation: 2 });
    const result = checkPollSkip(s.input(final()));
    expect(result.violations.map((v) => v.message)).toEqual([
      'poll skip: group g committed t-0 up to offset 3 (c1, generation 1) but no member processed t-0@1..2 (2 committed record(s), first: b): no member polled them',
      'poll skip: group g committed t-0 up to offset 5 (c2, generation 2) but no member processed t-0@4 (1 committed record(s), first: e): no member polled them',
    ]);
    expect(result.violations.map((v) => refs(v.events)[1])).toEqual([`op ${first} ok`, `op ${second} ok`]);
  });

  it('ignores offsets no longer in the final committed log (truncated)', () => {
    const s = new Scenario();
    commitThenCrash(s);
    s.process('c1', t0([2, 3, 4]), 'info');
    // t-0@2..4 were truncated: the final log ends at 2
    expect(checkPollSkip(s.input(final(['a', 'b']))).status).toBe('holds');
  });

  it('a record processed at an offset the final log gives to another record does not cover that record', () => {
    const s = new Scenario();
    s.assigned('c1', 'g', 'm1', 1, ['t-0']);
    s.poll('c1', t0([0, 1, 2, 3, 4]));
    s.process('c1', t0([0, 1, 2, 3, 4]));
    const commit = s.commit('c1', [[0, 5]]);
    const truncate = s.fact(1, { kind: 'truncate', to: 3, removed: 2 });
    const result = checkPollSkip(s.input(final(['a', 'b', 'c', 'x', 'y'])));
    expect(result.violations.map((v) => v.message)).toEqual([
      'poll skip: group g committed t-0 up to offset 5 (c1, generation 1) but no member processed t-0@3..4 (2 committed record(s), first: x): no member polled them; members processed other records at offset(s) 3, 4: the final log holds different ones there',
    ]);
    expect(refs(result.violations[0]!.events)).toEqual([
      `op ${commit} invoke`,
      `op ${commit} ok`,
      `fact ${truncate}`,
      'final 1',
    ]);
  });

  it('a consumer without group.id (assign() only) is no member: its processing does not cover the group', () => {
    const s = new Scenario();
    s.poll('solo', t0([0, 1, 2, 3, 4]));
    s.process('solo', t0([0, 1, 2, 3, 4]), 'ok', null);
    expect(checkPollSkip(s.input(final())).status).toBe('holds'); // no group, no claim
    commitThenCrash(s);
    s.process('c1', t0([2, 3, 4]), 'info');
    expect(checkPollSkip(s.input(final())).violations.map((v) => v.message)).toEqual([
      'poll skip: group g committed t-0 up to offset 5 (c1, generation 1) but no member processed t-0@2..4 (3 committed record(s), first: c): c1 polled them and crashed while processing them',
    ]);
  });

  it('a consumer using assign() with a group.id commits as the group (generation -1)', () => {
    const manual = { generation: -1, memberId: '' };
    const s = new Scenario();
    s.poll('manual', t0([0, 1, 2]));
    s.process('manual', t0([0, 1, 2]));
    s.commit('manual', [[0, 3]], manual);
    expect(checkPollSkip(s.input(final())).status).toBe('holds');
    s.poll('manual', t0([3, 4]));
    s.commit('manual', [[0, 5]], manual);
    s.process('manual', t0([3, 4]), 'info');
    expect(checkPollSkip(s.input(final())).violations.map((v) => v.message)).toEqual([
      'poll skip: group g committed t-0 up to offset 5 (manual) but no member processed t-0@3..4 (2 committed record(s), first: d): manual polled them and crashed while processing them',
    ]);
  });

  it('a history without process ops counts reads as consumed (a poll-only Jepsen history)', () => {
    const s = new Scenario();
    s.assigned('c1', 'g', 'm1', 1, ['t-0']);
    s.poll('c1', t0([0, 1, 2]));
    s.commit('c1', [[0, 3]]);
    expect(checkPollSkip(s.input(final())).status).toBe('holds');
    s.commit('c1', [[0, 5]]);
    expect(checkPollSkip(s.input(final())).violations.map((v) => v.message)).toEqual([
      'poll skip: group g committed t-0 up to offset 5 (c1, generation 1) but no member read t-0@3..4 (2 committed record(s), first: d)',
    ]);
  });
});
