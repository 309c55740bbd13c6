import { describe, expect, it } from 'vitest';
import { Cluster, type ClusterMessage, type ClusterTimer } from '../../../src/cluster/cluster.js';
import type { KafkaMessage } from '../../../src/kafka/protocol.js';
import type { ActorFactory } from '../../../src/sim/process.js';
import { seconds } from '../../../src/sim/time.js';

/** A stand-in controller: sends broker 2 each request at its time and keeps the answers. */
function fakeController(requests: readonly { at: number; message: KafkaMessage }[], answers: KafkaMessage[]) {
  const factory: ActorFactory<ClusterMessage, ClusterTimer> = (ctx) => ({
    onStart() {
      for (const [i, r] of requests.entries()) ctx.setTimer(r.at - ctx.now, { kind: `send-${i}` });
    },
    onTimer(tag) {
      const request = requests[Number(tag.kind.slice('send-'.length))];
      if (request !== undefined) ctx.send('broker-2', request.message);
    },
    onMessage(_from, message) {
      answers.push(message as KafkaMessage);
    },
  });
  return factory;
}

describe('KIP-380: control requests carry the broker epoch', () => {
  it('a broker refuses those for an older registration of itself, and takes an epoch that looks newer', () => {
    const cluster = new Cluster({ seed: 3 });
    cluster.createTopic({ name: 't', assignment: [[1, 2, 3]] });
    cluster.world.runUntil(seconds(5));
    const replicas = cluster.broker(2)?.replicaManager;
    const epoch = replicas?.brokerEpoch as number;
    expect(epoch).toBeGreaterThan(0);
    const leaderAndIsr = (brokerEpoch: number, leaderEpoch: number): KafkaMessage => ({
      type: 'LeaderAndIsr',
      correlationId: leaderEpoch,
      controllerId: 9,
      controllerEpoch: 50,
      brokerEpoch,
      partitions: [
        {
          topic: 't',
          partition: 0,
          leader: 2,
          leaderEpoch,
          isr: [2],
          partitionEpoch: 50,
          replicas: [1, 2, 3],
        },
      ],
    });
    const answers: KafkaMessage[] = [];
    cluster.addClient(
      'fake-controller',
      fakeController(
        [
          { at: seconds(6), message: leaderAndIsr(epoch - 1, 7) },
          {
            at: seconds(6),
            message: {
              type: 'UpdateMetadata',
              correlationId: 100,
              controllerId: 9,
              controllerEpoch: 50,
              brokerEpoch: epoch - 1,
              liveBrokers: [],
              partitions: [],
            },
          },
          // An epoch above the broker's own passes, as one from a ZooKeeper that handed zxids out again.
          { at: seconds(7), message: leaderAndIsr(epoch + 100, 8) },
        ],
        answers,
      ),
    );
    cluster.world.runUntil(seconds(6.5));
    expect(answers.map((a) => [a.type, 'error' in a ? a.error : undefined])).toEqual([
      ['LeaderAndIsrResponse', 'STALE_BROKER_EPOCH'],
      ['UpdateMetadataResponse', 'STALE_BROKER_EPOCH'],
    ]);
    expect(replicas?.partitions.get('t-0')?.leaderEpoch).toBe(0);
    expect(replicas?.controllerEpoch).toBe(1);
    cluster.world.runUntil(seconds(7.5));
    expect(answers[2]).toMatchObject({ type: 'LeaderAndIsrResponse', error: 'NONE' });
    expect(replicas?.partitions.get('t-0')).toMatchObject({ leader: 2, leaderEpoch: 8 });
  });
});
