import { describe, expect, it } from 'vitest';
import { checkGroupExclusivity } from '../../src/checks/group-exclusivity.js';
import { checkHwRegression } from '../../src/checks/hw-regression.js';
import { checkReplicaDivergence } from '../../src/checks/replica-divergence.js';
import { checkSplitBrain } from '../../src/checks/split-brain.js';
import { finalState, healthy, refs, replica, Scenario } from './builders.js';

describe('replica-divergence', () => {
  it('holds for agreeing replicas and a lagging out-of-ISR follower, and is not checked before quiescence', () => {
    const s = new Scenario();
    const agree = finalState([
      {
        replicas: [replica(1, ['a', 'b', 'c']), replica(2, ['a', 'b', 'c']), replica(3, ['a'])],
        isr: [1, 2],
      },
    ]);
    expect(checkReplicaDivergence(s.input(agree)).status).toBe('holds');
    const diverged = finalState([{ replicas: [replica(1, ['a', 'b']), replica(2, ['a', 'x'])] }], {
      quiescent: false,
    });
    expect(checkReplicaDivergence(s.input(diverged)).status).toBe('holds');
  });

  it('fires for a different record below the HW, and for an ISR member short of the HW', () => {
    const s = new Scenario();
    const a1 = s.fact(1, { kind: 'append', firstOffset: 0, lastOffset: 1, leaderEpoch: 1 });
    const a2 = s.fact(2, { kind: 'append', firstOffset: 1, lastOffset: 1, leaderEpoch: 2 });
    const final = finalState([
      {
        replicas: [
          replica(1, ['a', 'b', 'c'], { epochs: [1, 1, 3] }),
          replica(2, ['a', 'x'], { epochs: [1, 2], role: 'follower' }),
          replica(3, ['a', 'b', 'c', 'd'], { epochs: [1, 1, 3, 3], role: 'follower' }),
        ],
      },
    ]);
    const result = checkReplicaDivergence(s.input(final));
    expect(result.violations.map((v) => v.message)).toEqual([
      'replica divergence: t-0@1 is x (epoch 2) on broker 2 but b (epoch 1) on leader broker 1, below HW 3',
      "replica divergence: t-0 on broker 2 (in the ISR) ends at LEO 2, below leader broker 1's HW 3",
    ]);
    expect(result.violations.map((v) => refs(v.events))).toEqual([
      [`fact ${a1}`, `fact ${a2}`, 'final 1', 'final 2'],
      ['final 1', 'final 2'],
    ]);
  });
});

describe('split-brain', () => {
  it('holds for one leader per epoch, with leaders of different epochs at the end', () => {
    const s = new Scenario();
    s.fact(1, { kind: 'become-leader', leaderEpoch: 1, isr: [1, 2], logEndOffset: 0 });
    s.fact(1, { kind: 'become-leader', leaderEpoch: 1, isr: [1, 2], logEndOffset: 0 }); // re-sent
    s.fact(2, { kind: 'become-leader', leaderEpoch: 2, isr: [2], logEndOffset: 0 });
    const final = finalState([
      {
        replicas: [
          replica(1, [], { role: 'leader', epoch: 1 }),
          replica(2, [], { role: 'leader', epoch: 2 }),
        ],
        leader: 2,
      },
    ]);
    expect(checkSplitBrain(s.input(final)).status).toBe('holds');
  });

  it('fires for two brokers becoming leader in one epoch, and two leaders of one epoch at the end', () => {
    const s = new Scenario();
    const f1 = s.fact(1, { kind: 'become-leader', leaderEpoch: 3, isr: [1, 2], logEndOffset: 0 });
    const f2 = s.fact(2, { kind: 'become-leader', leaderEpoch: 3, isr: [2], logEndOffset: 0 });
    const final = finalState([
      {
        replicas: [
          replica(1, [], { role: 'leader', epoch: 3 }),
          replica(2, [], { role: 'leader', epoch: 3 }),
        ],
      },
    ]);
    const result = checkSplitBrain(s.input(final));
    expect(result.violations.map((v) => v.message)).toEqual([
      'split brain: brokers 1 and 2 each became leader of t-0 in leader epoch 3',
      'split brain: brokers 1 and 2 each lead t-0 in leader epoch 3 at the end',
    ]);
    expect(result.violations.map((v) => refs(v.events))).toEqual([
      [`fact ${f1}`, `fact ${f2}`],
      ['final 1', 'final 2'],
    ]);
  });
});

describe('hw-regression', () => {
  it('holds for a HW that only rises, and a new leader lagging until it catches up', () => {
    const s = new Scenario();
    s.fact(1, { kind: 'high-watermark', highWatermark: 2, leaderEpoch: 1 });
    s.fact(1, { kind: 'high-watermark', highWatermark: 4, leaderEpoch: 1 });
    s.fact(2, { kind: 'high-watermark', highWatermark: 3, leaderEpoch: 2 }); // lagging new leader
    const final = finalState([{ replicas: healthy(['a', 'b', 'c', 'd']) }]);
    expect(checkHwRegression(s.input(final)).status).toBe('holds');
    // not quiescent: the final HW says nothing
    const low = finalState([{ replicas: healthy(['a', 'b']) }], { quiescent: false });
    expect(checkHwRegression(s.input(low)).status).toBe('holds');
  });

  it('fires for a leader moving its HW back in one epoch, and a final HW below the highest reported', () => {
    const s = new Scenario();
    const h1 = s.fact(1, { kind: 'high-watermark', highWatermark: 4, leaderEpoch: 1 });
    const h2 = s.fact(1, { kind: 'high-watermark', highWatermark: 3, leaderEpoch: 1 });
    const final = finalState([{ replicas: healthy(['a', 'b']) }]);
    const result = checkHwRegression(s.input(final));
    expect(result.violations.map((v) => v.message)).toEqual([
      'hw regression: leader broker 1 moved the HW of t-0 from 4 back to 3 in leader epoch 1',
      'hw regression: the HW of t-0 reached 4 (broker 1, epoch 1) but is 2 at the end (leader broker 1, epoch 1)',
    ]);
    expect(result.violations.map((v) => refs(v.events))).toEqual([
      [`fact ${h1}`, `fact ${h2}`],
      [`fact ${h1}`, 'final 1'],
    ]);
  });
});

describe('group-exclusivity', () => {
  it('holds for disjoint assignments, and one partition moving between generations or groups', () => {
    const s = new Scenario();
    s.assigned('c1', 'g', 'm1', 1, ['t-0', 't-1']);
    s.assigned('c1', 'g', 'm1', 1, ['t-0', 't-1']); // the same member told twice
    s.assigned('c1', 'g', 'm1', 2, ['t-0']);
    s.assigned('c2', 'g', 'm2', 2, ['t-1']);
    s.assigned('c3', 'other', 'm3', 2, ['t-0']);
    expect(checkGroupExclusivity(s.input(finalState([]))).status).toBe('holds');
  });

  it('fires for two members owning one partition in one generation', () => {
    const s = new Scenario();
    const a = s.assigned('c1', 'g', 'm1', 4, ['t-0', 't-1']);
    const b = s.assigned('c2', 'g', 'm2', 4, ['t-1']);
    const result = checkGroupExclusivity(s.input(finalState([])));
    expect(result.violations.map((v) => v.message)).toEqual([
      'group exclusivity: m1 (c1) and m2 (c2) both own t-1 in generation 4 of group g',
    ]);
    expect(result.violations.map((v) => refs(v.events))).toEqual([[`member ${a}`, `member ${b}`]]);
  });
});
