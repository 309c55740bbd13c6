/**
 * Iteration orders of the Scala 2.13 collections whose `toString`/`mkString` end up inside Kafka's
 * error messages (Kafka 3.8.0 is built with Scala 2.13.14). Keys here are Ints, whose `##` is the
 * value itself. Derived from the Scala 2.13 library source; not run against a JVM.
 */

/** scala.collection.Hashing.improve: the mixing immutable HashSet/HashMap apply to `##`. */
export function scalaImprovedHash(value: number): number {
  let h = (value + ~(value << 9)) | 0;
  h ^= h >>> 14;
  h = (h + (h << 4)) | 0;
  return h ^ (h >>> 10);
}

/**
 * The order of a CHAMP trie (immutable.HashSet/HashMap with more than 4 entries): at each level of
 * 5 hash bits, the entries alone in their slot come first by slot, then the shared slots' subtries,
 * depth-first, by slot.
 */
function champOrder(values: readonly number[], shift: number): number[] {
  const slots = new Map<number, number[]>();
  for (const value of values) {
    const slot = (scalaImprovedHash(value) >>> shift) & 31;
    const group = slots.get(slot);
    if (group === undefined) slots.set(slot, [value]);
    else group.push(value);
  }
  const ordered = [...slots.keys()].sort((a, b) => a - b).map((slot) => slots.get(slot) as number[]);
  const inline = ordered.filter((group) => group.length === 1).flat();
  const nested = ordered.filter((group) => group.length > 1).flatMap((group) => champOrder(group, shift + 5));
  return [...inline, ...nested];
}

/**
 * The iteration order of an immutable Set[Int] (or the keys of a Map[Int, _]) built by adding
 * `values` in order: Set1..Set4 keep insertion order; from 5 distinct entries on it is a HashSet.
 */
export function scalaImmutableIntSetOrder(values: readonly number[]): number[] {
  const distinct = [...new Set(values)];
  return distinct.length <= 4 ? distinct : champOrder(distinct, 0);
}

/**
 * `values.toSet -- removed`: a small set keeps the order of what remains; a HashSet stays a
 * HashSet however few entries remain.
 */
export function scalaImmutableIntSetDifference(
  values: readonly number[],
  removed: readonly number[],
): number[] {
  const distinct = [...new Set(values)];
  const gone = new Set(removed);
  const remaining = distinct.filter((value) => !gone.has(value));
  return distinct.length <= 4 ? remaining : champOrder(remaining, 0);
}

/**
 * The key order of a scala.collection.mutable.HashMap[Int, _] (default capacity 16, load factor
 * 0.75) holding `keys`: by bucket, and by improved hash within a bucket.
 */
export function scalaMutableHashMapIntOrder(keys: readonly number[]): number[] {
  const distinct = [...new Set(keys)];
  let capacity = 16;
  // The table doubles before an insertion that would reach the threshold (contentSize + 1 >= threshold).
  for (let size = 0; size < distinct.length; size++) {
    if (size + 1 >= Math.trunc(capacity * 0.75)) capacity *= 2;
  }
  const improved = (key: number): number => key ^ (key >>> 16);
  return distinct.sort((a, b) => {
    const bucket = (improved(a) & (capacity - 1)) - (improved(b) & (capacity - 1));
    return bucket !== 0 ? bucket : improved(a) - improved(b);
  });
}

/** `toString` of a mutable.HashMap[Int, ArrayBuffer[Int]]: `HashMap(0 -> ArrayBuffer(1, 1))`. */
export function formatScalaIntBufferHashMap(map: ReadonlyMap<number, readonly number[]>): string {
  const entries = scalaMutableHashMapIntOrder([...map.keys()]).map(
    (key) => `${key} -> ArrayBuffer(${(map.get(key) ?? []).join(', ')})`,
  );
  return `HashMap(${entries.join(', ')})`;
}
