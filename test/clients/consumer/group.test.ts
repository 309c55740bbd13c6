import { describe, expect, it } from 'vitest';
import { brokerName } from '../../../src/kafka/broker/io.js';
import { seconds } from '../../../src/sim/time.js';
import { consumerWorld } from './harness.js';

const GROUP = {
  'session.timeout.ms': 10_000,
  'heartbeat.interval.ms': 1_000,
  'auto.offset.reset': 'earliest',
} as const;

/** The last assignment of each process. */
function lastAssignments(facts: ReturnType<ReturnType<typeof consumerWorld>['assignments']>) {
  const last = new Map<string, { generation: number; partitions: readonly string[] }>();
  for (const f of facts) if (f.kind === 'assigned') last.set(f.process, f);
  return last;
}

describe('consumer group', () => {
  it('three consumers split three partitions and consume everything', () => {
    const w = consumerWorld({ partitions: 3 });
    w.produce(5, 60);
    for (const [i, name] of ['c1', 'c2', 'c3'].entries()) w.consumer(name, 4 + i * 0.2, { config: GROUP });
    w.world.runUntil(seconds(40));
    const last = lastAssignments(w.assignments());
    expect([...last.keys()].sort()).toEqual(['c1', 'c2', 'c3']);
    const gens = new Set([...last.values()].map((a) => a.generation));
    expect(gens.size).toBe(1);
    expect([...last.values()].flatMap((a) => a.partitions).sort()).toEqual(['t-0', 't-1', 't-2']);
    const seen = new Set(w.polled().map((r) => r.value));
    for (const a of w.acked) expect(seen.has(a.value)).toBe(true);
  });

  it('a consumer crash makes a rebalance: a later generation gives its partitions to the others', () => {
    const w = consumerWorld({ partitions: 3 });
    w.produce(5, 200);
    for (const [i, name] of ['c1', 'c2', 'c3'].entries()) w.consumer(name, 4 + i * 0.2, { config: GROUP });
    w.world.runUntil(seconds(15));
    const before = lastAssignments(w.assignments());
    const genBefore = Math.max(...[...before.values()].map((a) => a.generation));
    w.world.crash('c2');
    w.world.runUntil(seconds(60));
    const after = lastAssignments(w.assignments().filter((f) => f.time > seconds(15)));
    expect([...after.keys()].sort()).toEqual(['c1', 'c3']);
    for (const a of after.values()) expect(a.generation).toBeGreaterThan(genBefore);
    expect([...after.values()].flatMap((a) => a.partitions).sort()).toEqual(['t-0', 't-1', 't-2']);
  });

  it('a slow consumer (past max.poll.interval.ms) leaves the group, loses its partitions and rejoins as a new member', () => {
    const w = consumerWorld({ partitions: 2 });
    w.produce(5, 100);
    w.consumer('fast', 4, { config: GROUP, commitMode: 'after-processing' });
    w.consumer('slow', 4.2, {
      config: { ...GROUP, 'max.poll.interval.ms': 8_000 },
      commitMode: 'after-processing',
      processing: { perBatchMs: 12_000 },
    });
    w.world.runUntil(seconds(60));
    const lost = w.history.memberFacts.filter((f) => f.kind === 'lost' && f.process === 'slow');
    expect(lost.length).toBeGreaterThan(0);
    const slowAssigned = w.assignments('slow');
    const memberIds = new Set(slowAssigned.map((f) => f.kind === 'assigned' && f.memberId));
    expect(memberIds.size).toBeGreaterThan(1); // rejoined as a new member
    const joins = w.history.memberFacts.filter((f) => f.kind === 'joining' && f.process === 'slow');
    expect(joins.some((f) => f.kind === 'joining' && f.reason === 'consumer poll timeout has expired.')).toBe(
      true,
    );
    // its late commit after the poll timeout was rejected
    const failed = w.history.ops.filter((o) => o.f === 'commit' && o.process === 'slow' && o.type === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    const fastGens = w.assignments('fast').map((f) => (f.kind === 'assigned' ? f.generation : 0));
    expect(new Set(fastGens).size).toBeGreaterThan(1);
  });

  it('a coordinator broker crash: members find the new coordinator; a member joining meanwhile rebalances there', () => {
    // Kafka (research §5): a coordinator move alone does not rebalance; the new coordinator loads the
    // group and members keep their generation. Here a third member starts during the outage.
    const w = consumerWorld({ partitions: 3 });
    w.produce(5, 300);
    for (const [i, name] of ['c1', 'c2'].entries()) w.consumer(name, 4 + i * 0.2, { config: GROUP });
    w.consumer('c3', 20, { config: GROUP });
    w.world.runUntil(seconds(15));
    const first = w.assignments();
    const coordinator = (first.at(-1) as { coordinator: number }).coordinator;
    const genBefore = Math.max(...first.map((f) => (f.kind === 'assigned' ? f.generation : -1)));
    w.world.crash(brokerName(coordinator));
    w.world.runUntil(seconds(60));
    const later = w.assignments().filter((f) => f.time > seconds(15));
    expect(later.length).toBeGreaterThan(0);
    for (const f of later) if (f.kind === 'assigned') expect(f.coordinator).not.toBe(coordinator);
    expect(Math.max(...later.map((f) => (f.kind === 'assigned' ? f.generation : -1)))).toBeGreaterThan(
      genBefore,
    );
    const last = lastAssignments(later);
    expect([...last.keys()].sort()).toEqual(['c1', 'c2', 'c3']);
    expect([...last.values()].flatMap((a) => a.partitions).sort()).toEqual(['t-0', 't-1', 't-2']);
    // commits reach the new coordinator
    const okAfter = w.history.ops.filter((o) => o.f === 'commit' && o.type === 'ok' && o.time > seconds(40));
    expect(okAfter.length).toBeGreaterThan(0);
  });

  it('the coordinator broker crash schedule run to 120 s: no event storm, one Stable generation on the new coordinator', () => {
    // Regression: the heartbeat thread kept its deadlines in fractional milliseconds; 65031.923 + 1000
    // is 66031.92300000001, so its timer, set 1e-11 ms ahead, rounded to the same microsecond, found
    // the heartbeat not yet due and re-armed itself forever (at 66.031923 s here). Kafka's clock
    // (Time.milliseconds) is whole milliseconds, as the consumer's now is.
    const w = consumerWorld({ partitions: 3 });
    w.produce(5, 300);
    for (const [i, name] of ['c1', 'c2'].entries()) w.consumer(name, 4 + i * 0.2, { config: GROUP });
    w.consumer('c3', 20, { config: GROUP });
    w.world.runUntil(seconds(15));
    const coordinator = (w.assignments().at(-1) as { coordinator: number }).coordinator;
    w.world.crash(brokerName(coordinator));
    const perSecond: number[] = [];
    for (let t = 16; t <= 120; t++) {
      const before = w.world.stats.events;
      // A livelock is an unbounded number of events at one instant: the budget stops it. (A
      // second of this schedule takes at most a few hundred events, while the dead broker is
      // still everybody's leader too: reconnect.backoff.ms keeps the fetcher off it.)
      expect(w.world.runUntil(seconds(t), { maxEvents: 2_000 }).stop).toBe('time');
      perSecond.push(w.world.stats.events - before);
    }
    // Once the group has settled, a second of this workload is a few dozen events.
    // about 8.6k events from the crash to 120 s (before the fixes: unbounded at 66 s, and 75k-130k
    // events up to then, most of them fetches to the dead broker, one a millisecond)
    expect(perSecond.reduce((a, b) => a + b, 0)).toBeLessThan(20_000);
    const settled = perSecond.slice(60 - 16);
    expect(settled.reduce((a, b) => a + b, 0)).toBeLessThan(settled.length * 100);
    const last = lastAssignments(w.assignments());
    const generations = new Set([...last.values()].map((a) => a.generation));
    expect(generations.size).toBe(1);
    expect([...last.values()].flatMap((a) => a.partitions).sort()).toEqual(['t-0', 't-1', 't-2']);
    const newCoordinator = (w.assignments().at(-1) as { coordinator: number }).coordinator;
    expect(newCoordinator).not.toBe(coordinator);
    const group = w.broker(newCoordinator)?.groupCoordinator.manager.getGroup('g');
    expect(group?.state).toBe('Stable');
    expect(group?.generationId).toBe([...generations][0]);
    expect(group?.size).toBe(3);
    // no rebalance after the one that brought c3 in
    const lastJoin = Math.max(
      ...w.history.memberFacts.filter((f) => f.kind === 'joining').map((f) => f.time),
    );
    expect(lastJoin).toBeLessThan(seconds(60));
  });

  it('three consumers, one crashing (seed 2): no event storm', () => {
    // The same drift in a quieter schedule livelocked before 15 s with seed 2.
    const w = consumerWorld({ seed: 2, partitions: 3 });
    w.produce(5, 200);
    for (const [i, name] of ['c1', 'c2', 'c3'].entries()) w.consumer(name, 4 + i * 0.2, { config: GROUP });
    expect(w.world.runUntil(seconds(15), { maxEvents: 100_000 }).stop).toBe('time');
    w.world.crash('c2');
    expect(w.world.runUntil(seconds(40), { maxEvents: 100_000 }).stop).toBe('time');
    const last = lastAssignments(w.assignments().filter((f) => f.time > seconds(15)));
    expect([...last.values()].flatMap((a) => a.partitions).sort()).toEqual(['t-0', 't-1', 't-2']);
  });
});
