import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PRODUCER_CONFIG,
  parseAcks,
  resolveProducerConfig,
  retryBackoffMs,
} from '../../../src/clients/producer/config.js';
import {
  estimateSizeUpperBound,
  recordSizeInBytes,
  sizeOfVarint,
} from '../../../src/clients/producer/record-size.js';

describe('producer config (KafkaProducer at 3.8.0)', () => {
  it('defaults to acks=all with idempotence, linger.ms 0 and 5 in flight', () => {
    const c = resolveProducerConfig();
    expect(c.acks).toBe(-1);
    expect(c.idempotent).toBe(true);
    expect(c['linger.ms']).toBe(0);
    expect(c['max.in.flight.requests.per.connection']).toBe(5);
    expect(c['delivery.timeout.ms']).toBe(120_000);
    expect(c.retries).toBe(2_147_483_647);
  });

  it('silently turns idempotence off on a conflict unless it was set explicitly', () => {
    const acks1 = resolveProducerConfig({ acks: 1 });
    expect(acks1.idempotent).toBe(false);
    expect(acks1.notes[0]).toContain("acks is set to 1, not set to 'all'");
    expect(resolveProducerConfig({ retries: 0 }).idempotent).toBe(false);
    expect(resolveProducerConfig({ 'max.in.flight.requests.per.connection': 6 }).idempotent).toBe(false);
    expect(() => resolveProducerConfig({ acks: 1, 'enable.idempotence': true })).toThrow(
      'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.',
    );
    expect(() => resolveProducerConfig({ retries: 0, 'enable.idempotence': true })).toThrow(
      'Must set retries to non-zero when using the idempotent producer.',
    );
    expect(() =>
      resolveProducerConfig({ 'max.in.flight.requests.per.connection': 6, 'enable.idempotence': true }),
    ).toThrow(
      'Must set max.in.flight.requests.per.connection to at most 5 when using the idempotent producer.',
    );
  });

  it('raises delivery.timeout.ms to linger.ms + request.timeout.ms unless the user set it', () => {
    expect(resolveProducerConfig({ 'request.timeout.ms': 200_000 })['delivery.timeout.ms']).toBe(200_000);
    expect(() => resolveProducerConfig({ 'delivery.timeout.ms': 1_000 })).toThrow(
      'delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms',
    );
  });

  it('parses acks as Kafka spells it and rejects the rest', () => {
    expect(parseAcks('all')).toBe(-1);
    expect(parseAcks('1')).toBe(1);
    expect(() => parseAcks(2)).toThrow(
      'Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1',
    );
  });

  it('backs off 100, 200, 400, 800, then 1000 ms, each within ±20 % (KIP-580)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (n, u) => {
          const base = Math.min(100 * 2 ** (n - 1), 1000);
          const b = retryBackoffMs(DEFAULT_PRODUCER_CONFIG, n, u);
          expect(b).toBeLessThanOrEqual(1000);
          expect(b).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
          expect(b).toBeLessThanOrEqual(Math.ceil(base * 1.2));
        },
      ),
    );
    expect(retryBackoffMs({ 'retry.backoff.ms': 500, 'retry.backoff.max.ms': 200 }, 3, 0.5)).toBe(200);
  });
});

describe('record sizes (message format v2)', () => {
  it('counts zig-zag varints', () => {
    expect([0, 63, 64, -64, -65, 8191, 8192].map(sizeOfVarint)).toEqual([1, 1, 2, 1, 2, 2, 3]);
  });

  it('sizes a record and its upper bound as DefaultRecord does', () => {
    // null key, 100-byte value: body 1 + 1 + 1 + 1 + (2 + 100) + 1 = 107, plus its zig-zag length varint (2)
    expect(recordSizeInBytes(0, 0, null, 100)).toBe(109);
    // 61-byte header + 21 max overhead + 1 (null key) + 102 + 1 (header count)
    expect(estimateSizeUpperBound(null, 100)).toBe(186);
  });
});
