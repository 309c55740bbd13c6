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
      /^group orders-app rebalancing \(coordinator \d\): Adding new member c\d; client reason: initial join$/,
    );
    expect(rebalances).toContainEqual(expect.stringMatching(/removing member c2 on heartbeat expiration$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^group orders-app generation 2 is Stable with 2 member\(s\): c[13], c[13]$/),
    );
    expect(lines).toContain('c2 crashed');
  });
});
