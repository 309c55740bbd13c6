import type { Rng } from '../../sim/rng.js';
import { toPositive } from '../murmur2.js';

/**
 * The built-in partitioner of Kafka 3.3+ for records without a key (KIP-794, BuiltInPartitioner at
 * 3.8.0), without adaptive load statistics: it sticks to one partition until at least
 * `batch.size` bytes went there and a batch boundary is reached, or `2 × batch.size` bytes went
 * there regardless, then draws the next one uniformly among the partitions that have a leader (all
 * partitions if none has). The same partition can be drawn again.
 */
export class StickyPartitioner {
  private current: number | undefined;
  private producedBytes = 0;

  constructor(
    private readonly batchSize: number,
    private readonly random: Rng,
  ) {}

  /** The partition an unkeyed record goes to now (peekCurrentPartitionInfo). */
  partition(available: readonly number[], partitionCount: number): number {
    if (this.current === undefined) this.current = this.next(available, partitionCount);
    return this.current;
  }

  /**
   * After appending `appendedBytes` of an unkeyed record to the current partition
   * (updatePartitionInfo): `batchBoundary` is true when that partition's deque is empty or its last
   * batch is full.
   */
  onAppend(
    appendedBytes: number,
    batchBoundary: boolean,
    available: readonly number[],
    partitionCount: number,
  ): void {
    this.producedBytes += appendedBytes;
    const enough = this.producedBytes >= this.batchSize && batchBoundary;
    if (enough || this.producedBytes >= 2 * this.batchSize) {
      this.current = this.next(available, partitionCount);
      this.producedBytes = 0;
    }
  }

  private next(available: readonly number[], partitionCount: number): number {
    if (available.length === 0) return this.random.below(partitionCount);
    return available[this.random.below(available.length)] as number;
  }
}

/**
 * RoundRobinPartitioner (3.8.0): a per-topic counter from 0, one step per call, over the partitions
 * with a leader (all if none). Kafka calls a configured partitioner a second time when the first
 * choice has no open batch, and this one does not override onNewBatch, so it skips a partition
 * each time a batch starts (KAFKA-9965): with an even partition count, half the partitions get nothing.
 */
export class RoundRobinPartitioner {
  private readonly counters = new Map<string, number>();

  partition(topic: string, available: readonly number[], partitionCount: number): number {
    const counter = this.counters.get(topic) ?? 0;
    this.counters.set(topic, counter + 1);
    if (available.length === 0) return toPositive(counter) % partitionCount;
    return available[toPositive(counter) % available.length] as number;
  }
}
