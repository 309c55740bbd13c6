import type { PartitionStateData } from '../protocol.js';

/** The controller's view of one partition. */
export interface ControllerPartition {
  readonly topic: string;
  readonly partition: number;
  replicas: readonly number[];
  /** Leader and ISR as last read from or written to ZooKeeper; undefined before the state znode exists. */
  leadership:
    | {
        leader: number;
        leaderEpoch: number;
        isr: readonly number[];
        controllerEpoch: number;
        /** The state znode's version: the partition epoch. */
        zkVersion: number;
      }
    | undefined;
  state: 'NewPartition' | 'OnlinePartition' | 'OfflinePartition';
}

export function partitionStateData(p: ControllerPartition, isNew = false): PartitionStateData {
  const l = p.leadership;
  return {
    topic: p.topic,
    partition: p.partition,
    leader: l?.leader ?? -1,
    leaderEpoch: l?.leaderEpoch ?? -1,
    isr: l?.isr ?? [],
    partitionEpoch: l?.zkVersion ?? -1,
    replicas: p.replicas,
    ...(isNew ? { isNew } : {}),
  };
}

/**
 * The requests one controller action sends (ControllerBrokerRequestBatch): LeaderAndIsr per broker,
 * then UpdateMetadata with every touched partition to all live brokers, in that order, and only to
 * live brokers. A LeaderAndIsr for a partition also puts it in the UpdateMetadata. A broker gets one
 * state per partition: a later one in the same batch replaces the earlier, and a partition once
 * new stays new (addLeaderAndIsrRequestForBrokers keeps a map by partition).
 */
export class RequestBatch {
  readonly leaderAndIsr = new Map<number, PartitionStateData[]>();
  readonly updateMetadata = new Map<string, ControllerPartition>();

  addLeaderAndIsr(brokers: readonly number[], p: ControllerPartition, isNew = false): void {
    for (const b of brokers) {
      if (b < 0) continue;
      const list = this.leaderAndIsr.get(b) ?? [];
      const at = list.findIndex((s) => s.topic === p.topic && s.partition === p.partition);
      const state = partitionStateData(p, isNew || (at >= 0 && list[at]?.isNew === true));
      if (at >= 0) list[at] = state;
      else list.push(state);
      this.leaderAndIsr.set(b, list);
    }
    this.addUpdateMetadata(p);
  }

  addUpdateMetadata(p: ControllerPartition): void {
    this.updateMetadata.set(`${p.topic}-${p.partition}`, p);
  }

  get isEmpty(): boolean {
    return this.leaderAndIsr.size === 0 && this.updateMetadata.size === 0;
  }
}
