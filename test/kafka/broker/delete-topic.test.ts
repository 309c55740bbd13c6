import { describe, expect, it } from 'vitest';
import type { BrokerMessage } from '../../../src/kafka/broker/broker.js';
import { brokerName } from '../../../src/kafka/broker/io.js';
import type { AdminTopicResult } from '../../../src/kafka/protocol.js';
import type { ProcessContext } from '../../../src/sim/process.js';
import { seconds } from '../../../src/sim/time.js';
import { type ProducedRecord, testProducer, zkCluster } from './cluster.js';

describe('topic deletion', () => {
  it('deletes every replica, the metadata and the znodes; the name can be used again', () => {
    const { world, ensemble, broker, createTopic, ids } = zkCluster({ seed: 2 });
    createTopic(seconds(5), 't', [[1, 2, 3]]);
    const produced: ProducedRecord[] = [];
    world.spawn(
      'producer',
      testProducer({ acks: -1, everyMs: 100, count: 20, brokers: ids, log: produced }),
      { start: false },
    );
    world.at(seconds(6), () => world.start('producer'));
    const answers: AdminTopicResult[][] = [];
    world.spawn(
      'admin',
      ((ctx: ProcessContext<BrokerMessage, never>) => ({
        onStart() {
          ctx.send(brokerName(2), {
            type: 'DeleteTopics',
            correlationId: 0,
            topics: ['t', 'missing'],
            timeoutMs: 30_000,
          });
        },
        onMessage(_from: string, m: BrokerMessage) {
          if (m.type === 'DeleteTopicsResponse') answers.push([...m.topics]);
        },
      })) as never,
      { start: false },
    );
    world.at(seconds(10), () => world.start('admin'));
    world.runUntil(seconds(15));
    expect(answers[0]).toEqual([
      { name: 't', error: 'NONE' },
      {
        name: 'missing',
        error: 'UNKNOWN_TOPIC_OR_PARTITION',
        errorMessage: 'This server does not host this topic-partition.',
      },
    ]);
    expect(ensemble.tree.paths().filter((p) => p.endsWith('/t') || p.includes('/t/'))).toEqual([]);
    for (const id of ids) {
      expect(broker(id)?.replicaManager.partitions.has('t-0')).toBe(false);
      expect(broker(id)?.replicaManager.metadataPartitions()).toEqual([]);
      expect(world.diskOf(brokerName(id)).hasLog('t-0/log')).toBe(false);
    }
    createTopic(seconds(16), 't', [[3, 1, 2]]);
    world.runUntil(seconds(20));
    expect(broker(3)?.replicaManager.partitions.get('t-0')?.isLeader).toBe(true);
    expect(broker(3)?.replicaManager.partitions.get('t-0')?.log.logEndOffset).toBe(0);
  });
});
