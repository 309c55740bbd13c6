import type { ClientOp, MemberFact, OpType } from '../history/client-history.js';
import type { ReplicaEvent, ReplicaFact } from '../history/cluster-history.js';
import type { SimTime } from '../sim/time.js';
import type { FinalState } from './final-state.js';

/** The checkers, in the order `runChecks` runs them: Jepsen's Kafka names first, then kafka-sim's. */
export const CHECK_NAMES = [
  'lost-write',
  'duplicate',
  'inconsistent-offsets',
  'nonmonotonic-poll',
  'poll-skip',
  'G1a',
  'unseen',
  'reorder',
  'replica-divergence',
  'split-brain',
  'hw-regression',
  'group-exclusivity',
] as const;

export type CheckName = (typeof CHECK_NAMES)[number];

/** What a producer promised, for `reorder`. */
export interface ProducerPromise {
  /**
   * Records to one partition land in send order: enable.idempotence, or
   * max.in.flight.requests.per.connection = 1. Otherwise a retry may reorder them, as Kafka documents.
   */
  readonly orderPromised: boolean;
}

/** What the checkers read: the clients' history, the replicas' facts and the final state. */
export interface CheckInput {
  readonly clients: {
    readonly ops: readonly ClientOp[];
    readonly memberFacts: readonly MemberFact[];
  };
  readonly cluster: { readonly facts: readonly ReplicaFact[] };
  readonly final: FinalState;
  /**
   * Per producer process. Absent: a producer whose acknowledged sends carry a producer id (it is
   * idempotent) promised order, any other did not.
   */
  readonly producers?: Readonly<Record<string, ProducerPromise>>;
}

/** One entry of the history or of the final state that proves a violation. */
export type ViolationEvent =
  | {
      readonly kind: 'op';
      /** The operation's id: its invoke and completion share it. */
      readonly id: number;
      readonly type: OpType;
      readonly f: ClientOp['f'];
      readonly process: string;
      readonly time: SimTime;
    }
  | {
      readonly kind: 'replica-fact';
      /** Index in ClusterHistory.facts. */
      readonly index: number;
      readonly what: ReplicaEvent['kind'];
      readonly broker: number;
      readonly topic: string;
      readonly partition: number;
      readonly time: SimTime;
    }
  | {
      readonly kind: 'member-fact';
      /** Index in ClientHistory.memberFacts. */
      readonly index: number;
      readonly what: MemberFact['kind'];
      readonly process: string;
      readonly time: SimTime;
    }
  | {
      readonly kind: 'final-state';
      readonly topic: string;
      readonly partition: number;
      /** The replica looked at; null for the partition's ZooKeeper state. */
      readonly broker: number | null;
      readonly time: SimTime;
    };

export interface Violation {
  /** One line in Kafka's and Jepsen's words. */
  readonly message: string;
  /** When it happened: the time of the event the message is about (for sorting and reports). */
  readonly time: SimTime;
  /** The history entries and final-state parts that prove it, in time order. */
  readonly events: readonly ViolationEvent[];
}

export interface CheckResult {
  readonly name: CheckName;
  readonly status: 'holds' | 'violated';
  readonly violations: readonly Violation[];
}

export type Checker = (input: CheckInput) => CheckResult;
