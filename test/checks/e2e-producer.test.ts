import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runChecks, snapshotCluster, violated } from '../../src/checks/index.js';
import type { ProducerConfig } from '../../src/clients/producer/config.js';
import { Cluster } from '../../src/cluster/cluster.js';
import type { BrokerConfig, TruncationMode } from '../../src/kafka/config.js';
import type { Fault } from '../../src/sim/fault.js';
import { seconds } from '../../src/sim/time.js';
import { fetchConsumer } from './fetch-consumer.js';

interface Run {
  readonly seed: number;
  readonly producer: Partial<ProducerConfig>;
  readonly broker?: Partial<BrokerConfig>;
  readonly truncation?: TruncationMode;
  /** Records per second (300 records in all; default 20: the producer is still sending after 15 s). */
  readonly rate?: number;
  readonly faults: readonly { readonly at: number; readonly fault: Fault }[];
  /** A consumer c1 reading t-0 from 2 s (see fetch-consumer.ts). */
  readonly consumer?: boolean;
}

/**
 * Three brokers, topic t (2 partitions, RF 3), producer p1 from 2 s; the faults; at 40 s the network
 * heals, at 60 s every broker that is down comes back; the final state is taken at 150 s, quiescent.
 */
function run(r: Run) {
  const cluster = new Cluster({
    seed: r.seed,
    ...(r.broker === undefined ? {} : { brokerConfig: r.broker }),
    ...(r.truncation === undefined ? {} : { truncation: r.truncation }),
  });
  cluster.createTopic({
    name: 't',
    assignment: [
      [1, 2, 3],
      [2, 3, 1],
    ],
  });
  cluster.addProducer(
    'p1',
    {
      config: { 'request.timeout.ms': 5_000, ...r.producer },
      workload: { topic: 't', count: 300, rate: r.rate ?? 20, keys: { kind: 'fixed', keys: ['a', 'b'] } },
    },
    seconds(2),
  );
  if (r.consumer === true)
    cluster.addClient(
      'c1',
      fetchConsumer({ history: cluster.clients, topic: 't', partition: 0, brokers: cluster.brokerIds }),
      seconds(2),
    );
  for (const f of r.faults) cluster.world.injectAt(seconds(f.at), f.fault);
  cluster.world.injectAt(seconds(40), { kind: 'heal' });
  cluster.world.at(seconds(60), () => {
    for (const id of cluster.brokerIds) {
      const name = `broker-${id}`;
      if (cluster.world.state(name) === 'paused') cluster.world.inject({ kind: 'resume', process: name });
      else if (cluster.world.state(name) !== 'up') cluster.world.restart(name);
    }
  });
  cluster.world.runUntil(seconds(150));
  const input = {
    clients: cluster.clients,
    cluster: cluster.history,
    final: snapshotCluster(cluster, { quiescent: true }),
  };
  return { cluster, input, results: runChecks(input) };
}

const at = (seconds: number, fault: Fault) => ({ at: seconds, fault });

/**
 * t-0's followers (brokers 2, 3) crash at 5 s, its leader (broker 1) at 10 s; the followers come
 * back at 30 s, once their ZooKeeper sessions expired (a broker restarted earlier finds its old
 * /brokers/ids node and shuts down), and are elected from the stale ISR; broker 1 comes back at 50 s.
 */
const leaderCrashAfterFollowers: Run['faults'] = [
  at(5, { kind: 'crash', process: 'broker-2' }),
  at(5, { kind: 'crash', process: 'broker-3' }),
  at(10, { kind: 'crash', process: 'broker-1' }),
  at(30, { kind: 'restart', process: 'broker-2' }),
  at(30, { kind: 'restart', process: 'broker-3' }),
  at(50, { kind: 'restart', process: 'broker-1' }),
];

/** Jepsen's classic: t-0's leader and the producer are cut off from the rest from 5 s to 30 s. */
const leaderCutOff: Run['faults'] = [
  at(5, {
    kind: 'partition',
    groups: [
      ['broker-1', 'p1'],
      ['broker-2', 'broker-3', 'zookeeper-1', 'admin'],
    ],
  }),
  at(30, { kind: 'heal' }),
];

/** The first seed in 1..10 whose run violates `name`, with its results. */
function firstSeed(name: string, r: Omit<Run, 'seed'>) {
  for (let seed = 1; seed <= 10; seed++) {
    const { results } = run({ ...r, seed });
    if (results.some((x) => x.name === name && x.status === 'violated')) return { seed, results };
  }
  return undefined;
}

