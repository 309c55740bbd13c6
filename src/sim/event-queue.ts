import type { SimTime } from './time.js';

/** What the queue needs of an event: its time, and room for its insertion sequence, a cancel mark and whether it is queued. */
export interface Queueable {
  time: SimTime;
  seq: number;
  cancelled: boolean;
  /** In the queue now (so that cancelling an event that already came out changes nothing). */
  queued: boolean;
}

/**
 * The event queue: a 4-ary min-heap ordered by (time, insertion sequence). O(log n) push and pop,
 * FIFO among events due at the same time. Four children per node halve the depth of a binary
 * heap, and the keys live in typed arrays beside the events, so the sift loops compare numbers in
 * contiguous memory instead of chasing objects.
 *
 * Cancellation is O(1): the event is marked and skipped when it reaches the top; when marked
 * events outnumber live ones the heap is rebuilt without them, so a timer-heavy run cannot bloat it.
 */
export class EventQueue<E extends Queueable> {
  private items: (E | undefined)[] = [];
  private times = new Float64Array(256);
  private length = 0;
  private nextSeq = 0;
  private cancelledCount = 0;

  /** Live (not cancelled) events in the queue. */
  get size(): number {
    return this.length - this.cancelledCount;
  }

  /** Inserts `event` at its `time`; among equal times, events come out in insertion order. */
  push(event: E): void {
    event.cancelled = false;
    event.queued = true;
    if (this.length === this.times.length) this.grow();
    const times = this.times;
    const items = this.items;
    const time = event.time;
    event.seq = this.nextSeq++;
    let i = this.length++;
    // Sift up with a hole: move parents down until the event's place is found. A new event
    // never goes above an equal-time one: its sequence is the largest.
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = times[parent] as number;
      if (pt <= time) break;
      times[i] = pt;
      items[i] = items[parent];
      i = parent;
    }
    times[i] = time;
    items[i] = event;
  }

  /**
   * Marks a queued event so that it never comes out. Cancelling twice, or cancelling an event that
   * has already come out (a timer that fired), changes nothing.
   */
  cancel(event: E): void {
    if (event.cancelled || !event.queued) return;
    event.cancelled = true;
    this.cancelledCount++;
    if (this.cancelledCount > 64 && this.cancelledCount * 2 > this.length) this.compact();
  }

  /** The earliest live event, without removing it. */
  peek(): E | undefined {
    while (this.length > 0 && (this.items[0] as E).cancelled) {
      (this.items[0] as E).queued = false;
      this.removeTop();
      this.cancelledCount--;
    }
    return this.items[0];
  }

  /** Removes and returns the earliest live event if it is due at or before `limit`. */
  popDue(limit: SimTime): E | undefined {
    for (;;) {
      const top = this.items[0];
      if (top === undefined) return undefined;
      if (top.cancelled) {
        top.queued = false;
        this.removeTop();
        this.cancelledCount--;
        continue;
      }
      if ((this.times[0] as number) > limit) return undefined;
      top.queued = false;
      this.removeTop();
      return top;
    }
  }

  /** Removes and returns the earliest live event. */
  pop(): E | undefined {
    for (;;) {
      const top = this.items[0];
      if (top === undefined) return undefined;
      top.queued = false;
      this.removeTop();
      if (!top.cancelled) return top;
      this.cancelledCount--;
    }
  }

  clear(): void {
    for (let i = 0; i < this.length; i++) (this.items[i] as E).queued = false;
    this.items = [];
    this.length = 0;
    this.cancelledCount = 0;
  }

  private removeTop(): void {
    const n = --this.length;
    const times = this.times;
    const items = this.items;
    const lastTime = times[n] as number;
    const last = items[n] as E;
    items[n] = undefined;
    if (n === 0) return;
    // Floyd's trick: walk the hole down to a leaf along the least children without comparing
    // against the moved element (it came from the bottom and usually belongs near it), then
    // sift that element up from there.
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      const best = this.leastChild(first, n);
      const bt = times[best] as number;
      times[i] = bt;
      items[i] = items[best];
      i = best;
    }
    const lastSeq = last.seq;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = times[parent] as number;
      if (pt < lastTime || (pt === lastTime && (items[parent] as E).seq < lastSeq)) break;
      times[i] = pt;
      items[i] = items[parent];
      i = parent;
    }
    times[i] = lastTime;
    items[i] = last;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
  }

  private compact(): void {
    // Keep the live events (in place), then restore the heap bottom-up (Floyd): linear, and no
    // comparator calls. Any valid heap pops in the same (time, sequence) order.
    const items = this.items;
    const times = this.times;
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      const item = items[i] as E;
      if (item.cancelled) {
        item.queued = false;
        continue;
      }
      items[n] = item;
      times[n] = times[i] as number;
      n++;
    }
    for (let i = n; i < this.length; i++) items[i] = undefined;
    this.length = n;
    this.cancelledCount = 0;
    for (let i = (n - 2) >> 2; i >= 0; i--) this.siftDown(i);
  }

  /** Moves the event at `i` down to where its subtree is a heap again. */
  private siftDown(i: number): void {
    const items = this.items;
    const times = this.times;
    const n = this.length;
    const item = items[i] as E;
    const time = times[i] as number;
    const seq = item.seq;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      const best = this.leastChild(first, n);
      const bt = times[best] as number;
      if (time < bt || (time === bt && seq < (items[best] as E).seq)) break;
      times[i] = bt;
      items[i] = items[best];
      i = best;
    }
    times[i] = time;
    items[i] = item;
  }

  /** The earliest of the (up to four) children starting at `first`, ties by sequence. */
  private leastChild(first: number, n: number): number {
    const items = this.items;
    const times = this.times;
    let best = first;
    let bt = times[first] as number;
    const end = Math.min(first + 4, n);
    for (let c = first + 1; c < end; c++) {
      const ct = times[c] as number;
      if (ct < bt || (ct === bt && (items[c] as E).seq < (items[best] as E).seq)) {
        best = c;
        bt = ct;
      }
    }
    return best;
  }
}
