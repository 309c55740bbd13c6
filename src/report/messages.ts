import { GROUP_REQUESTS } from '../kafka/coordinator/group-coordinator.js';

/**
 * Messages as the report shows them: a one-line summary in Kafka's words and a family for the
 * diagram's colours. Messages reach the report as the trace recorded them (`unknown` payloads), so
 * each field is read with care: a message of a shape this file does not know gets its `type`.
 */

/** What a message is about, for colours and filters. */
export type MessageFamily = 'replication' | 'produce' | 'consume' | 'control' | 'zookeeper' | 'other';

export const MESSAGE_FAMILIES: readonly MessageFamily[] = [
  'replication',
  'produce',
  'consume',
  'control',
  'zookeeper',
  'other',
];

type Fields = Readonly<Record<string, unknown>>;

const isFields = (value: unknown): value is Fields => typeof value === 'object' && value !== null;
const num = (m: Fields, key: string): number | undefined =>
  typeof m[key] === 'number' ? (m[key] as number) : undefined;
const str = (m: Fields, key: string): string | undefined =>
  typeof m[key] === 'string' ? (m[key] as string) : undefined;
const list = (m: Fields, key: string): Fields[] =>
  Array.isArray(m[key]) ? (m[key] as unknown[]).filter(isFields) : [];
const ids = (m: Fields, key: string): string =>
  Array.isArray(m[key]) ? `[${(m[key] as unknown[]).join(',')}]` : '[]';
const tp = (p: Fields): string => `${str(p, 'topic') ?? '?'}-${num(p, 'partition') ?? '?'}`;

/** The partitions a message names, as `orders-0, orders-1` (at most three, then a count). */
function partitionsOf(parts: readonly Fields[], each: (p: Fields) => string = tp): string {
  const shown = parts.slice(0, 3).map(each);
  return parts.length > 3 ? `${shown.join(', ')} +${parts.length - 3}` : shown.join(', ');
}

/** The message's `type`, or its description for a string message. */
export function messageType(message: unknown): string | undefined {
  if (typeof message === 'string') return message;
  return isFields(message) ? str(message, 'type') : undefined;
}

const CONTROL = new Set([
  'LeaderAndIsr',
  'UpdateMetadata',
  'StopReplica',
  'AlterPartition',
  'CreateTopics',
  'DeleteTopics',
  'CreatePartitions',
  'AlterPartitionReassignments',
  'ElectLeaders',
  'Metadata',
  'ControlledShutdown',
]);
const PRODUCE = new Set(['Produce', 'InitProducerId']);
const CONSUME = new Set([...GROUP_REQUESTS, 'FindCoordinator', 'ListOffsets']);

/**
 * The family of a message. A Fetch is replication when a broker sends it (replicaId >= 0) and
 * consumption when a consumer does; a response is in its request's family, which the caller knows
 * from the peer: `fromBroker` says whether the fetch's requester is a broker.
 */
export function messageFamily(message: unknown, requesterIsBroker: boolean): MessageFamily {
  const type = messageType(message);
  if (type === undefined) return 'other';
  if (type.startsWith('zk-')) return 'zookeeper';
  const request = type.endsWith('Response') ? type.slice(0, -'Response'.length) : type;
  if (request === 'Fetch') return requesterIsBroker ? 'replication' : 'consume';
  if (PRODUCE.has(request)) return 'produce';
  if (CONSUME.has(request)) return 'consume';
  if (CONTROL.has(request)) return 'control';
  return 'other';
}

/** Offsets of a fetch response's batches: `[17..20]`. */
function batchRange(p: Fields): string | undefined {
  const batches = list(p, 'records');
  const first = batches[0];
  const last = batches[batches.length - 1];
  if (first === undefined || last === undefined) return undefined;
  return `[${num(first, 'baseOffset') ?? '?'}..${num(last, 'lastOffset') ?? '?'}]`;
}

const errorOf = (m: Fields): string => {
  const error = str(m, 'error') ?? str(m, 'code');
  return error === undefined || error === 'NONE' || error === 'OK' ? '' : ` ${error}`;
};

