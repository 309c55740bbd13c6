import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LeaderEpochCache } from '../../../src/kafka/log/epoch-cache.js';
import { ReplicaLog } from '../../../src/kafka/log/replica-log.js';
import { offsetTruncationState } from '../../../src/kafka/log/truncation.js';
import { Disk } from '../../../src/sim/disk.js';

const rec = (value: string) => ({ key: null, value, timestamp: 0 });
const recs = (...values: string[]) => values.map(rec);

describe('LeaderEpochCache', () => {
  it('keeps epochs and start offsets strictly increasing, dropping what a new entry contradicts', () => {
    const disk = new Disk();
    const cache = new LeaderEpochCache(disk, 'p/leader-epoch-checkpoint');
    cache.assign(0, 0);
    cache.assign(0, 5); // same epoch, later offset: nothing new
    cache.assign(2, 10);
    cache.assign(3, 12);
    expect(cache.all).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 2, startOffset: 10 },
      { epoch: 3, startOffset: 12 },
    ]);
    cache.assign(3, 11); // an earlier start for the latest epoch replaces it
    expect(cache.all.at(-1)).toEqual({ epoch: 3, startOffset: 11 });
    cache.assign(2, 8); // an older epoch: later entries go
    expect(cache.all).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 2, startOffset: 8 },
    ]);
    // written through: a new cache on the same disk sees the same
    expect(new LeaderEpochCache(disk, 'p/leader-epoch-checkpoint').all).toEqual(cache.all);
  });

  it("answers endOffsetFor as Kafka 3.8's LeaderEpochFileCache does", () => {
    const cache = new LeaderEpochCache(new Disk(), 'c');
    cache.assign(1, 0);
    cache.assign(3, 2);
    cache.assign(5, 7);
    const leo = 9;
    expect(cache.endOffsetFor(5, leo)).toMatchObject({ epoch: 5, endOffset: 9 }); // latest: the LEO
    expect(cache.endOffsetFor(4, leo)).toMatchObject({ epoch: 3, endOffset: 7 }); // floor epoch, next start
    expect(cache.endOffsetFor(3, leo)).toMatchObject({ epoch: 3, endOffset: 7 });
    expect(cache.endOffsetFor(2, leo)).toMatchObject({ epoch: 1, endOffset: 2 });
    expect(cache.endOffsetFor(0, leo)).toMatchObject({ epoch: 0, endOffset: 0 }); // older than all
    expect(cache.endOffsetFor(6, leo)).toMatchObject({ epoch: -1, endOffset: -1 }); // newer than all
    expect(cache.endOffsetFor(-1, leo)).toMatchObject({ epoch: -1, endOffset: -1 });
  });
});

describe('offsetTruncationState (KIP-279)', () => {
  it("repairs KIP-101's divergence example: the follower truncates to where its own epoch ends", () => {
    // A led epoch 1 (offsets 0, 1) and leads epoch 3 from offset 2; B led epoch 2 from offset 1.
    const leader = new LeaderEpochCache(new Disk(), 'a');
    leader.assign(1, 0);
    leader.assign(3, 2);
    const follower = new LeaderEpochCache(new Disk(), 'b');
    follower.assign(1, 0);
    follower.assign(2, 1);
    const answer = leader.endOffsetFor(follower.latestEpoch, 3); // (1, 2)
    expect(answer).toMatchObject({ epoch: 1, endOffset: 2 });
    expect(offsetTruncationState(answer.epoch, answer.endOffset, follower, 3, 0)).toEqual({
      offset: 1,
      truncationCompleted: true,
    });
  });

  it('asks again when the follower never had the leader epoch, and falls back to the HW when the leader knows nothing', () => {
    const follower = new LeaderEpochCache(new Disk(), 'b');
    follower.assign(0, 0);
    follower.assign(4, 6);
    expect(offsetTruncationState(2, 5, follower, 9, 3)).toEqual({ offset: 6, truncationCompleted: false });
    expect(offsetTruncationState(-1, -1, follower, 9, 3)).toEqual({ offset: 3, truncationCompleted: true });
    expect(offsetTruncationState(4, 20, follower, 9, 3)).toEqual({ offset: 9, truncationCompleted: true });
  });
});

