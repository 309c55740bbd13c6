import type { Rng } from '../../sim/rng.js';
import { KafkaError } from '../admin/errors.js';
import { type AdminClusterView, planCreatePartitions, planCreateTopic } from '../admin/topics.js';
import type { BrokerConfig } from '../config.js';
import type {
  AdminTopicResult,
  CreatePartitionsRequest,
  CreateTopicsRequest,
  DeleteTopicsRequest,
  KafkaMessage,
} from '../protocol.js';
import type { AdminZk } from '../zk/kafka-zk-client.js';
import { inSequence } from '../zk/sequence.js';
import type { ReplicaManager } from './replica-manager.js';

/** A CreateTopics or CreatePartitions waiting for the controller's metadata to show its partitions. */
interface Pending {
  readonly to: string;
  readonly correlationId: number;
  readonly type: 'CreateTopicsResponse' | 'CreatePartitionsResponse' | 'DeleteTopicsResponse';
  readonly results: AdminTopicResult[];
  /** Topic → partition count to wait for (0: wait until the topic is gone). */
  readonly waitFor: Map<string, number>;
  readonly deadline: number;
}

/** A Kafka topic id: 16 random bytes, base64url without padding (Uuid.toString). */
export function randomTopicId(random: Rng): string {
  const bytes = Buffer.from(Array.from({ length: 16 }, () => random.below(256)));
  return bytes.toString('base64url');
}

/**
 * Topic administration on a broker in ZooKeeper mode (ZkAdminManager at 3.8.0): validate against
 * this broker's metadata cache, place replicas with AdminUtils.assignReplicasToBrokers (its random
 * start drawn from the run's seed), write ZooKeeper, and answer once the controller's metadata shows
 * the partitions (DelayedCreatePartitions) or the request's timeout passes.
 */
export class AdminManager {
  private readonly pending: Pending[] = [];

  constructor(
    private readonly send: (to: string, message: KafkaMessage) => void,
    private readonly now: () => number,
    private readonly config: BrokerConfig,
    private readonly replicas: ReplicaManager,
    private readonly zk: () => AdminZk,
    private readonly random: Rng,
  ) {}

  private clusterView(): AdminClusterView {
    const byTopic = new Map<string, { partition: number; replicas: readonly number[] }[]>();
    for (const p of this.replicas.metadataPartitions()) {
      const list = byTopic.get(p.topic) ?? [];
      list.push({ partition: p.partition, replicas: p.replicas });
      byTopic.set(p.topic, list);
    }
    return {
      // Kafka passes the alive brokers in its metadata cache's LongMap order; sorted here (see docs/research).
      brokers: this.replicas.aliveBrokers(),
      topics: [...byTopic].map(([name, partitions]) => ({
        name,
        partitions: partitions
          .sort((a, b) => a.partition - b.partition)
          .map((p) => ({ replicas: p.replicas })),
      })),
    };
  }

  handleCreateTopics(from: string, request: CreateTopicsRequest): void {
    const results: AdminTopicResult[] = [];
    const waitFor = new Map<string, number>();
    inSequence(
      request.topics,
      (topic, next) => {
        let assignment: Map<number, number[]>;
        try {
          assignment = planCreateTopic(
            {
              name: topic.name,
              numPartitions: topic.numPartitions,
              replicationFactor: topic.replicationFactor,
              assignments: new Map(topic.assignments.map((r, p) => [p, [...r]])),
            },
            this.clusterView(),
            {
              random: this.random,
              defaultNumPartitions: this.config['num.partitions'],
              defaultReplicationFactor: this.config['default.replication.factor'],
            },
          );
        } catch (error) {
          results.push(errorResult(topic.name, error));
          next();
          return;
        }
        const topicId = randomTopicId(this.random);
        const znode = {
          partitions: assignment,
          addingReplicas: new Map(),
          removingReplicas: new Map(),
          topicId,
        };
        this.zk().createTopic(topic.name, znode, topic.configs, (code) => {
          if (code === 'OK') {
            results.push({ name: topic.name, error: 'NONE', topicId });
            waitFor.set(topic.name, assignment.size);
          } else if (code === 'NODEEXISTS') {
            results.push({
              name: topic.name,
              error: 'TOPIC_ALREADY_EXISTS',
              errorMessage: `Topic '${topic.name}' already exists.`,
            });
          } else results.push({ name: topic.name, error: 'UNKNOWN_SERVER_ERROR', errorMessage: code });
          next();
        });
      },
      this.await.bind(
        this,
        from,
        request.correlationId,
        'CreateTopicsResponse',
        results,
        waitFor,
        request.timeoutMs,
      ),
    );
  }

