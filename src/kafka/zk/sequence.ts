/**
 * Runs `step` on each item in turn, each starting when the previous one calls `next`, then `done`.
 * The controller's ZooKeeper work is callbacks, not blocking calls: this keeps Kafka's order.
 */
export function inSequence<T>(
  items: readonly T[],
  step: (item: T, next: () => void) => void,
  done: () => void,
): void {
  let i = 0;
  const next = (): void => {
    const item = items[i++];
    if (item === undefined) done();
    else step(item, next);
  };
  next();
}
