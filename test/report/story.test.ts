import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tellStory } from '../../src/report/story.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { runScenario } from '../../src/scenario/run.js';

describe('the story of a consumer group', () => {
  it("tells rebalances with the coordinator's reason, members by their consumers' names", () => {
    const file = new URL('../../scenarios/consumer-crash-rebalance.yaml', import.meta.url);
    const run = runScenario(
      compileScenario('scenarios/consumer-crash-rebalance.yaml', readFileSync(file, 'utf8')),
    );
    const lines = tellStory(run).map((l) => l.text);
    const rebalances = lines.filter((l) => l.startsWith('group orders-app rebalancing'));
    // regression: an empty member id replaced every gap between letters ("Ac3dc3dc3i…")
    expect(rebalances[0]).toMatch(
      /^group orders-app rebalancing \(coordinator \d\): Adding new member c\d with group instance id None; client reason: initial join$/,
    );
    expect(rebalances).toContainEqual(expect.stringMatching(/removing member c2 on heartbeat expiration$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^group orders-app generation 2 is Stable with 2 member\(s\): c[13], c[13]$/),
    );
    expect(lines).toContain('c2 crashed');
  });
});

describe('the story of a broker restarted too early', () => {
  it('says that it could not start, and why, as KafkaServer.startup fails', () => {
    const text = `name: early-restart
description: a broker restarted before its old ZooKeeper session expired
duration: 30s
cluster: { brokers: 3 }
topics:
  - { name: orders, partitions: 1, replication-factor: 3 }
timeline:
  - { at: 10s, crash: broker-2 }
  - { at: 15s, restart: broker-2 }
`;
    const run = runScenario(compileScenario('s.yaml', text));
    const lines = tellStory(run).map((l) => l.text);
    expect(lines).toContainEqual(
      expect.stringMatching(/^broker 2 could not start and exits: its previous ZooKeeper session still owns/),
    );
    expect(run.cluster.world.state('broker-2')).not.toBe('up');
  });
});
