import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inSequence } from '../../../src/kafka/zk/sequence.js';

describe('inSequence', () => {
  it('steps through every item in order, each after the previous one called next, then done once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.array(fc.boolean()), (items, deferrals) => {
        const log: string[] = [];
        const deferred: (() => void)[] = [];
        let doneCalls = 0;
        inSequence(
          items,
          (item, next) => {
            log.push(`step ${item}`);
            // Some steps answer at once (next inside the step), others later, as ZooKeeper does.
            if (deferrals[log.length % Math.max(deferrals.length, 1)] === true) deferred.push(next);
            else next();
          },
          () => {
            doneCalls++;
            log.push('done');
          },
        );
        for (let later = deferred.shift(); later !== undefined; later = deferred.shift()) later();
        expect(log).toEqual([...items.map((i) => `step ${i}`), 'done']);
        expect(doneCalls).toBe(1);
      }),
    );
  });

  it('does not start a step before the previous one has called next', () => {
    const started: number[] = [];
    let release: (() => void) | undefined;
    inSequence(
      [1, 2, 3],
      (item, next) => {
        started.push(item);
        release = next;
      },
      () => started.push(0),
    );
    expect(started).toEqual([1]);
    release?.();
    expect(started).toEqual([1, 2]);
    release?.();
    release?.();
    expect(started).toEqual([1, 2, 3, 0]);
  });
});
