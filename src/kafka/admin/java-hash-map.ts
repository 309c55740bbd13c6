/**
 * The iteration order of a java.util.HashMap, for the tool output Kafka prints by walking one
 * (kafka-topics.sh --describe lists topics in HashMap order). A model of HashMap's insertion path:
 * the power-of-two table and its resizes, buckets as lists in insertion order, and a ninth key in
 * one bucket doubling a table below 64 slots or else turning the bucket into a red-black tree, whose
 * list order puts each new entry behind its tree parent and the root first. Checked against
 * OpenJDK 17 on random and colliding key sets (the JDK 25 source has the same algorithm).
 */

/** How Java hashes and orders a key type. */
export interface JavaKeyType<K> {
  hashCode(key: K): number;
  /** compareTo; used only to order keys with equal hashes inside a tree bucket. */
  compare(a: K, b: K): number;
}

/** java.lang.String.hashCode: s[0]·31^(n-1) + … + s[n-1] over UTF-16 code units, in 32 bits. */
export function javaStringHashCode(value: string): number {
  let hash = 0;
  for (let i = 0; i < value.length; i++) hash = (Math.imul(31, hash) + value.charCodeAt(i)) | 0;
  return hash;
}

/** java.lang.String: comparison by UTF-16 code units, as JavaScript compares strings. */
export const JAVA_STRING: JavaKeyType<string> = {
  hashCode: javaStringHashCode,
  compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
};

/** java.lang.Integer. */
export const JAVA_INTEGER: JavaKeyType<number> = {
  hashCode: (value) => value | 0,
  compare: (a, b) => a - b,
};

const DEFAULT_INITIAL_CAPACITY = 16;
const MAXIMUM_CAPACITY = 1 << 30;
const LOAD_FACTOR = 0.75;
const TREEIFY_THRESHOLD = 8;
const UNTREEIFY_THRESHOLD = 6;
const MIN_TREEIFY_CAPACITY = 64;
const INT_MAX = 2 ** 31 - 1;

/** A bucket entry; the tree fields mean something only while `tree` is set. */
interface Entry<K> {
  readonly key: K;
  readonly hash: number;
  next: Entry<K> | null;
  tree: boolean;
  prev: Entry<K> | null;
  parent: Entry<K> | null;
  left: Entry<K> | null;
  right: Entry<K> | null;
  red: boolean;
}

const entry = <K>(key: K, hash: number, next: Entry<K> | null): Entry<K> => ({
  key,
  hash,
  next,
  tree: false,
  prev: null,
  parent: null,
  left: null,
  right: null,
  red: false,
});

/** HashMap.tableSizeFor: the power of two at or above `capacity` (at least 1). */
function tableSizeFor(capacity: number): number {
  let size = 1;
  while (size < capacity && size < MAXIMUM_CAPACITY) size *= 2;
  return size;
}

class HashMapModel<K> {
  private table: (Entry<K> | null)[] = [];
  private threshold: number;
  private size = 0;

  constructor(
    private readonly keyType: JavaKeyType<K>,
    initialCapacity: number | undefined,
  ) {
    // new HashMap(n) parks the table size in threshold until the first put; new HashMap() leaves 0.
    this.threshold = initialCapacity === undefined ? 0 : tableSizeFor(initialCapacity);
  }

  keys(): K[] {
    const keys: K[] = [];
    for (const head of this.table) for (let e = head; e !== null; e = e.next) keys.push(e.key);
    return keys;
  }

  put(key: K): void {
    const raw = this.keyType.hashCode(key);
    const hash = raw ^ (raw >>> 16);
    if (this.table.length === 0) this.resize();
    const index = (this.table.length - 1) & hash;
    const first = this.table[index] ?? null;
    if (first === null) {
      this.table[index] = entry(key, hash, null);
    } else if (first.hash === hash && first.key === key) {
      return;
    } else if (first.tree) {
      if (!this.putInTree(first, key, hash)) return;
    } else {
      let p = first;
      for (let binCount = 0; ; binCount++) {
        const next: Entry<K> | null = p.next;
        if (next === null) {
          p.next = entry(key, hash, null);
          if (binCount >= TREEIFY_THRESHOLD - 1) this.treeifyBin(hash);
          break;
        }
        if (next.hash === hash && next.key === key) return;
        p = next;
      }
    }
    this.size += 1;
    if (this.size > this.threshold) this.resize();
  }

