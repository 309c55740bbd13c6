import { describe, expect, it } from 'vitest';
import { checkDuplicate } from '../../src/checks/duplicate.js';
import { checkInconsistentOffsets } from '../../src/checks/inconsistent-offsets.js';
import { checkLostWrite } from '../../src/checks/lost-write.js';
import { checkReorder } from '../../src/checks/reorder.js';
import { finalState, healthy, refs, replica, Scenario } from './builders.js';

const T = 1_000_000_000;

describe('lost-write', () => {
  it('holds when every acknowledged record is at its offset below the final HW; indeterminate sends never count', () => {
    const s = new Scenario();
    s.send('p1', 'p1-0', { type: 'ok', partition: 0, offset: 0 });
    s.send('p1', 'p1-1', { type: 'info', partition: 0, error: 'TimeoutException' }); // absent: fine
    s.send('p1', 'p1-2', { type: 'ok', partition: 0, offset: -1 }); // acks=0: not acknowledged
    s.send('p1', 'p1-3', { type: 'none' }); // crashed before the answer
    s.send('p1', 'p1-4', { type: 'fail', partition: 0, error: 'NOT_ENOUGH_REPLICAS' });
    s.send('p1', 'p1-5', { type: 'ok', partition: 0, offset: 1 });
    const result = checkLostWrite(s.input(finalState([{ replicas: healthy(['p1-0', 'p1-5']) }])));
    expect(result).toEqual({ name: 'lost-write', status: 'holds', violations: [] });
  });

  it('names an acknowledged record truncated away, one above the HW, one moved, and an offline partition', () => {
    const s = new Scenario();
    const a = s.send('p1', 'p1-0', { type: 'ok', partition: 0, offset: 0 }); // ends at offset 2 (retry copy)
    const b = s.send('p1', 'p1-1', { type: 'ok', partition: 0, offset: 1 }); // truncated
    const truncate = s.fact(1, { kind: 'truncate', to: 0, removed: 2 });
    s.fact(1, { kind: 'truncate', to: 5, removed: 1 }); // above: not about these records
    const c = s.send('p1', 'p1-2', { type: 'ok', partition: 0, offset: 3 }); // above the HW
    const d = s.send('p1', 'p1-3', { type: 'ok', partition: 1, offset: 0 }); // partition 1: no leader
    const final = finalState([
      { replicas: healthy(['x-0', 'x-1', 'p1-0', 'p1-2'], 3) },
      { replicas: [replica(2, ['p1-3'], { role: 'follower' })], leader: -1 },
    ]);
    const result = checkLostWrite(s.input(final));
    expect(result.status).toBe('violated');
    expect(result.violations.map((v) => v.message)).toEqual([
      'acked record t-0@0 (p1-0) lost: t-0@0 holds x-0 in the final committed log (leader broker 1, HW 3); the value is only at 2',
      'acked record t-0@1 (p1-1) lost: not in the final committed log of t-0 (leader broker 1, HW 3)',
      'acked record t-0@3 (p1-2) lost: at 3, above the final HW of t-0 (leader broker 1, HW 3), never readable',
      'acked record t-1@0 (p1-3) lost: t-1 has no leader on an online broker once quiescent, never readable',
    ]);
    const ids = result.violations.map((v) => refs(v.events));
    expect(ids).toEqual([
      [`op ${a} invoke`, `op ${a} ok`, `fact ${truncate}`, 'final 1'],
      [`op ${b} invoke`, `op ${b} ok`, `fact ${truncate}`, 'final 1'],
      [`op ${c} invoke`, `op ${c} ok`, 'final 1'],
      [`op ${d} invoke`, `op ${d} ok`, 'final null'],
    ]);
    // not quiescent: the offline partition is unavailable, not provably lossy
    const unsettled = checkLostWrite(s.input({ ...final, quiescent: false }));
    expect(unsettled.violations.map((v) => v.message)).toEqual(
      result.violations.slice(0, 3).map((v) => v.message),
    );
    expect(result.violations[0]?.events.at(-1)).toEqual({
      kind: 'final-state',
      topic: 't',
      partition: 0,
      broker: 1,
      time: T,
    });
  });
});

