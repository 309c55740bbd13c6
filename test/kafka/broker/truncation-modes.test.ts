import { describe, expect, it } from 'vitest';
import { brokerName } from '../../../src/kafka/broker/io.js';
import type { TruncationMode } from '../../../src/kafka/config.js';
import { ms, seconds } from '../../../src/sim/time.js';
import { type Ack, cluster, producer } from './harness.js';

/**
 * KIP-101's first failure (docs/research/replication.md §4.1): an acknowledged record is lost when
 * a follower that had it restarts, truncates to its stale high watermark, and then becomes leader.
 */
function kip101Scenario(truncation: TruncationMode) {
  const { world, state, rm, controller } = cluster({
    brokers: [1, 2],
    truncation,
    state: { leader: 1, leaderEpoch: 0, isr: [1, 2], partitionEpoch: 0, replicas: [1, 2] },
  });
  const acked: Ack[] = [];
  world.spawn(
    'producer',
    producer(-1, 1_000, 1, () => state.leader, acked),
  );
  // The record is acked a little after 1 s; the follower learns HW=1 only on a later fetch.
  world.at(seconds(1) + ms(3), () => world.crash(brokerName(2)));
  // The restarted follower cannot reach the leader before the leader dies, so it cannot copy the
  // record again: all it has is what its own truncation left.
  world.at(seconds(1) + ms(3), () => world.network.partitionOneWay([brokerName(2)], [brokerName(1)]));
  world.at(seconds(1) + ms(4), () => {
    world.restart(brokerName(2));
    controller().sendState([2]);
  });
  world.at(seconds(1) + ms(6), () => {
    world.crash(brokerName(1));
    world.network.heal();
  });
  world.at(seconds(1) + ms(7), () => {
    Object.assign(state, { leader: 2, leaderEpoch: 1, isr: [2], partitionEpoch: 1 });
    controller().sendState([2]);
  });
  world.at(seconds(3), () => {
    world.restart(brokerName(1));
    controller().sendState([1]);
  });
  world.runUntil(seconds(6));
  const log = (b: number) =>
    (rm(b).partitions.get('t-0')?.log.allBatches() ?? []).flatMap((batch) =>
      batch.records.map((r) => r.value),
    );
  return { acked, log };
}

describe('truncation modes', () => {
  it('high-watermark (before 0.11): the restarted follower truncates to its stale HW and an acked record is lost', () => {
    const { acked, log } = kip101Scenario('high-watermark');
    expect(acked).toMatchObject([{ value: 'v0', error: 'NONE', offset: 0 }]);
    expect(log(2)).toEqual([]);
    expect(log(1)).toEqual([]); // the old leader, back as follower, cut to the new leader's end
  });

  it('leader-epoch (KIP-101/KIP-279): nothing acknowledged is lost by the same schedule', () => {
    const { acked, log } = kip101Scenario('leader-epoch');
    expect(acked).toMatchObject([{ value: 'v0', error: 'NONE', offset: 0 }]);
    expect(log(2)).toEqual(['v0']);
    expect(log(1)).toEqual(['v0']);
  });
});