/** One line in Kafka's words: `Fetch orders-0 from offset 17`, `FetchResponse orders-0 [17..18] HW 17`. */
export function summarizeMessage(message: unknown): string {
  if (typeof message === 'string' || typeof message === 'number') return String(message);
  if (!isFields(message)) return '?';
  const type = str(message, 'type') ?? 'message';
  const parts = list(message, 'partitions');
  switch (type) {
    case 'Fetch': {
      const who = (num(message, 'replicaId') ?? -1) >= 0 ? '' : ' (consumer)';
      return `Fetch${who} ${partitionsOf(parts, (p) => `${tp(p)} from ${num(p, 'fetchOffset') ?? '?'}`)}`;
    }
    case 'FetchResponse':
      return `FetchResponse ${partitionsOf(parts, (p) => {
        const diverging = isFields(p.divergingEpoch)
          ? ` diverging epoch ${num(p.divergingEpoch, 'epoch')} ends at ${num(p.divergingEpoch, 'endOffset')}`
          : '';
        return `${tp(p)} ${batchRange(p) ?? 'no records'} HW ${num(p, 'highWatermark') ?? '?'}${errorOf(p)}${diverging}`;
      })}`;
    case 'Produce': {
      const acks = num(message, 'acks');
      const count = parts.reduce((n, p) => n + (Array.isArray(p.records) ? p.records.length : 0), 0);
      return `Produce ${partitionsOf(parts)}: ${count} record${count === 1 ? '' : 's'}, acks=${acks === -1 ? 'all' : (acks ?? '?')}`;
    }
    case 'ProduceResponse':
      return `ProduceResponse ${partitionsOf(parts, (p) => `${tp(p)}${errorOf(p) || ` @${num(p, 'baseOffset') ?? '?'}`}`)}`;
    case 'LeaderAndIsr':
      return `LeaderAndIsr ${partitionsOf(parts, (p) => `${tp(p)} leader ${num(p, 'leader')} epoch ${num(p, 'leaderEpoch')} ISR ${ids(p, 'isr')}`)}`;
    case 'UpdateMetadata':
      return `UpdateMetadata live brokers ${ids(message, 'liveBrokers')}`;
    case 'AlterPartition':
      return `AlterPartition ${partitionsOf(parts, (p) => `${tp(p)} ISR ${ids(p, 'newIsr')}`)}`;
    case 'AlterPartitionResponse':
      return `AlterPartitionResponse${errorOf(message)} ${partitionsOf(parts, (p) => `${tp(p)}${errorOf(p) || ` ISR ${ids(p, 'isr')}`}`)}`;
    case 'zk-request': {
      const request = isFields(message.request) ? message.request : {};
      return `zk ${str(request, 'type') ?? 'request'} ${str(request, 'path') ?? ''}`.trimEnd();
    }
    case 'zk-response':
      return `zk response${errorOf(message) || ' OK'}`;
    case 'zk-watch-event': {
      const event = isFields(message.event) ? message.event : {};
      return `zk watch ${str(event, 'type') ?? ''} ${str(event, 'path') ?? ''}`.trimEnd();
    }
    default: {
      const error = errorOf(message);
      return parts.length > 0 ? `${type} ${partitionsOf(parts)}${error}` : `${type}${error}`;
    }
  }
}

/** What a message tells about a follower's log: its fetch offset (LEO) or what it was sent. */
export type ReplicationObservation =
  | {
      readonly kind: 'fetch';
      readonly replica: number;
      readonly topic: string;
      readonly partition: number;
      readonly fetchOffset: number;
      readonly currentLeaderEpoch: number;
    }
  | {
      readonly kind: 'fetch-response';
      readonly topic: string;
      readonly partition: number;
      readonly highWatermark: number;
      /** One past the last offset received; undefined when no records came. */
      readonly nextOffset: number | undefined;
    };

/** The replication facts a Fetch or a (clean) FetchResponse carries, partition by partition. */
export function replicationObservations(message: unknown): ReplicationObservation[] {
  if (!isFields(message)) return [];
  const type = str(message, 'type');
  const out: ReplicationObservation[] = [];
  if (type === 'Fetch') {
    const replica = num(message, 'replicaId') ?? -1;
    if (replica < 0) return out;
    for (const p of list(message, 'partitions')) {
      const fetchOffset = num(p, 'fetchOffset');
      const topic = str(p, 'topic');
      const partition = num(p, 'partition');
      if (fetchOffset === undefined || topic === undefined || partition === undefined) continue;
      out.push({
        kind: 'fetch',
        replica,
        topic,
        partition,
        fetchOffset,
        currentLeaderEpoch: num(p, 'currentLeaderEpoch') ?? -1,
      });
    }
  } else if (type === 'FetchResponse') {
    for (const p of list(message, 'partitions')) {
      const topic = str(p, 'topic');
      const partition = num(p, 'partition');
      const highWatermark = num(p, 'highWatermark');
      if (topic === undefined || partition === undefined || highWatermark === undefined) continue;
      if (errorOf(p) !== '' || p.divergingEpoch !== undefined) continue;
      const batches = list(p, 'records');
      const last = batches[batches.length - 1];
      const lastOffset = last === undefined ? undefined : num(last, 'lastOffset');
      out.push({
        kind: 'fetch-response',
        topic,
        partition,
        highWatermark,
        nextOffset: lastOffset === undefined ? undefined : lastOffset + 1,
      });
    }
  }
  return out;
}
