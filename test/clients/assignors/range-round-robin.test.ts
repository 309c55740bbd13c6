import { describe, expect, it } from 'vitest';
import { assignPartitions, rangeAssign, roundRobinAssign } from '../../../src/clients/assignors/index.js';
import { asSets, fromMap, subscribing } from './helpers.js';

const both = ['topic1', 'topic2'];

// RangeAssignorTest (3.8.0): the non-rack runs; assertions compare sets except the Persistent tests.
describe('RangeAssignor vectors (RangeAssignorTest)', () => {
  const range = (ppt: Record<string, number>, subs: Record<string, string[]>) =>
    asSets(assignPartitions('range', ppt, subscribing(subs)));

  it('R1 testOneConsumerNoTopic', () => {
    expect(range({}, { consumer1: [] })).toEqual({ consumer1: [] });
  });
  it('R2 testOneConsumerNonexistentTopic', () => {
    expect(range({}, { consumer1: ['topic1'] })).toEqual({ consumer1: [] });
  });
  it('R3 testOneConsumerOneTopic', () => {
    expect(range({ topic1: 3 }, { consumer1: ['topic1'] })).toEqual({
      consumer1: ['topic1-0', 'topic1-1', 'topic1-2'],
    });
  });
  it('R4 testOnlyAssignsPartitionsFromSubscribedTopics', () => {
    expect(range({ topic1: 3, other: 3 }, { consumer1: ['topic1'] })).toEqual({
      consumer1: ['topic1-0', 'topic1-1', 'topic1-2'],
    });
  });
  it('R5 testOneConsumerMultipleTopics', () => {
    expect(range({ topic1: 1, topic2: 2 }, { consumer1: both })).toEqual({
      consumer1: ['topic1-0', 'topic2-0', 'topic2-1'],
    });
  });
  it('R6 testTwoConsumersOneTopicOnePartition', () => {
    expect(range({ topic1: 1 }, { consumer1: ['topic1'], consumer2: ['topic1'] })).toEqual({
      consumer1: ['topic1-0'],
      consumer2: [],
    });
  });
  it('R7 testTwoConsumersOneTopicTwoPartitions', () => {
    expect(range({ topic1: 2 }, { consumer1: ['topic1'], consumer2: ['topic1'] })).toEqual({
      consumer1: ['topic1-0'],
      consumer2: ['topic1-1'],
    });
  });
  it('R8 testMultipleConsumersMixedTopics', () => {
    expect(
      range({ topic1: 3, topic2: 2 }, { consumer1: ['topic1'], consumer2: both, consumer3: ['topic1'] }),
    ).toEqual({
      consumer1: ['topic1-0'],
      consumer2: ['topic1-1', 'topic2-0', 'topic2-1'],
      consumer3: ['topic1-2'],
    });
  });
  it('R9 testTwoConsumersTwoTopicsSixPartitions', () => {
    expect(range({ topic1: 3, topic2: 3 }, { consumer1: both, consumer2: both })).toEqual({
      consumer1: ['topic1-0', 'topic1-1', 'topic2-0', 'topic2-1'],
      consumer2: ['topic1-2', 'topic2-2'],
    });
  });
  it('R10 testTwoStaticConsumersTwoTopicsSixPartitions', () => {
    const result = fromMap(
      rangeAssign(
        { topic1: 3, topic2: 3 },
        {
          'consumer-b': { topics: both, groupInstanceId: 'instance1' },
          'consumer-a': { topics: both, groupInstanceId: 'instance2' },
        },
      ),
    );
    expect(asSets(result)).toEqual({
      'consumer-b': ['topic1-0', 'topic1-1', 'topic2-0', 'topic2-1'],
      'consumer-a': ['topic1-2', 'topic2-2'],
    });
  });
  it('R11 testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions', () => {
    const result = fromMap(
      rangeAssign(
        { topic1: 3, topic2: 3 },
        { 'consumer-b': { topics: both, groupInstanceId: 'instance1' }, 'consumer-a': { topics: both } },
      ),
    );
    expect(asSets(result)).toEqual({
      'consumer-b': ['topic1-0', 'topic1-1', 'topic2-0', 'topic2-1'],
      'consumer-a': ['topic1-2', 'topic2-2'],
    });
  });
  it('R12 testStaticMemberRangeAssignmentPersistent (exact map)', () => {
    const ppt = { topic1: 5, topic2: 4 };
    const statics = {
      consumer1: { topics: both, groupInstanceId: 'instance1' },
      consumer2: { topics: both, groupInstanceId: 'instance2' },
      consumer3: { topics: both, groupInstanceId: 'instance3' },
    };
    const expected = {
      consumer1: ['topic1-0', 'topic1-1', 'topic2-0'],
      consumer2: ['topic1-2', 'topic2-1'],
      consumer3: ['topic1-3', 'topic2-2'],
    };
    expect(fromMap(rangeAssign(ppt, { ...statics, consumer4: { topics: both } }))).toEqual({
      ...expected,
      consumer4: ['topic1-4', 'topic2-3'],
    });
    expect(fromMap(rangeAssign(ppt, { ...statics, consumer5: { topics: both } }))).toEqual({
      ...expected,
      consumer5: ['topic1-4', 'topic2-3'],
    });
  });
  it('R13 testStaticMemberRangeAssignmentPersistentAfterMemberIdChanges', () => {
    const ppt = { topic1: 5, topic2: 5 };
    const expected = {
      instance1: ['topic1-0', 'topic1-1', 'topic2-0', 'topic2-1'],
      instance2: ['topic1-2', 'topic1-3', 'topic2-2', 'topic2-3'],
      instance3: ['topic1-4', 'topic2-4'],
    };
    const byInstance = (members: Record<string, string>) => {
      const subs = Object.fromEntries(
        Object.entries(members).map(([m, instance]) => [m, { topics: both, groupInstanceId: instance }]),
      );
      const result = asSets(fromMap(rangeAssign(ppt, subs)));
      return Object.fromEntries(Object.entries(members).map(([m, instance]) => [instance, result[m]]));
    };
    expect(byInstance({ consumer1: 'instance1', consumer2: 'instance2', consumer3: 'instance3' })).toEqual(
      expected,
    );
    expect(byInstance({ consumer1: 'instance1', consumer5: 'instance2', consumer4: 'instance3' })).toEqual(
      expected,
    );
  });

  const rack = { t1: 6, t2: 7, t3: 2 };
  const all3 = ['t1', 't2', 't3'];
  it('R14 testRackAwareAssignmentWithUniformSubscription (non-rack baseline)', () => {
    expect(range(rack, { consumer0: all3, consumer1: all3, consumer2: all3 })).toEqual(
      asSets({
        consumer0: ['t1-0', 't1-1', 't2-0', 't2-1', 't2-2', 't3-0'],
        consumer1: ['t1-2', 't1-3', 't2-3', 't2-4', 't3-1'],
        consumer2: ['t1-4', 't1-5', 't2-5', 't2-6'],
      }),
    );
  });
  it('R15 testRackAwareAssignmentWithNonEqualSubscription (non-rack baseline)', () => {
    expect(range(rack, { consumer0: all3, consumer1: all3, consumer2: ['t1', 't3'] })).toEqual(
      asSets({
        consumer0: ['t1-0', 't1-1', 't2-0', 't2-1', 't2-2', 't2-3', 't3-0'],
        consumer1: ['t1-2', 't1-3', 't2-4', 't2-5', 't2-6', 't3-1'],
        consumer2: ['t1-4', 't1-5'],
      }),
    );
  });
  it('R16 testRackAwareAssignmentWithUniformPartitions (non-rack baseline)', () => {
    expect(range({ t1: 5, t2: 5, t3: 5 }, { consumer0: all3, consumer1: all3, consumer2: all3 })).toEqual(
      asSets({
        consumer0: ['t1-0', 't1-1', 't2-0', 't2-1', 't3-0', 't3-1'],
        consumer1: ['t1-2', 't1-3', 't2-2', 't2-3', 't3-2', 't3-3'],
        consumer2: ['t1-4', 't2-4', 't3-4'],
      }),
    );
  });
  it('R17 testRackAwareAssignmentWithUniformPartitionsNonEqualSubscription (non-rack baseline)', () => {
    expect(
      range({ t1: 5, t2: 5, t3: 5 }, { consumer0: all3, consumer1: all3, consumer2: ['t1', 't3'] }),
    ).toEqual(
      asSets({
        consumer0: ['t1-0', 't1-1', 't2-0', 't2-1', 't2-2', 't3-0', 't3-1'],
        consumer1: ['t1-2', 't1-3', 't2-3', 't2-4', 't3-2', 't3-3'],
        consumer2: ['t1-4', 't3-4'],
      }),
    );
  });
  const co = { t1: 6, t2: 6, t3: 2, t4: 2 };
  it('R18 testRackAwareAssignmentWithCoPartitioning (non-rack baseline)', () => {
    expect(
      range(co, {
        consumer0: ['t1', 't2'],
        consumer1: ['t1', 't2'],
        consumer2: ['t3', 't4'],
        consumer3: ['t3', 't4'],
      }),
    ).toEqual(
      asSets({
        consumer0: ['t1-0', 't1-1', 't1-2', 't2-0', 't2-1', 't2-2'],
        consumer1: ['t1-3', 't1-4', 't1-5', 't2-3', 't2-4', 't2-5'],
        consumer2: ['t3-0', 't4-0'],
        consumer3: ['t3-1', 't4-1'],
      }),
    );
  });
  it('R19 testRackAwareAssignmentWithCoPartitioning second half (with the list order 3.8.0 prints)', () => {
    const all4 = ['t1', 't2', 't3', 't4'];
    const result = assignPartitions('range', co, {
      consumer0: { topics: all4 },
      consumer1: { topics: all4 },
      consumer2: { topics: all4 },
      consumer3: { topics: all4 },
    });
    expect(result.consumer0).toEqual(['t4-0', 't1-0', 't1-1', 't2-0', 't2-1', 't3-0']);
    expect(asSets(result)).toEqual(
      asSets({
        consumer0: ['t1-0', 't1-1', 't2-0', 't2-1', 't3-0', 't4-0'],
        consumer1: ['t1-2', 't1-3', 't2-2', 't2-3', 't3-1', 't4-1'],
        consumer2: ['t1-4', 't2-4'],
        consumer3: ['t1-5', 't2-5'],
      }),
    );
  });
  it('R20 testCoPartitionedAssignmentWithSameSubscription (non-rack baseline)', () => {
    const topics = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9'];
    expect(
      range(
        { t1: 6, t2: 6, t3: 2, t4: 2, t5: 4, t6: 4 },
        { consumer0: topics, consumer1: topics, consumer2: topics },
      ),
    ).toEqual(
      asSets({
        consumer0: ['t1-0', 't1-1', 't2-0', 't2-1', 't3-0', 't4-0', 't5-0', 't5-1', 't6-0', 't6-1'],
        consumer1: ['t1-2', 't1-3', 't2-2', 't2-3', 't3-1', 't4-1', 't5-2', 't6-2'],
        consumer2: ['t1-4', 't1-5', 't2-4', 't2-5', 't5-3', 't6-3'],
      }),
    );
  });
  it('RangeAssignor javadoc example', () => {
    expect(range({ t0: 3, t1: 3 }, { C0: ['t0', 't1'], C1: ['t0', 't1'] })).toEqual({
      C0: ['t0-0', 't0-1', 't1-0', 't1-1'],
      C1: ['t0-2', 't1-2'],
    });
  });
  it('X3 members, range (list order printed by 3.8.0)', () => {
    const t = ['orders', 'payments'];
    expect(
      assignPartitions(
        'range',
        { orders: 6, payments: 3 },
        {
          'consumer-g1-1-0b6f': { topics: t },
          'consumer-g1-2-7c1d': { topics: t },
          'consumer-g1-3-a9e2': { topics: t },
          'consumer-g1-4-55aa': { topics: t },
        },
      ),
    ).toEqual({
      'consumer-g1-1-0b6f': ['payments-0', 'orders-0', 'orders-1'],
      'consumer-g1-2-7c1d': ['payments-1', 'orders-2', 'orders-3'],
      'consumer-g1-3-a9e2': ['payments-2', 'orders-4'],
      'consumer-g1-4-55aa': ['orders-5'],
    });
  });
});

