import { javaStringHashCode } from '../admin/java-hash-map.js';

/**
 * A string-keyed map that iterates as Kafka's `GroupMetadata.members` does: a Scala 2.13
 * `mutable.HashMap[String, MemberMetadata]` (docs/research/consumer-groups.md §0.2). The order
 * decides the member list the leader gets in JoinGroup and who becomes leader when the leader goes
 * (`members.keys.headOption`, `members.find`).
 *
 * Model (scala/collection/mutable/HashMap.scala at v2.13.14, read, not run): improved hash
 * `s = h ^ (h >>> 16)` of String.hashCode; bucket `s & (length - 1)`; within a bucket nodes sorted
 * by `s` (signed), equal `s` in insertion order; iteration bucket by bucket; the table starts at
 * 16 and doubles before an insertion when `size + 1 >= length * 0.75`, and never shrinks.
 */
export class ScalaMemberMap<V> {
  private readonly entries = new Map<string, { value: V; seq: number; improved: number }>();
  private tableLength = 16;
  private seq = 0;
  private ordered: string[] | undefined;

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  set(key: string, value: V): void {
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      existing.value = value; // a re-put keeps the node where it is
      return;
    }
    if (this.entries.size + 1 >= Math.trunc(this.tableLength * 0.75)) this.tableLength *= 2;
    const h = javaStringHashCode(key);
    this.entries.set(key, { value, seq: this.seq++, improved: h ^ (h >>> 16) });
    this.ordered = undefined;
  }

  delete(key: string): boolean {
    const removed = this.entries.delete(key);
    if (removed) this.ordered = undefined;
    return removed;
  }

  /** The keys in Scala's iteration order. */
  keys(): readonly string[] {
    if (this.ordered === undefined) {
      const mask = this.tableLength - 1;
      this.ordered = [...this.entries]
        .sort(([, a], [, b]) => {
          const bucket = (a.improved & mask) - (b.improved & mask);
          if (bucket !== 0) return bucket;
          if (a.improved !== b.improved) return a.improved - b.improved;
          return a.seq - b.seq;
        })
        .map(([key]) => key);
    }
    return this.ordered;
  }

  /** The values in Scala's iteration order. */
  values(): V[] {
    return this.keys().map((key) => this.entries.get(key)?.value as V);
  }
}
