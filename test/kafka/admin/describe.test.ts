import { describe, expect, it } from 'vitest';
import { assignReplicasToBrokers } from '../../../src/kafka/admin/assignment.js';
import {
  type DescribedTopic,
  describeTopics,
  NO_LEADER,
  ZERO_TOPIC_ID,
} from '../../../src/kafka/admin/describe.js';
import { KafkaError } from '../../../src/kafka/admin/errors.js';
import {
  COLLISION_WARNING,
  createdTopicLine,
  missingTopicMessage,
  topicCommandCreateCheck,
  topicCommandErrorLine,
} from '../../../src/kafka/admin/topic-command.js';
import { planCreatePartitions } from '../../../src/kafka/admin/topics.js';

const TAB = '\t';
const lines = (...text: string[]): string => text.map((line) => `${line}\n`).join('');

// The example of docs/research/controller-and-zookeeper.md §7: 3 brokers, partition 1 leaderless.
const t: DescribedTopic = {
  name: 't',
  topicId: '5hV1Yk1mQ4KHn8o6lJq0Aw',
  partitions: [
    { partition: 1, leader: NO_LEADER, replicas: [2, 3, 1], isr: [2] },
    { partition: 0, leader: 1, replicas: [1, 2, 3], isr: [1, 2, 3] },
  ],
};

describe('kafka-topics.sh --describe, Kafka 3.8.0 against a ZooKeeper cluster', () => {
  it('prints the notes’ example byte for byte', () => {
    expect(describeTopics([t])).toBe(
      lines(
        'Topic: t\tTopicId: 5hV1Yk1mQ4KHn8o6lJq0Aw\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: ',
        '\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\tElr: N/A\tLastKnownElr: N/A',
        '\tTopic: t\tPartition: 1\tLeader: none\tReplicas: 2,3,1\tIsr: 2\tElr: N/A\tLastKnownElr: N/A',
      ),
    );
    // one TAB between fields, and a partition line starts with one
    expect(describeTopics([t]).split('\n')[1]?.startsWith(`${TAB}Topic: t${TAB}Partition: 0`)).toBe(true);
  });

  it('leaves out a missing or zero topic id, and lists non-default configs in the order given', () => {
    const noId: DescribedTopic = {
      name: 'logs',
      topicId: ZERO_TOPIC_ID,
      configs: [
        ['cleanup.policy', 'compact'],
        ['segment.bytes', '1048576'],
      ],
      partitions: [{ partition: 0, leader: 2, replicas: [2], isr: [2] }],
    };
    expect(describeTopics([noId])).toBe(
      lines(
        'Topic: logs\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: cleanup.policy=compact,segment.bytes=1048576',
        '\tTopic: logs\tPartition: 0\tLeader: 2\tReplicas: 2\tIsr: 2\tElr: N/A\tLastKnownElr: N/A',
      ),
    );
    expect(describeTopics([{ ...noId, topicId: undefined, markedForDeletion: true }])).toBe(
      describeTopics([noId]),
    );
  });

  it('shows a reassignment only while it runs, and counts the replication factor without the adding replicas', () => {
    // ORS [1,2,3] → TRS [2,3,4]: RS [2,3,4,1], adding [4], removing [1] (the notes' §8.2 example)
    const moving: DescribedTopic = {
      name: 'm',
      partitions: [
        {
          partition: 0,
          leader: 1,
          replicas: [2, 3, 4, 1],
          isr: [1, 2, 3],
          addingReplicas: [4],
          removingReplicas: [1],
        },
        {
          partition: 1,
          leader: 2,
          replicas: [2, 3, 1],
          isr: [2, 3, 1],
          addingReplicas: [],
          removingReplicas: [],
        },
      ],
    };
    expect(describeTopics([moving])).toBe(
      lines(
        'Topic: m\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: ',
        '\tTopic: m\tPartition: 0\tLeader: 1\tReplicas: 2,3,4,1\tIsr: 1,2,3\tAdding Replicas: 4\tRemoving Replicas: 1' +
          '\tElr: N/A\tLastKnownElr: N/A',
        '\tTopic: m\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3,1\tElr: N/A\tLastKnownElr: N/A',
      ),
    );
  });

  it('prints several topics in Java HashMap order, not sorted', () => {
    const topic = (name: string): DescribedTopic => ({
      name,
      partitions: [{ partition: 0, leader: 0, replicas: [0], isr: [0] }],
    });
    const out = describeTopics(['alpha', 'beta', 'gamma', 'delta'].map(topic));
    const headers = out.split('\n').filter((line) => line.startsWith('Topic: '));
    expect(headers.map((line) => line.split(TAB)[0])).toEqual([
      'Topic: delta',
      'Topic: beta',
      'Topic: gamma',
      'Topic: alpha',
    ]);
    expect(describeTopics(['alpha', 'beta', 'gamma', 'delta'].map(topic), { lineSeparator: '\r\n' })).toBe(
      out.replaceAll('\n', '\r\n'),
    );
  });
});