  private resize(): void {
    const oldTable = this.table;
    const oldCapacity = oldTable.length;
    const oldThreshold = this.threshold;
    let newCapacity: number;
    let newThreshold = 0;
    if (oldCapacity > 0) {
      if (oldCapacity >= MAXIMUM_CAPACITY) {
        this.threshold = INT_MAX;
        return;
      }
      newCapacity = oldCapacity * 2;
      if (newCapacity < MAXIMUM_CAPACITY && oldCapacity >= DEFAULT_INITIAL_CAPACITY)
        newThreshold = oldThreshold * 2;
    } else if (oldThreshold > 0) {
      newCapacity = oldThreshold;
    } else {
      newCapacity = DEFAULT_INITIAL_CAPACITY;
      newThreshold = DEFAULT_INITIAL_CAPACITY * LOAD_FACTOR;
    }
    if (newThreshold === 0) {
      newThreshold = newCapacity < MAXIMUM_CAPACITY ? Math.trunc(newCapacity * LOAD_FACTOR) : INT_MAX;
    }
    this.threshold = newThreshold;
    this.table = new Array<Entry<K> | null>(newCapacity).fill(null);
    for (let j = 0; j < oldCapacity; j++) {
      const head = oldTable[j] ?? null;
      if (head === null) continue;
      if (head.next === null) this.table[head.hash & (newCapacity - 1)] = head;
      else if (head.tree) this.splitTree(head, j, oldCapacity);
      else this.splitList(head, j, oldCapacity);
    }
  }

  /** A list bucket splits into the entries that stay and those that move up by `bit`, in order. */
  private splitList(head: Entry<K>, index: number, bit: number): void {
    const [low, high] = partitionByBit(head, bit);
    if (low.length > 0) this.table[index] = relink(low, false);
    if (high.length > 0) this.table[index + bit] = relink(high, false);
  }

  /** A tree bucket splits the same way; a small half becomes a list, a big one is re-treeified. */
  private splitTree(head: Entry<K>, index: number, bit: number): void {
    const [low, high] = partitionByBit(head, bit);
    for (const [half, other, at] of [
      [low, high, index],
      [high, low, index + bit],
    ] as const) {
      if (half.length === 0) continue;
      if (half.length <= UNTREEIFY_THRESHOLD) {
        this.table[at] = relink(half, false);
      } else {
        this.table[at] = relink(half, true);
        // With nothing moved away the half is still the same tree, root first.
        if (other.length > 0) this.treeify(half[0] as Entry<K>);
      }
    }
  }

  private treeifyBin(hash: number): void {
    if (this.table.length < MIN_TREEIFY_CAPACITY) {
      this.resize();
      return;
    }
    const index = (this.table.length - 1) & hash;
    const head = this.table[index] ?? null;
    if (head === null) return;
    const bucket: Entry<K>[] = [];
    for (let e: Entry<K> | null = head; e !== null; e = e.next) bucket.push(e);
    this.table[index] = relink(bucket, true);
    this.treeify(bucket[0] as Entry<K>);
  }

  /** Java's order for two keys in one tree: by hash, then compareTo (distinct keys never tie). */
  private direction(hash: number, key: K, other: Entry<K>): number {
    if (other.hash > hash) return -1;
    if (other.hash < hash) return 1;
    const order = this.keyType.compare(key, other.key);
    if (order === 0) throw new Error('javaHashMapOrder: equal keys that are not the same key');
    return order;
  }

  /** Builds the red-black tree of the bucket listed from `head`, then moves its root to the front. */
  private treeify(head: Entry<K>): void {
    let root: Entry<K> | null = null;
    for (let x: Entry<K> | null = head; x !== null; x = x.next) {
      x.left = null;
      x.right = null;
      if (root === null) {
        x.parent = null;
        x.red = false;
        root = x;
        continue;
      }
      let p: Entry<K> = root;
      for (;;) {
        const dir = this.direction(x.hash, x.key, p);
        const child: Entry<K> | null = dir <= 0 ? p.left : p.right;
        if (child === null) {
          x.parent = p;
          if (dir <= 0) p.left = x;
          else p.right = x;
          root = balanceInsertion(root, x);
          break;
        }
        p = child;
      }
    }
    if (root !== null) this.moveRootToFront(root);
  }

  /** Adds a key to a tree bucket; false if it is already there. */
  private putInTree(first: Entry<K>, key: K, hash: number): boolean {
    let root = first;
    while (root.parent !== null) root = root.parent;
    let p: Entry<K> = root;
    for (;;) {
      if (p.hash === hash && p.key === key) return false;
      const dir = this.direction(hash, key, p);
      const child: Entry<K> | null = dir <= 0 ? p.left : p.right;
      if (child === null) {
        // The new entry joins the bucket's list right behind its tree parent.
        const x = entry(key, hash, p.next);
        x.tree = true;
        if (dir <= 0) p.left = x;
        else p.right = x;
        if (p.next !== null) p.next.prev = x;
        p.next = x;
        x.parent = p;
        x.prev = p;
        this.moveRootToFront(balanceInsertion(root, x));
        return true;
      }
      p = child;
    }
  }

