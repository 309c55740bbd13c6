import { describe, expect, it } from 'vitest';
import { ibpAtLeast, isAlterPartitionSupported, parseIbp } from '../../src/kafka/ibp.js';

describe('inter.broker.protocol.version', () => {
  it('parses Kafka’s spellings and compares them', () => {
    expect(parseIbp('3.8-IV0')).toEqual({ major: 3, minor: 8, iv: 0 });
    expect(parseIbp('0.10.2')).toEqual({ major: 0, minor: 10, iv: undefined });
    expect(() => parseIbp('three')).toThrow(/cannot parse/);
    expect(isAlterPartitionSupported('3.8-IV0')).toBe(true);
    expect(isAlterPartitionSupported('2.7-IV2')).toBe(true);
    expect(isAlterPartitionSupported('2.7')).toBe(true);
    expect(isAlterPartitionSupported('2.7-IV1')).toBe(false);
    expect(isAlterPartitionSupported('2.1')).toBe(false);
    expect(ibpAtLeast('2.8-IV0', 2, 7, 2)).toBe(true);
  });
});
