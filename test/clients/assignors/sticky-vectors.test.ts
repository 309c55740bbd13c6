import { describe, expect, it } from 'vitest';
import { assignPartitions, parseTopicPartition, stickyAssign } from '../../../src/clients/assignors/index.js';
import { asSets } from './helpers.js';

type Subs = Record<string, { topics: string[]; ownedPartitions?: string[]; generation?: number }>;
type Strategy = 'sticky' | 'cooperative-sticky';

/** AbstractStickyAssignorTest's buildSubscriptionV2Above(topics, owned, generation). */
const v2 = (topics: string[], ownedPartitions: string[], generation: number) => ({
  topics,
  ownedPartitions,
  generation,
});

/**
 * CooperativeStickyAssignorTest.verifyValidityAndBalance: while some member is not given back all
 * it owned, re-run with every member owning its last result in generation 1.
 */
function untilNothingRevoked(ppt: Record<string, number>, subs: Subs, first: Record<string, string[]>) {
  let current = first;
  let previous = subs;
  for (let round = 0; round < 4; round++) {
    const revoked = Object.entries(previous).some(([m, s]) =>
      (s.ownedPartitions ?? []).some((tp) => !(current[m] ?? []).includes(tp)),
    );
    if (!revoked) return current;
    const next: Subs = {};
    for (const [m, s] of Object.entries(previous)) next[m] = v2(s.topics, current[m] ?? [], 1);
    previous = next;
    current = assignPartitions('cooperative-sticky', ppt, next);
  }
  throw new Error('more than 4 follow-up rebalances');
}

/** The asserted state: for cooperative-sticky, after the follow-up rebalances (as Kafka's test). */
function settled(strategy: Strategy, ppt: Record<string, number>, subs: Subs): Record<string, string[]> {
  const first = assignPartitions(strategy, ppt, subs);
  return strategy === 'sticky' ? first : untilNothingRevoked(ppt, subs, first);
}

const transferring = (ppt: Record<string, number>, subs: Subs) => {
  const result = stickyAssign(
    ppt,
    Object.fromEntries(
      Object.entries(subs).map(([m, s]) => [
        m,
        {
          topics: s.topics,
          ...(s.ownedPartitions ? { ownedPartitions: s.ownedPartitions.map(parseTopicPartition) } : {}),
          ...(s.generation === undefined ? {} : { generation: s.generation }),
        },
      ]),
    ),
  ).partitionsTransferringOwnership;
  return result === null ? null : Object.fromEntries([...result].map(([k, v]) => [k, v.member]));
};

