import { describe, expect, it } from 'vitest';
import { seconds } from '../../../src/sim/time.js';
import { scriptedWorld } from './scripted-broker.js';

/**
 * Every path by which the consumer asks again after an error waits before it does (KIP-580's
 * retry.backoff.ms, AbstractCoordinator.joinGroupIfNeeded's retry.backoff.ms sleep,
 * ConsumerCoordinator.fetchCommittedOffsets' backoff): with one error held in place for 10 s, the
 * requests stay within what the backoff allows, never at the network's round-trip rate (about
 * 1 ms here, so a path without a backoff would make thousands).
 */
describe('consumer retries back off', () => {
  const TEN_SECONDS = seconds(10);
  /** retry.backoff.ms (100) apart at the least: at most 10 s / 100 ms, plus the first. */
  const FIXED_BACKOFF_BOUND = 101;

  for (const error of [
    'NOT_COORDINATOR',
    'COORDINATOR_NOT_AVAILABLE',
    'COORDINATOR_LOAD_IN_PROGRESS',
  ] as const) {
    it(`JoinGroup answered ${error}: one JoinGroup per retry.backoff.ms`, () => {
      const w = scriptedWorld({ joinGroup: () => error });
      w.world.runUntil(TEN_SECONDS);
      expect(w.count('JoinGroup')).toBeGreaterThan(50);
      expect(w.count('JoinGroup')).toBeLessThanOrEqual(FIXED_BACKOFF_BOUND);
      expect(w.count('FindCoordinator')).toBeLessThanOrEqual(FIXED_BACKOFF_BOUND);
    });
  }

  it('JoinGroup whose connection is closed: one JoinGroup per retry.backoff.ms', () => {
    const w = scriptedWorld({ joinGroup: () => 'disconnect' });
    w.world.runUntil(TEN_SECONDS);
    expect(w.count('JoinGroup')).toBeGreaterThan(10);
    expect(w.count('JoinGroup')).toBeLessThanOrEqual(FIXED_BACKOFF_BOUND);
  });

  for (const answer of ['NOT_COORDINATOR', 'disconnect'] as const) {
    it(`SyncGroup ${answer === 'disconnect' ? 'whose connection is closed' : `answered ${answer}`}: the rejoin waits retry.backoff.ms`, () => {
      const w = scriptedWorld({ syncGroup: () => answer });
      w.world.runUntil(TEN_SECONDS);
      expect(w.count('SyncGroup')).toBeGreaterThan(10);
      expect(w.count('SyncGroup')).toBeLessThanOrEqual(FIXED_BACKOFF_BOUND);
      expect(w.count('JoinGroup')).toBeLessThanOrEqual(FIXED_BACKOFF_BOUND + 1);
    });
  }

  it('OffsetFetch whose connection is closed: retried after the exponential backoff', () => {
    const w = scriptedWorld({ offsetFetch: () => 'disconnect' });
    w.world.runUntil(TEN_SECONDS);
    expect(w.count('OffsetFetch')).toBeGreaterThan(5);
    // 100, 200, 400, 800, then 1000 ms (±20 %): about a dozen in 10 s
    expect(w.count('OffsetFetch')).toBeLessThan(30);
  });

  for (const error of ['NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS'] as const) {
    it(`OffsetFetch answered ${error}: retried after the exponential backoff`, () => {
      const w = scriptedWorld({ offsetFetch: () => error });
      w.world.runUntil(TEN_SECONDS);
      expect(w.count('OffsetFetch')).toBeGreaterThan(5);
      expect(w.count('OffsetFetch')).toBeLessThan(30);
    });
  }

  it('an OffsetFetch partition error (UNSTABLE_OFFSET_COMMIT) retries once per response, with backoff', () => {
    const w = scriptedWorld({ offsetFetchPartition: () => 'UNSTABLE_OFFSET_COMMIT' });
    w.world.runUntil(TEN_SECONDS);
    expect(w.count('OffsetFetch')).toBeGreaterThan(5);
    expect(w.count('OffsetFetch')).toBeLessThan(30);
  });

  for (const answer of ['NOT_COORDINATOR', 'disconnect'] as const) {
    it(`Heartbeat ${answer === 'disconnect' ? 'whose connection is closed' : `answered ${answer}`}: the heartbeat thread backs off`, () => {
      const w = scriptedWorld({ heartbeat: () => answer });
      w.world.runUntil(TEN_SECONDS);
      expect(w.count('Heartbeat')).toBeGreaterThan(3);
      expect(w.count('Heartbeat')).toBeLessThanOrEqual(FIXED_BACKOFF_BOUND);
    });
  }

  it('FindCoordinator answered COORDINATOR_NOT_AVAILABLE: retried after the exponential backoff', () => {
    const w = scriptedWorld({ findCoordinator: () => 'COORDINATOR_NOT_AVAILABLE' });
    w.world.runUntil(TEN_SECONDS);
    expect(w.count('FindCoordinator')).toBeGreaterThan(5);
    expect(w.count('FindCoordinator')).toBeLessThan(30);
  });

  for (const answer of ['COORDINATOR_LOAD_IN_PROGRESS', 'NOT_COORDINATOR', 'disconnect'] as const) {
    const what = answer === 'disconnect' ? 'whose connection is closed' : `answered ${answer}`;
    it(`OffsetCommit ${what}: commitSync retries with backoff until default.api.timeout.ms`, () => {
      const w = scriptedWorld({ offsetCommit: () => answer, records: 1 }, { commitMode: 'after-processing' });
      w.world.runUntil(TEN_SECONDS);
      expect(w.count('OffsetCommit')).toBeGreaterThan(5);
      expect(w.count('OffsetCommit')).toBeLessThan(40);
    });

    it(`OffsetCommit ${what}: auto-commit tries again after retry.backoff.ms`, () => {
      const w = scriptedWorld(
        { offsetCommit: () => answer, records: 1 },
        { commitMode: 'auto', config: { 'auto.commit.interval.ms': 1_000 } },
      );
      w.world.runUntil(TEN_SECONDS);
      expect(w.count('OffsetCommit')).toBeGreaterThan(5);
      expect(w.count('OffsetCommit')).toBeLessThanOrEqual(FIXED_BACKOFF_BOUND);
    });
  }
});
