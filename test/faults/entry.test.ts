import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { faultScheduleArb } from '../../src/faults/arbitraries.js';
import { LATENCY_SPIKE_MS, LOSS_PERCENT } from '../../src/faults/entry.js';
import { drawFaults, type FaultTargets } from '../../src/faults/generate.js';
import type { FaultKind, FaultSpec } from '../../src/faults/spec.js';
import type { TimelineEntry } from '../../src/scenario/types.js';

const targets: FaultTargets = {
  brokers: ['broker-1', 'broker-2', 'broker-3'],
  zookeepers: ['zookeeper-1'],
  producers: ['p1'],
  consumers: ['c1'],
  partitions: ['orders-0'],
};
const servers = [...targets.brokers, ...targets.zookeepers];
const clients = [...targets.producers, ...targets.consumers];
const S = 1_000_000;
const LINK_KINDS: FaultKind[] = ['latency', 'loss'];

/** What a link entry says, or a reason it is not one either generator may write. */
function linkProblem(entry: TimelineEntry): string | undefined {
  const link = (entry as { link?: Record<string, unknown> }).link;
  if (link === undefined) return 'no link';
  const from = String(link.from);
  const to = String(link.to);
  const ends =
    (servers.includes(from) && servers.includes(to) && from !== to) ||
    (clients.includes(from) && targets.brokers.includes(to));
  if (!ends) return `ends ${from} → ${to}`;
  if (link.loss !== undefined) {
    const percent = Number(link.loss) * 100;
    // A whole percentage, within the range.
    if (Math.abs(percent - Math.round(percent)) > 1e-9) return `loss ${link.loss}`;
    if (Math.round(percent) < LOSS_PERCENT.min || Math.round(percent) > LOSS_PERCENT.max)
      return `loss ${link.loss}`;
    return undefined;
  }
  const latency = link.latency as { min: string; max: string };
  const low = Number.parseInt(latency.min, 10);
  if (low < LATENCY_SPIKE_MS.min || low > LATENCY_SPIKE_MS.max) return `latency ${latency.min}`;
  if (latency.max !== `${2 * low}ms`) return `latency max ${latency.max}`;
  return undefined;
}

/** A 30 s window of 1 to `most` faults of `kinds`, each lasting 1 s to 10 s. */
function windowOf(kinds: readonly FaultKind[], most: number): FaultSpec {
  return {
    kinds: new Map(kinds.map((k): [FaultKind, number] => [k, 1])),
    count: { kind: 'range', min: 1, max: most },
    from: 0,
    until: 30 * S,
    lasts: { min: S, max: 10 * S },
    swarm: false,
    brokers: [1, 2, 3],
  };
}

describe('the fault generator and the arbitraries write the same links', () => {
  it('drawFaults: two different servers or a client and a broker, in the shared ranges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        for (const { entry } of drawFaults(windowOf(LINK_KINDS, 4), targets, seed))
          expect(linkProblem(entry)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('faultScheduleArb: the same ends and ranges', () => {
    fc.assert(
      fc.property(
        faultScheduleArb({ targets, until: '30s', kinds: LINK_KINDS, minFaults: 1, maxFaults: 4 }),
        (schedule) => {
          for (const entry of schedule) expect(linkProblem(entry)).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('both reach spikes above 5 s, which the arbitraries once left out', () => {
    const drawn = Array.from({ length: 400 }, (_, i) =>
      drawFaults(windowOf(['latency'], 1), targets, i + 1),
    ).flat();
    const lowOf = (entry: TimelineEntry) =>
      Number.parseInt((entry as { link: { latency: { min: string } } }).link.latency.min, 10);
    expect(Math.max(...drawn.map(({ entry }) => lowOf(entry)))).toBeGreaterThan(5_000);
    const sampled = fc
      .sample(faultScheduleArb({ targets, until: '30s', kinds: ['latency'], minFaults: 1, maxFaults: 1 }), {
        numRuns: 400,
        seed: 7,
      })
      .flat();
    expect(Math.max(...sampled.map(lowOf))).toBeGreaterThan(5_000);
  });
});