// AbstractStickyAssignorTest (3.8.0), run for both assignors as Kafka does.
describe.each(['sticky', 'cooperative-sticky'] as const)(
  '%s: AbstractStickyAssignorTest vectors',
  (strategy) => {
    const run = (ppt: Record<string, number>, subs: Subs) => settled(strategy, ppt, subs);
    const t = ['topic'];
    const t12 = ['topic1', 'topic2'];

    it('S1 testOneConsumerNoTopic', () => {
      expect(run({}, { consumer: { topics: [] } })).toEqual({ consumer: [] });
      expect(transferring({}, { consumer: { topics: [] } })).toEqual({});
    });
    it('S2 testOneConsumerNonexistentTopic', () => {
      expect(run({ topic: 0 }, { consumer: { topics: t } })).toEqual({ consumer: [] });
    });
    it('S3 testOneConsumerOneTopic', () => {
      expect(run({ topic: 3 }, { consumer: { topics: t } })).toEqual({
        consumer: ['topic-0', 'topic-1', 'topic-2'],
      });
    });
    it('S4 testOnlyAssignsPartitionsFromSubscribedTopics', () => {
      const subs = { consumer: v2(t, ['topic-0', 'topic-1', 'other-0', 'other-1'], 1) };
      expect(run({ topic: 2 }, subs)).toEqual({ consumer: ['topic-0', 'topic-1'] });
      expect(transferring({ topic: 2 }, subs)).toEqual({});
    });
    it('S4b testOneConsumerMultipleTopics', () => {
      expect(run({ topic1: 1, topic2: 2 }, { consumer: { topics: t12 } })).toEqual({
        consumer: ['topic1-0', 'topic2-0', 'topic2-1'],
      });
    });
    it('S4c testTwoConsumersOneTopicOnePartition', () => {
      expect(run({ topic: 1 }, { consumer1: { topics: t }, consumer2: { topics: t } })).toEqual({
        consumer1: ['topic-0'],
        consumer2: [],
      });
    });
    it('S4d testTwoConsumersOneTopicTwoPartitions', () => {
      expect(run({ topic: 2 }, { consumer1: { topics: t }, consumer2: { topics: t } })).toEqual({
        consumer1: ['topic-0'],
        consumer2: ['topic-1'],
      });
    });
    it('S4e testMultipleConsumersMixedTopicSubscriptions (general path)', () => {
      const subs = {
        consumer1: { topics: ['topic1'] },
        consumer2: { topics: t12 },
        consumer3: { topics: ['topic1'] },
      };
      expect(run({ topic1: 3, topic2: 2 }, subs)).toEqual({
        consumer1: ['topic1-0', 'topic1-2'],
        consumer2: ['topic2-0', 'topic2-1'],
        consumer3: ['topic1-1'],
      });
      expect(transferring({ topic1: 3, topic2: 2 }, subs)).toBeNull();
    });
    it('S4f testTwoConsumersTwoTopicsSixPartitions', () => {
      expect(
        run({ topic1: 3, topic2: 3 }, { consumer1: { topics: t12 }, consumer2: { topics: t12 } }),
      ).toEqual({
        consumer1: ['topic1-0', 'topic1-2', 'topic2-1'],
        consumer2: ['topic1-1', 'topic2-0', 'topic2-2'],
      });
    });
    it('S5 testConsumerOwningMinQuotaExpectedMaxQuota', () => {
      const subs = {
        consumer1: v2(t12, ['topic1-0', 'topic2-1'], 1),
        consumer2: v2(t12, ['topic1-1', 'topic2-2'], 1),
      };
      expect(run({ topic1: 2, topic2: 3 }, subs)).toEqual({
        consumer1: ['topic1-0', 'topic2-1', 'topic2-0'],
        consumer2: ['topic1-1', 'topic2-2'],
      });
      expect(transferring({ topic1: 2, topic2: 3 }, subs)).toEqual({});
    });
    it('S6 testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers', () => {
      const ppt = { topic1: 2, topic2: 2 };
      const subs = {
        consumer1: v2(t12, ['topic1-0', 'topic2-0'], 1),
        consumer2: v2(t12, ['topic1-1', 'topic2-1'], 1),
        consumer3: v2(t12, [], 1),
      };
      expect(transferring(ppt, subs)).toEqual({ 'topic2-0': 'consumer3' });
      expect(run(ppt, subs)).toEqual({
        consumer1: ['topic1-0'],
        consumer2: ['topic1-1', 'topic2-1'],
        consumer3: ['topic2-0'],
      });
      if (strategy === 'cooperative-sticky') {
        expect(assignPartitions(strategy, ppt, subs)).toEqual({
          consumer1: ['topic1-0'],
          consumer2: ['topic1-1', 'topic2-1'],
          consumer3: [],
        });
      }
    });
    it('S7 testAllConsumersAreUnderMinQuota', () => {
      const subs = {
        consumer1: v2(t12, ['topic1-0'], 1),
        consumer2: v2(t12, ['topic1-1'], 1),
        consumer3: v2(t12, [], 1),
      };
      expect(run({ topic1: 2, topic2: 3 }, subs)).toEqual({
        consumer1: ['topic1-0', 'topic2-1'],
        consumer2: ['topic1-1', 'topic2-2'],
        consumer3: ['topic2-0'],
      });
      expect(transferring({ topic1: 2, topic2: 3 }, subs)).toEqual({});
    });
    it('S8 testAddRemoveConsumerOneTopic', () => {
      const ppt = { topic: 3 };
      const step1 = run(ppt, { consumer1: { topics: t } });
      expect(step1).toEqual({ consumer1: ['topic-0', 'topic-1', 'topic-2'] });
      const subs2 = { consumer1: v2(t, step1.consumer1 ?? [], 1), consumer2: v2(t, [], 1) };
      expect(transferring(ppt, subs2)).toEqual({ 'topic-2': 'consumer2' });
      if (strategy === 'cooperative-sticky') {
        expect(assignPartitions(strategy, ppt, subs2)).toEqual({
          consumer1: ['topic-0', 'topic-1'],
          consumer2: [],
        });
      }
      const step2 = run(ppt, subs2);
      expect(step2).toEqual({ consumer1: ['topic-0', 'topic-1'], consumer2: ['topic-2'] });
      const subs3 = { consumer2: v2(t, step2.consumer2 ?? [], 1) };
      expect(run(ppt, subs3)).toEqual({ consumer2: ['topic-2', 'topic-0', 'topic-1'] });
      expect(transferring(ppt, subs3)).toEqual({});
    });
    it('S9 testAddRemoveTwoConsumersTwoTopics', () => {
      const ppt = { topic1: 3, topic2: 4 };
      const step1 = run(ppt, { consumer1: { topics: t12 }, consumer2: { topics: t12 } });
      expect(step1).toEqual({
        consumer1: ['topic1-0', 'topic1-2', 'topic2-1', 'topic2-3'],
        consumer2: ['topic1-1', 'topic2-0', 'topic2-2'],
      });
      const subs2 = {
        consumer1: v2(t12, step1.consumer1 ?? [], 1),
        consumer2: v2(t12, step1.consumer2 ?? [], 1),
        consumer3: v2(t12, [], 1),
        consumer4: v2(t12, [], 1),
      };
      expect(transferring(ppt, subs2)).toEqual({
        'topic1-2': 'consumer3',
        'topic2-3': 'consumer3',
        'topic2-2': 'consumer4',
      });
      if (strategy === 'cooperative-sticky') {
        const round1 = assignPartitions(strategy, ppt, subs2);
        expect([round1.consumer3, round1.consumer4]).toEqual([[], []]);
      }
      const step2 = run(ppt, subs2);
      expect(step2).toEqual({
        consumer1: ['topic1-0', 'topic2-1'],
        consumer2: ['topic2-0', 'topic1-1'],
        consumer3: ['topic1-2', 'topic2-3'],
        consumer4: ['topic2-2'],
      });
      const subs3 = {
        consumer3: v2(t12, step2.consumer3 ?? [], 1),
        consumer4: v2(t12, step2.consumer4 ?? [], 1),
      };
      expect(run(ppt, subs3)).toEqual({
        consumer3: ['topic1-2', 'topic2-3', 'topic1-0', 'topic2-1'],
        consumer4: ['topic2-2', 'topic1-1', 'topic2-0'],
      });
      expect(transferring(ppt, subs3)).toEqual({});
    });
    it('S10 testAllConsumersReachExpectedQuotaAndAreConsideredFilled', () => {
      const subs = {
        consumer1: v2(t, ['topic-0', 'topic-1'], 1),
        consumer2: v2(t, ['topic-2'], 1),
        consumer3: v2(t, [], 1),
      };
      expect(run({ topic: 4 }, subs)).toEqual({
        consumer1: ['topic-0', 'topic-1'],
        consumer2: ['topic-2'],
        consumer3: ['topic-3'],
      });
      expect(transferring({ topic: 4 }, subs)).toEqual({});
    });
    const tt2 = ['topic', 'topic2'];
    it('S11 testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration', () => {
      const owned = ['topic-0', 'topic-2', 'topic2-1'];
      const subs = { consumer1: v2(tt2, owned, 10), consumer2: v2(tt2, owned, 9) };
      const result = run({ topic: 3, topic2: 3 }, subs);
      expect(asSets(result)).toEqual(
        asSets({ consumer1: owned, consumer2: ['topic-1', 'topic2-0', 'topic2-2'] }),
      );
      expect(result.consumer1).toEqual(['topic-0', 'topic2-1', 'topic-2']);
      expect(transferring({ topic: 3, topic2: 3 }, subs)).toEqual({});
    });
    it('S12 testOwnedPartitionsAreInvalidatedForConsumerWithNoGeneration', () => {
      const owned = ['topic-0', 'topic-2', 'topic2-1'];
      const subs = { consumer1: v2(tt2, owned, 10), consumer2: v2(tt2, owned, -1) };
      expect(asSets(run({ topic: 3, topic2: 3 }, subs))).toEqual(
        asSets({ consumer1: owned, consumer2: ['topic-1', 'topic2-0', 'topic2-2'] }),
      );
      expect(transferring({ topic: 3, topic2: 3 }, subs)).toEqual({});
    });
    it('S13 testPartitionsTransferringOwnershipIncludeThePartitionClaimedByMultipleConsumersInSameGeneration', () => {
      const subs = {
        consumer1: v2(t, ['topic-0', 'topic-1'], 1),
        consumer2: v2(t, ['topic-0', 'topic-2'], 1),
        consumer3: v2(t, [], 1),
      };
      expect(transferring({ topic: 3 }, subs)).toEqual({ 'topic-0': 'consumer3' });
      expect(run({ topic: 3 }, subs)).toEqual({
        consumer1: ['topic-1'],
        consumer2: ['topic-2'],
        consumer3: ['topic-0'],
      });
    });
    it('S14 testEnsurePartitionsAssignedToHighestGeneration', () => {
      const all = ['topic', 'topic2', 'topic3'];
      const subs = {
        consumer1: v2(all, ['topic-0', 'topic2-0', 'topic3-0'], 10),
        consumer2: v2(all, ['topic-1', 'topic2-1', 'topic3-1'], 9),
        consumer3: v2(all, ['topic2-1', 'topic3-0', 'topic3-2'], 8),
      };
      const ppt = { topic: 3, topic2: 3, topic3: 3 };
      expect(asSets(run(ppt, subs))).toEqual(
        asSets({
          consumer1: ['topic-0', 'topic2-0', 'topic3-0'],
          consumer2: ['topic-1', 'topic2-1', 'topic3-1'],
          consumer3: ['topic-2', 'topic2-2', 'topic3-2'],
        }),
      );
      expect(transferring(ppt, subs)).toEqual({});
    });
    it('S15 testNoReassignmentOnCurrentMembers', () => {
      const all = ['topic', 'topic2', 'topic3', 'topic1'];
      const subs = {
        consumer1: v2(all, [], -1),
        consumer2: v2(all, ['topic-0', 'topic2-0', 'topic1-0'], 9),
        consumer3: v2(all, ['topic3-2', 'topic2-2', 'topic1-1'], 8),
        consumer4: v2(all, ['topic3-1', 'topic-1', 'topic-2'], 7),
      };
      const ppt = { topic: 3, topic1: 3, topic2: 3, topic3: 3 };
      const result = run(ppt, subs);
      expect(asSets(result).consumer1).toEqual(['topic1-2', 'topic2-1', 'topic3-0']);
      expect(result.consumer2).toEqual(['topic-0', 'topic1-0', 'topic2-0']);
      expect(result.consumer3).toEqual(['topic1-1', 'topic2-2', 'topic3-2']);
      expect(result.consumer4).toEqual(['topic-1', 'topic3-1', 'topic-2']);
      expect(transferring(ppt, subs)).toEqual({});
    });
    it('S16 testOwnedPartitionsAreInvalidatedForConsumerWithMultipleGeneration', () => {
      const subs = {
        consumer1: v2(tt2, ['topic-0', 'topic2-1', 'topic-1'], 10),
        consumer2: v2(tt2, ['topic-0', 'topic2-1', 'topic2-2'], 8),
      };
      expect(asSets(run({ topic: 3, topic2: 3 }, subs))).toEqual(
        asSets({
          consumer1: ['topic-0', 'topic2-1', 'topic-1'],
          consumer2: ['topic-2', 'topic2-2', 'topic2-0'],
        }),
      );
      expect(transferring({ topic: 3, topic2: 3 }, subs)).toEqual({});
    });
    it('S17 testNoExceptionThrownWhenOnlySubscribedTopicDeleted', () => {
      expect(run({ topic: 3 }, { consumer: { topics: t } })).toEqual({
        consumer: ['topic-0', 'topic-1', 'topic-2'],
      });
      const subs = { consumer: v2(t, ['topic-0', 'topic-1', 'topic-2'], 1) };
      expect(run({}, subs)).toEqual({ consumer: [] });
      expect(transferring({}, subs)).toEqual({});
    });
    it('S18 testAssignmentUpdatedForDeletedTopic', () => {
      const result = run(
        { topic1: 1, topic3: 100 },
        { consumer: { topics: ['topic1', 'topic2', 'topic3'] } },
      );
      expect(result.consumer).toHaveLength(101);
      expect(new Set(result.consumer).size).toBe(101);
    });
    it('S19 testSubscriptionNotEqualAndAssignSamePartitionWith3Generation', () => {
      const permutations = [
        [1, 2, 3],
        [1, 3, 2],
        [2, 1, 3],
        [2, 3, 1],
        [3, 1, 2],
        [3, 2, 1],
      ];
      for (const [g1, g2, g3] of permutations) {
        const result = run(
          { topic: 6, topic1: 1 },
          {
            consumer1: v2(t, ['topic-0', 'topic-2'], g1 as number),
            consumer2: v2(t, ['topic-1', 'topic-2', 'topic-3'], g2 as number),
            consumer3: v2(t, ['topic-2', 'topic-4', 'topic-5'], g3 as number),
            consumer4: v2(['topic1'], ['topic1-0'], 2),
          },
        );
        const all = Object.values(result).flat();
        expect(new Set(all).size).toBe(all.length);
        expect(all).toHaveLength(7);
        for (const list of Object.values(result)) expect([1, 2]).toContain(list.length);
      }
    });
    const rack = { t1: 6, t2: 7, t3: 2 };
    const all3 = ['t1', 't2', 't3'];
    const s20 = {
      consumer0: ['t1-0', 't1-3', 't2-0', 't2-3', 't2-6'],
      consumer1: ['t1-1', 't1-4', 't2-1', 't2-4', 't3-0'],
      consumer2: ['t1-2', 't1-5', 't2-2', 't2-5', 't3-1'],
    };
    it('S20 testRackAwareAssignmentWithUniformSubscription (non-rack baseline)', () => {
      const fresh = { consumer0: { topics: all3 }, consumer1: { topics: all3 }, consumer2: { topics: all3 } };
      expect(asSets(run(rack, fresh))).toEqual(asSets(s20));
      const owning = Object.fromEntries(Object.entries(s20).map(([m, owned]) => [m, v2(all3, owned, -1)]));
      expect(asSets(run(rack, owning))).toEqual(asSets(s20));
    });
    it('S21 testRackAwareAssignmentWithNonEqualSubscription (non-rack baseline, lists printed by 3.8.0)', () => {
      const subs = {
        consumer0: { topics: all3 },
        consumer1: { topics: all3 },
        consumer2: { topics: ['t1', 't3'] },
      };
      expect(run(rack, subs)).toEqual({
        consumer0: ['t2-0', 't2-2', 't2-4', 't2-6', 't1-5'],
        consumer1: ['t2-1', 't2-3', 't2-5', 't1-3', 't3-0'],
        consumer2: ['t1-0', 't1-1', 't1-2', 't1-4', 't3-1'],
      });
    });
  },
);

