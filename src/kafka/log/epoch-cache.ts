import type { Disk } from '../../sim/disk.js';

/** An entry of the leader-epoch cache: the first offset written in `epoch`. */
export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

/** UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET in Kafka. */
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_OFFSET = -1;

/**
 * The leader-epoch cache of one partition replica, kept in its `leader-epoch-checkpoint` file
 * (LeaderEpochFileCache, KIP-101). Every change is written through to the file; Kafka flushes
 * assignments synchronously and truncations asynchronously, and trims stale entries on load, so
 * writing through gives the same state after any crash.
 */
export class LeaderEpochCache {
  private entries: EpochEntry[];

  constructor(
    private readonly disk: Disk,
    private readonly file: string,
  ) {
    this.entries = [...(disk.readFile<EpochEntry[]>(file) ?? [])];
  }

  get all(): readonly EpochEntry[] {
    return this.entries;
  }

  get latestEpoch(): number {
    return this.entries.length === 0
      ? UNDEFINED_EPOCH
      : (this.entries[this.entries.length - 1] as EpochEntry).epoch;
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /**
   * Records that `epoch` starts at `startOffset`. Entries that would make the cache
   * non-monotonic (an epoch or a start offset not below the new one) are dropped first
   * (LeaderEpochFileCache.assign / maybeTruncateNonMonotonicEntries).
   */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0 || startOffset < 0) throw new RangeError(`epoch cache: bad entry ${epoch}@${startOffset}`);
    const latest = this.entries[this.entries.length - 1];
    if (latest !== undefined && latest.epoch === epoch && latest.startOffset <= startOffset) return;
    while (this.entries.length > 0) {
      const last = this.entries[this.entries.length - 1] as EpochEntry;
      if (last.epoch >= epoch || last.startOffset >= startOffset) this.entries.pop();
      else break;
    }
    this.entries.push({ epoch, startOffset });
    this.flush();
  }

  /**
   * The largest epoch <= `requested` and the offset where it ends (the start of the next epoch,
   * or the log end for the latest epoch): LeaderEpochFileCache.endOffsetFor at 3.8.0.
   */
  endOffsetFor(requested: number, logEndOffset: number): EpochEntry & { endOffset: number } {
    // Whole literals, no spreads: this runs for every follower fetch.
    const entries = this.entries;
    const n = entries.length;
    if (requested !== UNDEFINED_EPOCH && n > 0) {
      const last = entries[n - 1] as EpochEntry;
      if (requested === last.epoch) {
        return { epoch: last.epoch, startOffset: last.startOffset, endOffset: logEndOffset };
      }
      for (let higher = 0; higher < n; higher++) {
        const next = entries[higher] as EpochEntry;
        if (next.epoch <= requested) continue;
        if (higher === 0) {
          // Older than everything cached: answer the requested epoch and the first start (since 2.1).
          return { epoch: requested, startOffset: UNDEFINED_OFFSET, endOffset: next.startOffset };
        }
        const floor = entries[higher - 1] as EpochEntry;
        return { epoch: floor.epoch, startOffset: floor.startOffset, endOffset: next.startOffset };
      }
    }
    return { epoch: UNDEFINED_EPOCH, startOffset: UNDEFINED_OFFSET, endOffset: UNDEFINED_OFFSET };
  }

  /** Drops the entries that start at or after `endOffset` (truncation of the log's end). */
  truncateFromEnd(endOffset: number): void {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.startOffset < endOffset);
    if (this.entries.length !== before) this.flush();
  }

  clear(): void {
    this.entries = [];
    this.flush();
  }

  private flush(): void {
    this.disk.writeFile(this.file, [...this.entries]);
  }
}
