import { brokerIdOf, brokerName } from '../../kafka/broker/io.js';
import type { ErrorName } from '../../kafka/errors.js';
import type {
  AdminTopicResult,
  AlterPartitionReassignmentsRequest,
  CreatePartitionsRequest,
  CreateTopicsRequest,
  DeleteTopicsRequest,
  ElectLeadersRequest,
  KafkaMessage,
  TopicPartition,
} from '../../kafka/protocol.js';
import type { ProcessContext, TimerHandle } from '../../sim/process.js';
import type { SimTime } from '../../sim/time.js';

/** An administrative operation, as kafka-topics.sh, kafka-reassign-partitions.sh and kafka-leader-election.sh send it. */
export type AdminOperation =
  | { readonly kind: 'create-topic'; readonly topic: CreateTopicsRequest['topics'][number] }
  | {
      readonly kind: 'create-partitions';
      readonly topic: string;
      readonly count: number;
      readonly assignments?: readonly (readonly number[])[];
    }
  | { readonly kind: 'delete-topic'; readonly topic: string }
  | { readonly kind: 'preferred-election'; readonly partitions?: readonly TopicPartition[] }
  | {
      readonly kind: 'reassign';
      readonly partitions: readonly (TopicPartition & { readonly replicas: readonly number[] | null })[];
    };

/** What an operation ended with: per topic or partition, a Kafka error name (NONE) and message. */
export interface AdminOutcome {
  readonly operation: AdminOperation;
  readonly at: SimTime;
  readonly results: readonly {
    readonly name: string;
    readonly error: ErrorName | 'TimeoutException';
    readonly errorMessage?: string;
  }[];
}

export type AdminTimer = { readonly kind: 'admin-client-retry' } | { readonly kind: 'admin-client-timeout' };
const RETRY: AdminTimer = { kind: 'admin-client-retry' };
const TIMEOUT: AdminTimer = { kind: 'admin-client-timeout' };

/** Errors after which the admin client asks again (a broker not ready yet, or the controller moved). */
const RETRY_ERRORS = new Set<string>([
  'NOT_CONTROLLER',
  'REQUEST_TIMED_OUT',
  'NETWORK_EXCEPTION',
  'UNKNOWN_SERVER_ERROR',
]);

export interface AdminClientOptions {
  readonly bootstrap: readonly number[];
  /** Called once per operation with its outcome. */
  readonly onOutcome?: (outcome: AdminOutcome) => void;
  /** default.api.timeout.ms: an operation gives up after this long (default 60 000). */
  readonly apiTimeoutMs?: number;
}

/**
 * Kafka's AdminClient for the operations scenarios run, one at a time in order: topic requests go
 * to any broker (ZkAdminManager); elections and reassignments to the controller, found through
 * Metadata (in ZooKeeper mode only the controller answers them, others say NOT_CONTROLLER). A
 * disconnect, a timeout or NOT_CONTROLLER sends the operation again after 100 ms, to another broker.
 */
export class AdminClient {
  private readonly queue: AdminOperation[] = [];
  private current:
    | { operation: AdminOperation; correlationId: number; startedAt: SimTime; to: number }
    | undefined;
  private controller: number | undefined;
  private nextCorrelationId = 0;
  private attempt = 0;
  private retryTimer: TimerHandle | undefined;
  private timeoutTimer: TimerHandle | undefined;
  readonly outcomes: AdminOutcome[] = [];

  constructor(
    private readonly ctx: ProcessContext<KafkaMessage, AdminTimer>,
    private readonly options: AdminClientOptions,
  ) {}

  /** Queues an operation; it runs after those before it. */
  submit(operation: AdminOperation): void {
    this.queue.push(operation);
    if (this.current === undefined) this.startNext();
  }

  private get apiTimeout(): SimTime {
    return (this.options.apiTimeoutMs ?? 60_000) * 1000;
  }

  private needsController(operation: AdminOperation): boolean {
    return operation.kind === 'preferred-election' || operation.kind === 'reassign';
  }

  private startNext(): void {
    const operation = this.queue.shift();
    if (operation === undefined) return;
    this.current = { operation, correlationId: -1, startedAt: this.ctx.now, to: -1 };
    this.attempt = 0;
    if (this.timeoutTimer !== undefined) this.ctx.cancelTimer(this.timeoutTimer);
    this.timeoutTimer = this.ctx.setTimer(this.apiTimeout, TIMEOUT);
    this.sendCurrent();
  }

  private pickBroker(): number {
    const brokers = this.options.bootstrap;
    return brokers[this.attempt++ % brokers.length] as number;
  }

