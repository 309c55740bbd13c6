import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BrokerMessage } from '../../../src/kafka/broker/broker.js';
import { brokerName } from '../../../src/kafka/broker/io.js';
import { alterPartitionError, type Leadership } from '../../../src/kafka/controller/alter-partition.js';
import type {
  AlterPartitionRequest,
  AlterPartitionResponse,
  KafkaMessage,
} from '../../../src/kafka/protocol.js';
import { CONTROLLER_EPOCH_PATH, partitionStatePath } from '../../../src/kafka/zk-data.js';
import type { ProcessContext } from '../../../src/sim/process.js';
import { seconds } from '../../../src/sim/time.js';
import { zkCluster } from '../broker/cluster.js';

type Proposed = AlterPartitionRequest['partitions'][number];

const leadership = fc.record({
  leader: fc.integer({ min: 1, max: 5 }),
  leaderEpoch: fc.integer({ min: 0, max: 6 }),
  isr: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }),
  controllerEpoch: fc.constant(1),
  zkVersion: fc.integer({ min: 0, max: 6 }),
});
const proposal = fc.record({
  brokerId: fc.integer({ min: 1, max: 5 }),
  version: fc.integer({ min: 0, max: 3 }),
  leaderEpoch: fc.integer({ min: -1, max: 7 }),
  partitionEpoch: fc.integer({ min: -1, max: 7 }),
  newIsr: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }),
  live: fc.uniqueArray(fc.integer({ min: 1, max: 5 })),
});

type Proposal = typeof proposal extends fc.Arbitrary<infer T> ? T : never;

function decide(current: Leadership, p: Proposal) {
  const proposed: Proposed = {
    topic: 't',
    partition: 0,
    leaderEpoch: p.leaderEpoch,
    partitionEpoch: p.partitionEpoch,
    newIsr: p.newIsr,
  };
  const live = new Set(p.live);
  return alterPartitionError(p, proposed, current, (b) => live.has(b));
}

describe('AlterPartition validation (KafkaController.tryProcessAlterPartition)', () => {
  it('writes only a proposal in the current epochs, from the leader or with a new ISR, naming live brokers', () => {
    fc.assert(
      fc.property(leadership, proposal, (current, p) => {
        if (decide(current, p) !== undefined) return;
        expect(p.leaderEpoch).toBe(current.leaderEpoch);
        expect(p.partitionEpoch).toBe(current.zkVersion);
        for (const b of p.newIsr) expect(p.live).toContain(b);
        const alreadySo =
          p.brokerId === current.leader &&
          p.newIsr.length === current.isr.length &&
          p.newIsr.every((b, i) => b === current.isr[i]);
        expect(alreadySo).toBe(false);
      }),
    );
  });

  it('answers epochs ahead of its own with NOT_CONTROLLER and an older leader epoch with FENCED_LEADER_EPOCH', () => {
    fc.assert(
      fc.property(leadership, proposal, (current, p) => {
        const answer = decide(current, p);
        if (p.partitionEpoch > current.zkVersion || p.leaderEpoch > current.leaderEpoch)
          expect(answer).toBe('NOT_CONTROLLER');
        else if (p.leaderEpoch < current.leaderEpoch) expect(answer).toBe('FENCED_LEADER_EPOCH');
      }),
    );
  });

  it('answers a retry of what is already written with NONE, whatever its partition epoch and the brokers’ liveness', () => {
    fc.assert(
      fc.property(leadership, proposal, fc.nat({ max: 6 }), (current, p, behind) => {
        const retry = {
          ...p,
          brokerId: current.leader,
          leaderEpoch: current.leaderEpoch,
          partitionEpoch: Math.max(-1, current.zkVersion - behind),
          newIsr: [...current.isr],
        };
        expect(decide(current, retry)).toBe('NONE');
      }),
    );
  });

  it('compares the ISR as a list: the same brokers in another order is a change, fenced by a stale partition epoch', () => {
    const current: Leadership = {
      leader: 1,
      leaderEpoch: 2,
      isr: [1, 2, 3],
      controllerEpoch: 1,
      zkVersion: 4,
    };
    const request = { brokerId: 1, version: 3 };
    const proposed = { topic: 't', partition: 0, leaderEpoch: 2, newIsr: [1, 3, 2] };
    const live = () => true;
    expect(alterPartitionError(request, { ...proposed, partitionEpoch: 3 }, current, live)).toBe(
      'INVALID_UPDATE_VERSION',
    );
    expect(alterPartitionError(request, { ...proposed, partitionEpoch: 4 }, current, live)).toBeUndefined();
  });

  it('refuses a new ISR naming a broker that is not live: INELIGIBLE_REPLICA from version 2, OPERATION_NOT_ATTEMPTED before', () => {
    const current: Leadership = { leader: 1, leaderEpoch: 0, isr: [1, 2], controllerEpoch: 1, zkVersion: 1 };
    const proposed = { topic: 't', partition: 0, leaderEpoch: 0, partitionEpoch: 1, newIsr: [1, 2, 3] };
    const live = (b: number) => b !== 3;
    expect(alterPartitionError({ brokerId: 1, version: 3 }, proposed, current, live)).toBe(
      'INELIGIBLE_REPLICA',
    );
    expect(alterPartitionError({ brokerId: 1, version: 2 }, proposed, current, live)).toBe(
      'INELIGIBLE_REPLICA',
    );
    expect(alterPartitionError({ brokerId: 1, version: 1 }, proposed, current, live)).toBe(
      'OPERATION_NOT_ATTEMPTED',
    );
  });
});

