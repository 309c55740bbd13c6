/**
 * Runs `step` on each item in turn, each starting when the previous one calls `next`, then `done`.
 * The controller's ZooKeeper work is callbacks, not blocking calls: this keeps Kafka's order.
 */
export function inSequence<T>(
  items: readonly T[],
  step: (item: T, next: () => void) => void,
  done: () => void,
): void {
  new Sequence(items, step, done).next();
}

/**
 * A sequence's position. `next` is a method bound once per sequence, not a closure: V8 keeps a
 * closure's optimized code only while an instance of it lives (bench:churn).
 */
class Sequence<T> {
  private index = 0;
  private readonly advance: () => void;

  constructor(
    private readonly items: readonly T[],
    private readonly step: (item: T, next: () => void) => void,
    private readonly done: () => void,
  ) {
    this.advance = this.next.bind(this);
  }

  next(): void {
    const item = this.items[this.index++];
    if (item === undefined) this.done();
    else this.step(item, this.advance);
  }
}
