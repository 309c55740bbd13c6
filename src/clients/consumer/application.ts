import type { ClientHistory, PolledRecord } from '../../history/client-history.js';
import type { KafkaMessage, TopicPartition } from '../../kafka/protocol.js';
import type { ActorFactory } from '../../sim/process.js';
import { type ConsumerConfig, consumerConfig } from './config.js';
import { KafkaConsumer } from './consumer.js';
import type { ConsumerContext, ConsumerTimer } from './network.js';

/**
 * How the application commits: `auto` (enable.auto.commit), `after-processing` (commitSync after
 * processing each batch: at-least-once), `before-processing` (commitSync right after poll:
 * at-most-once, a crash while processing skips the batch) or `none` (never: a reader with no
 * group.id, or one that keeps its positions elsewhere).
 */
export type CommitMode = 'auto' | 'after-processing' | 'before-processing' | 'none';

export interface ConsumerActorOptions {
  /** Broker ids to bootstrap from (bootstrap.servers). */
  readonly bootstrap: readonly number[];
  readonly config?: Partial<ConsumerConfig>;
  /** subscribe(topics), or assign(partitions) without group membership. */
  readonly subscribe?: readonly string[];
  readonly assign?: readonly TopicPartition[];
  readonly history: ClientHistory;
  readonly commitMode?: CommitMode;
  /** The timeout the application passes to poll (default 1000 ms). */
  readonly pollTimeoutMs?: number;
  /** Simulated processing time of a non-empty batch: perBatchMs + perRecordMs × records (default 0). */
  readonly processing?: { readonly perRecordMs?: number; readonly perBatchMs?: number };
  /**
   * Called when the application has finished processing a batch (outside the process: survives
   * crashes), right after the history's `process` op completes ok.
   */
  readonly onProcessed?: (process: string, records: readonly PolledRecord[]) => void;
  /** Stop polling after this many polls (default: never). */
  readonly maxPolls?: number;
}

/** The consumer application's process: the consumer and its poll/process/commit loop in one actor. */
export interface ConsumerActor {
  readonly consumer: KafkaConsumer;
  onStart(): void;
  onMessage(from: string, message: KafkaMessage): void;
  onTimer(tag: ConsumerTimer): void;
  onDisconnect(peer: string): void;
}

/**
 * A consumer application as a simulated process (`world.spawn(name, consumerActor(options))`).
 * A crash loses the consumer and everything in memory; a restart is a new consumer instance that
 * joins as a new member. Every poll, commit and processed batch goes to the history: a `process`
 * op is invoked when processing starts and completes ok when it finishes; one cut short by a crash
 * is completed `info` (error `crashed`) by the next incarnation when it starts, as Jepsen completes
 * a crashed process's operation.
 */
export function consumerActor(options: ConsumerActorOptions): ActorFactory<KafkaMessage, ConsumerTimer> {
  const mode = options.commitMode ?? 'auto';
  const config = consumerConfig({ ...options.config, 'enable.auto.commit': mode === 'auto' });
  const group = config['group.id'];
  /** The `process` op in progress per process name: the harness's bookkeeping, outlives crashes. */
  const processing = new Map<string, { readonly id: number; readonly records: readonly PolledRecord[] }>();
  return (ctx: ConsumerContext): ConsumerActor => {
    const history = options.history;
    const interrupted = processing.get(ctx.name);
    if (interrupted !== undefined) {
      processing.delete(ctx.name);
      history.complete(interrupted.id, 'process', 'info', ctx.name, ctx.now, {
        group,
        records: interrupted.records,
        error: 'crashed',
      });
    }
    const recorder = { history, process: ctx.name, now: () => ctx.now };
    const target =
      options.subscribe !== undefined ? { subscribe: options.subscribe } : { assign: options.assign ?? [] };
    const consumer = new KafkaConsumer(ctx, config, options.bootstrap, target, recorder);
    const timers = consumer.timers;
    let polls = 0;

    const loop = (): void => {
      if (options.maxPolls !== undefined && polls >= options.maxPolls) return;
      polls++;
      const id = history.invoke('poll', ctx.name, ctx.now, {});
      consumer.poll(options.pollTimeoutMs ?? 1000, (result) => {
        if (!result.ok) {
          history.complete(id, 'poll', 'fail', ctx.name, ctx.now, { error: result.error });
          timers.after(config['retry.backoff.ms'], 'app-retry', loop);
          return;
        }
        history.complete(id, 'poll', 'ok', ctx.name, ctx.now, { records: result.records });
        const records = result.records;
        if (records.length === 0) return loop();
        // at-most-once: commit the positions past this batch first, then process it
        if (mode === 'before-processing') consumer.commitSync(() => process(records, loop));
        // at-least-once: process, then commitSync; 'auto' commits in a later poll
        // (ConsumerCoordinator.maybeAutoCommitOffsetsAsync), after this batch was processed
        else
          process(records, () => (mode === 'after-processing' ? consumer.commitSync(() => loop()) : loop()));
      });
    };
    const process = (records: readonly PolledRecord[], then: () => void): void => {
      const p = options.processing;
      const delay = (p?.perBatchMs ?? 0) + (p?.perRecordMs ?? 0) * records.length;
      const id = history.invoke('process', ctx.name, ctx.now, { group, records });
      processing.set(ctx.name, { id, records });
      const finish = () => {
        processing.delete(ctx.name);
        history.complete(id, 'process', 'ok', ctx.name, ctx.now, { group, records });
        options.onProcessed?.(ctx.name, records);
        then();
      };
      if (delay > 0) timers.after(delay, 'processing', finish);
      else finish();
    };

    return {
      consumer,
      onStart() {
        loop();
      },
      onMessage(_from, message) {
        consumer.handleMessage(message);
      },
      onTimer(tag) {
        tag.run();
      },
      onDisconnect(peer) {
        consumer.handleDisconnect(peer);
      },
    };
  };
}