describe('StickyAssignor-only and cooperative-only vectors', () => {
  const rack = { t1: 6, t2: 7, t3: 2 };
  const all3 = ['t1', 't2', 't3'];
  const s22 = {
    consumer0: v2(all3, ['t1-0', 't1-1', 't1-2', 't1-3', 't1-4'], -1),
    consumer1: v2(all3, ['t1-5', 't2-0', 't2-1', 't2-2', 't2-3'], -1),
    consumer2: v2(['t1', 't3'], ['t2-4', 't2-5', 't2-6', 't3-0', 't3-1'], -1),
  };
  it('S22 sticky: owned partitions without userData are ignored (same as S21)', () => {
    // StickyAssignor reads owned partitions only from userData, which the test leaves null.
    const noUserData = {
      consumer0: { topics: all3 },
      consumer1: { topics: all3 },
      consumer2: { topics: ['t1', 't3'] },
    };
    expect(asSets(assignPartitions('sticky', rack, noUserData))).toEqual(
      asSets({
        consumer0: ['t1-5', 't2-0', 't2-2', 't2-4', 't2-6'],
        consumer1: ['t1-3', 't2-1', 't2-3', 't2-5', 't3-0'],
        consumer2: ['t1-0', 't1-1', 't1-2', 't1-4', 't3-1'],
      }),
    );
  });
  it('S22 cooperative-sticky: testRackAwareAssignmentWithNonEqualSubscription "all racks match" block, two rounds', () => {
    const round1 = assignPartitions('cooperative-sticky', rack, s22);
    expect(asSets(round1)).toEqual(
      asSets({
        consumer0: ['t1-2', 't1-3', 't1-4'],
        consumer1: ['t2-0', 't2-1', 't2-2', 't2-3'],
        consumer2: ['t3-0', 't3-1'],
      }),
    );
    const round2 = assignPartitions('cooperative-sticky', rack, {
      consumer0: v2(all3, round1.consumer0 ?? [], -1),
      consumer1: v2(all3, round1.consumer1 ?? [], -1),
      consumer2: v2(['t1', 't3'], round1.consumer2 ?? [], -1),
    });
    expect(asSets(round2)).toEqual(
      asSets({
        consumer0: ['t1-2', 't1-3', 't1-4', 't2-4', 't2-5'],
        consumer1: ['t2-0', 't2-1', 't2-2', 't2-3', 't2-6'],
        consumer2: ['t1-0', 't1-1', 't1-5', 't3-0', 't3-1'],
      }),
    );
  });
  const claimed = {
    consumer1: v2(['topic'], ['topic-0', 'topic-1'], 1),
    consumer2: v2(['topic'], ['topic-0', 'topic-2'], 1),
    consumer3: v2(['topic'], [], 1),
  };
  it('SA1 StickyAssignorTest.testAssignmentWithPartitionsClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer', () => {
    expect(assignPartitions('sticky', { topic: 3 }, claimed)).toEqual({
      consumer1: ['topic-1'],
      consumer2: ['topic-2'],
      consumer3: ['topic-0'],
    });
  });
  it('SA2 StickyAssignorTest.testAssignmentWithPartitionsClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer', () => {
    expect(assignPartitions('sticky', { topic: 4 }, claimed)).toEqual({
      consumer1: ['topic-1', 'topic-3'],
      consumer2: ['topic-2'],
      consumer3: ['topic-0'],
    });
  });
  it('SA6 StickyAssignorTest.testSchemaBackwardCompatibility (V0 userData: no generation)', () => {
    const result = assignPartitions(
      'sticky',
      { topic: 3 },
      {
        consumer1: v2(['topic'], ['topic-0', 'topic-2'], 1),
        consumer2: { topics: ['topic'], ownedPartitions: ['topic-1'] },
        consumer3: { topics: ['topic'] },
      },
    );
    for (const list of Object.values(result)) expect(list).toHaveLength(1);
    expect(['topic-0', 'topic-2']).toContain(result.consumer1?.[0]);
    expect(result.consumer2).toEqual(['topic-1']);
  });
  it('CS1 CooperativeStickyAssignorTest.testAssignmentWithPartitionsClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer', () => {
    expect(assignPartitions('cooperative-sticky', { topic: 3 }, claimed)).toEqual({
      consumer1: ['topic-1'],
      consumer2: ['topic-2'],
      consumer3: [],
    });
  });
  it('CS2 CooperativeStickyAssignorTest.testAssignmentWithPartitionsClaimedByMultipleConsumersInSameGenerationWithUnequalPartitionsPerConsumer', () => {
    expect(assignPartitions('cooperative-sticky', { topic: 4 }, claimed)).toEqual({
      consumer1: ['topic-1', 'topic-3'],
      consumer2: ['topic-2'],
      consumer3: [],
    });
  });
});

