import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileScenario } from '../../src/scenario/compile.js';
import { runScenario } from '../../src/scenario/run.js';
import { compileError } from './helpers.js';

const head = 'name: d\ndescription: x\nduration: 60s\ntimeline:\n';

describe('scenario files: backup-zookeeper and restore-zookeeper', () => {
  it('compiles a backup and a later restore of it', () => {
    const scenario = compileScenario(
      's.yaml',
      `${head}  - at: 5s\n    restore-zookeeper: b1\n  - at: 2s\n    backup-zookeeper: b1\n`,
    );
    expect(scenario.timeline.map((e) => e.action)).toEqual([
      { kind: 'backup-zookeeper', backup: 'b1' },
      { kind: 'restore-zookeeper', backup: 'b1' },
    ]);
    // At the same time, the backup must come first in the file.
    expect(
      compileError(`${head}  - at: 2s\n    backup-zookeeper: b1\n  - at: 2s\n    restore-zookeeper: b1\n`),
    ).toBe('no error');
  });

  it('refuses a restore of an unknown backup, or of one taken after it, at the restore’s line and column', () => {
    expect(
      compileError(
        `${head}  - at: 2s\n    backup-zookeeper: nightly\n  - at: 5s\n    restore-zookeeper: nigthly\n`,
      ),
    ).toBe(
      "s.yaml:8:24: no backup named 'nigthly' (did you mean 'nightly'?): take one earlier in the timeline with backup-zookeeper: nigthly.",
    );
    expect(compileError(`${head}  - at: 5s\n    restore-zookeeper: b1\n`)).toBe(
      "s.yaml:6:24: no backup named 'b1': take one earlier in the timeline with backup-zookeeper: b1.",
    );
    expect(
      compileError(`${head}  - at: 5s\n    restore-zookeeper: b1\n  - at: 9s\n    backup-zookeeper: b1\n`),
    ).toBe("s.yaml:6:24: backup 'b1' is taken at 9s, not before this restore at 5s.");
    expect(
      compileError(`${head}  - at: 2s\n    restore-zookeeper: b1\n  - at: 2s\n    backup-zookeeper: b1\n`),
    ).toBe("s.yaml:6:24: backup 'b1' is taken at 2s, not before this restore at 2s.");
    expect(compileError(`${head}  - at: 2s\n    backup-zookeeper: ''\n`)).toMatch(/^s\.yaml:6:/);
  });

  it('tells what a restore rolled back', () => {
    const run = runScenario(
      compileScenario(
        's.yaml',
        `name: d
description: x
duration: 40s
topics: [{ name: t, assignment: [[1, 2]] }]
timeline:
  - at: 3s
    backup-zookeeper: b1
  - at: 4s
    crash: broker-1
  - at: 30s
    restore-zookeeper: b1
`,
      ),
    );
    const told = run.timeline.map((e) => e.text);
    expect(told[0]).toMatch(/^ZooKeeper backed up as b1: \d+ znodes up to zxid 0x[0-9a-f]+, 3 session\(s\)$/);
    expect(told[2]).toMatch(
      /^ZooKeeper restored from backup b1 taken at t=3s: every server restarted; \/brokers\/ids \[2,3\] -> \[1,2,3\], t-0 leader 2 epoch 1 ISR \[2\] -> leader 1 epoch 0 ISR \[1,2\] \(unchanged: \/controller_epoch 1, \/controller broker \d\); zxid 0x[0-9a-f]+ -> 0x[0-9a-f]+ \(zxids are handed out again\); 3 session\(s\) of the backup live again, 0 session\(s\) created since are gone$/,
    );
  });
});

describe('scenarios/zookeeper-restored-from-backup.yaml', () => {
  it('tells the restore and ends with broker 1 leading orders-0 in ZooKeeper', () => {
    const file = 'zookeeper-restored-from-backup.yaml';
    const run = runScenario(
      compileScenario(
        `scenarios/${file}`,
        readFileSync(new URL(`../../scenarios/${file}`, import.meta.url), 'utf8'),
      ),
    );
    expect(run.timeline[4]?.text).toMatch(
      /^ZooKeeper restored from backup nightly taken at t=8s: every server restarted; \/brokers\/ids \[2,3\] -> \[1,2,3\], orders-0 leader 2 epoch 2 ISR \[2,3\] -> leader 1 epoch 0 ISR \[1,2,3\] \(unchanged: \/controller_epoch 1, \/controller broker 2\); zxid 0x67 -> 0x4e \(zxids are handed out again\); 3 session\(s\) of the backup live again, 1 session\(s\) created since are gone$/,
    );
    const violated = run.checks.filter((c) => c.result.status === 'violated').map((c) => c.result.name);
    expect(violated).toEqual(['lost-write', 'split-brain', 'hw-regression']);
    expect(run.verdict).toBe('pass');
  });
});