/** A stand-in leader: sends each request once the previous one is answered, and keeps the answers. */
function prober(
  requests: readonly { to: () => number; request: Omit<AlterPartitionRequest, 'type' | 'correlationId'> }[],
  answers: AlterPartitionResponse[],
) {
  return (ctx: ProcessContext<BrokerMessage, never>) => {
    const sendNext = () => {
      const next = requests[answers.length];
      if (next === undefined) return;
      ctx.send(brokerName(next.to()), {
        type: 'AlterPartition',
        correlationId: answers.length,
        ...next.request,
      } as KafkaMessage);
    };
    return {
      onStart: sendNext,
      onMessage(_from: string, m: BrokerMessage) {
        if (m.type !== 'AlterPartitionResponse') return;
        answers.push(m);
        sendNext();
      },
    };
  };
}

describe('the controller answers AlterPartition as Kafka 3.8 does', () => {
  it('refuses stale, fenced, ineligible and unknown changes, accepts a retry, writes a valid one', () => {
    const { world, ensemble, state, createTopic, ids, activeController } = zkCluster({ seed: 1 });
    createTopic(seconds(5), 't', [[1, 2, 3]]);
    world.runUntil(seconds(10));
    const controller = activeController();
    // a follower that is not the controller dies: leader 1 stays, the ISR shrinks, both epochs move
    const victim = controller === 2 ? 3 : 2;
    world.at(seconds(20), () => world.crash(brokerName(victim)));
    world.runUntil(seconds(45));
    const before = state('t', 0);
    if (before === undefined) throw new Error('no partition state');
    const { leaderEpoch: epoch, zkVersion: version, isr } = before;
    expect(before.leader).toBe(1);
    expect(isr).not.toContain(victim);
    expect(isr).toHaveLength(2);
    const brokerEpoch = ensemble.tree.node('/brokers/ids/1')?.stat.czxid as number;
    const toController = () => controller;
    const other = ids.find((id) => id !== controller && id !== victim) as number;
    const from1 = (
      partition: number,
      leaderEpoch: number,
      partitionEpoch: number,
      newIsr: number[],
      v = 3,
    ) => ({
      to: toController,
      request: {
        version: v,
        brokerId: 1,
        brokerEpoch,
        partitions: [{ topic: 't', partition, leaderEpoch, partitionEpoch, newIsr }],
      },
    });
    const requests = [
      from1(0, epoch, version + 1, [1]),
      from1(0, epoch + 1, version, [1]),
      from1(0, epoch - 1, version, [1]),
      from1(0, epoch, version - 1, [...isr]), // a retry of what is written: NONE
      from1(0, epoch, version - 1, [...isr].reverse()),
      from1(0, epoch, version, [...isr, victim]),
      from1(0, epoch, version, [...isr, victim], 1),
      from1(7, epoch, version, [1]),
      {
        to: toController,
        request: { ...from1(0, epoch, version, [1]).request, brokerEpoch: brokerEpoch + 1 },
      },
      { to: () => other, request: from1(0, epoch, version, [1]).request },
      from1(0, epoch, version, [1]),
    ];
    const answers: AlterPartitionResponse[] = [];
    world.spawn('prober', prober(requests, answers) as never, { start: false });
    world.at(seconds(50), () => world.start('prober'));
    world.runUntil(seconds(60));

    expect(answers.map((a) => a.error)).toEqual([
      'NONE',
      'NONE',
      'NONE',
      'NONE',
      'NONE',
      'NONE',
      'NONE',
      'NONE',
      'STALE_BROKER_EPOCH',
      'NOT_CONTROLLER',
      'NONE',
    ]);
    expect(answers.map((a) => a.partitions[0]?.error)).toEqual([
      'NOT_CONTROLLER',
      'NOT_CONTROLLER',
      'FENCED_LEADER_EPOCH',
      'NONE',
      'INVALID_UPDATE_VERSION', // the two ISR members in the other order
      'INELIGIBLE_REPLICA',
      'OPERATION_NOT_ATTEMPTED',
      'UNKNOWN_TOPIC_OR_PARTITION',
      undefined,
      undefined,
      'NONE',
    ]);
    // a refused partition carries only its error, the other fields at the message's defaults
    expect(answers[2]?.partitions[0]).toEqual({
      topic: 't',
      partition: 0,
      error: 'FENCED_LEADER_EPOCH',
      leader: 0,
      leaderEpoch: 0,
      isr: [],
      partitionEpoch: 0,
    });
    // the retry is answered with what is written; the last change is written with a new partition epoch
    expect(answers[3]?.partitions[0]).toMatchObject({
      leader: 1,
      leaderEpoch: epoch,
      isr,
      partitionEpoch: version,
    });
    expect(answers[10]?.partitions[0]).toMatchObject({
      leader: 1,
      leaderEpoch: epoch,
      isr: [1],
      partitionEpoch: version + 1,
    });
    expect(state('t', 0)).toMatchObject({ leader: 1, leaderEpoch: epoch, isr: [1], zkVersion: version + 1 });
  });
});

