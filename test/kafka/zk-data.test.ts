import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeController,
  decodePartitionState,
  decodeTopic,
  encodeBrokerRegistration,
  encodeController,
  encodePartitionState,
  encodeTopic,
  partitionStatePath,
} from '../../src/kafka/zk-data.js';

describe("Kafka's znodes", () => {
  it('are where Kafka puts them, with its JSON', () => {
    expect(partitionStatePath('first', 0)).toBe('/brokers/topics/first/partitions/0/state');
    expect(encodePartitionState({ leader: 1, leaderEpoch: 0, isr: [1, 2, 3], controllerEpoch: 1 })).toBe(
      '{"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2,3]}',
    );
    expect(encodeController(2, 1722470400000)).toBe(
      '{"version":2,"brokerid":2,"timestamp":"1722470400000","kraftControllerEpoch":-1}',
    );
    expect(decodeController(encodeController(3, 0))).toBe(3);
    expect(JSON.parse(encodeBrokerRegistration('broker-1', 9092, 5))).toEqual({
      features: {},
      listener_security_protocol_map: { PLAINTEXT: 'PLAINTEXT' },
      endpoints: ['PLAINTEXT://broker-1:9092'],
      jmx_port: -1,
      port: 9092,
      host: 'broker-1',
      version: 5,
      timestamp: '5',
    });
    const unclean = encodePartitionState({
      leader: 2,
      leaderEpoch: 4,
      isr: [2],
      controllerEpoch: 1,
      leaderRecoveryState: 1,
    });
    expect(unclean).toContain('"leader_recovery_state":1');
  });

  it('decode what they encode', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1, max: 10 }),
        fc.nat(100),
        fc.uniqueArray(fc.nat(10), { maxLength: 5 }),
        fc.nat(50),
        (leader, leaderEpoch, isr, controllerEpoch) => {
          const state = { leader, leaderEpoch, isr, controllerEpoch };
          expect(decodePartitionState(encodePartitionState(state))).toEqual(state);
        },
      ),
    );
    const topic = {
      partitions: new Map([
        [0, [1, 2, 3]],
        [1, [2, 3, 1]],
      ]),
      addingReplicas: new Map([[0, [4]]]),
      removingReplicas: new Map<number, number[]>(),
      topicId: 'AAAAAAAAAAAAAAAAAAAAAA',
    };
    const json = encodeTopic(topic);
    expect(json).toBe(
      '{"partitions":{"0":[1,2,3],"1":[2,3,1]},"topic_id":"AAAAAAAAAAAAAAAAAAAAAA","adding_replicas":{"0":[4]},"removing_replicas":{},"version":3}',
    );
    expect(decodeTopic(json)).toEqual(topic);
  });
});
