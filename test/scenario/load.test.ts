import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../../src/scenario/load.js';

const errorOf = (text: string): ScenarioError => {
  try {
    parseScenario('s.yaml', text);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('no error');
};

const base = `name: demo
description: A follower crashes and comes back.
duration: 60s
`;

describe('scenario files: schema errors with file, line and column', () => {
  it('accepts a valid scenario', () => {
    const { scenario } = parseScenario(
      's.yaml',
      `${base}cluster:
  brokers: 3
  config:
    min.insync.replicas: 2
topics:
  - name: orders
    partitions: 3
    replication-factor: 3
producers:
  - name: p1
    topic: orders
    keys: { random: [a, b] }
    config: { acks: all, linger.ms: 5 }
timeline:
  - at: 10s
    crash: { leader: orders-0 }
  - at: 20s
    heal: true
expect:
  lost-write: holds
`,
    );
    expect(scenario.timeline).toHaveLength(2);
  });

  it('names an unknown key with a did-you-mean, at its line and column', () => {
    const e = errorOf(`${base}timeline:\n  - at: 10s\n    crahs: broker-2\n`);
    expect(e.message).toMatch(
      /^s\.yaml:6:5: unknown key 'crahs' in timeline\[0\]: did you mean 'crash'\? Allowed: at, for, crash/,
    );
  });

  it('names an unknown Kafka config, with a did-you-mean', () => {
    const e = errorOf(`${base}cluster:\n  config:\n    min.insync.replica: 2\n`);
    expect(e.line).toBe(6);
    expect(e.column).toBe(5);
    expect(e.problem).toContain(
      "unknown key 'min.insync.replica' in cluster.config: did you mean 'min.insync.replicas'?",
    );
  });

  it('explains a bad duration and a bad enum value', () => {
    expect(errorOf(`name: d\ndescription: x\nduration: 60 s\n`).message).toBe(
      's.yaml:3:11: duration is "60 s", not a duration: write a number and a unit, e.g. 250ms, 5s, 2m.',
    );
    const e = errorOf(`${base}cluster:\n  truncation: high-watermrk\n`);
    expect(e.message).toContain(
      `s.yaml:5:15: cluster.truncation is "high-watermrk" (did you mean 'high-watermark'?)`,
    );
  });

  it('reports a missing key and a YAML syntax error', () => {
    expect(errorOf('name: d\nduration: 5s\n').message).toBe(
      "s.yaml:1:1: the scenario is missing 'description'.",
    );
    expect(errorOf(`${base}topics: [\n`).message).toMatch(/^s\.yaml:\d+:\d+: YAML: /);
  });

  it('wants exactly one action per timeline entry', () => {
    expect(
      errorOf(`${base}timeline:\n  - at: 1s\n    crash: broker-1\n    restart: broker-1\n`).problem,
    ).toMatch(/^timeline\[0\] must have 'at' and exactly one action/);
  });
});