describe('duplicate', () => {
  it('holds for distinct values', () => {
    const s = new Scenario();
    s.poll('c1', [
      [0, 0, 'a'],
      [0, 1, 'b'],
    ]);
    expect(checkDuplicate(s.input(finalState([{ replicas: healthy(['a', 'b']) }]))).status).toBe('holds');
  });

  it('fires for a value at two offsets of the committed log, or polled at two offsets', () => {
    const s = new Scenario();
    const p1 = s.poll('c1', [
      [0, 0, 'a'],
      [0, 1, 'b'],
    ]);
    const p2 = s.poll('c2', [[0, 3, 'b']]); // read at 3, later truncated (that is G1a's): still delivered twice
    const result = checkDuplicate(s.input(finalState([{ replicas: healthy(['a', 'b', 'a']) }])));
    expect(result.violations.map((v) => v.message)).toEqual([
      'duplicate: b at 2 offsets of t-0: 1 (committed log, polled), 3 (polled)',
      'duplicate: a at 2 offsets of t-0: 0 (committed log, polled), 2 (committed log)',
    ]);
    expect(
      result.violations[0]?.events.filter((e) => e.kind === 'op').map((e) => e.kind === 'op' && e.id),
    ).toEqual([p1, p2]);
  });
});

describe('inconsistent-offsets', () => {
  it('holds when acks, polls and the final log agree', () => {
    const s = new Scenario();
    s.send('p1', 'a', { type: 'ok', partition: 0, offset: 0 });
    s.poll('c1', [[0, 0, 'a']]);
    expect(checkInconsistentOffsets(s.input(finalState([{ replicas: healthy(['a']) }]))).status).toBe(
      'holds',
    );
  });

  it('fires when one offset was acknowledged as one record and read or committed as another', () => {
    const s = new Scenario();
    const send = s.send('p1', 'a', { type: 'ok', partition: 0, offset: 0 });
    s.send('p1', 'z', { type: 'info', partition: 0 }); // indeterminate: says nothing about offsets
    const poll = s.poll('c1', [[0, 0, 'b']]);
    const result = checkInconsistentOffsets(s.input(finalState([{ replicas: healthy(['b']) }])));
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]?.message).toBe(
      'inconsistent offsets: t-0@0 is a (acked) and b (polled, final committed log)',
    );
    expect(result.violations[0]?.events.map((e) => e.kind === 'op' && e.id)).toEqual([send, poll, false]);
  });
});

describe('reorder', () => {
  const swapped = (producerId?: number) => {
    const s = new Scenario();
    const opts = producerId === undefined ? {} : { producerId };
    const a = s.send('p1', 'p1-0', { type: 'ok', partition: 0, offset: 1 }, opts);
    const b = s.send('p1', 'p1-1', { type: 'ok', partition: 0, offset: 0 }, opts);
    s.send('p2', 'p2-0', { type: 'ok', partition: 0, offset: 2 }, opts);
    return { s, a, b, final: finalState([{ replicas: healthy(['p1-1', 'p1-0', 'p2-0']) }]) };
  };

  it('fires for an idempotent producer whose later send sits below an earlier one', () => {
    const { s, a, b, final } = swapped(7);
    const result = checkReorder(s.input(final));
    expect(result.violations.map((v) => v.message)).toEqual([
      'reorder: p1 sent p1-0 before p1-1, but t-0 holds p1-1@0 before p1-0@1 (order was promised: idempotence or one request in flight)',
    ]);
    expect(
      result.violations[0]?.events.filter((e) => e.kind === 'op').map((e) => e.kind === 'op' && e.id),
    ).toEqual([a, a, b, b]);
  });

  it('fires without a promise of order too, and says that Kafka made none', () => {
    const { s, final } = swapped();
    const plain = checkReorder(s.input(final));
    expect(plain.status).toBe('violated');
    expect(plain.violations[0]?.message).toMatch(/no order was promised/);
    const promised = checkReorder(s.input(final, { p1: { orderPromised: true } }));
    expect(promised.violations[0]?.message).toMatch(/order was promised/);
    expect(
      checkReorder(swapped(7).s.input(final, { p1: { orderPromised: false } })).violations[0]?.message,
    ).toMatch(/no order was promised/);
  });

  it('holds for records in send order, across partitions and producers', () => {
    const s = new Scenario();
    s.send('p1', 'p1-0', { type: 'ok', partition: 0, offset: 0 }, { producerId: 1 });
    s.send('p2', 'p2-0', { type: 'ok', partition: 0, offset: 1 }, { producerId: 2 });
    s.send('p1', 'p1-1', { type: 'ok', partition: 0, offset: 2 }, { producerId: 1 });
    const final = finalState([{ replicas: healthy(['p1-0', 'p2-0', 'p1-1']) }]);
    expect(checkReorder(s.input(final)).status).toBe('holds');
  });
});
