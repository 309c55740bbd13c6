import { describe, expect, it } from 'vitest';
import { checkGroupExclusivity } from '../../src/checks/group-exclusivity.js';
import { finalState, refs, Scenario } from './builders.js';

/** Static membership (KIP-345): one generation may hand a partition to two member ids, one after the other. */
describe('group-exclusivity with static members', () => {
  it('holds when a static member restarts and its new member id gets the same assignment in the same generation', () => {
    const s = new Scenario();
    s.assigned('c1', 'g', 'i1-aaaa', 3, ['t-0']);
    s.assigned('c2', 'g', 'i2-bbbb', 3, ['t-1']);
    // c1 crashed; its next incarnation joins with group.instance.id i1 and takes its place back
    s.member('c1', { kind: 'joining', group: 'g', memberId: '', reason: 'initial join' });
    s.assigned('c1', 'g', 'i1-cccc', 3, ['t-0']);
    expect(checkGroupExclusivity(s.input(finalState([]))).status).toBe('holds');
  });

  it('holds when the first owner was fenced or lost the partition before the second was assigned', () => {
    const s = new Scenario();
    s.assigned('c1', 'g', 'i1-aaaa', 3, ['t-0']);
    s.member('c1', {
      kind: 'fenced',
      group: 'g',
      memberId: 'i1-aaaa',
      groupInstanceId: 'i1',
      generation: 3,
      partitions: ['t-0'],
      request: 'Heartbeat',
    });
    s.assigned('c9', 'g', 'i1-dddd', 3, ['t-0']);
    expect(checkGroupExclusivity(s.input(finalState([]))).status).toBe('holds');
  });

  it('fires for two live instances sharing a group.instance.id: the second is assigned while the first still owns', () => {
    const s = new Scenario();
    const a = s.assigned('c1', 'g', 'i1-aaaa', 3, ['t-0', 't-1']);
    s.member('c1b', { kind: 'joining', group: 'g', memberId: '', reason: 'initial join' });
    const b = s.assigned('c1b', 'g', 'i1-bbbb', 3, ['t-0', 't-1']);
    // c1 learns only at its next heartbeat
    s.member('c1', {
      kind: 'fenced',
      group: 'g',
      memberId: 'i1-aaaa',
      groupInstanceId: 'i1',
      generation: 3,
      partitions: ['t-0', 't-1'],
      request: 'Heartbeat',
    });
    const result = checkGroupExclusivity(s.input(finalState([])));
    expect(result.violations.map((v) => v.message)).toEqual([
      'group exclusivity: i1-aaaa (c1) and i1-bbbb (c1b) both own t-0 in generation 3 of group g',
      'group exclusivity: i1-aaaa (c1) and i1-bbbb (c1b) both own t-1 in generation 3 of group g',
    ]);
    expect(result.violations.map((v) => refs(v.events))).toEqual([
      [`member ${a}`, `member ${b}`],
      [`member ${a}`, `member ${b}`],
    ]);
  });
});
