import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/scenario/run.js';
import { compileError, library } from './helpers.js';

describe('running a scenario', () => {
  it('runs the follower crash: the ISR shrinks, then the follower rejoins', () => {
    const run = runScenario(library('follower-crash'));
    expect(run.assertions.map((a) => a.text)).toEqual([
      'orders-0: expected leader 1, ISR [1,2]',
      'orders-0: expected leader 1, ISR [1,2,3]',
    ]);
    expect(run.assertions.every((a) => a.passed)).toBe(true);
    const describes = run.timeline.filter((e) => e.kind === 'describe').map((e) => e.output);
    expect(describes[0]).toContain('Partition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3');
    expect(run.timeline.map((e) => e.text)).toContain('broker 3 crashed');
  });

  it('gives the same trace hash for the same seed, another for another seed', () => {
    const scenario = library('follower-crash');
    expect(runScenario(scenario).traceHash).toBe(runScenario(scenario).traceHash);
    expect(runScenario(scenario, { seed: 2 }).traceHash).not.toBe(runScenario(scenario).traceHash);
  });
});

describe('compiling a scenario: what Kafka would refuse', () => {
  const head = 'name: d\ndescription: x\nduration: 10s\n';
  it('refuses a replication factor above the broker count, in Kafka’s words', () => {
    expect(compileError(`${head}topics:\n  - name: t\n    partitions: 1\n    replication-factor: 4\n`)).toBe(
      "s.yaml:5:5: topic 't': Replication factor: 4 larger than available brokers: 3.",
    );
  });

  it('refuses acks=2 and decreasing partitions', () => {
    expect(compileError(`${head}producers:\n  - name: p\n    topic: t\n    config: { acks: 2 }\n`)).toBe(
      's.yaml:7:13: Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1',
    );
    expect(
      compileError(
        `${head}topics:\n  - name: t\n    partitions: 3\n    replication-factor: 1\ntimeline:\n  - at: 1s\n    add-partitions: { topic: t, count: 2 }\n`,
      ),
    ).toBe('s.yaml:10:21: Topic currently has 3 partitions, which is higher than the requested 2.');
  });

  it('names unknown processes, topics and partitions', () => {
    expect(compileError(`${head}timeline:\n  - at: 1s\n    crash: broker-7\n`)).toBe(
      's.yaml:6:12: there is no broker-7: the cluster has brokers 1 to 3.',
    );
    expect(
      compileError(
        `${head}topics: [{ name: t, partitions: 2, replication-factor: 1 }]\ntimeline:\n  - at: 1s\n    crash: { leader: t-5 }\n`,
      ),
    ).toBe("s.yaml:7:22: t-5: topic 't' has partitions 0 to 1.");
    expect(compileError(`${head}timeline:\n  - at: 20s\n    heal: true\n`)).toBe(
      "s.yaml:5:9: timeline[0] is at 20s, after the scenario's duration (10s).",
    );
  });
});
