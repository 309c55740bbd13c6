/**
 * A consumer through an unclean leader election, end to end: the old leader and its follower crash,
 * the lagging replica becomes leader and the log the reader read is truncated under it.
 */
import { describe, expect, it } from 'vitest';
import type { PolledRecord } from '../../../src/history/client-history.js';
import { compileScenario } from '../../../src/scenario/compile.js';
import { runScenario } from '../../../src/scenario/run.js';
import type { TraceRecord } from '../../../src/sim/trace.js';

/** unclean-leader-election from the library, with the reader's config and an optional earlier reader. */
function scenario(reader: string, extra = '', timeline = ''): string {
  return `name: unclean-reader
description: brokers 1 and 2 crash, lagging broker 3 is elected uncleanly, a reader was ahead of its log
seed: 1
duration: 150s
cluster:
  brokers: 3
  config:
    unclean.leader.election.enable: true
topics:
  - name: orders
    assignment: [[1, 2, 3]]
producers:
  - name: p1
    topic: orders
    rate: 10
    count: 1300
    start: 2s
consumers:
${reader}${extra}
timeline:
  - at: 10s
    pause: broker-3
  - at: 60s
    crash: broker-1
  - at: 60s
    crash: broker-2
  - at: 61s
    resume: broker-3
  - at: 100s
    restart: broker-1
  - at: 100s
    restart: broker-2
${timeline}`;
}

const EARLIEST_READER = `  - name: reader
    assign: [orders-0]
    config: { auto.offset.reset: earliest }
`;

function run(text: string) {
  const trace: TraceRecord[] = [];
  const result = runScenario(compileScenario('unclean-reader.yaml', text), {
    trace: 'all',
    onTrace: (r) => {
      if (r.kind === 'disconnect' || r.kind === 'note' || r.kind === 'deliver') trace.push(r);
    },
  });
  const ops = result.cluster.clients.ops;
  const polled = (process: string) =>
    ops.flatMap((op) =>
      op.f === 'poll' && op.type === 'ok' && op.process === process
        ? (op.records ?? []).map((r: PolledRecord) => ({ ...r, time: op.time }))
        : [],
    );
  return { result, trace, ops, polled };
}

let earliest: ReturnType<typeof run> | undefined;
/** The run with the earliest reader, shared by the tests that only read it. */
const earliestRun = () => {
  earliest ??= run(scenario(EARLIEST_READER));
  return earliest;
};

describe('consumer reconnect backoff (ClusterConnectionStates)', () => {
  it('reconnects to a dead broker a few times a second at most, not once a millisecond', () => {
    const { result, trace } = earliestRun();
    // Brokers 1 and 2 are down from 60 s to 100 s: 40 s. Before the backoff, the reader's fetches
    // to broker-1 were refused and resent about 40,000 times.
    const outage = trace.filter((r) => r.kind === 'disconnect' && r.time > 60e6 && r.time < 100e6);
    for (const client of ['reader', 'p1'])
      for (const broker of ['broker-1', 'broker-2']) {
        const n = outage.filter((r) => r.process === client && r.peer === broker).length;
        expect(n, `${client} -> ${broker}`).toBeLessThanOrEqual(2 * 40);
      }
    // The reader keeps trying at reconnect.backoff.max.ms (1 s, ±20 %) once the backoff has grown.
    const reader1 = outage.filter((r) => r.process === 'reader' && r.peer === 'broker-1');
    expect(reader1.length).toBeGreaterThanOrEqual(30);
    expect(result.events).toBeLessThan(20_000);
  });

  it('still finds the new leader once a broker it knows answers again', () => {
    const { trace } = earliestRun();
    const after = trace.filter(
      (r) => r.kind === 'deliver' && r.process === 'broker-3' && r.peer === 'reader' && r.detail === 'Fetch',
    );
    expect(after.some((r) => r.time > 100e6)).toBe(true);
  });
});
