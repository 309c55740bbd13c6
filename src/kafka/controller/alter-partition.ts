import type { AlterPartitionRequest, AlterPartitionResponse } from '../protocol.js';
import type { ControllerPartition } from './request-batch.js';

/** What the controller holds for a partition that has a state znode. */
export type Leadership = NonNullable<ControllerPartition['leadership']>;

/**
 * The answer one partition of an AlterPartition gets without a write, in the order of
 * KafkaController.tryProcessAlterPartition (3.8.0); undefined when the new ISR is to be written.
 * - a higher partition or leader epoch than the controller's: NOT_CONTROLLER (this controller is
 *   likely stale, so the leader should look for the new one);
 * - a lower leader epoch: FENCED_LEADER_EPOCH;
 * - already so (LeaderAndIsr.equalsAllowStalePartitionEpoch: the sender leads, same leader epoch,
 *   the same ISR list, order included): NONE, before the partition epoch check, so a retry that
 *   the controller already applied is answered as a success;
 * - a lower partition epoch: INVALID_UPDATE_VERSION;
 * - a new ISR naming a broker that is not live (KIP-841): INELIGIBLE_REPLICA, or
 *   OPERATION_NOT_ATTEMPTED for a version 0–1 request, which has no such error.
 */
export function alterPartitionError(
  request: Pick<AlterPartitionRequest, 'brokerId' | 'version'>,
  proposed: AlterPartitionRequest['partitions'][number],
  current: Leadership,
  isLive: (broker: number) => boolean,
): AlterPartitionResponse['partitions'][number]['error'] | undefined {
  if (proposed.partitionEpoch > current.zkVersion || proposed.leaderEpoch > current.leaderEpoch)
    return 'NOT_CONTROLLER';
  if (proposed.leaderEpoch < current.leaderEpoch) return 'FENCED_LEADER_EPOCH';
  if (request.brokerId === current.leader && sameList(proposed.newIsr, current.isr)) return 'NONE';
  if (proposed.partitionEpoch < current.zkVersion) return 'INVALID_UPDATE_VERSION';
  if (!proposed.newIsr.every(isLive))
    return request.version > 1 ? 'INELIGIBLE_REPLICA' : 'OPERATION_NOT_ATTEMPTED';
  return undefined;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
