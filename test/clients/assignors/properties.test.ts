import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AssignmentStrategy, assignPartitions } from '../../../src/clients/assignors/index.js';

type Subs = Record<string, { topics: string[]; ownedPartitions?: string[]; generation?: number }>;

const TOPICS = ['a', 'b', 'orders', 't-1'];
const partitionsPerTopic = fc.record({
  a: fc.integer({ min: 0, max: 6 }),
  b: fc.integer({ min: 0, max: 6 }),
  orders: fc.integer({ min: 0, max: 9 }),
  't-1': fc.integer({ min: 0, max: 4 }),
});
const memberIds = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/), { minLength: 1, maxLength: 6 });
const topicSet = fc.subarray(TOPICS, { minLength: 0 });
/**
 * Kafka quirk (AbstractStickyAssignor.allSubscriptionsEqual): a member with an empty topic list met
 * before the first non-empty one does not break "all equal", so the constrained path may hand it
 * partitions of topics it does not subscribe to. The sticky properties use non-empty lists.
 */
const nonEmptyTopicSet = fc.subarray(TOPICS, { minLength: 1 });

const allPartitions = (ppt: Record<string, number>, topics: readonly string[]): string[] =>
  topics.flatMap((t) => Array.from({ length: ppt[t] ?? 0 }, (_, i) => `${t}-${i}`));
const topicOf = (tp: string) => tp.slice(0, tp.lastIndexOf('-'));

/** Every partition of a subscribed topic goes to exactly one member, and that member subscribes to it. */
function expectValid(
  ppt: Record<string, number>,
  subs: Subs,
  result: Record<string, string[]>,
  complete = true,
) {
  expect(Object.keys(result).sort()).toEqual(Object.keys(subs).sort());
  const seen = new Set<string>();
  for (const [member, list] of Object.entries(result)) {
    for (const tp of list) {
      expect(seen.has(tp)).toBe(false);
      seen.add(tp);
      expect(subs[member]?.topics).toContain(topicOf(tp));
    }
  }
  const subscribed = [...new Set(Object.values(subs).flatMap((s) => s.topics))];
  const expected = allPartitions(ppt, subscribed);
  for (const tp of seen) expect(expected).toContain(tp);
  if (complete) expect(seen.size).toBe(expected.length);
}

const spread = (result: Record<string, string[]>) => {
  const sizes = Object.values(result).map((l) => l.length);
  return Math.max(...sizes) - Math.min(...sizes);
};

/** Re-runs cooperative-sticky with each member owning its last result until nothing is revoked. */
function settle(
  ppt: Record<string, number>,
  subs: Subs,
  strategy: AssignmentStrategy,
): Record<string, string[]> {
  let result = assignPartitions(strategy, ppt, subs);
  if (strategy !== 'cooperative-sticky') return result;
  let current = subs;
  for (let round = 0; round < 4; round++) {
    const revoked = Object.entries(current).some(([m, s]) =>
      (s.ownedPartitions ?? []).some((tp) => !(result[m] ?? []).includes(tp)),
    );
    if (!revoked) return result;
    current = Object.fromEntries(
      Object.entries(current).map(([m, s]) => [
        m,
        { topics: s.topics, ownedPartitions: result[m] ?? [], generation: 1 },
      ]),
    );
    result = assignPartitions(strategy, ppt, current);
  }
  return result;
}

const STRATEGIES: AssignmentStrategy[] = ['range', 'roundrobin', 'sticky', 'cooperative-sticky'];

