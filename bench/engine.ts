/**
 * Engine benchmark: about a million events through the engine (actors exchanging messages over
 * the network with random latency) against, in the same process, a baseline that pushes and pops
 * the same number of events through a bare binary heap holding as many events.
 *
 *   npm run bench:engine            human-readable
 *   npm run bench:engine -- --json  {"engineEventsPerSec": n, "baselineEventsPerSec": n, "ratio": n}
 *
 * ratio = engine time / baseline time for the same number of events (lower is better).
 * Host time is read here on purpose: this file measures the simulator, it is not part of it.
 */
import { performance } from 'node:perf_hooks';
import type { Peer } from '../src/sim/process.js';
import { World } from '../src/sim/world.js';
import { median } from './args.js';

const EVENTS = 1_000_000;
const PROCESSES = 16;
const MESSAGES_PER_PROCESS = 64; // messages in flight: PROCESSES * MESSAGES_PER_PROCESS
const ROUNDS = 5;

function engineRun(events: number): number {
  const world = new World<number>({ seed: 42, latency: { kind: 'uniform', min: 100, max: 900 } });
  const names = Array.from({ length: PROCESSES }, (_, i) => `p${i}`);
  for (const name of names) {
    world.spawn(
      name,
      (ctx) => {
        // Resolved once, as an actor on a hot path would (ctx.peer).
        const peers = names.filter((n) => n !== name).map((n) => ctx.peer(n));
        const forward = (hops: number): void =>
          ctx.send(peers[ctx.rng.below(peers.length)] as Peer, hops + 1);
        return {
          onStart() {
            for (let i = 0; i < MESSAGES_PER_PROCESS; i++) forward(0);
          },
          onMessage(_from, hops) {
            forward(hops);
          },
        };
      },
      { start: false },
    );
  }
  for (const name of names) world.start(name);
  const start = performance.now();
  const result = world.runUntilQuiescent({ maxEvents: events });
  const elapsed = performance.now() - start;
  if (result.events !== events) throw new Error(`engine handled ${result.events} events, wanted ${events}`);
  return elapsed;
}

class BareEvent {
  seq = 0;
  constructor(readonly time: number) {}
}

/** The textbook binary min-heap over (time, seq): an array of event objects, sift up and down. */
class BinaryHeap {
  private readonly heap: BareEvent[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(event: BareEvent): void {
    event.seq = this.nextSeq++;
    const heap = this.heap;
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as BareEvent;
      if (p.time < event.time || (p.time === event.time && p.seq < event.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  pop(): BareEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let c = heap[child] as BareEvent;
      const right = heap[child + 1];
      if (right !== undefined && (right.time < c.time || (right.time === c.time && right.seq < c.seq))) {
        child++;
        c = right;
      }
      if (last.time < c.time || (last.time === c.time && last.seq < c.seq)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function baselineRun(events: number): number {
  const queue = new BinaryHeap();
  let x = 0x2545f491;
  const latency = (): number => {
    // xorshift32: the cheapest dice there are, so the baseline is pure heap work
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return 100 + ((x >>> 0) % 800);
  };
  for (let i = 0; i < PROCESSES * MESSAGES_PER_PROCESS; i++) queue.push(new BareEvent(latency()));
  const start = performance.now();
  for (let i = 0; i < events; i++) {
    const ev = queue.pop() as BareEvent;
    queue.push(new BareEvent(ev.time + latency()));
  }
  const elapsed = performance.now() - start;
  if (queue.size !== PROCESSES * MESSAGES_PER_PROCESS) throw new Error('baseline lost events');
  return elapsed;
}

function main(): void {
  const json = process.argv.includes('--json');
  // Warm up both paths so that both are measured optimised.
  engineRun(EVENTS / 5);
  baselineRun(EVENTS / 5);
  const engineTimes: number[] = [];
  const baselineTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    engineTimes.push(engineRun(EVENTS));
    baselineTimes.push(baselineRun(EVENTS));
  }
  const engineMs = median(engineTimes);
  const baselineMs = median(baselineTimes);
  const engineEventsPerSec = Math.round(EVENTS / (engineMs / 1000));
  const baselineEventsPerSec = Math.round(EVENTS / (baselineMs / 1000));
  const ratio = Number((engineMs / baselineMs).toFixed(3));
  if (json) {
    console.log(JSON.stringify({ engineEventsPerSec, baselineEventsPerSec, ratio }));
    return;
  }
  const fmt = (n: number): string => `${(n / 1e6).toFixed(2)}M events/s`;
  console.log(
    `events per run:  ${EVENTS.toLocaleString('en-US')} (${PROCESSES} actors, ${PROCESSES * MESSAGES_PER_PROCESS} messages in flight)`,
  );
  console.log(
    `engine:          ${fmt(engineEventsPerSec)}  (median of ${ROUNDS}, ${engineMs.toFixed(1)} ms)`,
  );
  console.log(
    `baseline heap:   ${fmt(baselineEventsPerSec)}  (median of ${ROUNDS}, ${baselineMs.toFixed(1)} ms)`,
  );
  console.log(`ratio:           ${ratio} (engine time / baseline time)`);
}

main();