describe('checkers over real producer runs', () => {
  it('acks=1 with the leader cut off from ZooKeeper and its followers: lost-write, and nothing that acks=1 does not allow', () => {
    const found = firstSeed('lost-write', { producer: { acks: 1 }, faults: leaderCutOff });
    expect(found).toBeDefined();
    const lost = found!.results.find((r) => r.name === 'lost-write')!;
    expect(lost.violations[0]?.message).toMatch(
      /^acked record t-0@\d+ \(p1-\d+\) lost: not in the final committed log of t-0 \(leader broker [23], HW \d+\)$/,
    );
    expect(lost.violations[0]?.events.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['op', 'replica-fact', 'final-state']),
    );
    expect(violated(found!.results)).not.toContain('split-brain');
    expect(violated(found!.results)).not.toContain('replica-divergence');
  });

  it('acks=1 and high-watermark truncation (before KIP-101): a leader crash loses writes and leaves replicas diverged', () => {
    const found = firstSeed('replica-divergence', {
      producer: { acks: 1 },
      truncation: 'high-watermark',
      faults: leaderCrashAfterFollowers,
      consumer: true,
    });
    expect(found).toBeDefined();
    // the consumer read a record below the HW that the new leader no longer has: an aborted read
    expect(violated(found!.results)).toEqual(
      expect.arrayContaining(['lost-write', 'inconsistent-offsets', 'G1a', 'replica-divergence']),
    );
    expect(found!.results.find((r) => r.name === 'G1a')?.violations[0]?.message).toMatch(
      /^G1a: c1 read t-0@\d+ \(p1-\d+\), which is not in the final committed log \(leader broker \d, it holds p1-\d+\)$/,
    );
    const divergence = found!.results.find((r) => r.name === 'replica-divergence')!;
    expect(divergence.violations[0]?.message).toMatch(
      /^replica divergence: t-0@\d+ is p1-\d+ \(epoch \d+\) on broker \d but p1-\d+ \(epoch \d+\) on leader broker \d, below HW \d+$/,
    );
  });

  it('the same crash with leader-epoch truncation (KIP-101): the writes are lost, the replicas agree, nothing read was undone', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const names = violated(
        run({ seed, producer: { acks: 1 }, faults: leaderCrashAfterFollowers, consumer: true }).results,
      );
      // acks=1 turns idempotence off, so the retries after the crash may also reorder (Kafka made no promise)
      expect(names.filter((n) => n !== 'reorder')).toEqual(['lost-write', 'inconsistent-offsets', 'unseen']);
    }
  });

  it('a consumer reading through a lossy leader crash: its polls are monotonic, skip nothing, read nothing uncommitted; the lost writes are also unseen', () => {
    const { results, input } = run({
      seed: 1,
      producer: { acks: 1 },
      faults: leaderCrashAfterFollowers,
      consumer: true,
    });
    const polled = input.clients.ops.filter(
      (o) => o.f === 'poll' && o.type === 'ok' && (o.records?.length ?? 0) > 0,
    );
    expect(polled.length).toBeGreaterThan(10);
    const names = violated(results);
    expect(names).toEqual(expect.arrayContaining(['lost-write', 'unseen']));
    expect(names).not.toContain('nonmonotonic-poll');
    expect(names).not.toContain('poll-skip');
    expect(names).not.toContain('G1a');
    // c1 reads t-0 only: the unseen records are exactly t-0's lost writes (no HW ever covered them)
    const values = (name: string, at: number) =>
      results
        .find((r) => r.name === name)!
        .violations.map((v) => v.message.split(' '))
        .filter((words) => words[at - 1]?.startsWith('t-0@'))
        .map((words) => words[at])
        .sort();
    expect(values('unseen', 4)).toEqual(values('lost-write', 3));
    expect(values('unseen', 4).length).toBeGreaterThan(0);
  });

  it('the same seed and faults give the same verdicts, event for event', () => {
    const once = () =>
      JSON.stringify(
        run({ seed: 4, producer: { acks: 1 }, faults: leaderCrashAfterFollowers, consumer: true }).results,
      );
    expect(once()).toBe(once());
  });

  it('acks=all, min.insync.replicas=2 and idempotence hold across random fault schedules', () => {
    const fault = fc.record({
      at: fc.integer({ min: 3, max: 30 }),
      broker: fc.integer({ min: 1, max: 3 }),
      kind: fc.constantFrom('crash' as const, 'restart' as const, 'isolate' as const, 'pause' as const),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(fault, { maxLength: 5 }),
        (seed, faults) => {
          const { results, input } = run({
            seed,
            producer: { acks: -1, 'enable.idempotence': true },
            broker: { 'min.insync.replicas': 2 },
            faults: faults.map((f) => at(f.at, { kind: f.kind, process: `broker-${f.broker}` })),
          });
          // the run did something: records were acknowledged and the checkers saw them
          expect(input.clients.ops.some((o) => o.f === 'send' && o.type === 'ok')).toBe(true);
          const held = [
            'lost-write',
            'duplicate',
            'inconsistent-offsets',
            'reorder',
            'replica-divergence',
            'split-brain',
            'hw-regression',
          ];
          const broken = results.filter((r) => held.includes(r.name) && r.status === 'violated');
          expect(broken.flatMap((r) => r.violations.map((v) => `${r.name}: ${v.message}`))).toEqual([]);
        },
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 8) },
    );
  });
});