  handleCreatePartitions(from: string, request: CreatePartitionsRequest): void {
    const results: AdminTopicResult[] = [];
    const waitFor = new Map<string, number>();
    inSequence(
      request.topics,
      (topic, next) => {
        let added: number[][];
        try {
          added = planCreatePartitions(
            {
              name: topic.name,
              count: topic.count,
              ...(topic.assignments === undefined ? {} : { assignments: topic.assignments }),
            },
            this.clusterView(),
          );
        } catch (error) {
          results.push(errorResult(topic.name, error));
          next();
          return;
        }
        this.zk().getTopic(topic.name, (znode) => {
          if (znode === undefined) {
            results.push({
              name: topic.name,
              error: 'UNKNOWN_TOPIC_OR_PARTITION',
              errorMessage: `The topic '${topic.name}' does not exist.`,
            });
            next();
            return;
          }
          const partitions = new Map(znode.partitions);
          for (const [i, replicas] of added.entries()) partitions.set(znode.partitions.size + i, replicas);
          this.zk().setTopicAssignment(topic.name, { ...znode, partitions }, (code) => {
            if (code === 'OK') {
              results.push({ name: topic.name, error: 'NONE' });
              waitFor.set(topic.name, partitions.size);
            } else results.push({ name: topic.name, error: 'UNKNOWN_SERVER_ERROR', errorMessage: code });
            next();
          });
        });
      },
      this.await.bind(
        this,
        from,
        request.correlationId,
        'CreatePartitionsResponse',
        results,
        waitFor,
        request.timeoutMs,
      ),
    );
  }

  /** DeleteTopics (ZkAdminManager.deleteTopics): mark each topic for deletion; answer once it has left the metadata. */
  handleDeleteTopics(from: string, request: DeleteTopicsRequest): void {
    const results: AdminTopicResult[] = [];
    const waitFor = new Map<string, number>();
    const known = new Set(this.replicas.metadataPartitions().map((p) => p.topic));
    inSequence(
      request.topics,
      (topic, next) => {
        if (!known.has(topic)) {
          results.push({
            name: topic,
            error: 'UNKNOWN_TOPIC_OR_PARTITION',
            errorMessage: 'This server does not host this topic-partition.',
          });
          next();
          return;
        }
        this.zk().markTopicForDeletion(topic, (code) => {
          results.push({
            name: topic,
            error: code === 'OK' || code === 'NODEEXISTS' ? 'NONE' : 'UNKNOWN_SERVER_ERROR',
          });
          waitFor.set(topic, 0);
          next();
        });
      },
      this.await.bind(
        this,
        from,
        request.correlationId,
        'DeleteTopicsResponse',
        results,
        waitFor,
        request.timeoutMs,
      ),
    );
  }

  /** The metadata changed: answer the requests whose partitions are all known now. */
  onMetadataUpdate(): void {
    for (const p of [...this.pending]) if (this.complete(p)) this.pending.splice(this.pending.indexOf(p), 1);
  }

  /** Answers requests past their timeout with REQUEST_TIMED_OUT for what did not show up. */
  expire(): void {
    for (const p of [...this.pending]) {
      if (this.now() < p.deadline) continue;
      this.pending.splice(this.pending.indexOf(p), 1);
      const results = p.results.map((r) =>
        p.waitFor.has(r.name)
          ? { ...r, error: 'REQUEST_TIMED_OUT' as const, errorMessage: 'Timed out waiting for the metadata' }
          : r,
      );
      this.send(p.to, { type: p.type, correlationId: p.correlationId, topics: results });
    }
  }

  private await(
    to: string,
    correlationId: number,
    type: Pending['type'],
    results: AdminTopicResult[],
    waitFor: Map<string, number>,
    timeoutMs: number,
  ): void {
    const pending: Pending = {
      to,
      correlationId,
      type,
      results,
      waitFor,
      deadline: this.now() + timeoutMs * 1000,
    };
    if (!this.complete(pending)) this.pending.push(pending);
  }

  private complete(p: Pending): boolean {
    const known = new Map<string, number>();
    for (const m of this.replicas.metadataPartitions()) known.set(m.topic, (known.get(m.topic) ?? 0) + 1);
    const waiting = (topic: string, count: number): boolean =>
      count === 0 ? known.has(topic) : (known.get(topic) ?? 0) < count;
    if ([...p.waitFor].some(([topic, count]) => waiting(topic, count))) return false;
    this.send(p.to, { type: p.type, correlationId: p.correlationId, topics: p.results });
    return true;
  }
}

function errorResult(name: string, error: unknown): AdminTopicResult {
  if (error instanceof KafkaError) return { name, error: error.errorName, errorMessage: error.message };
  throw error;
}
