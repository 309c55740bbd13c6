import type { Partition } from '../partition.js';
import { type OffsetsForLeaderEpochRequest, type OffsetsForLeaderEpochResponse, tpKey } from '../protocol.js';

/**
 * KafkaApis.handleOffsetForLeaderEpochRequest → ReplicaManager.lastOffsetForLeaderEpoch →
 * Partition.lastOffsetForLeaderEpoch at 3.8.0, for a consumer (replica id -1, KIP-320) or a
 * follower: only the leader answers (getLocalLog with fetchOnlyFromLeader), after the
 * current-leader-epoch check (-1 skips it); the answer is LeaderEpochFileCache.endOffsetFor on the
 * leader's log end, or UNDEFINED_EPOCH / UNDEFINED_EPOCH_OFFSET (-1, -1) with no error when the
 * cache knows no epoch at or below the one asked for (UnifiedLog.endOffsetForEpoch).
 */
export function lastOffsetForLeaderEpoch(
  partitions: ReadonlyMap<string, Partition>,
  request: OffsetsForLeaderEpochRequest,
): OffsetsForLeaderEpochResponse {
  return {
    type: 'OffsetsForLeaderEpochResponse',
    correlationId: request.correlationId,
    partitions: request.partitions.map((p) => {
      const answer = (
        error: OffsetsForLeaderEpochResponse['partitions'][number]['error'],
        epoch = -1,
        end = -1,
      ) => ({
        topic: p.topic,
        partition: p.partition,
        error,
        leaderEpoch: epoch,
        endOffset: end,
      });
      const partition = partitions.get(tpKey(p.topic, p.partition));
      if (partition === undefined) return answer('NOT_LEADER_OR_FOLLOWER');
      // Partition.checkCurrentLeaderEpoch, then the leader check of getLocalLog.
      if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < partition.leaderEpoch)
        return answer('FENCED_LEADER_EPOCH');
      if (p.currentLeaderEpoch > partition.leaderEpoch) return answer('UNKNOWN_LEADER_EPOCH');
      if (!partition.isLeader) return answer('NOT_LEADER_OR_FOLLOWER');
      const log = partition.log;
      const found = log.epochCache.endOffsetFor(p.leaderEpoch, log.logEndOffset);
      if (found.endOffset < 0) return answer('NONE');
      return answer('NONE', found.epoch, found.endOffset);
    }),
  };
}
