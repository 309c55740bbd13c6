import { describe, expect, it } from 'vitest';
import { checkG1a } from '../../src/checks/g1a.js';
import { checkNonmonotonicPoll, checkPollSkip } from '../../src/checks/poll-order.js';
import { checkUnseen } from '../../src/checks/unseen.js';
import { finalState, healthy, refs, Scenario } from './builders.js';

const log = ['a', 'b', 'c', 'd', 'e'];

describe('nonmonotonic-poll', () => {
  it('holds for increasing reads, and across a rebalance that goes back', () => {
    const s = new Scenario();
    s.assigned('c1', 'g', 'm1', 1, ['t-0']);
    s.poll('c1', [
      [0, 0, 'a'],
      [0, 1, 'b'],
    ]);
    s.poll('c1', [[0, 2, 'c']]);
    s.member('c1', { kind: 'revoked', group: 'g', memberId: 'm1', generation: 1, partitions: ['t-0'] });
    s.assigned('c1', 'g', 'm1', 2, ['t-0']);
    s.poll('c1', [[0, 1, 'b']]); // from the committed offset: at-least-once, not a violation
    s.poll('c2', [[0, 0, 'a']]); // another consumer: its own sequence
    expect(checkNonmonotonicPoll(s.input(finalState([{ replicas: healthy(log) }]))).status).toBe('holds');
  });

  it('fires when one assignment reads an offset again or goes back, across polls and within one', () => {
    const s = new Scenario();
    const assigned = s.assigned('c1', 'g', 'm1', 1, ['t-0']);
    const p1 = s.poll('c1', [
      [0, 0, 'a'],
      [0, 1, 'b'],
    ]);
    const p2 = s.poll('c1', [
      [0, 1, 'b'],
      [0, 2, 'c'],
      [0, 0, 'a'],
    ]);
    const result = checkNonmonotonicPoll(s.input(finalState([{ replicas: healthy(log) }])));
    expect(result.violations.map((v) => v.message)).toEqual([
      'nonmonotonic poll: c1 read t-0@1 (b) after t-0@1 (b) in one assignment',
      'nonmonotonic poll: c1 read t-0@0 (a) after t-0@2 (c) in one assignment',
    ]);
    expect(result.violations.map((v) => refs(v.events))).toEqual([
      [`member ${assigned}`, `op ${p1} ok`, `op ${p2} ok`],
      [`member ${assigned}`, `op ${p2} ok`],
    ]);
  });
});

describe('poll-skip', () => {
  it('holds for contiguous reads, a jump over offsets not in the final committed log, and across a rebalance', () => {
    const s = new Scenario();
    s.poll('c1', [
      [0, 0, 'a'],
      [0, 1, 'b'],
    ]);
    s.poll('c1', [[0, 2, 'c']]);
    s.poll('c1', [[0, 5, 'x']]); // 3 and 4 are past the final HW (3): nothing committed skipped
    s.assigned('c1', 'g', 'm1', 2, ['t-0']);
    s.poll('c1', [[0, 9, 'y']]);
    expect(checkPollSkip(s.input(finalState([{ replicas: healthy(log, 3) }]))).status).toBe('holds');
  });

  it('fires when the next read jumps over committed records, across polls and within one', () => {
    const s = new Scenario();
    const p1 = s.poll('c1', [[0, 0, 'a']]);
    const p2 = s.poll('c1', [
      [0, 2, 'c'],
      [0, 4, 'e'],
    ]);
    const result = checkPollSkip(s.input(finalState([{ replicas: healthy(log) }])));
    expect(result.violations.map((v) => v.message)).toEqual([
      'poll skip: c1 read t-0@2 (c) right after t-0@0 (a), skipping 1 committed record(s) at t-0@1 (first: b)',
      'poll skip: c1 read t-0@4 (e) right after t-0@2 (c), skipping 1 committed record(s) at t-0@3 (first: d)',
    ]);
    expect(result.violations.map((v) => refs(v.events))).toEqual([
      [`op ${p1} ok`, `op ${p2} ok`, 'final 1'],
      [`op ${p2} ok`, 'final 1'],
    ]);
  });
});

describe('G1a', () => {
  it('holds for reads of committed records, including an indeterminate send that landed', () => {
    const s = new Scenario();
    s.send('p1', 'a', { type: 'info', partition: 0, error: 'TimeoutException' });
    s.poll('c1', [[0, 0, 'a']]);
    expect(checkG1a(s.input(finalState([{ replicas: healthy(['a']) }]))).status).toBe('holds');
  });

  it('fires for a read of a failed send and for a read later truncated', () => {
    const s = new Scenario();
    const failed = s.send('p1', 'f', { type: 'fail', partition: 0, error: 'NOT_ENOUGH_REPLICAS' });
    const poll = s.poll('c1', [
      [0, 0, 'a'],
      [0, 1, 'f'],
      [0, 2, 'g'],
    ]);
    const truncate = s.fact(1, { kind: 'truncate', to: 1, removed: 2 });
    const result = checkG1a(s.input(finalState([{ replicas: healthy(['a', 'h']) }])));
    expect(result.violations.map((v) => v.message)).toEqual([
      'G1a: c1 read t-0@1 (f), whose send failed (NOT_ENOUGH_REPLICAS)',
      'G1a: c1 read t-0@2 (g), which is not in the final committed log (leader broker 1, HW 2)',
    ]);
    expect(result.violations.map((v) => refs(v.events))).toEqual([
      [`op ${failed} invoke`, `op ${failed} fail`, `op ${poll} ok`, `fact ${truncate}`],
      [`op ${poll} ok`, `fact ${truncate}`, 'final 1'],
    ]);
  });

  it('names what the offset holds now when another record took its place', () => {
    const s = new Scenario();
    s.poll('c1', [[0, 0, 'a']]);
    const result = checkG1a(s.input(finalState([{ replicas: healthy(['b']) }])));
    expect(result.violations.map((v) => v.message)).toEqual([
      'G1a: c1 read t-0@0 (a), which is not in the final committed log (leader broker 1, it holds b)',
    ]);
  });
});

describe('unseen', () => {
  it('holds when every acknowledged record of a consumed partition was polled, and for partitions nobody consumes', () => {
    const s = new Scenario();
    s.send('p1', 'a', { type: 'ok', partition: 0, offset: 0 });
    s.send('p1', 'b', { type: 'info', partition: 0 }); // indeterminate
    s.send('p1', 'u', { type: 'ok', partition: 0, offset: 0 }, { topic: 'other' }); // nobody reads `other`
    s.send('p1', 'v', { type: 'ok', partition: 1, offset: 0 }); // nobody reads t-1
    s.poll('c1', [[0, 0, 'a']]);
    expect(checkUnseen(s.input(finalState([{ replicas: healthy(['a']) }]))).status).toBe('holds');
  });

  it('fires for an acknowledged record no poll returned, in a partition a consumer was assigned', () => {
    const s = new Scenario();
    s.assigned('c1', 'g', 'm1', 1, ['t-0']);
    const send = s.send('p1', 'a', { type: 'ok', partition: 0, offset: 0 });
    const result = checkUnseen(s.input(finalState([{ replicas: healthy(['a']) }])));
    expect(result.violations.map((v) => v.message)).toEqual([
      'unseen: acked record t-0@0 (a) was never polled',
    ]);
    expect(result.violations.map((v) => refs(v.events))).toEqual([[`op ${send} invoke`, `op ${send} ok`]]);
  });
});