describe('the controller writes an AlterPartition as KafkaZkClient.updateLeaderAndIsr does', () => {
  /** Topic t on brokers 1..3 led by 1 (preferred leaders), settled; what a valid shrink to [1] proposes. */
  function settled() {
    const cluster = zkCluster({ seed: 2 });
    cluster.createTopic(seconds(5), 't', [
      [1, 2, 3],
      [1, 3, 2],
    ]);
    cluster.world.runUntil(seconds(10));
    const controller = cluster.activeController();
    const brokerEpoch = cluster.ensemble.tree.node('/brokers/ids/1')?.stat.czxid as number;
    const shrink = (partition: number) => {
      const s = cluster.state('t', partition);
      if (s === undefined) throw new Error(`no state for t-${partition}`);
      return { topic: 't', partition, leaderEpoch: s.leaderEpoch, partitionEpoch: s.zkVersion, newIsr: [1] };
    };
    const ask = (at: number) => {
      const answers: AlterPartitionResponse[] = [];
      const request = { version: 3, brokerId: 1, brokerEpoch, partitions: [shrink(0), shrink(1)] };
      cluster.world.spawn('prober', prober([{ to: () => controller, request }], answers) as never, {
        start: false,
      });
      cluster.world.at(seconds(at), () => cluster.world.start('prober'));
      cluster.world.runUntil(seconds(at + 2));
      return answers;
    };
    return { ...cluster, controller, ask };
  }

  it('answers a partition whose state znode is gone UNKNOWN_SERVER_ERROR and writes the others', () => {
    const { zkAction, state, ask } = settled();
    const before = state('t', 1);
    zkAction(seconds(11), 'rm', (client) =>
      client.delete(partitionStatePath('t', 1), -1, () => client.close()),
    );
    const [answer] = ask(13);
    expect(before).toBeDefined();
    expect(state('t', 1)).toBeUndefined();
    expect(answer?.error).toBe('NONE');
    expect(answer?.partitions.map((p) => [p.partition, p.error])).toEqual([
      [0, 'NONE'],
      [1, 'UNKNOWN_SERVER_ERROR'],
    ]);
    expect(state('t', 0)?.isr).toEqual([1]);
  });

  it('fails the whole request with UNKNOWN_SERVER_ERROR when a newer controller fenced its write, writing nothing, resigning not', () => {
    const { zkAction, state, ask, broker, controller } = settled();
    const before = [state('t', 0), state('t', 1)];
    // Another controller's epoch write: the controller's epoch zkVersion is stale from now on.
    zkAction(seconds(11), 'epoch', (client) =>
      client.getData(CONTROLLER_EPOCH_PATH, { watch: false }, (got) =>
        client.setData(CONTROLLER_EPOCH_PATH, got.code === 'OK' ? got.data : null, -1, () => client.close()),
      ),
    );
    const answers = ask(13);
    expect(answers).toEqual([
      { type: 'AlterPartitionResponse', correlationId: 0, error: 'UNKNOWN_SERVER_ERROR', partitions: [] },
    ]);
    expect([state('t', 0), state('t', 1)]).toEqual(before);
    // processAlterPartition catches the ControllerMovedException: no resignation from this event
    expect(broker(controller)?.controller().isActive).toBe(true);
  });
});
