import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignReplicasToBrokers,
  createNewPartitionsAssignment,
} from '../../../src/kafka/admin/assignment.js';
import { Rng } from '../../../src/sim/rng.js';
import { expectKafkaError } from './expect-kafka-error.js';

const count = <T>(items: readonly T[]): Map<T, number> => {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
};

/** Distinct broker ids in an arbitrary order, a replication factor they allow, a partition count. */
const placement = fc
  .uniqueArray(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 })
  .chain((brokers) =>
    fc.record({
      brokers: fc.constant(brokers),
      replicationFactor: fc.integer({ min: 1, max: brokers.length }),
      nPartitions: fc.integer({ min: 1, max: 60 }),
    }),
  );

describe('assignReplicasToBrokers', () => {
  it("reproduces AdminRackAwareTest.testReplicaAssignment's table (5 brokers, 10 partitions, rf 3, start 0)", () => {
    expect(
      assignReplicasToBrokers([0, 1, 2, 3, 4], 10, 3, { fixedStartIndex: 0, startPartitionId: -1 }),
    ).toEqual([
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 0],
      [4, 0, 1],
      // the second round: shift 1, so followers sit one step further
      [0, 2, 3],
      [1, 3, 4],
      [2, 4, 0],
      [3, 0, 1],
      [4, 1, 2],
    ]);
  });

  it('uses the brokers in the order given, as Kafka does', () => {
    // Both vectors printed by Kafka 3.8.0's AdminUtils, compiled from its source.
    expect(assignReplicasToBrokers([7, 3, 5], 3, 2, { fixedStartIndex: 1 })).toEqual([
      [3, 7],
      [5, 3],
      [7, 5],
    ]);
    // starting at partition 4 = a multiple of n: the shift moves before the first partition
    expect(assignReplicasToBrokers([7, 3, 5, 11], 6, 3, { fixedStartIndex: 2, startPartitionId: 4 })).toEqual(
      [
        [5, 11, 7],
        [11, 7, 3],
        [7, 3, 5],
        [3, 5, 11],
        [5, 7, 3],
        [11, 3, 5],
      ],
    );
  });

  it("validates in Kafka's order with Kafka's exceptions and messages", () => {
    const brokers = [0, 1, 2, 3, 4];
    expectKafkaError(
      () => assignReplicasToBrokers(brokers, 10, 0),
      'InvalidReplicationFactorException',
      'Replication factor must be larger than 0.',
    );
    expectKafkaError(
      () => assignReplicasToBrokers(brokers, 10, 6),
      'InvalidReplicationFactorException',
      'Replication factor: 6 larger than available brokers: 5.',
    );
    expectKafkaError(
      () => assignReplicasToBrokers([1, 2, 3], 3, 4),
      'InvalidReplicationFactorException',
      'Replication factor: 4 larger than available brokers: 3.',
    );
    const error = expectKafkaError(
      () => assignReplicasToBrokers([], 0, 0),
      'InvalidPartitionsException',
      'Number of partitions must be larger than 0.',
    );
    expect([error.errorName, error.errorCode]).toEqual(['INVALID_PARTITIONS', 37]);
    expectKafkaError(
      () => assignReplicasToBrokers([], 1, 1),
      'InvalidReplicationFactorException',
      'Replication factor: 1 larger than available brokers: 0.',
    );
  });

  it('gives every partition rf distinct brokers from the list, the first replica round-robin', () => {
    fc.assert(
      fc.property(
        placement,
        fc.nat(11),
        fc.nat(30),
        ({ brokers, replicationFactor, nPartitions }, f, first) => {
          const start = f % brokers.length;
          const assignment = assignReplicasToBrokers(brokers, nPartitions, replicationFactor, {
            fixedStartIndex: start,
            startPartitionId: first,
          });
          expect(assignment).toHaveLength(nPartitions);
          assignment.forEach((replicas, i) => {
            expect(replicas).toHaveLength(replicationFactor);
            expect(new Set(replicas).size).toBe(replicationFactor);
            for (const broker of replicas) expect(brokers).toContain(broker);
            expect(replicas[0]).toBe(brokers[(first + i + start) % brokers.length]);
          });
        },
      ),
    );
  });

  it('spreads leaders so that no two brokers lead more than one partition apart', () => {
    fc.assert(
      fc.property(
        placement,
        fc.string(),
        fc.nat(30),
        ({ brokers, replicationFactor, nPartitions }, seed, first) => {
          const assignment = assignReplicasToBrokers(brokers, nPartitions, replicationFactor, {
            random: new Rng(seed),
            startPartitionId: first,
          });
          const leaders = count(assignment.map((replicas) => replicas[0]));
          const perBroker = brokers.map((broker) => leaders.get(broker) ?? 0);
          expect(Math.max(...perBroker) - Math.min(...perBroker)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('over whole rounds of n partitions, puts each broker exactly once in every replica position', () => {
    // Within a round (partition ids k·n .. k·n+n-1) the shift is fixed, so follower j of each
    // partition is the leader moved by the same distance: a permutation of the brokers.
    fc.assert(
      fc.property(
        placement,
        fc.integer({ min: 1, max: 4 }),
        fc.nat(3),
        fc.string(),
        ({ brokers, replicationFactor }, rounds, firstRound, seed) => {
          const n = brokers.length;
          const assignment = assignReplicasToBrokers(brokers, rounds * n, replicationFactor, {
            random: new Rng(seed),
            startPartitionId: firstRound * n,
          });
          for (let round = 0; round < rounds; round++) {
            const block = assignment.slice(round * n, round * n + n);
            for (let j = 0; j < replicationFactor; j++) {
              expect([...block.map((replicas) => replicas[j])].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
                [...brokers].sort((a, b) => a - b),
              );
            }
          }
          const replicasPerBroker = count(assignment.flat());
          for (const broker of brokers)
            expect(replicasPerBroker.get(broker)).toBe(rounds * replicationFactor);
        },
      ),
    );
  });

  it('is deterministic for a seed, and without any Rng', () => {
    fc.assert(
      fc.property(placement, fc.string(), ({ brokers, replicationFactor, nPartitions }, seed) => {
        const run = () =>
          assignReplicasToBrokers(brokers, nPartitions, replicationFactor, { random: new Rng(seed) });
        expect(run()).toEqual(run());
        expect(assignReplicasToBrokers(brokers, nPartitions, replicationFactor)).toEqual(
          assignReplicasToBrokers(brokers, nPartitions, replicationFactor),
        );
      }),
    );
  });

  it('draws the start index, then the shift: the random path is the fixed path at those draws', () => {
    fc.assert(
      fc.property(placement, fc.string(), ({ brokers, replicationFactor, nPartitions }, seed) => {
        const probe = new Rng(seed);
        const startIndex = probe.below(brokers.length);
        const shift = probe.below(brokers.length);
        const random = new Rng(seed);
        expect(assignReplicasToBrokers(brokers, nPartitions, replicationFactor, { random })).toEqual(
          assignReplicasToBrokers(brokers, nPartitions, replicationFactor, {
            fixedStartIndex: startIndex,
            nextReplicaShift: shift,
          }),
        );
        // exactly two draws were taken from the stream
        expect(random.next()).toBe(probe.next());
      }),
    );
  });

  it('uses fixedStartIndex as the initial shift too, and draws nothing then', () => {
    fc.assert(
      fc.property(placement, fc.nat(11), ({ brokers, replicationFactor, nPartitions }, f) => {
        const start = f % brokers.length;
        const random = new Rng('untouched');
        expect(
          assignReplicasToBrokers(brokers, nPartitions, replicationFactor, {
            fixedStartIndex: start,
            random,
          }),
        ).toEqual(
          assignReplicasToBrokers(brokers, nPartitions, replicationFactor, {
            fixedStartIndex: start,
            nextReplicaShift: start,
          }),
        );
        expect(random.next()).toBe(new Rng('untouched').next());
      }),
    );
  });

  it('continues the leader rotation from startPartitionId, but restarts the follower shift', () => {
    // The shift grows once per multiple of n passed *in this call*: a later call only matches one big
    // placement while the earlier partitions were at most one round (Kafka's add-partitions inherits this).
    fc.assert(
      fc.property(placement, fc.integer({ min: 1, max: 30 }), fc.nat(11), (p, more, f) => {
        const { brokers, replicationFactor, nPartitions } = p;
        const start = f % brokers.length;
        const all = assignReplicasToBrokers(brokers, nPartitions + more, replicationFactor, {
          fixedStartIndex: start,
        });
        const later = assignReplicasToBrokers(brokers, more, replicationFactor, {
          fixedStartIndex: start,
          startPartitionId: nPartitions,
        });
        expect(later.map((replicas) => replicas[0])).toEqual(
          all.slice(nPartitions).map((replicas) => replicas[0]),
        );
        if (nPartitions <= brokers.length) expect(later).toEqual(all.slice(nPartitions));
      }),
    );
    expect(assignReplicasToBrokers([0, 1, 2], 1, 2, { fixedStartIndex: 0, startPartitionId: 16 })).toEqual([
      [1, 2],
    ]);
    expect(assignReplicasToBrokers([0, 1, 2], 17, 2, { fixedStartIndex: 0 })[16]).toEqual([1, 0]);
  });
});

describe('createNewPartitionsAssignment', () => {
  const brokers = [3, 1, 0, 2]; // registered brokers in any order: Kafka sorts them

  it('reproduces AddPartitionsTest.testReplicaPlacementAllServers (new-topic3 [2,3,0,1] to 7)', () => {
    expect(createNewPartitionsAssignment('new-topic3', [[2, 3, 0, 1]], brokers, 7)).toEqual([
      [3, 2, 0, 1],
      [0, 3, 1, 2],
      [1, 0, 2, 3],
      [2, 3, 0, 1],
      [3, 0, 1, 2],
      [0, 1, 2, 3],
    ]);
  });

  it('reproduces AddPartitionsTest.testReplicaPlacementPartialServers (new-topic2 [1,2] to 3)', () => {
    expect(createNewPartitionsAssignment('new-topic2', [[1, 2]], brokers, 3)).toEqual([
      [2, 0],
      [3, 1],
    ]);
  });

  it("starts at the first broker whose id is at least partition 0's leader, or at 0", () => {
    expect(createNewPartitionsAssignment('t', [[5, 1]], [1, 3, 7, 9], 2)).toEqual([[9, 7]]);
    expect(createNewPartitionsAssignment('t', [[10, 1]], [1, 3, 7, 9], 2)).toEqual([[3, 7]]);
  });

  it('rejects what is not an increase, and a topic without partition 0', () => {
    expectKafkaError(
      () => createNewPartitionsAssignment('t', [[0], [1], [2]], brokers, 3),
      'InvalidPartitionsException',
      'The number of partitions for a topic can only be increased. Topic t currently has 3 partitions, ' +
        '3 would not be an increase.',
    );
    const error = expectKafkaError(
      () => createNewPartitionsAssignment('new-topic5', [], brokers, 2),
      'AdminOperationException',
      "Unexpected existing replica assignment for topic 'new-topic5', partition id 0 is missing. Assignment: Map()",
    );
    expect([error.errorName, error.clientMessage]).toEqual([
      'UNKNOWN_SERVER_ERROR',
      'The server experienced an unexpected error when processing the request.',
    ]);
  });

  it('fails when brokers are gone below the replication factor', () => {
    expectKafkaError(
      () => createNewPartitionsAssignment('t', [[0, 1, 2]], [0, 1], 2),
      'InvalidReplicationFactorException',
      'Replication factor: 3 larger than available brokers: 2.',
    );
  });

  it("checks a manual assignment with AdminZkClient's messages", () => {
    // AddPartitionsTest.testWrongReplicaCount
    expectKafkaError(
      () => createNewPartitionsAssignment('new-topic1', [[0, 1]], brokers, 2, [[0, 1, 2]]),
      'InvalidReplicaAssignmentException',
      'Inconsistent replication factor between partitions, partition 0 has 2 while partitions [1] have ' +
        'replication factors [3], respectively.',
    );
    expectKafkaError(
      () => createNewPartitionsAssignment('t', [[0, 1]], brokers, 3, [[0, 1], []]),
      'InvalidReplicaAssignmentException',
      'Cannot have replication factor of 0 for partition id 2.',
    );
    expectKafkaError(
      () => createNewPartitionsAssignment('t', [[0, 1]], brokers, 2, [[3, 3]]),
      'InvalidReplicaAssignmentException',
      'Duplicate brokers not allowed in replica assignment: 3, 3 for partition id 1.',
    );
    expectKafkaError(
      () => createNewPartitionsAssignment('t', [[0, 1]], brokers, 2, [[0, 9]]),
      'BrokerNotAvailableException',
      'Some brokers specified for partition id 1 are not available. Specified brokers: 0, 9, ' +
        'available brokers: 0, 1, 2, 3.',
    );
    expect(
      createNewPartitionsAssignment('new-topic2', [[1, 2]], brokers, 3, [
        [0, 1],
        [2, 3],
      ]),
    ).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
});
