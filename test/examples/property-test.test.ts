import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSchedule, compileScenario, faultScheduleArb, scheduleTargets } from '../../src/index.js';

// A small cluster. Its `faults:` section is the window the generated faults go in; after
// `until` the network heals and every broker is restarted, so the consumer can catch up. The
// healing period must outlast the slowest recovery: a controller that also coordinates the group,
// killed and restarted at once, is refused by ZooKeeper until its old session expires (18 s); the
// new controller moves leaders back 5 s later, and the group waits out a 6 s session again.
const scenario = (producer: string) => `
name: small
description: One partition on three brokers, a producer and a consumer group.
duration: 60s
cluster:
  brokers: 3
  config: { min.insync.replicas: 2, log.flush.interval.messages: 1, offsets.topic.num.partitions: 1 }
topics:
  - { name: orders, partitions: 1, replication-factor: 3 }
producers:
  - { name: p1, topic: orders, rate: 50, count: 500, keys: sequential, start: 1s, config: ${producer} }
consumers:
  - name: c1
    topics: [orders]
    commit: after-processing
    config: { group.id: app, auto.offset.reset: earliest, session.timeout.ms: 6000 }
faults: { from: 2s, until: 12s }
`;

// One request in flight: with five, a leader move can push a retry out of the five batches the
// broker remembers, and the idempotent producer writes it twice (scenarios/sweeps/idempotent-five-in-flight.yaml).
const safe = compileScenario(
  'safe.yaml',
  scenario('{ acks: all, enable.idempotence: true, max.in.flight.requests.per.connection: 1 }'),
);
const unsafe = compileScenario('acks-1.yaml', scenario('{ acks: 1, enable.idempotence: false }'));
// Up to 3 faults of every kind: crashes, pauses, partitions, slow or lossy links, session expiry...
const schedules = faultScheduleArb({
  targets: scheduleTargets(safe),
  from: '2s',
  until: '12s',
  maxFaults: 3,
});
const seeds = fc.integer({ min: 1, max: 1_000_000 });

describe('orders under random faults', () => {
  it('loses, duplicates and reorders nothing with acks=all and idempotence', () => {
    fc.assert(
      fc.property(schedules, seeds, (schedule, seed) => {
        expect(checkSchedule(safe, schedule, seed).failing).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });

  it('loses acknowledged writes with acks=1, and shrinks the schedule that shows it', () => {
    const details = fc.check(
      fc.property(schedules, seeds, (schedule, seed) => {
        return !checkSchedule(unsafe, schedule, seed).failing.includes('lost-write');
      }),
      { numRuns: 200, seed: 1 }, // a fixed seed: the same counterexample on every run
    );
    expect(details.failed).toBe(true);
    // Shrunk to a few short, early faults: here broker-2 isolated at 2s for 1s and the controller,
    // also the leader, killed 21 ms later, after it had acknowledged a record no follower had.
    const [schedule, seed] = details.counterexample ?? [[], 0];
    expect(schedule.length).toBeGreaterThan(0);
    // `yaml` is the failing run as a scenario file: `kafka-sim run` of it replays it exactly.
    const { yaml, failing } = checkSchedule(unsafe, schedule, seed);
    expect(failing).toContain('lost-write');
    expect(yaml).toContain(`seed: ${seed}`);
  });
});
