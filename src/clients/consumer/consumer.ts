import type { PolledRecord } from '../../history/client-history.js';
import type { KafkaMessage, TopicPartition } from '../../kafka/protocol.js';
import type { TimerHandle } from '../../sim/process.js';
import { retryBackoff, SeededBackoff } from '../backoff.js';
import type { ConsumerConfig } from './config.js';
import { type CommitOutcome, ConsumerCoordinator, type Recorder } from './coordinator.js';
import { Fetcher } from './fetcher.js';
import { ConsumerMetadata } from './metadata.js';
import { type ConsumerContext, NetworkClient, Timers } from './network.js';
import { SubscriptionState } from './subscription.js';

export type PollResult =
  | { readonly ok: true; readonly records: PolledRecord[] }
  | { readonly ok: false; readonly error: string };

/**
 * KafkaConsumer (LegacyKafkaConsumer) inside a simulated process: poll and commitSync are
 * asynchronous here (they complete through a callback in simulated time), everything else follows
 * the classic consumer. Either `subscribe` (group membership) or `assign` (manual assignment).
 */
export class KafkaConsumer {
  readonly timers: Timers;
  readonly network: NetworkClient;
  readonly metadata: ConsumerMetadata;
  readonly subscriptions = new SubscriptionState();
  readonly fetcher: Fetcher;
  readonly coordinator: ConsumerCoordinator | undefined;
  private pendingPoll: { done: (r: PollResult) => void; timer: TimerHandle } | undefined;
  private stepping = false;

  constructor(
    ctx: ConsumerContext,
    readonly config: ConsumerConfig,
    bootstrap: readonly number[],
    target: { readonly subscribe: readonly string[] } | { readonly assign: readonly TopicPartition[] },
    recorder: Recorder,
  ) {
    this.timers = new Timers(ctx);
    this.network = new NetworkClient(
      ctx,
      this.timers,
      config,
      ctx.rng.fork('reconnect-backoff'),
      ctx.rng.fork('nodes'),
    );
    const backoff = new SeededBackoff(retryBackoff(config), ctx.rng.fork('backoff'));
    this.metadata = new ConsumerMetadata(bootstrap, config, this.network, this.timers, backoff);
    this.subscriptions.currentLeaderOf = (topic, partition) => this.metadata.leaderFor(topic, partition);
    this.fetcher = new Fetcher(
      config,
      this.subscriptions,
      this.metadata,
      this.network,
      this.timers,
      backoff,
      (message) => ctx.note(message),
    );
    const groupId = config['group.id'];
    // subscribe() needs a group; assign() commits through one only if it has a group.id.
    const topics = 'subscribe' in target ? target.subscribe : null;
    if (topics !== null && groupId === null)
      throw new Error(
        'InvalidGroupIdException: To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration.',
      );
    if ('assign' in target) {
      this.metadata.addTopics(target.assign.map((tp) => tp.topic));
      this.subscriptions.assign(target.assign);
    } else this.metadata.addTopics(target.subscribe);
    if (groupId !== null)
      this.coordinator = new ConsumerCoordinator(
        config,
        groupId,
        topics,
        this.subscriptions,
        this.metadata,
        this.network,
        this.timers,
        backoff,
        recorder,
      );
    const wake = () => this.step();
    this.metadata.onUpdate = wake;
    this.fetcher.onProgress = wake;
    this.network.onConnectable = wake;
    if (this.coordinator !== undefined) this.coordinator.onProgress = wake;
  }

  handleMessage(message: KafkaMessage): void {
    if ('correlationId' in message && message.type.endsWith('Response'))
      this.network.handleResponse(message as Parameters<NetworkClient['handleResponse']>[0]);
  }

  handleDisconnect(peer: string): void {
    this.network.handleDisconnect(peer);
    this.metadata.requestUpdate();
    this.step();
  }

  /**
   * subscribe(topics) again, with other topics: LegacyKafkaConsumer.subscribe updates the
   * subscription and asks for the new topics' metadata; the coordinator rejoins on the next poll.
   */
  subscribe(topics: readonly string[]): void {
    if (this.coordinator === undefined)
      throw new Error(
        'IllegalStateException: Subscription to topics, partitions and pattern are mutually exclusive',
      );
    this.metadata.addTopics(topics);
    this.coordinator.changeSubscription(topics);
    this.step();
  }

  /** poll(Duration timeout): completes with records as soon as some are ready, or empty at the timeout. */
  poll(timeoutMs: number, done: (r: PollResult) => void): void {
    if (this.pendingPoll !== undefined) throw new Error('poll already in progress');
    const timer = this.timers.after(timeoutMs, 'poll-timeout', () =>
      this.completePoll({ ok: true, records: [] }),
    );
    this.pendingPoll = { done, timer };
    this.coordinator?.pollHeartbeat(true);
    this.step();
  }

  /** commitSync(): the positions of everything assigned, retried until default.api.timeout.ms. */
  commitSync(done: (outcome: CommitOutcome) => void): void {
    const coordinator = this.coordinator;
    if (coordinator === undefined) {
      done({ type: 'fail', error: 'InvalidGroupIdException' });
      return;
    }
    coordinator.commit(this.subscriptions.allConsumed(), 'sync', this.config['default.api.timeout.ms'], done);
  }

  private completePoll(result: PollResult): void {
    const pending = this.pendingPoll;
    if (pending === undefined) return;
    this.pendingPoll = undefined;
    this.timers.cancel(pending.timer);
    this.coordinator?.pollHeartbeat(false);
    pending.done(result);
  }

  /** One iteration of LegacyKafkaConsumer.poll's loop, run whenever something arrives while poll waits. */
  private step(): void {
    if (this.pendingPoll === undefined || this.stepping) return;
    this.stepping = true;
    try {
      this.metadata.maybeUpdate();
      const c = this.coordinator;
      if (c !== undefined) {
        c.pollHeartbeat(true);
        c.poll();
        if (c.pendingError !== undefined) {
          const error = c.pendingError;
          c.pendingError = undefined;
          this.completePoll({ ok: false, error });
          return;
        }
      }
      // updateFetchPositions: positions after a leader change (KIP-320), committed offsets, then
      // auto.offset.reset.
      this.fetcher.validatePositionsIfNeeded();
      if (this.fetcher.pendingError !== undefined) {
        const error = this.fetcher.pendingError;
        this.fetcher.pendingError = undefined;
        this.completePoll({ ok: false, error });
        return;
      }
      if (c !== undefined) c.refreshCommittedOffsets();
      else
        for (const p of this.subscriptions.assigned())
          if (p.state === 'initializing') this.subscriptions.requestReset(p);
      if (this.config['auto.offset.reset'] === 'none') {
        const missing = this.subscriptions.assigned().filter((p) => p.state === 'awaiting-reset');
        if (missing.length > 0) {
          this.completePoll({
            ok: false,
            error: `NoOffsetForPartitionException: Undefined offset with no reset policy for partitions: [${missing.map((p) => p.key).join(', ')}]`,
          });
          return;
        }
      } else this.fetcher.resetPositions();
      if (this.fetcher.pendingError !== undefined) {
        const error = this.fetcher.pendingError;
        this.fetcher.pendingError = undefined;
        this.completePoll({ ok: false, error });
        return;
      }
      const records = this.subscriptions.collect(this.config['max.poll.records']);
      this.fetcher.sendFetches(); // pipelining: the next fetches go out before poll returns
      if (records.length > 0) this.completePoll({ ok: true, records });
    } finally {
      this.stepping = false;
    }
  }
}
