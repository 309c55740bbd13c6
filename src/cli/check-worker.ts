/**
 * A `kafka-sim check` worker thread: runs the seeds and shrinks it is sent, exactly as
 * `kafka-sim run --seed N` runs a seed, and answers with small plain objects.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { shrinkFailure } from '../faults/shrink.js';
import { type CompiledScenario, compileScenario } from '../scenario/compile.js';
import { runScenario } from '../scenario/run.js';
import { erroredOutcome, type Reply, seedOutcome, type Task, type WorkerInit } from './check-protocol.js';

const port = parentPort;
if (port === null) throw new Error('check-worker.js runs only as a worker thread');
const init = workerData as WorkerInit;
const compiled = new Map<number, CompiledScenario>();

/** Compiled once per worker; the main thread has already compiled it, so it cannot fail here. */
function scenario(index: number): CompiledScenario {
  let found = compiled.get(index);
  if (found === undefined) {
    const source = init.scenarios[index];
    if (source === undefined) throw new Error(`no scenario ${index}`);
    found = compileScenario(source.file, source.text);
    compiled.set(index, found);
  }
  return found;
}

const post = (reply: Reply): void => port.postMessage(reply);

port.on('message', (task: Task) => {
  if (task.kind === 'seeds') {
    const compiledScenario = scenario(task.scenario);
    for (const seed of task.seeds) {
      let outcome: ReturnType<typeof seedOutcome>;
      try {
        // The trace hash is the same at every trace level: keep no records.
        outcome = seedOutcome(runScenario(compiledScenario, { seed, trace: 'off' }));
      } catch (error) {
        outcome = erroredOutcome(seed, error);
      }
      post({ kind: 'seed', scenario: task.scenario, outcome });
    }
  } else {
    const { scenario: index, seed, check } = task;
    try {
      const found = shrinkFailure(scenario(index), seed, check);
      // Only what the summary needs crosses to the main thread.
      const counterexample =
        found === undefined
          ? undefined
          : { yaml: found.yaml, faults: found.faults, traceHash: found.traceHash };
      post({
        kind: 'shrunk',
        outcome: {
          scenario: index,
          seed,
          check,
          ...(counterexample === undefined ? {} : { counterexample }),
        },
      });
    } catch (error) {
      post({ kind: 'shrunk', outcome: { scenario: index, seed, check, error: String(error) } });
    }
  }
  post({ kind: 'done' });
});
