import type { Partition } from '../partition.js';
import type { AlterPartitionResponse } from '../protocol.js';
import type { IsrChangeManager } from './alter-partition-manager.js';
import type { BrokerIO } from './io.js';

/** How often the leader considers publishing ISR change notifications (ZkAlterPartitionManager constants). */
export const ISR_CHANGE_PROPAGATION_INTERVAL_MS = 2_500;
const ISR_CHANGE_PROPAGATION_BLACKOUT_MS = 5_000;
const MAX_ISR_PROPAGATION_INTERVAL_MS = 60_000;

/** The ZooKeeper writes the leader makes (set by the broker, which owns the ZooKeeper session). */
export interface ZkIsrWriter {
  /** Conditional update of the partition's state znode on its version (ReplicationUtils.updateLeaderAndIsr). */
  updateIsr(
    partition: Partition,
    isr: readonly number[],
    controllerEpoch: number,
    done: (ok: boolean, zkVersion: number) => void,
  ): void;
  /** Creates `/isr_change_notification/isr_change_<seq>` with these partitions. */
  notify(partitions: readonly { topic: string; partition: number }[]): void;
}

/**
 * ISR changes below inter.broker.protocol.version 2.7-IV2, as every Kafka 2.1 broker made them
 * (ZkAlterPartitionManager; Partition.updateIsr in 2.1): the leader writes the new ISR into the
 * partition's state znode itself, conditional on its version, and every 2.5 s publishes the changed
 * partitions as one `/isr_change_notification` znode once changes have settled for 5 s (or 60 s
 * have passed); the controller then tells every broker. A version conflict leaves the ISR as it was
 * until the next LeaderAndIsr.
 */
export class ZkIsrManager implements IsrChangeManager {
  private readonly changed = new Map<string, { topic: string; partition: number }>();
  private lastChangeMs = -1;
  private lastPropagationMs = 0;

  constructor(
    private readonly io: BrokerIO,
    private readonly writer: () => ZkIsrWriter | undefined,
    private readonly controllerEpochOf: (partition: Partition) => number,
    private readonly onCommitted: (partition: Partition) => void,
  ) {}

  submit(partition: Partition): void {
    const state = partition.state;
    const writer = this.writer();
    if (state.kind === 'committed' || writer === undefined) {
      partition.abandonIsrChange();
      return;
    }
    const leaderEpoch = partition.leaderEpoch;
    writer.updateIsr(partition, state.proposed, this.controllerEpochOf(partition), (ok, zkVersion) => {
      if (!ok) {
        this.io.note(
          `${partition.topic}-${partition.partition}: cached zkVersion does not match ZooKeeper; skip updating ISR`,
        );
        partition.abandonIsrChange();
        return;
      }
      if (!partition.commitIsr(state.proposed, leaderEpoch, zkVersion)) return;
      this.io.note(`${partition.topic}-${partition.partition} ISR now [${state.proposed.join(',')}]`);
      this.changed.set(`${partition.topic}-${partition.partition}`, {
        topic: partition.topic,
        partition: partition.partition,
      });
      this.lastChangeMs = this.io.now / 1000;
      this.onCommitted(partition);
    });
  }

  /** The periodic check (maybePropagateIsrChanges). */
  propagate(): void {
    const now = this.io.now / 1000;
    const writer = this.writer();
    if (
      writer !== undefined &&
      this.changed.size > 0 &&
      (this.lastChangeMs + ISR_CHANGE_PROPAGATION_BLACKOUT_MS < now ||
        this.lastPropagationMs + MAX_ISR_PROPAGATION_INTERVAL_MS < now)
    ) {
      writer.notify([...this.changed.values()]);
      this.changed.clear();
      this.lastPropagationMs = now;
    }
  }

  handleResponse(_response: AlterPartitionResponse): void {}

  handleDisconnect(_peer: number): void {}

  retry(): void {}
}
