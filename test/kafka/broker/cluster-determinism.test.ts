import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seconds } from '../../../src/sim/time.js';
import { type BrokerFault, type ProducedRecord, scheduleFault, testProducer, zkCluster } from './cluster.js';

/** One cluster run with a producer and a few faults; everything that could differ between runs. */
function run(seed: number, faults: readonly BrokerFault[]) {
  const { world, createTopic, ids, history, ensemble } = zkCluster({ seed });
  createTopic(seconds(3), 't', [[1, 2, 3]]);
  const produced: ProducedRecord[] = [];
  world.spawn('producer', testProducer({ acks: -1, everyMs: 300, count: 60, brokers: ids, log: produced }), {
    start: false,
  });
  world.at(seconds(4), () => world.start('producer'));
  for (const f of faults) scheduleFault(world, f);
  world.at(seconds(40), () => world.network.heal());
  world.runUntil(seconds(60));
  return {
    hash: world.traceHash(),
    facts: JSON.stringify(history.facts),
    brokerFacts: JSON.stringify(history.brokerFacts),
    produced: JSON.stringify(produced),
    zookeeper: JSON.stringify(ensemble.tree.paths().map((p) => [p, ensemble.tree.node(p)?.data])),
  };
}

describe('the cluster replays exactly', () => {
  it('same seed and faults: same trace hash, same replica and broker facts, same client outcomes, same ZooKeeper', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(
          fc.record({
            at: fc.integer({ min: 5, max: 35 }),
            broker: fc.integer({ min: 1, max: 3 }),
            kind: fc.constantFrom('crash' as const, 'restart' as const, 'isolate' as const),
          }),
          { maxLength: 5 },
        ),
        (seed, faults) => {
          expect(run(seed, faults)).toEqual(run(seed, faults));
        },
      ),
      { numRuns: 40 },
    );
  });
});
