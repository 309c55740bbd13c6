import type { TimerHandle } from '../../sim/process.js';
import type { Rng } from '../../sim/rng.js';
import type { SimTime } from '../../sim/time.js';
import type { KafkaMessage } from '../protocol.js';

/**
 * The group coordinator's timers on its broker: the purgatory operations of the Scala coordinator
 * (DelayedJoin/InitialDelayedJoin, DelayedSync, DelayedHeartbeat for members and for KIP-394 pending
 * members) and the loading/unloading tasks GroupMetadataManager puts on the broker's scheduler.
 * Each carries the id of the operation; a tag whose id is no longer current is stale and ignored.
 */
export type GroupCoordinatorTimer =
  | { readonly kind: 'group-coordinator'; readonly op: 'join'; readonly id: number; readonly groupId: string }
  | { readonly kind: 'group-coordinator'; readonly op: 'sync'; readonly id: number; readonly groupId: string }
  | {
      readonly kind: 'group-coordinator';
      readonly op: 'heartbeat' | 'pending-member';
      readonly id: number;
      readonly groupId: string;
      readonly memberId: string;
    }
  | {
      readonly kind: 'group-coordinator';
      readonly op: 'load' | 'load-done' | 'unload';
      readonly id: number;
      readonly partition: number;
      /** The coordinator epoch (the partition's leader epoch); undefined: none (a deleted replica). */
      readonly epoch: number | undefined;
    };

/** What the coordinator needs of its broker's process context. */
export interface CoordinatorIO {
  /** Simulated time, µs. */
  readonly now: SimTime;
  /** The coordinator's own seeded stream (member ids). */
  readonly rng: Rng;
  send(to: string, message: KafkaMessage): void;
  setTimer(delay: SimTime, tag: GroupCoordinatorTimer): TimerHandle;
  cancelTimer(handle: TimerHandle): void;
  note(text: string): void;
}