  private sendCurrent(): void {
    const current = this.current;
    if (current === undefined) return;
    const correlationId = this.nextCorrelationId++;
    current.correlationId = correlationId;
    const operation = current.operation;
    if (this.needsController(operation) && this.controller === undefined) {
      current.to = this.pickBroker();
      this.ctx.send(brokerName(current.to), { type: 'Metadata', correlationId, topics: [] });
      return;
    }
    current.to = this.needsController(operation) ? (this.controller as number) : this.pickBroker();
    this.ctx.send(brokerName(current.to), this.requestFor(operation, correlationId));
  }

  private requestFor(operation: AdminOperation, correlationId: number): KafkaMessage {
    const timeoutMs = 30_000;
    switch (operation.kind) {
      case 'create-topic':
        return {
          type: 'CreateTopics',
          correlationId,
          topics: [operation.topic],
          timeoutMs,
        } satisfies CreateTopicsRequest;
      case 'create-partitions':
        return {
          type: 'CreatePartitions',
          correlationId,
          topics: [
            {
              name: operation.topic,
              count: operation.count,
              ...(operation.assignments === undefined ? {} : { assignments: operation.assignments }),
            },
          ],
          timeoutMs,
        } satisfies CreatePartitionsRequest;
      case 'delete-topic':
        return {
          type: 'DeleteTopics',
          correlationId,
          topics: [operation.topic],
          timeoutMs,
        } satisfies DeleteTopicsRequest;
      case 'preferred-election':
        return {
          type: 'ElectLeaders',
          correlationId,
          ...(operation.partitions === undefined ? {} : { partitions: operation.partitions }),
        } satisfies ElectLeadersRequest;
      case 'reassign':
        return {
          type: 'AlterPartitionReassignments',
          correlationId,
          partitions: operation.partitions,
        } satisfies AlterPartitionReassignmentsRequest;
    }
  }

  private retryLater(): void {
    if (this.retryTimer !== undefined) this.ctx.cancelTimer(this.retryTimer);
    this.retryTimer = this.ctx.setTimer(100_000, RETRY);
  }

  private finish(results: AdminOutcome['results']): void {
    const current = this.current;
    if (current === undefined) return;
    const outcome: AdminOutcome = { operation: current.operation, at: this.ctx.now, results };
    this.outcomes.push(outcome);
    this.options.onOutcome?.(outcome);
    this.current = undefined;
    if (this.timeoutTimer !== undefined) this.ctx.cancelTimer(this.timeoutTimer);
    this.timeoutTimer = undefined;
    this.startNext();
  }

  private topicResults(topics: readonly AdminTopicResult[]): AdminOutcome['results'] {
    return topics.map((t) => ({
      name: t.name,
      error: t.error,
      ...(t.errorMessage === undefined ? {} : { errorMessage: t.errorMessage }),
    }));
  }

  onStart(): void {}

  onMessage(_from: string, message: KafkaMessage): void {
    const current = this.current;
    if (
      current === undefined ||
      !('correlationId' in message) ||
      message.correlationId !== current.correlationId
    )
      return;
    switch (message.type) {
      case 'MetadataResponse':
        this.controller = message.controllerId >= 0 ? message.controllerId : undefined;
        if (this.controller === undefined) this.retryLater();
        else this.sendCurrent();
        return;
      case 'CreateTopicsResponse':
      case 'CreatePartitionsResponse':
      case 'DeleteTopicsResponse':
        if (message.topics.some((t) => RETRY_ERRORS.has(t.error))) this.retryLater();
        else this.finish(this.topicResults(message.topics));
        return;
      case 'ElectLeadersResponse':
      case 'AlterPartitionReassignmentsResponse':
        if (RETRY_ERRORS.has(message.error)) {
          this.controller = undefined;
          this.retryLater();
        } else
          this.finish(
            message.error !== 'NONE'
              ? [{ name: '*', error: message.error }]
              : message.partitions.map((p) => ({
                  name: `${p.topic}-${p.partition}`,
                  error: p.error,
                  ...(p.errorMessage === undefined ? {} : { errorMessage: p.errorMessage }),
                })),
          );
        return;
      default:
        return;
    }
  }

  onTimer(tag: AdminTimer): void {
    if (tag.kind === 'admin-client-retry') {
      this.retryTimer = undefined;
      this.sendCurrent();
    } else {
      this.timeoutTimer = undefined;
      this.finish([
        { name: '*', error: 'TimeoutException', errorMessage: 'Timed out waiting for a node assignment.' },
      ]);
    }
  }

  onDisconnect(peer: string): void {
    const current = this.current;
    if (current === undefined || brokerIdOf(peer) !== current.to) return;
    if (this.needsController(current.operation)) this.controller = undefined;
    this.retryLater();
  }
}

export function adminClientActor(options: AdminClientOptions) {
  return (ctx: ProcessContext<KafkaMessage, AdminTimer>): AdminClient => new AdminClient(ctx, options);
}
