import { Worker } from 'node:worker_threads';
import type { Reply, Task, WorkerInit } from './check-protocol.js';

/** Where a run of the pool gets its tasks and leaves the replies. */
export interface PoolJob {
  /** The next task, or undefined when there is none (or no more should start). */
  next(): Task | undefined;
  reply(reply: Exclude<Reply, { kind: 'done' }>): void;
}

/**
 * The worker threads of `kafka-sim check`: each idle worker asks the job for a task, so a slow
 * seed never holds the others up.
 */
export class CheckPool {
  private readonly workers: Worker[];
  private readonly busy = new Set<Worker>();
  private job: PoolJob | undefined;
  private settle: ((error?: Error) => void) | undefined;
  private terminated = false;
  /** A worker died: every later run fails with this. */
  private failure: Error | undefined;

  constructor(size: number, init: WorkerInit) {
    // Resolves to dist/src/cli/check-worker.js: the CLI runs from the build.
    const entry = new URL('./check-worker.js', import.meta.url);
    this.workers = Array.from({ length: size }, () => new Worker(entry, { workerData: init }));
    for (const worker of this.workers) {
      worker.on('message', (reply: Reply) => this.onReply(worker, reply));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.terminated) this.fail(new Error(`a check worker exited with code ${code}`));
      });
    }
  }

  /** Runs the job's tasks until it has none and every worker is idle, or until terminate(). */
  run(job: PoolJob): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.terminated) return Promise.resolve();
    this.job = job;
    return new Promise<void>((resolve, reject) => {
      this.settle = (error) => (error === undefined ? resolve() : reject(error));
      for (const worker of this.workers) this.feed(worker);
      this.maybeDone();
    });
  }

  /** Stops every worker at once (their current tasks are lost) and ends the current run. */
  async terminate(): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    this.finish();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private onReply(worker: Worker, reply: Reply): void {
    if (this.terminated || this.job === undefined) return;
    if (reply.kind !== 'done') {
      this.job.reply(reply);
      return;
    }
    this.busy.delete(worker);
    this.feed(worker);
    this.maybeDone();
  }

  private feed(worker: Worker): void {
    if (this.busy.has(worker) || this.job === undefined || this.terminated) return;
    const task = this.job.next();
    if (task === undefined) return;
    this.busy.add(worker);
    worker.postMessage(task);
  }

  private maybeDone(): void {
    if (this.busy.size === 0) this.finish();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.finish(this.failure);
  }

  private finish(error?: Error): void {
    const settle = this.settle;
    this.settle = undefined;
    this.job = undefined;
    settle?.(error);
  }
}