describe('assignor properties', () => {
  it.each(STRATEGIES)(
    '%s: a fresh group gets every subscribed partition exactly once, to a subscriber',
    (strategy) => {
      fc.assert(
        fc.property(
          partitionsPerTopic,
          memberIds,
          fc.array(strategy.includes('sticky') ? nonEmptyTopicSet : topicSet, { minLength: 6, maxLength: 6 }),
          (ppt, ids, tops) => {
            const subs: Subs = Object.fromEntries(ids.map((id, i) => [id, { topics: tops[i] ?? [] }]));
            expectValid(ppt, subs, assignPartitions(strategy, ppt, subs));
          },
        ),
        { numRuns: 150 },
      );
    },
  );

  it("range: with identical subscriptions, per topic the members' counts differ by at most 1", () => {
    fc.assert(
      fc.property(partitionsPerTopic, memberIds, topicSet, (ppt, ids, topics) => {
        const result = assignPartitions('range', ppt, Object.fromEntries(ids.map((id) => [id, { topics }])));
        for (const topic of topics) {
          const counts = Object.values(result).map((l) => l.filter((tp) => topicOf(tp) === topic).length);
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it("roundrobin: with identical subscriptions, members' total counts differ by at most 1", () => {
    fc.assert(
      fc.property(partitionsPerTopic, memberIds, topicSet, (ppt, ids, topics) => {
        const result = assignPartitions(
          'roundrobin',
          ppt,
          Object.fromEntries(ids.map((id) => [id, { topics }])),
        );
        expect(spread(result)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it.each(['sticky', 'cooperative-sticky'] as const)(
    '%s: with identical subscriptions and any disjoint previous ownership, the settled counts differ by at most 1',
    (strategy) => {
      fc.assert(
        fc.property(
          partitionsPerTopic,
          memberIds,
          topicSet,
          fc.infiniteStream(fc.nat()),
          (ppt, ids, topics, picks) => {
            // Previous owners: each partition owned by a random member or nobody (generation 1).
            const owned: Record<string, string[]> = Object.fromEntries(ids.map((id) => [id, []]));
            const it = picks[Symbol.iterator]();
            for (const tp of allPartitions(ppt, topics)) {
              const pick = (it.next().value as number) % (ids.length + 1);
              if (pick < ids.length) owned[ids[pick] as string]?.push(tp);
            }
            const subs: Subs = Object.fromEntries(
              ids.map((id) => [id, { topics, ownedPartitions: owned[id], generation: 1 }]),
            );
            const result = settle(ppt, subs, strategy);
            expectValid(ppt, subs, result);
            expect(spread(result)).toBeLessThanOrEqual(1);
          },
        ),
        { numRuns: 150 },
      );
    },
  );

  it.each(['sticky', 'cooperative-sticky'] as const)(
    '%s: when one member leaves or joins (identical subscriptions), members keep their partitions up to the new quota',
    (strategy) => {
      fc.assert(
        fc.property(partitionsPerTopic, memberIds, topicSet, fc.boolean(), (ppt, ids, topics, leave) => {
          const fresh = settle(ppt, Object.fromEntries(ids.map((id) => [id, { topics }])), strategy);
          const stayers = leave ? ids.slice(1) : ids;
          const members = leave ? stayers : [...ids, 'newcomer'];
          if (members.length === 0) return;
          const subs: Subs = Object.fromEntries(
            members.map((id) => [id, { topics, ownedPartitions: fresh[id] ?? [], generation: 1 }]),
          );
          const next = settle(ppt, subs, strategy);
          expectValid(ppt, subs, next);
          const total = allPartitions(ppt, topics).length;
          const minQuota = Math.floor(total / members.length);
          let moved = 0;
          for (const id of stayers) {
            const before = fresh[id] ?? [];
            const after = next[id] ?? [];
            const kept = before.filter((tp) => after.includes(tp));
            // Keeps everything when not above the new target, else at least minQuota of its own.
            expect(kept.length).toBe(Math.min(before.length, Math.max(minQuota, kept.length)));
            if (before.length <= minQuota) expect(kept).toEqual(before);
            moved += before.length - kept.length;
          }
          // Only as many partitions move away from stayers as the balance requires.
          const sizes = stayers.map((id) => (fresh[id] ?? []).length);
          const over = sizes.reduce((sum, n) => sum + Math.max(0, n - Math.ceil(total / members.length)), 0);
          expect(moved).toBeLessThanOrEqual(Math.max(over, leave ? 0 : Math.ceil(total / members.length)));
        }),
        { numRuns: 150 },
      );
    },
  );

  it('cooperative-sticky: never gives a member in one round a partition another member owned in that round', () => {
    fc.assert(
      fc.property(
        partitionsPerTopic,
        memberIds,
        fc.array(nonEmptyTopicSet, { minLength: 6, maxLength: 6 }),
        fc.infiniteStream(fc.nat()),
        (ppt, ids, tops, picks) => {
          const it = picks[Symbol.iterator]();
          const owned: Record<string, string[]> = Object.fromEntries(ids.map((id) => [id, []]));
          const ownerOf = new Map<string, string>();
          for (const tp of allPartitions(ppt, TOPICS)) {
            const pick = (it.next().value as number) % (ids.length + 1);
            const id = ids[pick];
            if (id !== undefined) {
              owned[id]?.push(tp);
              ownerOf.set(tp, id);
            }
          }
          const subs: Subs = Object.fromEntries(
            ids.map((id, i) => [id, { topics: tops[i] ?? [], ownedPartitions: owned[id], generation: 1 }]),
          );
          const result = assignPartitions('cooperative-sticky', ppt, subs);
          expectValid(ppt, subs, result, false);
          for (const [member, list] of Object.entries(result)) {
            for (const tp of list) {
              const previous = ownerOf.get(tp);
              expect(previous === undefined || previous === member).toBe(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
