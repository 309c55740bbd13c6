import { ms } from '../../sim/time.js';
import type { ErrorName } from '../errors.js';
import type { Partition } from '../partition.js';
import type { AlterPartitionRequest, AlterPartitionResponse } from '../protocol.js';
import { tpKey } from '../protocol.js';
import { type BrokerIO, brokerName } from './io.js';

/** Retry after a top-level error or a lost controller (AlterPartitionManager, hard-coded 50 ms). */
const RETRY_BACKOFF = ms(50);

/**
 * Partition errors after which the leader neither retries nor resets its pending ISR change: it
 * waits for new metadata (Partition.handleAlterPartitionError at 3.8.0; its UNKNOWN_TOPIC_ID needs
 * topic IDs and NEW_LEADER_ELECTED is KRaft's, neither of which kafka-sim has). Every other
 * partition error but OPERATION_NOT_ATTEMPTED and INELIGIBLE_REPLICA is retried.
 */
const GIVE_UP: ReadonlySet<ErrorName> = new Set<ErrorName>([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'FENCED_LEADER_EPOCH',
  'INVALID_UPDATE_VERSION',
  'INVALID_REQUEST',
]);

/** Where a leader's proposed ISR changes go: to the controller (AlterPartition) or straight to ZooKeeper. */
export interface IsrChangeManager {
  submit(partition: Partition): void;
  handleResponse(response: AlterPartitionResponse): void;
  handleDisconnect(peerBrokerId: number): void;
  retry(): void;
}

/**
 * Sends the leader's ISR changes to the controller (DefaultAlterPartitionManager, IBP >= 2.7-IV2):
 * at most one request in flight, batching every partition queued meanwhile; never times out, retries
 * on errors that say nothing about the partition.
 */
export class AlterPartitionManager implements IsrChangeManager {
  private readonly queued = new Map<string, Partition>();
  private inFlight:
    | { correlationId: number; controllerId: number; partitions: Map<string, Partition> }
    | undefined;
  private retryScheduled = false;

  constructor(
    private readonly io: BrokerIO,
    private readonly brokerId: number,
    /** The request version, from inter.broker.protocol.version (alterPartitionVersion). */
    private readonly version: number,
    private readonly brokerEpoch: () => number,
    private readonly controllerId: () => number,
    private readonly nextCorrelationId: () => number,
    private readonly onCommitted: (partition: Partition) => void,
  ) {}

  submit(partition: Partition): void {
    this.queued.set(tpKey(partition.topic, partition.partition), partition);
    this.maybeSend();
  }

  handleResponse(response: AlterPartitionResponse): void {
    const inFlight = this.inFlight;
    if (inFlight === undefined || inFlight.correlationId !== response.correlationId) return;
    this.inFlight = undefined;
    if (response.error !== 'NONE') {
      for (const [key, p] of inFlight.partitions) if (!this.queued.has(key)) this.queued.set(key, p);
      this.scheduleRetry();
      return;
    }
    for (const result of response.partitions) {
      const partition = inFlight.partitions.get(tpKey(result.topic, result.partition));
      if (partition === undefined) continue;
      if (result.error === 'NONE') {
        if (partition.commitIsr(result.isr, result.leaderEpoch, result.partitionEpoch)) {
          this.io.note(`${partition.topic}-${partition.partition} ISR now [${result.isr.join(',')}]`);
          this.onCommitted(partition);
        }
      } else if (result.error === 'OPERATION_NOT_ATTEMPTED' || result.error === 'INELIGIBLE_REPLICA') {
        partition.abandonIsrChange(); // Partition.handleAlterPartitionError: back to the committed ISR
      } else if (!GIVE_UP.has(result.error)) {
        // Any other error (NOT_CONTROLLER from a stale controller, ...) is retried at once.
        this.queued.set(tpKey(result.topic, result.partition), partition);
      }
      // The errors in GIVE_UP leave the change pending until a LeaderAndIsr resets the partition.
    }
    this.maybeSend();
  }

  /** The controller's connection broke: what was in flight is lost, so send it again. */
  handleDisconnect(peerBrokerId: number): void {
    if (this.inFlight === undefined || this.inFlight.controllerId !== peerBrokerId) return;
    for (const [key, p] of this.inFlight.partitions) if (!this.queued.has(key)) this.queued.set(key, p);
    this.inFlight = undefined;
    this.scheduleRetry();
  }

  retry(): void {
    this.retryScheduled = false;
    this.maybeSend();
  }

  private scheduleRetry(): void {
    if (this.retryScheduled) return;
    this.retryScheduled = true;
    this.io.setTimer(RETRY_BACKOFF, { kind: 'alter-partition-retry' });
  }

  private maybeSend(): void {
    if (this.inFlight !== undefined || this.queued.size === 0) return;
    const controllerId = this.controllerId();
    if (controllerId < 0) {
      this.scheduleRetry();
      return;
    }
    const partitions = new Map<string, Partition>();
    const entries: AlterPartitionRequest['partitions'][number][] = [];
    for (const [key, p] of this.queued) {
      const state = p.state;
      if (!p.isLeader || state.kind === 'committed') continue; // reset by a LeaderAndIsr meanwhile
      partitions.set(key, p);
      entries.push({
        topic: p.topic,
        partition: p.partition,
        leaderEpoch: p.leaderEpoch,
        newIsr: state.proposed,
        partitionEpoch: p.partitionEpoch,
      });
    }
    this.queued.clear();
    if (entries.length === 0) return;
    const correlationId = this.nextCorrelationId();
    this.inFlight = { correlationId, controllerId, partitions };
    this.io.send(brokerName(controllerId), {
      type: 'AlterPartition',
      correlationId,
      version: this.version,
      brokerId: this.brokerId,
      brokerEpoch: this.brokerEpoch(),
      partitions: entries,
    });
  }
}
