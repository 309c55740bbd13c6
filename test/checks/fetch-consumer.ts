/**
 * A bare consumer for the checker tests (not Kafka's client, which is being built): it reads one
 * partition from offset 0 with consumer Fetch requests to the leader Metadata names, every 50 ms,
 * and records each fetch as a poll in the ClientHistory (ok with the records returned, fail on an
 * error, a broken connection or 5 s without an answer). No group: one assignment for the whole run. On
 * OFFSET_OUT_OF_RANGE it keeps its position and asks again (no auto.offset.reset). It sends the
 * leader epoch Metadata gave (KIP-320), since the simulated broker fences a Fetch carrying -1.
 */
import type { ClusterMessage, ClusterTimer } from '../../src/cluster/cluster.js';
import type { ClientHistory, PolledRecord } from '../../src/history/client-history.js';
import { brokerName } from '../../src/kafka/broker/io.js';
import type { ActorFactory } from '../../src/sim/process.js';

const TICK: ClusterTimer = { kind: 'fetch-consumer-tick' };

export function fetchConsumer(options: {
  readonly history: ClientHistory;
  readonly topic: string;
  readonly partition: number;
  readonly brokers: readonly number[];
}): ActorFactory<ClusterMessage, ClusterTimer> {
  return (ctx) => {
    let leader = -1;
    let leaderEpoch = -1;
    let position = 0;
    let correlation = 0;
    let inFlight: { id: number; op: number; to: number; at: number } | undefined;
    const askMetadata = () => {
      const to = options.brokers[ctx.rng.below(options.brokers.length)] as number;
      ctx.send(brokerName(to), { type: 'Metadata', correlationId: correlation++, topics: [options.topic] });
    };
    const fail = (error: string) => {
      if (inFlight === undefined) return;
      options.history.complete(inFlight.op, 'poll', 'fail', ctx.name, ctx.now, { error });
      inFlight = undefined;
      leader = -1;
    };
    return {
      onStart() {
        askMetadata();
        ctx.setTimer(50_000, TICK);
      },
      onTimer() {
        ctx.setTimer(50_000, TICK);
        if (inFlight !== undefined) {
          if (ctx.now - inFlight.at > 5_000_000) fail('REQUEST_TIMED_OUT'); // request.timeout.ms 5 s
          return;
        }
        if (leader < 0) {
          askMetadata();
          return;
        }
        const id = correlation++;
        const op = options.history.invoke('poll', ctx.name, ctx.now, {});
        inFlight = { id, op, to: leader, at: ctx.now };
        ctx.send(brokerName(leader), {
          type: 'Fetch',
          correlationId: id,
          replicaId: -1,
          maxWaitMs: 0,
          minBytes: 0,
          partitions: [
            {
              topic: options.topic,
              partition: options.partition,
              fetchOffset: position,
              currentLeaderEpoch: leaderEpoch,
              lastFetchedEpoch: -1,
            },
          ],
        });
      },
      onMessage(_from, m) {
        if (m.type === 'MetadataResponse') {
          const p = m.partitions.find((x) => x.topic === options.topic && x.partition === options.partition);
          leader = p === undefined ? -1 : p.leader;
          leaderEpoch = p === undefined ? -1 : p.leaderEpoch;
        } else if (m.type === 'FetchResponse') {
          if (inFlight === undefined || m.correlationId !== inFlight.id) return;
          const [p] = m.partitions;
          if (p === undefined || p.error !== 'NONE') {
            fail(p?.error ?? 'UNKNOWN_SERVER_ERROR');
            return;
          }
          const records: PolledRecord[] = [];
          for (const batch of p.records)
            batch.records.forEach((r, i) => {
              const offset = batch.baseOffset + i;
              if (offset >= position)
                records.push({
                  topic: options.topic,
                  partition: options.partition,
                  offset,
                  key: r.key,
                  value: r.value,
                  leaderEpoch: batch.partitionLeaderEpoch,
                });
            });
          const last = records.at(-1);
          if (last !== undefined) position = last.offset + 1;
          options.history.complete(inFlight.op, 'poll', 'ok', ctx.name, ctx.now, { records });
          inFlight = undefined;
        }
      },
      onDisconnect(peer) {
        if (inFlight !== undefined && brokerName(inFlight.to) === peer) fail('NETWORK_EXCEPTION');
      },
    };
  };
}
