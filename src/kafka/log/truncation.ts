import { type LeaderEpochCache, UNDEFINED_EPOCH, UNDEFINED_OFFSET } from './epoch-cache.js';

/** Where a follower truncates to, and whether it must ask the leader again. */
export interface TruncationState {
  readonly offset: number;
  readonly truncationCompleted: boolean;
}

/**
 * The follower's rule for reconciling its log with the leader's answer (leaderEpoch, leaderEndOffset)
 * to "where does my latest epoch end?", from an OffsetsForLeaderEpoch response or a Fetch response's
 * diverging epoch: AbstractFetcherThread.getOffsetTruncationState, KIP-279 (unchanged from 2.0 to 3.8).
 */
export function offsetTruncationState(
  leaderEpoch: number,
  leaderEndOffset: number,
  cache: LeaderEpochCache,
  logEndOffset: number,
  highWatermark: number,
): TruncationState {
  if (leaderEndOffset === UNDEFINED_OFFSET) {
    // The leader knows nothing of our epochs: fall back to our high watermark.
    return { offset: Math.min(highWatermark, logEndOffset), truncationCompleted: true };
  }
  if (leaderEpoch === UNDEFINED_EPOCH) {
    return { offset: Math.min(leaderEndOffset, logEndOffset), truncationCompleted: true };
  }
  const mine = cache.endOffsetFor(leaderEpoch, logEndOffset);
  if (mine.endOffset === UNDEFINED_OFFSET) {
    return { offset: Math.min(leaderEndOffset, logEndOffset), truncationCompleted: true };
  }
  if (mine.epoch !== leaderEpoch) {
    // We never had the leader's epoch: cut to where our own older epoch ends, and ask again.
    return { offset: Math.min(mine.endOffset, logEndOffset), truncationCompleted: false };
  }
  return { offset: Math.min(mine.endOffset, leaderEndOffset, logEndOffset), truncationCompleted: true };
}
