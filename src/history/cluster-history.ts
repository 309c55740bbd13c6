import type { GroupState } from '../clients/group/group-state.js';
import type { SimTime } from '../sim/time.js';

/**
 * What replicas did, as facts for the checkers and the reports (architecture: "replica-side facts
 * (appends, truncations, HW moves, leader and ISR changes)"). Recorded by the brokers as it happens.
 */
export type ReplicaEvent =
  | {
      readonly kind: 'become-leader';
      readonly leaderEpoch: number;
      readonly isr: readonly number[];
      readonly logEndOffset: number;
    }
  | { readonly kind: 'become-follower'; readonly leader: number; readonly leaderEpoch: number }
  | {
      readonly kind: 'append';
      readonly firstOffset: number;
      readonly lastOffset: number;
      readonly leaderEpoch: number;
    }
  | { readonly kind: 'truncate'; readonly to: number; readonly removed: number }
  | { readonly kind: 'high-watermark'; readonly highWatermark: number; readonly leaderEpoch: number }
  | { readonly kind: 'isr'; readonly isr: readonly number[]; readonly leaderEpoch: number };

export type ReplicaFact = ReplicaEvent & {
  readonly time: SimTime;
  readonly broker: number;
  readonly topic: string;
  readonly partition: number;
};

/** What a broker did as a member of the cluster: its ZooKeeper session, registration and controllership. */
export type BrokerEvent =
  | {
      readonly kind: 'zk-session';
      readonly state: 'SyncConnected' | 'Disconnected' | 'Expired';
      readonly sessionId: number;
    }
  | { readonly kind: 'registered'; readonly brokerEpoch: number }
  | { readonly kind: 'controller-elected'; readonly controllerEpoch: number }
  | { readonly kind: 'controller-resigned' };

export type BrokerFact = BrokerEvent & { readonly time: SimTime; readonly broker: number };

/** What a group coordinator did with a group: state changes with the generation they belong to. */
export interface GroupFact {
  readonly time: SimTime;
  /** The coordinator broker. */
  readonly broker: number;
  readonly group: string;
  readonly state: GroupState;
  readonly generation: number;
  /** Member ids, sorted, at the change. */
  readonly members: readonly string[];
  readonly leader: string | null;
  readonly protocol: string | null;
  readonly reason: string;
}

/**
 * Collects what replicas and brokers did, each in the order it happened. Kept outside the actors,
 * so it survives their crashes.
 */
export class ClusterHistory {
  readonly facts: ReplicaFact[] = [];
  readonly brokerFacts: BrokerFact[] = [];
  readonly groupFacts: GroupFact[] = [];

  record(fact: ReplicaFact): void {
    this.facts.push(fact);
  }

  recordBroker(fact: BrokerFact): void {
    this.brokerFacts.push(fact);
  }

  recordGroup(fact: GroupFact): void {
    this.groupFacts.push(fact);
  }
}
