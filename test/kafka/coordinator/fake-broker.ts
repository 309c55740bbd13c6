/** The coordinator without the network: a fake broker clock, timers and `__consumer_offsets` log. */

import { type BrokerConfig, DEFAULT_BROKER_CONFIG } from '../../../src/kafka/config.js';
import { GroupCoordinator } from '../../../src/kafka/coordinator/group-coordinator.js';
import type { OffsetsTopicLog } from '../../../src/kafka/coordinator/group-metadata-manager.js';
import type { CoordinatorIO, GroupCoordinatorTimer } from '../../../src/kafka/coordinator/timers.js';
import type { ErrorName } from '../../../src/kafka/errors.js';
import type { ProducerRecord, RecordBatch } from '../../../src/kafka/log/record.js';
import type { JoinGroupRequest, KafkaMessage, KafkaResponse } from '../../../src/kafka/protocol.js';
import type { TimerHandle } from '../../../src/sim/process.js';
import { Rng } from '../../../src/sim/rng.js';

export const SUB = { topics: ['t'], ownedPartitions: [], generationId: -1 };

export function fakeBroker(overrides: Partial<BrokerConfig> = {}) {
  let now = 0;
  let seq = 0;
  const timers: { at: number; seq: number; tag: GroupCoordinatorTimer; handle: TimerHandle }[] = [];
  const sent: { to: string; message: KafkaMessage }[] = [];
  const batches: RecordBatch[] = [];
  /** What the next appends answer: at once, or held until `release`. */
  let appendMode: { kind: 'answer'; error: ErrorName } | { kind: 'hold' } = { kind: 'answer', error: 'NONE' };
  const held: (() => void)[] = [];
  const io: CoordinatorIO = {
    get now() {
      return now;
    },
    rng: new Rng('unit'),
    send: (to, message) => sent.push({ to, message }),
    setTimer: (delay, tag) => {
      const handle = { time: now + delay };
      timers.push({ at: now + delay, seq: seq++, tag, handle });
      return handle;
    },
    cancelTimer: (handle) => {
      const i = timers.findIndex((t) => t.handle === handle);
      if (i >= 0) timers.splice(i, 1);
    },
    note: () => {},
  };
  const log: OffsetsTopicLog = {
    appendToLocalLog: (_topic, _partition, records: readonly ProducerRecord[], _acks, _timeout, done) => {
      const baseOffset = batches.reduce((n, b) => n + b.records.length, 0);
      const finish = (error: ErrorName) => {
        if (error === 'NONE')
          batches.push({
            baseOffset,
            lastOffset: baseOffset + records.length - 1,
            partitionLeaderEpoch: 0,
            producerId: -1,
            producerEpoch: -1,
            baseSequence: -1,
            records,
          });
        done(error, error === 'NONE' ? baseOffset : -1);
      };
      if (appendMode.kind === 'hold') held.push(() => finish('NONE'));
      else finish(appendMode.error);
    },
    readLocal: () => batches,
  };
  const config = { ...DEFAULT_BROKER_CONFIG, 'offsets.topic.num.partitions': 3, ...overrides };
  const coordinator = new GroupCoordinator(io, 1, config, log);
  const advance = (us: number) => {
    const until = now + us;
    for (;;) {
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = timers[0];
      if (next === undefined || next.at > until) break;
      timers.shift();
      now = next.at;
      coordinator.onTimer(next.tag);
    }
    now = until;
  };
  const request = (from: string, message: Parameters<GroupCoordinator['handleRequest']>[1]) =>
    coordinator.handleRequest(from, message);
  const responses = (to: string): KafkaResponse[] =>
    sent.filter((s) => s.to === to).map((s) => s.message as KafkaResponse);
  const last = (to: string) => responses(to).at(-1) as KafkaResponse & { error?: ErrorName };
  return {
    coordinator,
    advance,
    request,
    responses,
    last,
    batches,
    setAppend: (mode: typeof appendMode) => {
      appendMode = mode;
    },
    release: () => {
      for (const f of held.splice(0)) f();
    },
  };
}

export const join = (memberId: string, correlationId = 1, topics = ['t']): JoinGroupRequest => ({
  type: 'JoinGroup',
  correlationId,
  groupId: 'g', // partitionFor("g") = 103 % 3 = 1
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 30_000,
  memberId,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: { ...SUB, topics } }],
});

/** Owns partition 1, then joins `names` (KIP-394's two JoinGroups each) and completes the join phase. */
export function stableGroup(names: readonly string[], overrides: Partial<BrokerConfig> = {}) {
  const b = fakeBroker(overrides);
  b.coordinator.onElection(1, 0);
  b.advance(10_000);
  const ids = names.map((name) => {
    b.request(name, { ...join(''), clientId: name });
    const id = (b.last(name) as { memberId: string }).memberId;
    b.request(name, join(id, 2));
    return id;
  });
  // the initial rebalance delay, extended once if a second member joined during the first 3 s
  b.advance(names.length > 1 ? 6_000_000 : 3_000_000);
  return { ...b, ids };
}
