import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/sim/event-queue.js';

class Ev {
  seq = 0;
  cancelled = false;
  queued = false;
  constructor(
    public time: number,
    readonly id: number,
  ) {}
}

type Op =
  | { op: 'push'; time: number }
  | { op: 'pop' }
  | { op: 'cancel'; pick: number }
  | { op: 'popDue'; limit: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('push' as const), time: fc.nat(50) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('pop' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('popDue' as const), limit: fc.nat(50) }) },
);

describe('EventQueue', () => {
  it('behaves like a list sorted by (time, insertion order), with cancellation', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 400 }), (ops) => {
        const queue = new EventQueue<Ev>();
        let model: Ev[] = []; // live events in insertion order
        let nextId = 0;
        const earliest = (): Ev | undefined =>
          model.reduce<Ev | undefined>(
            (best, e) => (best === undefined || e.time < best.time ? e : best),
            undefined,
          );
        for (const op of ops) {
          if (op.op === 'push') {
            const ev = new Ev(op.time, nextId++);
            queue.push(ev);
            model.push(ev);
          } else if (op.op === 'cancel') {
            if (model.length === 0) continue;
            const victim = model[op.pick % model.length] as Ev;
            queue.cancel(victim);
            queue.cancel(victim); // twice is harmless
            model = model.filter((e) => e !== victim);
          } else {
            const want = earliest();
            const limit = op.op === 'popDue' ? op.limit : Number.POSITIVE_INFINITY;
            const got = op.op === 'popDue' ? queue.popDue(limit) : queue.pop();
            if (want === undefined || want.time > limit) {
              expect(got).toBeUndefined();
            } else {
              expect(got?.id).toBe(want.id);
              model = model.filter((e) => e !== want);
            }
          }
          expect(queue.size).toBe(model.length);
          expect(queue.peek()?.id).toBe(earliest()?.id);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('hands out events in nondecreasing time, FIFO among equal times', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { maxLength: 2000 }), (times) => {
        const queue = new EventQueue<Ev>();
        times.forEach((t, id) => {
          queue.push(new Ev(t, id));
        });
        const out: Ev[] = [];
        for (let ev = queue.pop(); ev !== undefined; ev = queue.pop()) out.push(ev);
        expect(out.length).toBe(times.length);
        for (let i = 1; i < out.length; i++) {
          const a = out[i - 1] as Ev;
          const b = out[i] as Ev;
          expect(a.time < b.time || (a.time === b.time && a.id < b.id)).toBe(true);
        }
      }),
    );
  });

  it('does not bloat when most timers are cancelled', () => {
    const queue = new EventQueue<Ev>();
    const keep: Ev[] = [];
    for (let i = 0; i < 10_000; i++) {
      const ev = new Ev(i, i);
      queue.push(ev);
      if (i % 100 === 0) keep.push(ev);
      else queue.cancel(ev);
    }
    expect(queue.size).toBe(keep.length);
    // compaction has dropped the marked events from the heap array itself
    expect((queue as unknown as { length: number }).length).toBeLessThan(2 * keep.length + 100);
    expect(queue.pop()?.id).toBe(0);
    expect(queue.pop()?.id).toBe(100);
  });

  it('ignores cancelling an event that has already come out (a timer that fired)', () => {
    const queue = new EventQueue<Ev>();
    const fired = new Ev(1, 1);
    queue.push(fired);
    queue.push(new Ev(2, 2));
    expect(queue.pop()).toBe(fired);
    queue.cancel(fired); // a handler cancelling its own, already fired, timer
    expect(queue.size).toBe(1);
    expect(queue.pop()?.id).toBe(2);
    expect(queue.size).toBe(0);
    // a fired timer cancelled many times never pushes the queue into spurious compactions
    for (let i = 0; i < 200; i++) {
      const ev = new Ev(10 + i, 100 + i);
      queue.push(ev);
      queue.pop();
      queue.cancel(ev);
    }
    expect(queue.size).toBe(0);
    expect((queue as unknown as { cancelledCount: number }).cancelledCount).toBe(0);
  });

  it('takes a re-pushed event as new, behind the events already due at its time', () => {
    const queue = new EventQueue<Ev>();
    const a = new Ev(5, 1);
    const b = new Ev(5, 2);
    queue.push(a);
    queue.push(b);
    expect(queue.pop()).toBe(a);
    queue.push(a);
    expect(queue.pop()).toBe(b);
    expect(queue.pop()).toBe(a);
    expect(queue.pop()).toBeUndefined();
  });
});
