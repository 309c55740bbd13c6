import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../src/clients/murmur2.js';
import { brokerName } from '../../../src/kafka/broker/io.js';
import { seconds } from '../../../src/sim/time.js';
import { producerCluster, sendIndex } from './harness.js';

describe('KafkaProducer against a cluster', () => {
  it('acknowledges every record once, at its key partition, in send order per partition', () => {
    const run = producerCluster({
      seed: 3,
      partitions: 3,
      workload: { count: 60, keys: { kind: 'random', keys: ['a', 'b', 'c', 'd', 'e'] } },
    });
    run.world.runUntil(seconds(20));
    const ok = run.completions('ok');
    expect(ok).toHaveLength(60);
    expect(run.completions('fail')).toHaveLength(0);
    for (const op of ok) {
      expect(op.partition).toBe(partitionForKey(op.record.key as string, 3));
      expect(op.producerId).toBeGreaterThanOrEqual(0); // idempotent by default: an id from InitProducerId
    }
    for (let p = 0; p < 3; p++) {
      const log = run.committed(p);
      const acked = ok.filter((o) => o.partition === p).sort((a, b) => (a.offset ?? 0) - (b.offset ?? 0));
      expect(log).toEqual(acked.map((o) => o.record.value));
      // sequences run 0, 1, 2, … per partition, and offsets follow send order
      expect(acked.map((o) => o.sequence)).toEqual(acked.map((_, i) => i));
      expect([...log].sort((a, b) => sendIndex(a) - sendIndex(b))).toEqual(log);
    }
  });

  it('batches records that arrive within linger.ms into one batch', () => {
    const run = producerCluster({
      seed: 4,
      config: { 'linger.ms': 100 },
      workload: { count: 40, rate: 200 },
    });
    run.world.runUntil(seconds(15));
    expect(run.completions('ok')).toHaveLength(40);
    const leader = run.state('t', 0)?.leader ?? -1;
    const batches = run.broker(leader)?.replicaManager.partitions.get('t-0')?.log.allBatches() ?? [];
    // 200 records/s for 100 ms: about 20 records a batch, where linger.ms=0 sends one each
    expect(batches.length).toBeLessThanOrEqual(4);
    expect(Math.max(...batches.map((b) => b.records.length))).toBeGreaterThanOrEqual(15);
  });

  it('sends one batch per record with linger.ms=0 when records come slower than round trips', () => {
    const run = producerCluster({ seed: 4, workload: { count: 10, rate: 10 } });
    run.world.runUntil(seconds(10));
    const leader = run.state('t', 0)?.leader ?? -1;
    const batches = run.broker(leader)?.replicaManager.partitions.get('t-0')?.log.allBatches() ?? [];
    expect(batches.map((b) => b.records.length)).toEqual(Array(10).fill(1));
  });

  it('sticks unkeyed records to one partition per batch.size of data (KIP-794)', () => {
    const run = producerCluster({
      seed: 8,
      partitions: 6,
      config: { 'batch.size': 2_000 },
      workload: { count: 120, rate: 100, valueBytes: 100 },
    });
    run.world.runUntil(seconds(10));
    const ok = run.completions('ok');
    expect(ok).toHaveLength(120);
    // linger.ms=0: each record is its own batch of 61 + 109 bytes, never full, so the partitioner
    // switches only at 2 × batch.size: after 24 records (24 × 170 ≥ 4000)
    let switches = 0;
    ok.forEach((op, i) => {
      if (i > 0 && op.partition !== ok[i - 1]?.partition) {
        switches++;
        expect(i % 24).toBe(0);
      }
    });
    expect(switches).toBeGreaterThan(0);
  });

  it('RoundRobinPartitioner with 4 partitions fills only partitions 1 and 3 (KAFKA-9965)', () => {
    const run = producerCluster({
      seed: 9,
      partitions: 4,
      config: { 'partitioner.class': 'org.apache.kafka.clients.producer.RoundRobinPartitioner' },
      workload: { count: 20, rate: 10 },
    });
    run.world.runUntil(seconds(10));
    const used = new Set(run.completions('ok').map((o) => o.partition));
    expect([...used].sort()).toEqual([1, 3]);
  });

  it('retries across a leader crash and loses nothing with acks=all', () => {
    const run = producerCluster({
      seed: 5,
      broker: { 'min.insync.replicas': 2 },
      workload: { count: 100, rate: 20 },
    });
    run.world.at(seconds(7), () => {
      const leader = run.state('t', 0)?.leader ?? 1;
      run.world.crash(brokerName(leader));
    });
    run.world.runUntil(seconds(40));
    const ok = run.completions('ok');
    expect(ok).toHaveLength(100);
    const log = run.committed(0);
    expect(new Set(log).size).toBe(log.length);
    for (const op of ok) expect(log).toContain(op.record.value);
  });

  it('fails sends with TimeoutException after max.block.ms when the topic never appears', () => {
    const run = producerCluster({
      seed: 6,
      config: { 'max.block.ms': 2_000 },
      workload: { topic: 'missing', count: 3 },
    });
    run.world.runUntil(seconds(15));
    const failed = run.completions('fail');
    expect(failed).toHaveLength(3);
    expect(failed.every((o) => o.error === 'TimeoutException')).toBe(true);
  });

  it('expires batches after delivery.timeout.ms while no leader is reachable, as unknown outcomes if they were sent', () => {
    const run = producerCluster({
      seed: 7,
      config: { 'delivery.timeout.ms': 5_000, 'request.timeout.ms': 2_000 },
      workload: { count: 40, rate: 10 },
    });
    // the whole cluster pauses: requests time out, then batches expire
    run.world.at(seconds(6), () => {
      for (const id of run.ids) run.world.pause(brokerName(id));
    });
    const result = run.world.runUntil(seconds(30));
    // regression: a batch that expired in flight kept waking the sender every microsecond
    expect(result.events).toBeLessThan(5_000);
    const failed = [...run.completions('fail'), ...run.completions('info')];
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.some((o) => o.error === 'TimeoutException')).toBe(true);
    // a batch that was in flight when it expired may have been appended: info, not fail
    expect(run.completions('info').length).toBeGreaterThan(0);
    expect(run.completions('ok').length + failed.length).toBe(40);
  });
});

