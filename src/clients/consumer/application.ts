import type { ClientHistory, PolledRecord } from '../../history/client-history.js';
import type { KafkaMessage, TopicPartition } from '../../kafka/protocol.js';
import type { ActorFactory } from '../../sim/process.js';
import { type ConsumerConfig, consumerConfig } from './config.js';
import { KafkaConsumer, type PollResult } from './consumer.js';
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
  /** The `process` op in progress per process name: the harness's bookkeeping, outlives crashes. */
  const processing = new Map<string, Processing>();
  return (ctx: ConsumerContext): ConsumerActor =>
    new ConsumerApplication(ctx, options, mode, config, processing);
}

/** The `process` op in progress: its history op and records. */
interface Processing {
  readonly id: number;
  readonly records: readonly PolledRecord[];
}

/**
 * One incarnation of the application: poll, process, commit, as the mode says. Its callbacks are
 * methods bound with `bind`, not closures made per call, which V8 compiles again after every full
 * collection (bench/jit-churn.ts).
 */
class ConsumerApplication implements ConsumerActor {
  readonly consumer: KafkaConsumer;
  private readonly history: ClientHistory;
  private readonly group: string | null;
  private polls = 0;
  private readonly loopAgain = this.loop.bind(this);

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly options: ConsumerActorOptions,
    private readonly mode: CommitMode,
    private readonly config: ConsumerConfig,
    /** Per process name: the harness's bookkeeping, outlives crashes. */
    private readonly processing: Map<string, Processing>,
  ) {
    const history = options.history;
    this.history = history;
    this.group = config['group.id'];
    const interrupted = processing.get(ctx.name);
    if (interrupted !== undefined) {
      processing.delete(ctx.name);
      history.complete(interrupted.id, 'process', 'info', ctx.name, ctx.now, {
        group: this.group,
        records: interrupted.records,
        error: 'crashed',
      });
    }
    const recorder = { history, process: ctx.name, now: () => ctx.now };
    const target =
      options.subscribe !== undefined ? { subscribe: options.subscribe } : { assign: options.assign ?? [] };
    this.consumer = new KafkaConsumer(ctx, config, options.bootstrap, target, recorder);
  }

  private loop(): void {
    if (this.options.maxPolls !== undefined && this.polls >= this.options.maxPolls) return;
    this.polls++;
    const id = this.history.invoke('poll', this.ctx.name, this.ctx.now, {});
    this.consumer.poll(this.options.pollTimeoutMs ?? 1000, this.onPolled.bind(this, id));
  }

  private onPolled(id: number, result: PollResult): void {
    if (!result.ok) {
      this.history.complete(id, 'poll', 'fail', this.ctx.name, this.ctx.now, { error: result.error });
      this.consumer.timers.after(this.config['retry.backoff.ms'], 'app-retry', this.loopAgain);
      return;
    }
    this.history.complete(id, 'poll', 'ok', this.ctx.name, this.ctx.now, { records: result.records });
    const records = result.records;
    if (records.length === 0) this.loop();
    // at-most-once: commit the positions past this batch first, then process it
    else if (this.mode === 'before-processing') this.consumer.commitSync(this.process.bind(this, records));
    // at-least-once: process, then commitSync; 'auto' commits in a later poll
    // (ConsumerCoordinator.maybeAutoCommitOffsetsAsync), after this batch was processed
    else this.process(records);
  }

  private process(records: readonly PolledRecord[]): void {
    const p = this.options.processing;
    const delay = (p?.perBatchMs ?? 0) + (p?.perRecordMs ?? 0) * records.length;
    const id = this.history.invoke('process', this.ctx.name, this.ctx.now, { group: this.group, records });
    const processing = { id, records };
    this.processing.set(this.ctx.name, processing);
    if (delay > 0) this.consumer.timers.after(delay, 'processing', this.processed.bind(this, processing));
    else this.processed(processing);
  }

  private processed({ id, records }: Processing): void {
    this.processing.delete(this.ctx.name);
    this.history.complete(id, 'process', 'ok', this.ctx.name, this.ctx.now, { group: this.group, records });
    this.options.onProcessed?.(this.ctx.name, records);
    if (this.mode === 'after-processing') this.consumer.commitSync(this.loopAgain);
    else this.loop();
  }

  onStart(): void {
    this.loop();
  }

  onMessage(_from: string, message: KafkaMessage): void {
    this.consumer.handleMessage(message);
  }

  onTimer(tag: ConsumerTimer): void {
    tag.run();
  }

  onDisconnect(peer: string): void {
    this.consumer.handleDisconnect(peer);
  }
}
