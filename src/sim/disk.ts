/**
 * A process's simulated disk: what survives a restart. Two kinds of file:
 *
 * - append-only logs (`log(name)`): appends sit in the page cache until `flush()`; a normal crash
 *   (a killed process) keeps them, as the operating system does, but a power loss cuts each log
 *   back to its flushed length. Truncation is taken as durable at once, so a power loss never
 *   brings a truncated suffix back.
 * - small whole files (`writeFile`): written durably and atomically, as Kafka writes its
 *   checkpoint files (write a temporary file, fsync, rename).
 *
 * Entries are kept by reference and must be treated as immutable by the actors that store them.
 */
export class DiskLog<T> {
  private readonly entries: T[] = [];
  /**
   * The entries themselves, read-only, for readers on a hot path (one array for the log's life:
   * appends, truncations and power losses change it in place).
   */
  readonly view: readonly T[] = this.entries;
  private flushedLength = 0;

  constructor(readonly name: string) {}

  get length(): number {
    return this.entries.length;
  }

  /** Entries that a power loss would take away. */
  get unflushed(): number {
    return this.entries.length - this.flushedLength;
  }

  get flushed(): number {
    return this.flushedLength;
  }

  at(index: number): T | undefined {
    return this.entries[index];
  }

  append(entry: T): void {
    this.entries.push(entry);
  }

  /** Keeps the first `length` entries. */
  truncate(length: number): void {
    if (length < 0 || !Number.isInteger(length)) throw new RangeError(`truncate: bad length ${length}`);
    if (length >= this.entries.length) return;
    this.entries.length = length;
    if (this.flushedLength > length) this.flushedLength = length;
  }

  /** Makes everything appended so far durable (fsync). */
  flush(): void {
    this.flushedLength = this.entries.length;
  }

  /** A copy of the entries in `[from, to)`. */
  slice(from = 0, to = this.entries.length): T[] {
    return this.entries.slice(from, to);
  }

  /** Power loss: the unflushed suffix is gone. Returns how many entries were lost. */
  loseUnflushed(): number {
    const lost = this.entries.length - this.flushedLength;
    this.entries.length = this.flushedLength;
    return lost;
  }
}

export class Disk {
  private readonly logs = new Map<string, DiskLog<unknown>>();
  private readonly files = new Map<string, unknown>();

  /** The append-only log `name`, created empty on first use. */
  log<T>(name: string): DiskLog<T> {
    let log = this.logs.get(name);
    if (log === undefined) {
      log = new DiskLog<unknown>(name);
      this.logs.set(name, log);
    }
    return log as DiskLog<T>;
  }

  hasLog(name: string): boolean {
    return this.logs.has(name);
  }

  deleteLog(name: string): void {
    this.logs.delete(name);
  }

  logNames(): string[] {
    return [...this.logs.keys()];
  }

  readFile<T>(name: string): T | undefined {
    return this.files.get(name) as T | undefined;
  }

  /** Durable, atomic replace of a whole small file. */
  writeFile<T>(name: string, value: T): void {
    this.files.set(name, value);
  }

  deleteFile(name: string): void {
    this.files.delete(name);
  }

  fileNames(): string[] {
    return [...this.files.keys()];
  }

  /** Power loss: every log loses its unflushed suffix. Returns the entries lost per log. */
  powerLoss(): Map<string, number> {
    const lost = new Map<string, number>();
    for (const [name, log] of this.logs) {
      const n = log.loseUnflushed();
      if (n > 0) lost.set(name, n);
    }
    return lost;
  }
}
