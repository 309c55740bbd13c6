import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { brokerName } from '../../../src/kafka/broker/io.js';
import { seconds } from '../../../src/sim/time.js';
import { type BrokerFault, brokerFaultArbitrary, scheduleFaultFor } from '../../kafka/broker/cluster.js';
import { producerCluster, sendIndex } from './harness.js';

const RUNS = Number(process.env.FC_RUNS ?? 25);

const faultArbitrary = brokerFaultArbitrary(5, 30);

/** What a run left in the committed logs: duplicates and out-of-order pairs, per partition. */
function anomalies(committed: (p: number) => string[], partitions: number) {
  const duplicates: string[] = [];
  const reorders: [string, string][] = [];
  for (let p = 0; p < partitions; p++) {
    const log = committed(p);
    const seen = new Set<string>();
    for (const [i, v] of log.entries()) {
      if (seen.has(v)) duplicates.push(`t-${p}: ${v}`);
      seen.add(v);
      const previous = log[i - 1];
      if (previous !== undefined && sendIndex(v) < sendIndex(previous)) reorders.push([previous, v]);
    }
  }
  return { duplicates, reorders };
}

function runWith(seed: number, faults: readonly BrokerFault[], idempotent: boolean) {
  const run = producerCluster({
    seed,
    partitions: 2,
    broker: { 'min.insync.replicas': 2 },
    config: idempotent
      ? { 'request.timeout.ms': 5_000 }
      : {
          'enable.idempotence': false,
          'max.in.flight.requests.per.connection': 5,
          'request.timeout.ms': 5_000,
        },
    workload: { count: 300, rate: 50, keys: { kind: 'fixed', keys: ['a', 'b'] } },
  });
  for (const f of faults) scheduleFaultFor(run.world, f, 'p1', 8);
  run.world.at(seconds(40), () => run.world.inject({ kind: 'heal' }));
  // once the old ZooKeeper sessions expired (18 s), bring back brokers that are down or paused
  run.world.at(seconds(60), () => {
    for (const id of run.ids) if (run.world.state(brokerName(id)) !== 'up') run.world.restart(brokerName(id));
  });
  run.world.runUntil(seconds(150));
  return { run, ...anomalies(run.committed, 2) };
}

describe('producer properties under random faults', () => {
  it('an idempotent producer never leaves a duplicate or a reorder in any partition', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(faultArbitrary, { maxLength: 6 }),
        (seed, faults) => {
          const { run, duplicates, reorders } = runWith(seed, faults, true);
          expect(duplicates).toEqual([]);
          expect(reorders).toEqual([]);
          // and every acknowledged record is in the committed log
          const logs = new Set([...run.committed(0), ...run.committed(1)]);
          for (const op of run.completions('ok')) expect(logs.has(op.record.value)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('a producer without idempotence, 5 in flight and retries reorders or duplicates under some schedule', () => {
    const found = fc.check(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(faultArbitrary, { minLength: 1, maxLength: 6 }),
        (seed, faults) => {
          const { duplicates, reorders } = runWith(seed, faults, false);
          return duplicates.length === 0 && reorders.length === 0;
        },
      ),
      { numRuns: 200, seed: 42 },
    );
    expect(found.failed).toBe(true);
    // the same schedule is harmless with idempotence on
    const [seed, faults] = found.counterexample as [number, BrokerFault[]];
    const safe = runWith(seed, faults, true);
    expect(safe.duplicates).toEqual([]);
    expect(safe.reorders).toEqual([]);
  });
});