  private moveRootToFront(root: Entry<K>): void {
    const index = (this.table.length - 1) & root.hash;
    const first = this.table[index] ?? null;
    if (root === first) return;
    this.table[index] = root;
    const before = root.prev;
    const after = root.next;
    if (after !== null) after.prev = before;
    if (before !== null) before.next = after;
    if (first !== null) first.prev = root;
    root.next = first;
    root.prev = null;
  }
}

function partitionByBit<K>(head: Entry<K>, bit: number): [Entry<K>[], Entry<K>[]] {
  const low: Entry<K>[] = [];
  const high: Entry<K>[] = [];
  for (let e: Entry<K> | null = head; e !== null; e = e.next) ((e.hash & bit) === 0 ? low : high).push(e);
  return [low, high];
}

/** Chains `entries` into a bucket list in this order, as tree entries or plain ones. */
function relink<K>(entries: readonly Entry<K>[], tree: boolean): Entry<K> {
  entries.forEach((e, i) => {
    e.next = entries[i + 1] ?? null;
    e.prev = tree ? (entries[i - 1] ?? null) : null;
    e.tree = tree;
  });
  return entries[0] as Entry<K>;
}

// Red-black balancing after an insertion (HashMap.TreeNode, after CLR).

function rotateLeft<K>(root: Entry<K>, p: Entry<K>): Entry<K> {
  const r = p.right;
  if (r === null) return root;
  p.right = r.left;
  if (r.left !== null) r.left.parent = p;
  r.parent = p.parent;
  const pp = p.parent;
  if (pp === null) {
    root = r;
    r.red = false;
  } else if (pp.left === p) pp.left = r;
  else pp.right = r;
  r.left = p;
  p.parent = r;
  return root;
}

function rotateRight<K>(root: Entry<K>, p: Entry<K>): Entry<K> {
  const l = p.left;
  if (l === null) return root;
  p.left = l.right;
  if (l.right !== null) l.right.parent = p;
  l.parent = p.parent;
  const pp = p.parent;
  if (pp === null) {
    root = l;
    l.red = false;
  } else if (pp.right === p) pp.right = l;
  else pp.left = l;
  l.right = p;
  p.parent = l;
  return root;
}

function balanceInsertion<K>(root: Entry<K>, inserted: Entry<K>): Entry<K> {
  let x = inserted;
  x.red = true;
  for (;;) {
    let xp = x.parent;
    if (xp === null) {
      x.red = false;
      return x;
    }
    let xpp = xp.parent;
    if (!xp.red || xpp === null) return root;
    const xppl = xpp.left;
    if (xp === xppl) {
      const xppr = xpp.right;
      if (xppr?.red) {
        xppr.red = false;
        xp.red = false;
        xpp.red = true;
        x = xpp;
      } else {
        if (x === xp.right) {
          x = xp;
          root = rotateLeft(root, x);
          xp = x.parent;
          xpp = xp === null ? null : xp.parent;
        }
        if (xp !== null) {
          xp.red = false;
          if (xpp !== null) {
            xpp.red = true;
            root = rotateRight(root, xpp);
          }
        }
      }
    } else if (xppl?.red) {
      xppl.red = false;
      xp.red = false;
      xpp.red = true;
      x = xpp;
    } else {
      if (x === xp.left) {
        x = xp;
        root = rotateRight(root, x);
        xp = x.parent;
        xpp = xp === null ? null : xp.parent;
      }
      if (xp !== null) {
        xp.red = false;
        if (xpp !== null) {
          xpp.red = true;
          root = rotateLeft(root, xpp);
        }
      }
    }
  }
}

/**
 * The order in which a `new HashMap<>(initialCapacity)` (or `new HashMap<>()` when undefined)
 * iterates after `keys` were put into it in this order. Repeated keys keep their first place.
 */
export function javaHashMapOrder<K>(
  keys: readonly K[],
  keyType: JavaKeyType<K>,
  initialCapacity?: number,
): K[] {
  if (initialCapacity !== undefined && !(Number.isInteger(initialCapacity) && initialCapacity >= 0)) {
    throw new RangeError(`javaHashMapOrder: illegal initial capacity ${initialCapacity}`);
  }
  const map = new HashMapModel(keyType, initialCapacity);
  for (const key of keys) map.put(key);
  return map.keys();
}
