import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultScheduleArb } from '../../src/faults/arbitraries.js';
import { clusterConfigArb, workloadArb } from '../../src/faults/config-arbitraries.js';
import { materialize, scheduleTargets } from '../../src/faults/materialize.js';
import { buildScenario, checkSchedule, scenarioArb } from '../../src/faults/property.js';
import { compileScenario } from '../../src/scenario/compile.js';
import { parseDuration } from '../../src/scenario/duration.js';
import type { TimelineEntry } from '../../src/scenario/types.js';

const scenario = compileScenario(
  'small.yaml',
  `name: small
description: d
duration: 30s
cluster:
  brokers: 3
  config: { min.insync.replicas: 2, offsets.topic.num.partitions: 1 }
topics:
  - { name: orders, partitions: 2, replication-factor: 3 }
producers:
  - { name: p1, topic: orders, rate: 50, count: 200, start: 1s }
consumers:
  - name: c1
    topics: [orders]
    config: { group.id: app, auto.offset.reset: earliest, session.timeout.ms: 6000, heartbeat.interval.ms: 2000 }
faults: { from: 2s, until: 10s }
`,
);
const targets = scheduleTargets(scenario);
const schedules = faultScheduleArb({ targets, from: '2s', until: '10s', maxFaults: 4 });
const S = 1_000_000;

function times(entry: TimelineEntry): { at: number; end: number } {
  const at = parseDuration(entry.at) as number;
  return { at, end: at + (entry.for === undefined ? 0 : (parseDuration(entry.for) as number)) };
}

describe('faultScheduleArb', () => {
  it('aims at the scenario: every broker without a faults.brokers list, its clients and partitions', () => {
    expect(targets).toEqual({
      brokers: ['broker-1', 'broker-2', 'broker-3'],
      zookeepers: ['zookeeper-1'],
      producers: ['p1'],
      consumers: ['c1'],
      partitions: ['orders-0', 'orders-1'],
    });
  });

  it('writes timelines that compile with the scenario', () => {
    fc.assert(
      fc.property(schedules, (schedule) => {
        const compiled = compileScenario('s.yaml', materialize(scenario, 1, schedule));
        expect(compiled.timeline.length).toBeGreaterThanOrEqual(schedule.length);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every fault in the window, in time order, in whole milliseconds, at most maxFaults', () => {
    fc.assert(
      fc.property(schedules, (schedule) => {
        expect(schedule.length).toBeLessThanOrEqual(4);
        let last = 0;
        for (const entry of schedule) {
          const { at, end } = times(entry);
          expect(at).toBeGreaterThanOrEqual(2 * S);
          expect(end).toBeLessThanOrEqual(10 * S);
          expect(at).toBeGreaterThanOrEqual(last);
          expect(at % 1000).toBe(0);
          last = at;
          if ('partition' in entry) {
            const servers = entry.partition.flat().filter((p) => /^(broker|zookeeper)-/.test(p));
            expect(servers.sort()).toEqual(['broker-1', 'broker-2', 'broker-3', 'zookeeper-1']);
            for (const side of entry.partition) expect(side.some((p) => servers.includes(p))).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('draws only the kinds asked for, and none without targets', () => {
    const pauses = faultScheduleArb({ targets, until: '5s', kinds: ['pause'], minFaults: 1 });
    for (const schedule of fc.sample(pauses, 50))
      for (const entry of schedule) expect(Object.keys(entry).sort()).toEqual(['at', 'for', 'pause']);
    const none = faultScheduleArb({ targets: { brokers: ['broker-1'] }, until: '5s', kinds: ['partition'] });
    expect(fc.sample(none, 5)).toEqual([[], [], [], [], []]);
  });

  it('shrinks to fewer, shorter, earlier faults on the first broker', () => {
    // Fails when a broker is down for 5 s or more: the smallest such schedule is one crash of
    // exactly 5 s at the start of the window, of broker-1.
    const details = fc.check(
      fc.property(
        faultScheduleArb({ targets, from: '2s', until: '20s', kinds: ['crash', 'pause', 'partition'] }),
        (schedule) =>
          !schedule.some(
            (e) => 'crash' in e && typeof e.crash === 'string' && times(e).end - times(e).at >= 5 * S,
          ),
      ),
      { seed: 7, numRuns: 500 },
    );
    expect(details.failed).toBe(true);
    expect(details.counterexample?.[0]).toEqual([{ at: '2s', for: '5s', crash: 'broker-1' }]);
  });

  it('refuses a window that ends before it begins', () => {
    expect(() => faultScheduleArb({ targets, from: '5s', until: '5s' })).toThrow(/must be after/);
    expect(() => faultScheduleArb({ targets, until: '1500us' })).toThrow(/whole milliseconds/);
  });
});

describe('clusterConfigArb and workloadArb', () => {
  it('give only valid combinations, which compile as a scenario', () => {
    fc.assert(
      fc.property(clusterConfigArb(), workloadArb(), (cluster, workload) => {
        const { brokers, config } = cluster.cluster;
        const [topic] = cluster.topics;
        expect(brokers).toBeGreaterThanOrEqual(3);
        expect(brokers).toBeLessThanOrEqual(5);
        expect(topic['replication-factor']).toBeLessThanOrEqual(brokers);
        expect(config['min.insync.replicas']).toBeLessThanOrEqual(topic['replication-factor']);
        for (const p of workload.producers)
          if (p.config?.['enable.idempotence']) expect(p.config.acks).toBe('all');
        // compile applies KafkaProducer's and CreateTopics' own checks
        const built = buildScenario({ duration: '30s', cluster, workload });
        expect(built.compiled.brokers).toBe(brokers);
      }),
      { numRuns: 200 },
    );
  });
});

describe('checkSchedule', () => {
  it('is deterministic for a seed, and replays from the YAML it returns', () => {
    fc.assert(
      fc.property(schedules, fc.integer({ min: 1, max: 10_000 }), (schedule, seed) => {
        const first = checkSchedule(scenario, schedule, seed);
        const again = checkSchedule(scenario.text, schedule, seed);
        expect(again.traceHash).toBe(first.traceHash);
        expect(again.failing).toEqual(first.failing);
        expect(first.checks.map((c) => c.name)).toContain('lost-write');
        expect(checkSchedule(compileScenario('replay.yaml', first.yaml), [], seed).traceHash).toBe(
          first.traceHash,
        );
      }),
      { numRuns: 5 },
    );
  });

  it('runs generated scenarios with their schedules', () => {
    const arb = scenarioArb({
      duration: '30s',
      workload: { count: { min: 20, max: 100 }, consumers: { min: 0, max: 1 } },
      faults: { from: '2s', until: '10s', maxFaults: 2 },
    });
    for (const { scenario: built, schedule } of fc.sample(arb, { seed: 3, numRuns: 3 })) {
      const result = checkSchedule(built.compiled, schedule, 1);
      expect(result.checks).toHaveLength(12);
      expect(result.verdict).toBe(result.failing.length === 0 ? 'pass' : 'fail');
    }
  });
});
