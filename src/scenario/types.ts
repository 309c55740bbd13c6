import type { ConsumerConfig } from '../clients/consumer/config.js';
import type { ProducerConfig } from '../clients/producer/config.js';
import type { FaultsFileSpec } from '../faults/spec.js';
import type { BrokerConfig, TopicConfig } from '../kafka/config.js';

/** A scenario file as written (after schema validation); see schema.ts for the rules. */
export interface ScenarioFile {
  readonly name: string;
  readonly description: string;
  readonly seed?: number;
  /** A duration text: `60s`. */
  readonly duration: string;
  readonly cluster?: {
    readonly brokers?: number;
    readonly zookeepers?: number;
    readonly truncation?: 'leader-epoch' | 'high-watermark';
    readonly config?: Partial<BrokerConfig>;
  };
  readonly network?: { readonly latency?: LatencySpec; readonly loss?: number };
  readonly topics?: readonly TopicFileSpec[];
  readonly producers?: readonly ProducerFileSpec[];
  readonly consumers?: readonly ConsumerFileSpec[];
  readonly timeline?: readonly TimelineEntry[];
  readonly faults?: FaultsFileSpec;
  readonly expect?: Expectations;
}

export type LatencySpec =
  | string
  | {
      readonly distribution: 'constant' | 'uniform' | 'exponential' | 'lognormal' | 'pareto';
      readonly value?: string;
      readonly min?: string;
      readonly max?: string;
      readonly mean?: string;
      readonly median?: string;
      readonly sigma?: number;
      readonly alpha?: number;
    };

export interface TopicFileSpec {
  readonly name: string;
  readonly partitions?: number;
  readonly 'replication-factor'?: number;
  readonly assignment?: readonly (readonly number[])[];
  readonly config?: TopicConfig;
}

export type KeysSpec =
  | 'none'
  | 'sequential'
  | { readonly fixed: readonly string[] }
  | { readonly random: readonly string[] };

export interface ProducerFileSpec {
  readonly name: string;
  readonly topic: string;
  readonly count?: number;
  readonly rate?: number;
  readonly keys?: KeysSpec;
  readonly 'value-bytes'?: number;
  readonly partition?: number;
  readonly start?: string;
  readonly config?: Partial<Omit<ProducerConfig, 'acks'>> & { readonly acks?: string | number };
}

export interface ConsumerFileSpec {
  readonly name: string;
  readonly topics?: readonly string[];
  readonly assign?: readonly string[];
  readonly commit?: 'auto' | 'after-processing' | 'before-processing' | 'none';
  readonly processing?: { readonly 'per-record'?: string; readonly 'per-batch'?: string };
  readonly 'poll-timeout'?: string;
  readonly start?: string;
  readonly config?: Partial<Omit<ConsumerConfig, 'partition.assignment.strategy'>> & {
    readonly 'partition.assignment.strategy'?: string | readonly string[];
  };
}

/** A process, a role ("controller"), or the leader of a partition when the action runs. */
export type TargetSpec = string | { readonly leader: string };

export interface StateAssertion {
  readonly controller?: number;
  readonly partition?: string;
  readonly leader?: number;
  readonly isr?: readonly number[];
  readonly 'high-watermark'?: number;
  readonly 'log-end-offset'?: Readonly<Record<string, number>>;
  readonly group?: string;
  readonly state?: 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';
  readonly generation?: number;
  readonly members?: number;
  readonly assignment?: Readonly<Record<string, readonly string[]>>;
}

/**
 * One timeline entry: `at`, exactly one action, and for a fault that lasts (crash, power-loss,
 * pause, isolate, partition, link) optionally `for`: it is undone that much later.
 */
export type TimelineEntry = { readonly at: string; readonly for?: string } & (
  | { readonly crash: TargetSpec }
  | { readonly 'power-loss': TargetSpec }
  | { readonly restart: TargetSpec }
  | { readonly pause: TargetSpec }
  | { readonly resume: TargetSpec }
  | { readonly isolate: TargetSpec }
  | { readonly partition: readonly (readonly string[])[] }
  | { readonly heal: true }
  | {
      readonly link: {
        readonly from: string;
        readonly to: string;
        readonly latency?: LatencySpec;
        readonly loss?: number;
        readonly 'one-way'?: boolean;
      };
    }
  | { readonly 'expire-session': string }
  | { readonly 'backup-zookeeper': string }
  | { readonly 'restore-zookeeper': string }
  | { readonly 'create-topic': TopicFileSpec }
  | { readonly 'delete-topic': string }
  | { readonly 'add-partitions': { readonly topic: string; readonly count: number } }
  | { readonly reassign: { readonly partition: string; readonly replicas: readonly number[] } }
  | { readonly 'preferred-election': 'all' | readonly string[] }
  | { readonly start: string }
  | { readonly stop: string }
  | { readonly describe: string }
  | { readonly subscribe: { readonly consumer: string; readonly topics: readonly string[] } }
  | { readonly assert: StateAssertion }
);

export type Expectations = Readonly<Partial<Record<string, 'holds' | 'violated'>>> & {
  readonly final?: readonly StateAssertion[];
};