describe('KafkaProducer back-pressure and retries', () => {
  it('blocks sends when buffer.memory is used up, then fails them with BufferExhaustedException after max.block.ms', () => {
    const run = producerCluster({
      seed: 10,
      // each batch takes batch.size (1 KiB) of the 4 KiB buffer: four batches fill it
      config: {
        'buffer.memory': 4_096,
        'batch.size': 1_024,
        'max.block.ms': 1_000,
        'request.timeout.ms': 20_000,
      },
      workload: { count: 30, rate: 20 },
    });
    // the leader stops answering: batches stay in flight and keep their memory
    run.world.at(seconds(5.3), () => run.world.pause(brokerName(run.state('t', 0)?.leader ?? 1)));
    run.world.runUntil(seconds(12));
    const failed = run.completions('fail');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((o) => o.error === 'BufferExhaustedException')).toBe(true);
    // nothing was sent for them: a definite failure
    expect(failed.every((o) => o.partition === undefined)).toBe(true);
  });

  it('with retries=0 and no idempotence, a NOT_ENOUGH_REPLICAS answer fails the send at once', () => {
    const run = producerCluster({
      seed: 11,
      broker: { 'min.insync.replicas': 3 },
      config: { retries: 0, 'enable.idempotence': false },
      workload: { count: 20, rate: 10 },
    });
    // a follower goes away: after replica.lag.time.max.ms the ISR shrinks below 3
    run.world.at(seconds(6), () => {
      const leader = run.state('t', 0)?.leader ?? 1;
      const follower = run.ids.find((id) => id !== leader) ?? 2;
      run.world.crash(brokerName(follower));
    });
    run.world.runUntil(seconds(60));
    const failed = run.completions('fail');
    expect(failed.map((o) => o.error)).toContain('NOT_ENOUGH_REPLICAS');
    expect(run.completions('ok').length + failed.length + run.completions('info').length).toBe(20);
  });

  it('max.in.flight.requests.per.connection=1 keeps send order without idempotence across a leader crash', () => {
    const run = producerCluster({
      seed: 12,
      config: {
        'enable.idempotence': false,
        'max.in.flight.requests.per.connection': 1,
        'request.timeout.ms': 3_000,
      },
      broker: { 'min.insync.replicas': 2 },
      workload: { count: 80, rate: 40 },
    });
    run.world.at(seconds(6), () => run.world.crash(brokerName(run.state('t', 0)?.leader ?? 1)));
    run.world.runUntil(seconds(60));
    const log = run.committed(0);
    const indexes = log.map(sendIndex);
    // duplicates are possible (a retry after a lost answer), reordering is not
    for (let i = 1; i < indexes.length; i++)
      expect(indexes[i] as number).toBeGreaterThanOrEqual(indexes[i - 1] as number);
  });
});
