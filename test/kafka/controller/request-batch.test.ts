import { describe, expect, it } from 'vitest';
import { type ControllerPartition, RequestBatch } from '../../../src/kafka/controller/request-batch.js';

const partition = (leaderEpoch: number, isr: number[]): ControllerPartition => ({
  topic: 't',
  partition: 0,
  replicas: [1, 2, 3],
  leadership: { leader: 1, leaderEpoch, isr, controllerEpoch: 1, zkVersion: leaderEpoch },
  state: 'OnlinePartition',
});

describe('RequestBatch (ControllerBrokerRequestBatch)', () => {
  it('sends a broker one state per partition: the last one added, new if any was', () => {
    const batch = new RequestBatch();
    batch.addLeaderAndIsr([1, 2], partition(1, [1, 2]), true);
    batch.addLeaderAndIsr([1], partition(2, [1]));
    batch.addLeaderAndIsr([1], { ...partition(5, [1]), partition: 1 });
    expect(batch.leaderAndIsr.get(1)?.map((s) => [s.partition, s.leaderEpoch, s.isr, s.isNew])).toEqual([
      [0, 2, [1], true],
      [1, 5, [1], undefined],
    ]);
    expect(batch.leaderAndIsr.get(2)?.map((s) => [s.leaderEpoch, s.isNew])).toEqual([[1, true]]);
    expect([...batch.updateMetadata.keys()]).toEqual(['t-0', 't-1']);
  });
});
