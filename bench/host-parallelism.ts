/**
 * How much of a second core the host gives right now: the same CPU-bound loop in one worker thread,
 * then in two at once, and two threads' throughput over one's. A quiet 2-core host gives about 2; a
 * host whose second core is shared with other machines gives less. bench:check measures it around
 * each round, so that its own 2-over-1 ratio can be read against what the host could give.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

/** A loop the JIT cannot remove: xorshift over a fixed number of steps, about 1 s on one core here. */
const SPIN = `
const { parentPort } = require('node:worker_threads');
let x = 0x2545f491;
for (let i = 0; i < 300_000_000; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; }
parentPort.postMessage(x);
`;

function spin(threads: number): Promise<number> {
  const start = performance.now();
  const done = Array.from(
    { length: threads },
    () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(SPIN, { eval: true });
        worker.once('message', () => resolve());
        worker.once('error', reject);
      }),
  );
  return Promise.all(done).then(() => performance.now() - start);
}

/** Two threads' throughput over one thread's, now (about 2 s). */
export async function hostParallelism(): Promise<number> {
  const one = await spin(1);
  const two = await spin(2);
  return (2 * one) / two;
}
