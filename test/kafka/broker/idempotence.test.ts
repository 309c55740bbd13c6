import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BrokerMessage, BrokerTimer } from '../../../src/kafka/broker/broker.js';
import { brokerName } from '../../../src/kafka/broker/io.js';
import type { ProcessContext } from '../../../src/sim/process.js';
import { seconds } from '../../../src/sim/time.js';
import { brokerFaultArbitrary, scheduleFault, zkCluster } from './cluster.js';

interface Outcome {
  producerId: number;
  acked: { value: string; offset: number }[];
}

/**
 * A minimal idempotent producer (not Kafka's client): InitProducerId, then one batch in flight at a
 * time with its sequence, one every 200 ms; any failure retries the same batch, with the same
 * sequence, at the leader it finds next.
 */
function idempotentProducer(count: number, brokers: readonly number[], out: Outcome, idempotent = true) {
  return (ctx: ProcessContext<BrokerMessage, BrokerTimer>) => {
    let leader = -1;
    let producerId = -1;
    let sequence = 0;
    let correlation = 0;
    let inFlight: { id: number; sentAt: number } | undefined;
    const TICK: BrokerTimer = { kind: 'local', message: { type: 'Metadata', correlationId: -1 } };
    const any = () => brokerName(brokers[ctx.rng.below(brokers.length)] as number);
    const sendNext = () => {
      if (producerId < 0 || leader < 0 || inFlight !== undefined || sequence >= count) return;
      const id = correlation++;
      inFlight = { id, sentAt: ctx.now };
      ctx.send(brokerName(leader), {
        type: 'Produce',
        correlationId: id,
        acks: -1,
        timeoutMs: 30_000,
        partitions: [
          {
            topic: 't',
            partition: 0,
            records: [{ key: null, value: `v${sequence}`, timestamp: 0 }],
            producerId: idempotent ? producerId : -1,
            producerEpoch: idempotent ? 0 : -1,
            baseSequence: idempotent ? sequence : -1,
          },
        ],
      });
    };
    const retry = () => {
      inFlight = undefined;
      leader = -1;
      ctx.send(any(), { type: 'Metadata', correlationId: correlation++, topics: ['t'] });
    };
    return {
      onStart() {
        ctx.send(any(), { type: 'InitProducerId', correlationId: correlation++, transactionalId: null });
        ctx.send(any(), { type: 'Metadata', correlationId: correlation++, topics: ['t'] });
        ctx.setTimer(200_000, TICK);
      },
      onTimer() {
        if (inFlight !== undefined && ctx.now - inFlight.sentAt > 30_000_000) retry(); // request.timeout.ms
        if (leader < 0) ctx.send(any(), { type: 'Metadata', correlationId: correlation++, topics: ['t'] });
        if (producerId < 0)
          ctx.send(any(), { type: 'InitProducerId', correlationId: correlation++, transactionalId: null });
        sendNext();
        if (sequence < count) ctx.setTimer(200_000, TICK);
      },
      onMessage(_from: string, m: BrokerMessage) {
        if (m.type === 'InitProducerIdResponse' && producerId < 0) {
          producerId = m.producerId;
          out.producerId = producerId;
        } else if (m.type === 'MetadataResponse') {
          leader = m.partitions.find((p) => p.topic === 't')?.leader ?? -1;
        } else if (m.type === 'ProduceResponse' && inFlight?.id === m.correlationId) {
          const [p] = m.partitions;
          if (p?.error === 'NONE') {
            out.acked.push({ value: `v${sequence}`, offset: p.baseOffset });
            sequence++;
            inFlight = undefined;
          } else retry();
        }
      },
      onDisconnect(peer: string) {
        if (inFlight !== undefined && peer === brokerName(leader)) retry();
      },
    };
  };
}

describe('idempotent produce across failures (broker side)', () => {
  it('hands out producer ids from ZooKeeper blocks of 1000', () => {
    const { world, ensemble, ids, createTopic } = zkCluster({ seed: 5 });
    createTopic(seconds(3), 't', [[1, 2, 3]]);
    const a: Outcome = { producerId: -1, acked: [] };
    const b: Outcome = { producerId: -1, acked: [] };
    world.spawn('producer-a', idempotentProducer(5, [1], a) as never, { start: false });
    world.spawn('producer-b', idempotentProducer(5, [1], b) as never, { start: false });
    world.at(seconds(5), () => {
      world.start('producer-a');
      world.start('producer-b');
    });
    world.runUntil(seconds(15));
    const block = JSON.parse(ensemble.tree.node('/latest_producer_id_block')?.data ?? '{}');
    expect(block).toMatchObject({ version: 1 });
    expect(Number(block.block_end) - Number(block.block_start)).toBe(999);
    expect(Number(block.block_end)).toBe(3 * 1000 - 1); // each of the 3 brokers took a block at startup
    expect(a.producerId).not.toBe(b.producerId);
    expect(Math.floor(a.producerId / 1000)).toBe(Math.floor(b.producerId / 1000)); // both from broker 1's block
    expect(ids.length).toBe(3);
  });

  it('never leaves a duplicate or a gap in the log, whatever crashes and partitions happen', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(brokerFaultArbitrary(6, 40), { maxLength: 6 }),
        (seed, faults) => {
          const { world, broker, state, createTopic, ids } = zkCluster({
            seed,
            config: { 'min.insync.replicas': 2 },
          });
          createTopic(seconds(3), 't', [[1, 2, 3]]);
          const out: Outcome = { producerId: -1, acked: [] };
          world.spawn('producer', idempotentProducer(60, ids, out) as never, { start: false });
          world.at(seconds(5), () => world.start('producer'));
          for (const f of faults) scheduleFault(world, f);
          world.at(seconds(50), () => world.network.heal());
          world.at(seconds(70), () => {
            for (const id of ids) world.restart(brokerName(id));
          });
          world.runUntil(seconds(200));
          const leader = state('t', 0)?.leader ?? -1;
          const values = (
            broker(leader)?.replicaManager.partitions.get('t-0')?.log.allBatches() ?? []
          ).flatMap((b) => b.records.map((r) => r.value));
          // every value at most once, and what was acknowledged is there, in order
          expect(new Set(values).size).toBe(values.length);
          const acked = out.acked.map((a) => a.value);
          expect(values.slice(0, acked.length)).toEqual(acked);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('acknowledges a retried batch whose answer was lost with its first offset, where a plain producer duplicates it', () => {
    const run = (idempotent: boolean) => {
      const { world, broker, createTopic, ids } = zkCluster({ seed: 12 });
      createTopic(seconds(3), 't', [[1, 2, 3]]);
      const out: Outcome = { producerId: -1, acked: [] };
      world.spawn('producer', idempotentProducer(20, ids, out, idempotent) as never, { start: false });
      world.at(seconds(5), () => world.start('producer'));
      // the leader's answers to the producer stall for 35 s: it times out (30 s) and sends again
      world.at(seconds(6), () => world.network.hold(brokerName(1), 'producer'));
      world.at(seconds(41), () => world.network.release(brokerName(1), 'producer'));
      world.runUntil(seconds(80));
      const values = (broker(1)?.replicaManager.partitions.get('t-0')?.log.allBatches() ?? []).flatMap((b) =>
        b.records.map((r) => r.value),
      );
      return { values, acked: out.acked };
    };
    const plain = run(false);
    expect(new Set(plain.values).size).toBeLessThan(plain.values.length); // a duplicate in the log
    const safe = run(true);
    expect(new Set(safe.values).size).toBe(safe.values.length);
    expect(safe.values).toEqual(Array.from({ length: 20 }, (_, i) => `v${i}`));
  });
});