// Extra vectors computed by running the 3.8.0 assignors (docs/research/consumer-groups.md §1.8.6).
describe('extra 3.8.0 vectors (HashMap-order dependence)', () => {
  it('X1 quota order follows HashMap order (c3, c4, c2)', () => {
    const subs = { c2: v2(['t'], ['t-0', 't-1'], 1), c3: v2(['t'], ['t-2', 't-3'], 1), c4: v2(['t'], [], 1) };
    expect(assignPartitions('sticky', { t: 4 }, subs)).toEqual({
      c2: ['t-0'],
      c3: ['t-2', 't-3'],
      c4: ['t-1'],
    });
    expect(transferring({ t: 4 }, subs)).toEqual({ 't-1': 'c4' });
    expect(assignPartitions('cooperative-sticky', { t: 4 }, subs)).toEqual({
      c2: ['t-0'],
      c3: ['t-2', 't-3'],
      c4: [],
    });
  });
  it('X2a conflict resolution depends on claim order', () => {
    const subs = { a: v2(['t'], ['t-0'], 5), b: v2(['t'], ['t-0'], 5), z: v2(['t'], ['t-0'], 6) };
    expect(assignPartitions('sticky', { t: 3 }, subs)).toEqual({ a: ['t-0'], b: ['t-1'], z: ['t-2'] });
    expect(transferring({ t: 3 }, subs)).toEqual({ 't-0': 'a' });
    expect(assignPartitions('cooperative-sticky', { t: 3 }, subs)).toEqual({ a: [], b: ['t-1'], z: ['t-2'] });
  });
  it('X2b the newest claimant met first keeps the partition', () => {
    const subs = { p: v2(['t'], ['t-0'], 6), a: v2(['t'], ['t-0'], 5), b: v2(['t'], ['t-0'], 5) };
    for (const strategy of ['sticky', 'cooperative-sticky'] as const) {
      expect(assignPartitions(strategy, { t: 3 }, subs)).toEqual({ p: ['t-0'], a: ['t-1'], b: ['t-2'] });
    }
    expect(transferring({ t: 3 }, subs)).toEqual({});
  });
  const topics = ['orders', 'payments'];
  const ppt = { orders: 6, payments: 3 };
  const x3 = {
    'consumer-g1-1-0b6f': ['orders-0', 'orders-3', 'payments-0'],
    'consumer-g1-2-7c1d': ['orders-1', 'orders-4', 'payments-1'],
    'consumer-g1-3-a9e2': ['orders-2', 'orders-5', 'payments-2'],
  };
  it.each(['sticky', 'cooperative-sticky'] as const)('X3 fresh group (%s)', (strategy) => {
    const subs = Object.fromEntries(Object.keys(x3).map((m) => [m, { topics }]));
    expect(assignPartitions(strategy, ppt, subs)).toEqual(x3);
  });
  it('X3 step 2: a fourth member joins', () => {
    const subs = {
      ...Object.fromEntries(Object.entries(x3).map(([m, owned]) => [m, v2(topics, owned, 1)])),
      'consumer-g1-4-55aa': v2(topics, [], -1),
    };
    const expected = {
      'consumer-g1-1-0b6f': ['orders-0', 'payments-0'],
      'consumer-g1-2-7c1d': ['orders-1', 'payments-1', 'orders-4'],
      'consumer-g1-3-a9e2': ['orders-2', 'payments-2'],
      'consumer-g1-4-55aa': ['orders-3', 'orders-5'],
    };
    expect(assignPartitions('sticky', ppt, subs)).toEqual(expected);
    expect(transferring(ppt, subs)).toEqual({
      'orders-3': 'consumer-g1-4-55aa',
      'orders-5': 'consumer-g1-4-55aa',
    });
    const round1 = assignPartitions('cooperative-sticky', ppt, subs);
    expect(round1).toEqual({ ...expected, 'consumer-g1-4-55aa': [] });
    expect(untilNothingRevoked(ppt, subs, round1)).toEqual(expected);
  });
});

describe('Kafka quirks reproduced', () => {
  it('allSubscriptionsEqual: an empty subscription met first does not break equality (constrained path)', () => {
    // HashMap order of ["a-", "a"] is a, a-: "a" subscribes to nothing yet receives b-0, as in Kafka.
    expect(assignPartitions('sticky', { b: 1 }, { 'a-': { topics: ['b'] }, a: { topics: [] } })).toEqual({
      'a-': [],
      a: ['b-0'],
    });
  });
});