describe('kafka-topics.sh --describe, Kafka 2.1.1 (--zookeeper)', () => {
  it('prints the notes’ example byte for byte: no spaces in the header, raw -1 leader, no id or ELR', () => {
    expect(describeTopics([t], { version: '2.1.1' })).toBe(
      lines(
        'Topic:t\tPartitionCount:2\tReplicationFactor:3\tConfigs:',
        '\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3',
        '\tTopic: t\tPartition: 1\tLeader: -1\tReplicas: 2,3,1\tIsr: 2',
      ),
    );
  });

  it('marks a topic being deleted, says none without a state znode, and sorts topics by name', () => {
    const topics: DescribedTopic[] = [
      {
        name: 'b',
        markedForDeletion: true,
        configs: [['retention.ms', '1000']],
        partitions: [{ partition: 0, leader: null, replicas: [1, 2], isr: [1] }],
      },
      { name: 'a', partitions: [{ partition: 0, leader: 2, replicas: [2, 1], isr: [2, 1] }] },
    ];
    expect(describeTopics(topics, { version: '2.1.1' })).toBe(
      lines(
        'Topic:a\tPartitionCount:1\tReplicationFactor:2\tConfigs:',
        '\tTopic: a\tPartition: 0\tLeader: 2\tReplicas: 2,1\tIsr: 2,1',
        'Topic:b\tPartitionCount:1\tReplicationFactor:2\tConfigs:retention.ms=1000\tMarkedForDeletion:true',
        '\tTopic: b\tPartition: 0\tLeader: none\tReplicas: 1,2\tIsr: ',
      ),
    );
  });
});

describe('kafka-topics.sh messages', () => {
  it('announces a created topic', () => {
    expect(createdTopicLine('t')).toBe('Created topic t.');
    expect(createdTopicLine('t', '2.1.1')).toBe('Created topic "t".');
  });

  it('wraps failures as the tool prints them', () => {
    let failure: unknown;
    try {
      assignReplicasToBrokers([1, 2, 3], 3, 4);
    } catch (error) {
      failure = error;
    }
    expect(topicCommandErrorLine(failure)).toBe(
      'Error while executing topic command : Replication factor: 4 larger than available brokers: 3.',
    );
    try {
      planCreatePartitions(
        { name: 't', count: 2 },
        {
          brokers: [1],
          topics: [{ name: 't', partitions: [{ replicas: [1] }, { replicas: [1] }, { replicas: [1] }] }],
        },
      );
    } catch (error) {
      failure = error;
    }
    expect(topicCommandErrorLine(failure)).toBe(
      'Error while executing topic command : Topic currently has 3 partitions, which is higher than the requested 2.',
    );
    // an AdminOperationException reaches the client as UNKNOWN_SERVER_ERROR without its message
    expect(topicCommandErrorLine(new KafkaError('AdminOperationException', 'internal detail'))).toBe(
      'Error while executing topic command : The server experienced an unexpected error when processing the request.',
    );
    expect(topicCommandErrorLine(new Error(missingTopicMessage('t')))).toBe(
      "Error while executing topic command : Topic 'Optional[t]' does not exist as expected",
    );
  });

  it("makes 3.8.0's own checks before sending a CreateTopics request", () => {
    expect(topicCommandCreateCheck(3, 0)).toBe(
      'The replication factor must be between 1 and 32767 inclusive',
    );
    expect(topicCommandCreateCheck(3, 32768)).toBe(
      'The replication factor must be between 1 and 32767 inclusive',
    );
    expect(topicCommandCreateCheck(0, 1)).toBe('The partitions must be greater than 0');
    expect(topicCommandCreateCheck(3, 32767)).toBeUndefined();
    expect(topicCommandCreateCheck()).toBeUndefined();
    expect(COLLISION_WARNING).toBe(
      "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. " +
        'To avoid issues it is best to use either, but not both.',
    );
  });
});