describe('ReplicaLog', () => {
  it('assigns offsets as leader, stamps the epoch, and reads whole batches', () => {
    const log = new ReplicaLog(new Disk(), 't-0');
    expect(log.appendAsLeader(recs('a', 'b'), 0)).toMatchObject({ ok: true, firstOffset: 0, lastOffset: 1 });
    expect(log.appendAsLeader(recs('c'), 1)).toMatchObject({ ok: true, firstOffset: 2, lastOffset: 2 });
    expect(log.logEndOffset).toBe(3);
    expect(log.epochCache.all).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 2 },
    ]);
    expect(log.read(1)?.map((b) => b.baseOffset)).toEqual([0, 2]);
    expect(log.read(3)).toEqual([]);
    expect(log.read(4)).toBeUndefined();
    expect(log.batchAt(1)?.records.map((r) => r.value)).toEqual(['a', 'b']);
  });

  it('truncates at batch boundaries, with the epoch cache, the idempotence table and the HW', () => {
    const log = new ReplicaLog(new Disk(), 't-0');
    log.appendAsLeader(recs('a', 'b'), 0, { producerId: 7, producerEpoch: 0, baseSequence: 0 });
    log.appendAsLeader(recs('c', 'd'), 1, { producerId: 7, producerEpoch: 0, baseSequence: 2 });
    log.maybeIncrementHighWatermark(4);
    const removed = log.truncateTo(3);
    expect(removed.map((b) => b.baseOffset)).toEqual([2]);
    expect(log.logEndOffset).toBe(2);
    expect(log.highWatermark).toBe(2);
    expect(log.epochCache.all).toEqual([{ epoch: 0, startOffset: 0 }]);
    expect(log.producers.lastSequenceOf(7)).toEqual({ epoch: 0, lastSeq: 1 });
    expect(log.truncateTo(10)).toEqual([]);
  });

  it('keeps the HW monotonic as leader and clamps it into the log as follower', () => {
    const log = new ReplicaLog(new Disk(), 't-0');
    log.appendAsLeader(recs('a', 'b', 'c'), 0);
    expect(log.maybeIncrementHighWatermark(2)).toBe(true);
    expect(log.maybeIncrementHighWatermark(1)).toBe(false);
    expect(log.highWatermark).toBe(2);
    expect(() => log.maybeIncrementHighWatermark(4)).toThrow(/beyond log end/);
    expect(log.updateHighWatermark(10)).toBe(3);
    expect(log.updateHighWatermark(1)).toBe(1);
  });

  it('reopens from disk after a crash, and after a power loss clamps the checkpointed HW and the epoch cache', () => {
    const disk = new Disk();
    const log = new ReplicaLog(disk, 't-0');
    log.appendAsLeader(recs('a'), 0);
    log.flush();
    log.appendAsLeader(recs('b', 'c'), 1);
    expect(new ReplicaLog(disk, 't-0', 3).logEndOffset).toBe(3);
    disk.powerLoss();
    const reopened = new ReplicaLog(disk, 't-0', 3);
    expect(reopened.logEndOffset).toBe(1);
    expect(reopened.highWatermark).toBe(1);
    expect(reopened.epochCache.all).toEqual([{ epoch: 0, startOffset: 0 }]);
  });

  it('flushes once log.flush.interval.messages are unflushed, as leader and as follower (regression: the config was ignored)', () => {
    const disk = new Disk();
    const log = new ReplicaLog(disk, 't-0', 0, 3);
    log.appendAsLeader(recs('a', 'b'), 0); // 2 unflushed
    log.appendAsLeader(recs('c', 'd'), 0); // 4 ≥ 3: flushed through offset 4
    log.appendAsLeader(recs('e'), 0); // 1 unflushed
    disk.powerLoss();
    expect(new ReplicaLog(disk, 't-0', 0, 3).logEndOffset).toBe(4);

    const leader = new ReplicaLog(new Disk(), 'l');
    leader.appendAsLeader(recs('a', 'b', 'c'), 0);
    const followerDisk = new Disk();
    const follower = new ReplicaLog(followerDisk, 'f', 0, 3);
    follower.appendAsFollower(leader.allBatches());
    followerDisk.powerLoss();
    expect(new ReplicaLog(followerDisk, 'f').logEndOffset).toBe(3);

    const neverDisk = new Disk();
    const never = new ReplicaLog(neverDisk, 'n'); // Kafka's default: Long.MAX_VALUE, the OS decides
    never.appendAsLeader(recs('a', 'b', 'c'), 0);
    neverDisk.powerLoss();
    expect(new ReplicaLog(neverDisk, 'n').logEndOffset).toBe(0);
  });

  it('appends as follower only at its log end', () => {
    const leader = new ReplicaLog(new Disk(), 'l');
    leader.appendAsLeader(recs('a', 'b'), 3);
    const follower = new ReplicaLog(new Disk(), 'f');
    follower.appendAsFollower(leader.read(0) ?? []);
    expect(follower.allBatches()).toEqual(leader.allBatches());
    expect(follower.epochCache.latestEpoch).toBe(3);
    expect(() => follower.appendAsFollower(leader.read(0) ?? [])).toThrow(/follower append at 0/);
  });

  it('keeps offsets contiguous and its caches consistent under random appends and truncations', () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('append' as const),
        n: fc.integer({ min: 1, max: 4 }),
        epochStep: fc.nat(2),
      }),
      fc.record({ kind: fc.constant('truncate' as const), to: fc.nat(40) }),
      fc.record({ kind: fc.constant('hw' as const), to: fc.nat(40) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const log = new ReplicaLog(new Disk(), 'p');
        let epoch = 0;
        for (const o of ops) {
          if (o.kind === 'append') {
            epoch += o.epochStep;
            log.appendAsLeader(
              Array.from({ length: o.n }, (_, i) => rec(`${i}`)),
              epoch,
            );
          } else if (o.kind === 'truncate') {
            log.truncateTo(o.to);
          } else if (o.to <= log.logEndOffset) {
            log.maybeIncrementHighWatermark(o.to);
          }
          const batches = log.allBatches();
          let next = 0;
          for (const b of batches) {
            expect(b.baseOffset).toBe(next);
            next = b.lastOffset + 1;
          }
          expect(log.logEndOffset).toBe(next);
          expect(log.highWatermark).toBeLessThanOrEqual(log.logEndOffset);
          const entries = log.epochCache.all;
          for (let i = 1; i < entries.length; i++) {
            expect(entries[i]?.epoch).toBeGreaterThan(entries[i - 1]?.epoch as number);
            expect(entries[i]?.startOffset).toBeGreaterThan(entries[i - 1]?.startOffset as number);
          }
          for (const e of entries) expect(e.startOffset).toBeLessThan(Math.max(1, log.logEndOffset));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('idempotence (ProducerStateManager)', () => {
  const producer = (baseSequence: number, producerEpoch = 0) => ({
    producerId: 42,
    producerEpoch,
    baseSequence,
  });

  it('acknowledges a retried batch with its original offsets and does not append it again', () => {
    const log = new ReplicaLog(new Disk(), 'p');
    log.appendAsLeader(recs('a', 'b'), 0, producer(0));
    log.appendAsLeader(recs('c'), 0, producer(2));
    expect(log.appendAsLeader(recs('a', 'b'), 0, producer(0))).toEqual({
      ok: true,
      firstOffset: 0,
      lastOffset: 1,
      duplicate: true,
    });
    expect(log.logEndOffset).toBe(3);
  });

  it('remembers only the last five batches: an older retry is out of order', () => {
    const log = new ReplicaLog(new Disk(), 'p');
    for (let seq = 0; seq < 6; seq++) log.appendAsLeader(recs(`v${seq}`), 0, producer(seq));
    expect(log.appendAsLeader(recs('v1'), 0, producer(1))).toMatchObject({ ok: true, duplicate: true });
    expect(log.appendAsLeader(recs('v0'), 0, producer(0))).toEqual({
      ok: false,
      error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    });
  });

  it('refuses gaps and stale epochs, accepts a new epoch from sequence 0 and unknown producers anywhere', () => {
    const log = new ReplicaLog(new Disk(), 'p');
    expect(log.appendAsLeader(recs('x'), 0, producer(17))).toMatchObject({ ok: true }); // unknown producer
    expect(log.appendAsLeader(recs('y'), 0, producer(19))).toEqual({
      ok: false,
      error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    });
    expect(log.appendAsLeader(recs('z'), 0, producer(0, 1))).toMatchObject({ ok: true });
    expect(log.appendAsLeader(recs('w'), 0, producer(1, 0))).toEqual({
      ok: false,
      error: 'INVALID_PRODUCER_EPOCH',
    });
    expect(log.appendAsLeader(recs('w'), 0, producer(3, 2))).toEqual({
      ok: false,
      error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    });
  });

  it('is rebuilt from the log on restart, so a new incarnation still detects duplicates', () => {
    const disk = new Disk();
    const log = new ReplicaLog(disk, 'p');
    log.appendAsLeader(recs('a'), 0, producer(0));
    const reopened = new ReplicaLog(disk, 'p');
    expect(reopened.appendAsLeader(recs('a'), 0, producer(0))).toMatchObject({
      duplicate: true,
      firstOffset: 0,
    });
  });
});
