/**
 * Kafka's key hashing for the default partitioner (org.apache.kafka.common.utils.Utils.murmur2 and
 * toPositive at 3.8.0; BuiltInPartitioner.partitionForKey). MurmurHash2, 32-bit, seed 0x9747b28c,
 * over the key's bytes (UTF-8 for strings, as StringSerializer writes them), returned as the
 * signed 32-bit int Java returns.
 */
const SEED = 0x9747b28c | 0;
const M = 0x5bd1e995;
const R = 24;

const encoder = new TextEncoder();

export function murmur2(data: Uint8Array | string): number {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const length = bytes.length;
  let h = SEED ^ length;
  const whole = length >>> 2;
  for (let i = 0; i < whole; i++) {
    const at = i * 4;
    let k =
      (bytes[at] as number) |
      ((bytes[at + 1] as number) << 8) |
      ((bytes[at + 2] as number) << 16) |
      ((bytes[at + 3] as number) << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // The tail, as Java's switch falls through: 3 bytes, then 2, then 1 (which multiplies).
  const base = length & ~3;
  const tail = length & 3;
  if (tail >= 3) h ^= (bytes[base + 2] as number) << 16;
  if (tail >= 2) h ^= (bytes[base + 1] as number) << 8;
  if (tail >= 1) {
    h ^= bytes[base] as number;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Utils.toPositive: clears the sign bit (not Math.abs). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/** The partition of a keyed record: toPositive(murmur2(key)) % numPartitions (all partitions, leaderless included). */
export function partitionForKey(key: Uint8Array | string, numPartitions: number): number {
  if (!(Number.isInteger(numPartitions) && numPartitions > 0)) {
    throw new RangeError(`partitionForKey: numPartitions must be a positive integer, got ${numPartitions}`);
  }
  return toPositive(murmur2(key)) % numPartitions;
}
