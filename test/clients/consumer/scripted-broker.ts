/**
 * One scripted broker and one consumer, for the consumer's retry paths: the broker leads topic `t`
 * (one partition), is the group's coordinator, and answers each group request as its script says,
 * so that a test can hold one error in place and count how often the consumer asks again.
 */
import { type ConsumerActorOptions, consumerActor } from '../../../src/clients/consumer/index.js';
import { ClientHistory } from '../../../src/history/client-history.js';
import type { ErrorName } from '../../../src/kafka/errors.js';
import type { KafkaMessage, KafkaRequest } from '../../../src/kafka/protocol.js';
import type { ProcessContext } from '../../../src/sim/process.js';
import { ms } from '../../../src/sim/time.js';
import { World } from '../../../src/sim/world.js';

/** What the broker does with a request: answer with this error ('NONE': normally), or close the connection. */
export type Answer = ErrorName | 'disconnect' | 'ignore';

export interface Script {
  readonly findCoordinator?: () => Answer;
  readonly joinGroup?: () => Answer;
  readonly syncGroup?: () => Answer;
  readonly heartbeat?: () => Answer;
  readonly offsetFetch?: () => Answer;
  /** The error of the OffsetFetch response's partition when the request itself succeeds. */
  readonly offsetFetchPartition?: () => ErrorName;
  readonly offsetCommit?: () => Answer;
  /** Records in partition t-0 (default 0): a Fetch at an offset below gets one record at once. */
  readonly records?: number;
}

type Timer = { readonly kind: 'fetch'; readonly from: string; readonly correlationId: number };

export function scriptedWorld(script: Script, consumer: Partial<ConsumerActorOptions> = {}, seed = 1) {
  const world = new World<KafkaMessage, unknown>({ seed });
  const received: { time: number; type: KafkaRequest['type'] }[] = [];
  let generation = 0;
  world.spawn('broker-1', ((ctx: ProcessContext<KafkaMessage, Timer>) => {
    const answer = (
      from: string,
      what: (() => Answer) | undefined,
      reply: (error: ErrorName) => KafkaMessage,
    ) => {
      const a = what?.() ?? 'NONE';
      if (a === 'disconnect') ctx.disconnect(from);
      else if (a !== 'ignore') ctx.send(from, reply(a));
    };
    return {
      onMessage(from: string, m: KafkaMessage) {
        if (!('correlationId' in m) || m.type.endsWith('Response')) return;
        const request = m as KafkaRequest;
        received.push({ time: ctx.now, type: request.type });
        const correlationId = request.correlationId;
        switch (request.type) {
          case 'Metadata':
            ctx.send(from, {
              type: 'MetadataResponse',
              correlationId,
              controllerId: 1,
              brokers: [1],
              partitions: [
                {
                  topic: 't',
                  partition: 0,
                  leader: 1,
                  leaderEpoch: 0,
                  isr: [1],
                  partitionEpoch: 0,
                  replicas: [1],
                  offlineReplicas: [],
                },
              ],
            });
            return;
          case 'FindCoordinator':
            return answer(from, script.findCoordinator, (error) => ({
              type: 'FindCoordinatorResponse',
              correlationId,
              error,
              nodeId: error === 'NONE' ? 1 : -1,
            }));
          case 'JoinGroup': {
            const memberId = request.memberId === '' ? `${from}-member` : request.memberId;
            return answer(from, script.joinGroup, (error) => ({
              type: 'JoinGroupResponse',
              correlationId,
              error,
              generationId: error === 'NONE' ? ++generation : -1,
              protocolName: error === 'NONE' ? (request.protocols[0]?.name ?? null) : null,
              leader: error === 'NONE' ? memberId : '',
              memberId: error === 'NONE' ? memberId : '',
              members:
                error === 'NONE'
                  ? [
                      {
                        memberId,
                        metadata: request.protocols[0]?.metadata ?? {
                          topics: [],
                          ownedPartitions: [],
                          generationId: -1,
                        },
                      },
                    ]
                  : [],
            }));
          }
          case 'SyncGroup':
            return answer(from, script.syncGroup, (error) => ({
              type: 'SyncGroupResponse',
              correlationId,
              error,
              assignment: { partitions: error === 'NONE' ? [{ topic: 't', partition: 0 }] : [] },
            }));
          case 'Heartbeat':
            return answer(from, script.heartbeat, (error) => ({
              type: 'HeartbeatResponse',
              correlationId,
              error,
            }));
          case 'OffsetFetch':
            return answer(from, script.offsetFetch, (error) => ({
              type: 'OffsetFetchResponse',
              correlationId,
              error,
              partitions: (request.partitions ?? []).map((p) => ({
                ...p,
                committedOffset: -1,
                committedLeaderEpoch: -1,
                error: script.offsetFetchPartition?.() ?? 'NONE',
              })),
            }));
          case 'OffsetCommit':
            return answer(from, script.offsetCommit, (error) => ({
              type: 'OffsetCommitResponse',
              correlationId,
              partitions: request.partitions.map((p) => ({ topic: p.topic, partition: p.partition, error })),
            }));
          case 'ListOffsets':
            ctx.send(from, {
              type: 'ListOffsetsResponse',
              correlationId,
              partitions: request.partitions.map((p) => ({
                topic: p.topic,
                partition: p.partition,
                error: 'NONE',
                offset: 0,
                leaderEpoch: 0,
              })),
            });
            return;
          case 'Fetch': {
            const offset = request.partitions[0]?.fetchOffset ?? 0;
            const end = script.records ?? 0;
            // Nothing new: the answer waits fetch.max.wait.ms, as the broker's DelayedFetch does.
            if (offset >= end) ctx.setTimer(ms(request.maxWaitMs), { kind: 'fetch', from, correlationId });
            else
              ctx.send(from, {
                type: 'FetchResponse',
                correlationId,
                partitions: [
                  {
                    topic: 't',
                    partition: 0,
                    error: 'NONE',
                    highWatermark: end,
                    logStartOffset: 0,
                    records: [
                      {
                        baseOffset: offset,
                        lastOffset: offset,
                        partitionLeaderEpoch: 0,
                        producerId: -1,
                        producerEpoch: -1,
                        baseSequence: -1,
                        records: [{ key: null, value: `v${offset}`, timestamp: 0 }],
                      },
                    ],
                  },
                ],
              });
            return;
          }
          default:
            return;
        }
      },
      onTimer(tag: Timer) {
        ctx.send(tag.from, {
          type: 'FetchResponse',
          correlationId: tag.correlationId,
          partitions: [
            { topic: 't', partition: 0, error: 'NONE', highWatermark: 0, logStartOffset: 0, records: [] },
          ],
        });
      },
    };
  }) as never);
  const history = new ClientHistory();
  world.spawn(
    'c1',
    consumerActor({
      bootstrap: [1],
      history,
      subscribe: ['t'],
      ...consumer,
      config: { 'group.id': 'g', 'client.id': 'c1', 'auto.offset.reset': 'earliest', ...consumer.config },
    }) as never,
  );
  /** How many requests of `type` the broker received between `from` and `to` (µs). */
  const count = (type: KafkaRequest['type'], from = 0, to = Number.POSITIVE_INFINITY) =>
    received.filter((r) => r.type === type && r.time >= from && r.time < to).length;
  return { world, history, received, count };
}
