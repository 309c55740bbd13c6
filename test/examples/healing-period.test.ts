import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSchedule } from '../../src/index.js';

const text = readFileSync(new URL('../fixtures/small-cluster.yaml', import.meta.url), 'utf8');

// Found by the README example's random property run when its scenario lasted 40 s: the consumer
// crashes, then broker 1 (controller and group coordinator) is killed and restarted a second
// later. ZooKeeper refuses the restart until the old session expires (18 s); the new controller
// moves the offsets partition back to broker 1 five seconds after taking office
// (KafkaController.onControllerFailover), and the reloaded group waits out the old member's 6 s
// session again. The consumer is still rejoining at 40 s.
const schedule = [
  { at: '4122ms', for: '1s', crash: 'c1' },
  { at: '10116ms', for: '1s', crash: 'controller' },
];

describe("the README example's healing period", () => {
  it('at 40 s, ends before the group has recovered: records acknowledged but never polled', () => {
    const result = checkSchedule(text.replace('duration: 60s', 'duration: 40s'), schedule, 380216);
    expect(result.failing).toEqual(['unseen']);
  });

  it('at 60 s, as the example now runs, outlasts the recovery: every checker holds', () => {
    expect(checkSchedule(text, schedule, 380216).failing).toEqual([]);
  });
});
