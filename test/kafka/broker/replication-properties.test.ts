import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brokerName } from '../../../src/kafka/broker/io.js';
import type { BrokerConfig, TruncationMode } from '../../../src/kafka/config.js';
import { seconds } from '../../../src/sim/time.js';
import {
  type BrokerFault,
  type BrokerFaultKind,
  type ProducedRecord,
  scheduleFault,
  testProducer,
  zkCluster,
} from './cluster.js';

const faultsArb = fc.array(
  fc.record({
    at: fc.integer({ min: 5, max: 60 }),
    kind: fc.constantFrom<BrokerFaultKind>('crash', 'restart', 'pause', 'resume', 'isolate', 'heal'),
    broker: fc.integer({ min: 1, max: 3 }),
  }),
  { minLength: 1, maxLength: 8 },
);

interface Setup {
  readonly acks: number;
  readonly config: Partial<BrokerConfig>;
  readonly truncation: TruncationMode;
}

const SAFE: Setup = {
  acks: -1,
  config: { 'min.insync.replicas': 2, 'unclean.leader.election.enable': false },
  truncation: 'leader-epoch',
};

/** Runs one schedule: a topic RF=3, a producer, the faults until 60 s, then everything heals and restarts. */
function runSchedule(setup: Setup, faults: readonly BrokerFault[], seed: number) {
  const { world, broker, state, createTopic, ids, history } = zkCluster({
    seed,
    config: setup.config,
    truncation: setup.truncation,
  });
  createTopic(seconds(2), 't', [[1, 2, 3]]);
  const produced: ProducedRecord[] = [];
  world.spawn(
    'producer',
    testProducer({ acks: setup.acks, everyMs: 250, count: 240, brokers: ids, log: produced }),
    { start: false },
  );
  world.at(seconds(4), () => world.start('producer'));
  for (const f of [...faults].sort((a, b) => a.at - b.at)) scheduleFault(world, f);
  world.at(seconds(70), () => {
    world.network.heal();
    for (const id of ids) world.resume(brokerName(id));
  });
  // Crashed brokers come back once ZooKeeper has expired their old sessions (a broker cannot start
  // while its old registration is still there: KafkaServer.startup fails).
  world.at(seconds(90), () => {
    for (const id of ids) world.restart(brokerName(id));
  });
  world.runUntil(seconds(180));
  const final = state('t', 0);
  const log = (id: number) =>
    (broker(id)?.replicaManager.partitions.get('t-0')?.log.allBatches() ?? []).flatMap((b) =>
      b.records.map((r, i) => ({ offset: b.baseOffset + i, value: r.value })),
    );
  const hw = (id: number) => broker(id)?.replicaManager.partitions.get('t-0')?.log.highWatermark ?? 0;
  return { final, log, hw, produced, history, ids };
}

/** Acknowledged records missing from the final leader's log at their offsets. */
function lostWrites(run: ReturnType<typeof runSchedule>): ProducedRecord[] {
  const leader = run.final?.leader ?? -1;
  const byOffset = new Map(run.log(leader).map((r) => [r.offset, r.value]));
  return run.produced.filter(
    (p) => p.outcome?.error === 'NONE' && byOffset.get(p.outcome.offset) !== p.value,
  );
}

describe('replication properties under random crash, restart, pause and partition schedules', () => {
  it('safe configuration: no acknowledged record lost, replicas agree below their HW, one leader per epoch, HW monotonic', () => {
    fc.assert(
      fc.property(faultsArb, fc.integer({ min: 1, max: 1_000_000 }), (faults, seed) => {
        const run = runSchedule(SAFE, faults, seed);
        expect(run.final?.leader).toBeGreaterThan(0); // healed: someone leads
        expect(lostWrites(run)).toEqual([]);
        const leaderLog = new Map(run.log(run.final?.leader ?? -1).map((r) => [r.offset, r.value]));
        for (const id of run.ids) {
          for (const r of run.log(id))
            if (r.offset < run.hw(id)) expect(r.value).toBe(leaderLog.get(r.offset));
        }
        const leadersByEpoch = new Map<number, Set<number>>();
        const hwByLeaderEpoch = new Map<string, number>();
        for (const f of run.history.facts) {
          if (f.kind === 'become-leader') {
            const set = leadersByEpoch.get(f.leaderEpoch) ?? new Set();
            set.add(f.broker);
            leadersByEpoch.set(f.leaderEpoch, set);
            // A new tenure: after a restart the same broker may lead the same epoch again (a new
            // controller re-sends the unchanged state), starting from its checkpointed HW, as Kafka does.
            hwByLeaderEpoch.delete(`${f.broker}/${f.leaderEpoch}`);
          } else if (f.kind === 'high-watermark') {
            const key = `${f.broker}/${f.leaderEpoch}`;
            expect(f.highWatermark).toBeGreaterThan(hwByLeaderEpoch.get(key) ?? -1);
            hwByLeaderEpoch.set(key, f.highWatermark);
          }
        }
        for (const set of leadersByEpoch.values()) expect(set.size).toBe(1);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });

  const findsLoss = (setup: Setup) => {
    const result = fc.check(
      fc.property(faultsArb, fc.integer({ min: 1, max: 1_000_000 }), (faults, seed) => {
        return lostWrites(runSchedule(setup, faults, seed)).length === 0;
      }),
      { numRuns: 400, endOnFailure: true },
    );
    return result.failed;
  };

  it('finds a lost acknowledged record with acks=1', () => {
    expect(findsLoss({ ...SAFE, acks: 1 })).toBe(true);
  });

  it('finds a lost acknowledged record with unclean leader election on', () => {
    expect(
      findsLoss({ ...SAFE, config: { 'min.insync.replicas': 1, 'unclean.leader.election.enable': true } }),
    ).toBe(true);
  });

  it('finds a lost acknowledged record with high-watermark truncation and acks=all', () => {
    expect(findsLoss({ ...SAFE, config: { 'min.insync.replicas': 1 }, truncation: 'high-watermark' })).toBe(
      true,
    );
  });
});
