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

describe('consumer offset validation after a leader change (KIP-320)', () => {
  it('detects the truncation and seeks to the first diverging offset, not to the log start', () => {
    const { trace, polled, result } = earliestRun();
    const notes = trace.filter((r) => r.kind === 'note' && r.process === 'reader');
    const detected = notes.filter((r) => r.detail?.startsWith('Truncation detected'));
    expect(detected).toHaveLength(1);
    const detail = detected[0]?.detail ?? '';
    const match =
      /^Truncation detected for partition orders-0 at offset FetchPosition\{offset=(\d+),.*\}, resetting offset to the first offset known to diverge FetchPosition\{offset=(\d+), offsetEpoch=Optional\[0\],/.exec(
        detail,
      );
    expect(match, detail).not.toBeNull();
    const position = Number(match?.[1]);
    const diverging = Number(match?.[2]);
    // The new leader (broker 3) stopped fetching at 10 s: its log ends where epoch 0 ended for it.
    expect(diverging).toBeGreaterThan(0);
    expect(diverging).toBeLessThan(position);
    // No out-of-range reset: the reader never went back to offset 0.
    expect(notes.some((r) => r.detail?.includes('is out of range'))).toBe(false);
    const reads = polled('reader');
    const at = detected[0]?.time ?? 0;
    const before = reads.filter((r) => r.time <= at);
    const after = reads.filter((r) => r.time > at);
    expect(before.at(-1)?.offset).toBe(position - 1);
    expect(after[0]?.offset).toBe(diverging);
    expect(reads.filter((r) => r.offset === 0)).toHaveLength(1);
    // It reads the new leader's log to its end, and only once.
    const last = after.at(-1)?.offset ?? -1;
    expect(after.map((r) => r.offset)).toEqual(
      Array.from({ length: last - diverging + 1 }, (_, i) => diverging + i),
    );
    // The broker answered OffsetsForLeaderEpoch; the run still shows what the election lost.
    expect(trace.some((r) => r.kind === 'deliver' && r.detail === 'OffsetsForLeaderEpochResponse')).toBe(
      true,
    );
    const verdicts = new Map(result.checks.map((c) => [c.result.name, c.result.status]));
    expect(verdicts.get('lost-write')).toBe('violated');
    expect(verdicts.get('G1a')).toBe('violated');
    expect(verdicts.get('nonmonotonic-poll')).toBe('violated');
  });

  it('with auto.offset.reset=none fails the poll with LogTruncationException and the diverging offset', () => {
    // The reader needs a committed position to start from without a reset policy: an earlier
    // reader of the same group commits one, then crashes.
    const first = `  - name: first
    assign: [orders-0]
    commit: after-processing
    config: { group.id: readers, auto.offset.reset: earliest }
`;
    const reader = `  - name: reader
    assign: [orders-0]
    commit: after-processing
    start: 31s
    config: { group.id: readers, auto.offset.reset: none }
`;
    const { ops, trace, polled } = run(scenario(first, reader, '  - at: 30s\n    crash: first\n'));
    const reads = polled('reader');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads[0]?.offset).toBeGreaterThan(0); // from the committed offset, validated
    const fails = ops.filter((o) => o.process === 'reader' && o.f === 'poll' && o.type === 'fail');
    expect(fails.length).toBeGreaterThan(0);
    const error = (fails[0] as { error?: string }).error ?? '';
    expect(error).toMatch(
      /^LogTruncationException: Truncated partitions detected with divergent offsets \{orders-0=OffsetAndMetadata\{offset=\d+, leaderEpoch=0, metadata=''\}\}$/,
    );
    const diverging = Number(/offset=(\d+)/.exec(error)?.[1]);
    expect(diverging).toBeLessThan((reads.at(-1)?.offset ?? 0) + 1);
    expect(
      trace.some(
        (r) =>
          r.kind === 'note' &&
          r.process === 'reader' &&
          r.detail?.startsWith('Truncation detected for partition orders-0') &&
          r.detail.endsWith('but no reset policy is set'),
      ),
    ).toBe(true);
    // Nothing read after the truncation: the position stays where it was.
    const failedAt = fails[0]?.time ?? 0;
    expect(reads.filter((r) => r.time > failedAt)).toEqual([]);
  });
});
