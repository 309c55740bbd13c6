import { describe, expect, it } from 'vitest';
import { compileScenario } from '../../src/scenario/compile.js';
import { runScenario } from '../../src/scenario/run.js';
import { compileError } from './helpers.js';

const base = (consumers: string, timeline = '') => `name: t
description: consumers in scenario files
duration: 30s
topics:
  - { name: orders, partitions: 2, replication-factor: 3 }
consumers:
${consumers}
${timeline === '' ? '' : `timeline:\n${timeline}`}`;

describe('consumers in scenario files', () => {
  it('compile with Kafka config names, assignor class names, commit modes and processing times', () => {
    const s = compileScenario(
      's.yaml',
      base(`  - name: c1
    topics: [orders]
    commit: before-processing
    processing: { per-record: 5ms, per-batch: 1s }
    poll-timeout: 250ms
    start: 3s
    config:
      group.id: g
      partition.assignment.strategy: org.apache.kafka.clients.consumer.CooperativeStickyAssignor
  - name: reader
    assign: [orders-1]`),
    );
    const [c1, reader] = s.consumers;
    expect(c1?.options).toEqual({
      config: { 'client.id': 'c1', 'group.id': 'g', 'partition.assignment.strategy': ['cooperative-sticky'] },
      commitMode: 'before-processing',
      subscribe: ['orders'],
      processing: { perRecordMs: 5, perBatchMs: 1000 },
      pollTimeoutMs: 250,
    });
    expect(c1?.start).toBe(3_000_000);
    expect(c1?.group).toBe('g');
    // no group.id: no commits, and no group
    expect(reader?.options.commitMode).toBe('none');
    expect(reader?.options.assign).toEqual([{ topic: 'orders', partition: 1 }]);
    expect(reader?.group).toBeNull();
  });

  it('refuse what KafkaConsumer refuses, with file, line and column', () => {
    expect(compileError(base('  - { name: c1, topics: [orders] }'))).toMatch(
      /^s\.yaml:7:\d+: .*you must provide a valid group\.id/,
    );
    expect(compileError(base('  - { name: c1, config: { group.id: g } }'))).toMatch(
      /needs either topics .* or assign, not neither/,
    );
    expect(compileError(base('  - { name: c1, topics: [ordres], config: { group.id: g } }'))).toMatch(
      /unknown topic 'ordres'/,
    );
    expect(
      compileError(
        base(
          '  - { name: c1, topics: [orders], config: { group.id: g, partition.assignment.strategy: fair } }',
        ),
      ),
    ).toMatch(
      /Invalid value fair for configuration partition.assignment.strategy: Class fair cannot be found/,
    );
    expect(
      compileError(
        base(
          '  - { name: c1, topics: [orders], config: { group.id: g, session.timeout.ms: 3000, heartbeat.interval.ms: 3000 } }',
        ),
      ),
    ).toMatch(/Heartbeat must be set lower than the session timeout/);
    expect(compileError(base('  - { name: c1, assign: [orders-0], commit: after-processing }'))).toMatch(
      /needs a group.id/,
    );
  });

  it('subscribe in the timeline: only a subscribed consumer, only known topics', () => {
    const consumers = `  - { name: c1, topics: [orders], config: { group.id: g } }
  - { name: r, assign: [orders-0] }`;
    expect(
      compileError(base(consumers, '  - { at: 5s, subscribe: { consumer: c9, topics: [orders] } }')),
    ).toMatch(/unknown consumer 'c9': consumers are c1, r/);
    expect(
      compileError(base(consumers, '  - { at: 5s, subscribe: { consumer: r, topics: [orders] } }')),
    ).toMatch(/mutually exclusive/);
    expect(compileError(base(consumers, '  - { at: 5s, subscribe: { consumer: c1, topics: [x] } }'))).toMatch(
      /unknown topic 'x'/,
    );
  });

  it('a client named by a start action waits for it', () => {
    const s = compileScenario(
      's.yaml',
      base('  - { name: c1, topics: [orders], config: { group.id: g } }', '  - { at: 10s, start: c1 }'),
    );
    expect(s.consumers[0]?.start).toBeUndefined();
    const run = runScenario(s);
    const firstJoin = run.cluster.clients.memberFacts.find((f) => f.process === 'c1');
    expect(firstJoin?.time).toBeGreaterThanOrEqual(10_000_000);
  });

  it("a consumer's new subscription makes its group rebalance, with Kafka's reason", () => {
    const text = `name: t
description: subscription change
duration: 40s
topics:
  - { name: a, partitions: 1, replication-factor: 3 }
  - { name: b, partitions: 1, replication-factor: 3 }
consumers:
  - { name: c1, topics: [a], config: { group.id: g } }
timeline:
  - { at: 20s, subscribe: { consumer: c1, topics: [a, b] } }
  - { at: 35s, assert: { group: g, generation: 2, assignment: { c1: [a-0, b-0] } } }
`;
    const run = runScenario(compileScenario('s.yaml', text));
    expect(run.assertions.map((a) => a.passed)).toEqual([true]);
    const joins = run.cluster.clients.memberFacts.filter((f) => f.kind === 'joining');
    expect(joins.map((f) => f.kind === 'joining' && f.reason)).toContain(
      'subscription has changed from [a] at the beginning of the rebalance to [a, b]',
    );
  });
});