// RoundRobinAssignorTest (3.8.0): all exact lists.
describe('RoundRobinAssignor vectors (RoundRobinAssignorTest)', () => {
  const rr = (ppt: Record<string, number>, subs: Record<string, string[]>) =>
    assignPartitions('roundrobin', ppt, subscribing(subs));

  it('RR1 testOneConsumerNoTopic', () => {
    expect(rr({}, { consumer: [] })).toEqual({ consumer: [] });
  });
  it('RR2 testOneConsumerNonexistentTopic', () => {
    expect(rr({}, { consumer: ['topic'] })).toEqual({ consumer: [] });
  });
  it('RR3 testOneConsumerOneTopic', () => {
    expect(rr({ topic: 3 }, { consumer: ['topic'] })).toEqual({
      consumer: ['topic-0', 'topic-1', 'topic-2'],
    });
  });
  it('RR4 testOnlyAssignsPartitionsFromSubscribedTopics', () => {
    expect(rr({ topic: 3, other: 3 }, { consumer: ['topic'] })).toEqual({
      consumer: ['topic-0', 'topic-1', 'topic-2'],
    });
  });
  it('RR5 testOneConsumerMultipleTopics', () => {
    expect(rr({ topic1: 1, topic2: 2 }, { consumer: both })).toEqual({
      consumer: ['topic1-0', 'topic2-0', 'topic2-1'],
    });
  });
  it('RR6 testTwoConsumersOneTopicOnePartition', () => {
    expect(rr({ topic: 1 }, { consumer1: ['topic'], consumer2: ['topic'] })).toEqual({
      consumer1: ['topic-0'],
      consumer2: [],
    });
  });
  it('RR7 testTwoConsumersOneTopicTwoPartitions', () => {
    expect(rr({ topic: 2 }, { consumer1: ['topic'], consumer2: ['topic'] })).toEqual({
      consumer1: ['topic-0'],
      consumer2: ['topic-1'],
    });
  });
  it('RR8 testMultipleConsumersMixedTopics', () => {
    expect(
      rr({ topic1: 3, topic2: 2 }, { consumer1: ['topic1'], consumer2: both, consumer3: ['topic1'] }),
    ).toEqual({
      consumer1: ['topic1-0'],
      consumer2: ['topic1-1', 'topic2-0', 'topic2-1'],
      consumer3: ['topic1-2'],
    });
  });
  it('RR9 testTwoDynamicConsumersTwoTopicsSixPartitions', () => {
    expect(rr({ topic1: 3, topic2: 3 }, { consumer1: both, consumer2: both })).toEqual({
      consumer1: ['topic1-0', 'topic1-2', 'topic2-1'],
      consumer2: ['topic1-1', 'topic2-0', 'topic2-2'],
    });
  });
  it('RR10 testTwoStaticConsumersTwoTopicsSixPartitions', () => {
    expect(
      fromMap(
        roundRobinAssign(
          { topic1: 3, topic2: 3 },
          {
            'consumer-b': { topics: both, groupInstanceId: 'instance1' },
            'consumer-a': { topics: both, groupInstanceId: 'instance2' },
          },
        ),
      ),
    ).toEqual({
      'consumer-b': ['topic1-0', 'topic1-2', 'topic2-1'],
      'consumer-a': ['topic1-1', 'topic2-0', 'topic2-2'],
    });
  });
  it('RR11 testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions', () => {
    expect(
      fromMap(
        roundRobinAssign(
          { topic1: 3, topic2: 3 },
          { 'consumer-b': { topics: both, groupInstanceId: 'instance1' }, 'consumer-a': { topics: both } },
        ),
      ),
    ).toEqual({
      'consumer-b': ['topic1-0', 'topic1-2', 'topic2-1'],
      'consumer-a': ['topic1-1', 'topic2-0', 'topic2-2'],
    });
  });
  it('RR12 testStaticMemberRoundRobinAssignmentPersistent (exact map)', () => {
    const statics = {
      consumer1: { topics: both, groupInstanceId: 'instance1' },
      consumer2: { topics: both, groupInstanceId: 'instance2' },
      consumer3: { topics: both, groupInstanceId: 'instance3' },
    };
    const expected = {
      consumer1: ['topic1-0', 'topic2-1'],
      consumer2: ['topic1-1', 'topic2-2'],
      consumer3: ['topic1-2'],
    };
    const ppt = { topic1: 3, topic2: 3 };
    expect(fromMap(roundRobinAssign(ppt, { ...statics, consumer4: { topics: both } }))).toEqual({
      ...expected,
      consumer4: ['topic2-0'],
    });
    expect(fromMap(roundRobinAssign(ppt, { ...statics, consumer5: { topics: both } }))).toEqual({
      ...expected,
      consumer5: ['topic2-0'],
    });
  });
  it('RR13 testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges', () => {
    const ppt = { topic1: 5, topic2: 5 };
    const expected = {
      instance1: ['topic1-0', 'topic1-3', 'topic2-1', 'topic2-4'],
      instance2: ['topic1-1', 'topic1-4', 'topic2-2'],
      instance3: ['topic1-2', 'topic2-0', 'topic2-3'],
    };
    const byInstance = (members: Record<string, string>) => {
      const subs = Object.fromEntries(
        Object.entries(members).map(([m, instance]) => [m, { topics: both, groupInstanceId: instance }]),
      );
      const result = fromMap(roundRobinAssign(ppt, subs));
      return Object.fromEntries(Object.entries(members).map(([m, instance]) => [instance, result[m]]));
    };
    expect(byInstance({ consumer1: 'instance1', consumer2: 'instance2', consumer3: 'instance3' })).toEqual(
      expected,
    );
    expect(byInstance({ consumer1: 'instance1', consumer5: 'instance2', consumer4: 'instance3' })).toEqual(
      expected,
    );
  });
  it('RoundRobinAssignor javadoc example', () => {
    expect(rr({ t0: 1, t1: 2, t2: 3 }, { C0: ['t0'], C1: ['t0', 't1'], C2: ['t0', 't1', 't2'] })).toEqual({
      C0: ['t0-0'],
      C1: ['t1-0'],
      C2: ['t1-1', 't2-0', 't2-1', 't2-2'],
    });
  });
  it('X3 members, roundrobin (printed by 3.8.0)', () => {
    const t = ['orders', 'payments'];
    expect(
      assignPartitions(
        'roundrobin',
        { orders: 6, payments: 3 },
        {
          'consumer-g1-1-0b6f': { topics: t },
          'consumer-g1-2-7c1d': { topics: t },
          'consumer-g1-3-a9e2': { topics: t },
          'consumer-g1-4-55aa': { topics: t },
        },
      ),
    ).toEqual({
      'consumer-g1-1-0b6f': ['orders-0', 'orders-4', 'payments-2'],
      'consumer-g1-2-7c1d': ['orders-1', 'orders-5'],
      'consumer-g1-3-a9e2': ['orders-2', 'payments-0'],
      'consumer-g1-4-55aa': ['orders-3', 'payments-1'],
    });
  });
});
