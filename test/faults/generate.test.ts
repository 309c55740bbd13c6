import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applicableKinds, drawFaults, type FaultTargets } from '../../src/faults/generate.js';
import { FAULT_KINDS, type FaultKind, type FaultSpec } from '../../src/faults/spec.js';
import { parseDuration } from '../../src/scenario/duration.js';

const targets: FaultTargets = {
  brokers: ['broker-1', 'broker-2', 'broker-3'],
  zookeepers: ['zookeeper-1'],
  producers: ['p1'],
  consumers: ['c1', 'c2'],
  partitions: ['orders-0', 'orders-1'],
};

const S = 1_000_000;
const specArb = fc
  .record({
    kinds: fc.subarray([...FAULT_KINDS], { minLength: 1 }),
    min: fc.integer({ min: 0, max: 4 }),
    extra: fc.integer({ min: 0, max: 6 }),
    from: fc.integer({ min: 0, max: 20 }),
    window: fc.integer({ min: 2, max: 60 }),
    lastsMin: fc.integer({ min: 1, max: 5 }),
    lastsExtra: fc.integer({ min: 0, max: 30 }),
    swarm: fc.boolean(),
  })
  .map(
    (r): FaultSpec => ({
      kinds: new Map(r.kinds.map((k): [FaultKind, number] => [k, 1])),
      count: { kind: 'range', min: r.min, max: r.min + r.extra },
      from: r.from * S,
      until: (r.from + r.window) * S,
      lasts: { min: r.lastsMin * S, max: (r.lastsMin + r.lastsExtra) * S },
      swarm: r.swarm,
      brokers: [1, 2, 3],
    }),
  );

describe('drawFaults', () => {
  it('draws from the seed alone: the same seed, the same faults', () => {
    fc.assert(
      fc.property(specArb, fc.nat(), (spec, seed) => {
        expect(drawFaults(spec, targets, seed)).toEqual(drawFaults(spec, targets, seed));
      }),
    );
  });

  it('keeps every fault inside the window, in time order, ended by `until`, on real targets', () => {
    fc.assert(
      fc.property(specArb, fc.nat(), (spec, seed) => {
        const faults = drawFaults(spec, targets, seed);
        expect(faults.length).toBeGreaterThanOrEqual(spec.count.kind === 'range' ? spec.count.min : 0);
        expect(faults.length).toBeLessThanOrEqual(spec.count.kind === 'range' ? spec.count.max : 99);
        let last = 0;
        for (const { kind, entry } of faults) {
          expect(applicableKinds(spec, targets)).toContain(kind);
          const at = parseDuration(entry.at) as number;
          expect(at).toBeGreaterThanOrEqual(Math.max(spec.from, last));
          last = at;
          const lasts = entry.for === undefined ? 0 : (parseDuration(entry.for) as number);
          expect(at + lasts).toBeLessThanOrEqual(spec.until);
          expect(at % 1000).toBe(0);
          if (kind !== 'expire-session') expect(lasts).toBeGreaterThan(0);
          const named = JSON.stringify(entry);
          const everyone = [
            ...targets.brokers,
            ...targets.zookeepers,
            ...targets.producers,
            ...targets.consumers,
          ];
          for (const name of named.match(/"(broker|zookeeper)-[0-9]+"|"[pc][0-9]"/g) ?? [])
            expect(everyone).toContain(JSON.parse(name));
        }
      }),
    );
  });

  it('swarms: across seeds, some enable few kinds and some many', () => {
    const spec: FaultSpec = {
      kinds: new Map(FAULT_KINDS.map((k): [FaultKind, number] => [k, 1])),
      count: { kind: 'range', min: 20, max: 20 },
      from: 0,
      until: 60 * S,
      lasts: { min: S, max: 2 * S },
      swarm: true,
      brokers: [1, 2, 3],
    };
    const kindsPerSeed = Array.from(
      { length: 50 },
      (_, seed) => new Set(drawFaults(spec, targets, seed).map((f) => f.kind)).size,
    );
    expect(Math.min(...kindsPerSeed)).toBeLessThanOrEqual(3);
    expect(Math.max(...kindsPerSeed)).toBeGreaterThanOrEqual(9);
  });

  it('leaves out kinds with nothing to hit', () => {
    const spec: FaultSpec = {
      kinds: new Map([
        ['crash-consumer', 1],
        ['kill-leader', 1],
        ['crash', 1],
      ] as [FaultKind, number][]),
      count: { kind: 'range', min: 5, max: 5 },
      from: 0,
      until: 60 * S,
      lasts: { min: S, max: 2 * S },
      swarm: false,
      brokers: [1],
    };
    const bare = { ...targets, consumers: [], partitions: [] };
    expect(applicableKinds(spec, bare)).toEqual(['crash']);
    expect(drawFaults(spec, bare, 7).every((f) => f.kind === 'crash')).toBe(true);
  });
});
