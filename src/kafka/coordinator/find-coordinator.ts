import { coordinatorPartition } from '../../clients/coordinator.js';
import type { BrokerConfig } from '../config.js';
import type {
  CreateTopicsRequest,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  UpdateMetadataPartitionState,
} from '../protocol.js';
import { GROUP_METADATA_TOPIC_NAME } from './records.js';

/** What FindCoordinator reads: the broker's metadata cache (from UpdateMetadata). */
export interface CoordinatorMetadataView {
  metadataPartitions(): readonly UpdateMetadataPartitionState[];
  isAlive(brokerId: number): boolean;
}

/**
 * KafkaApis.getCoordinator for key type GROUP at 3.8.0: the group's `__consumer_offsets` partition;
 * if the topic is not in the metadata cache, ask for its creation (AutoTopicCreationManager) and
 * answer COORDINATOR_NOT_AVAILABLE; no alive leader: COORDINATOR_NOT_AVAILABLE; else the leader.
 * FindCoordinator never answers NOT_COORDINATOR.
 */
export function findCoordinator(
  request: FindCoordinatorRequest,
  config: BrokerConfig,
  metadata: CoordinatorMetadataView,
  createOffsetsTopic: (request: CreateTopicsRequest) => void,
): FindCoordinatorResponse {
  const answer = (error: FindCoordinatorResponse['error'], nodeId: number): FindCoordinatorResponse => ({
    type: 'FindCoordinatorResponse',
    correlationId: request.correlationId,
    error,
    nodeId,
  });
  const partition = coordinatorPartition(request.key, config['offsets.topic.num.partitions']);
  const offsets = metadata.metadataPartitions().filter((p) => p.topic === GROUP_METADATA_TOPIC_NAME);
  if (offsets.length === 0) {
    createOffsetsTopic(offsetsTopicCreation(config));
    return answer('COORDINATOR_NOT_AVAILABLE', -1);
  }
  const state = offsets.find((p) => p.partition === partition);
  if (state === undefined || state.leader < 0 || !metadata.isAlive(state.leader))
    return answer('COORDINATOR_NOT_AVAILABLE', -1);
  return answer('NONE', state.leader);
}

/**
 * AutoTopicCreationManager.creatableTopic for `__consumer_offsets`: offsets.topic.num.partitions,
 * offsets.topic.replication.factor (not capped: with fewer live brokers ZkAdminManager fails with
 * "Replication factor: 3 larger than available brokers: N."), compacted (GroupCoordinator.offsetsTopicConfigs).
 * Timeout 0: ZkAdminManager answers as soon as ZooKeeper is written.
 */
export function offsetsTopicCreation(config: BrokerConfig): CreateTopicsRequest {
  return {
    type: 'CreateTopics',
    correlationId: -1,
    topics: [
      {
        name: GROUP_METADATA_TOPIC_NAME,
        numPartitions: config['offsets.topic.num.partitions'],
        replicationFactor: config['offsets.topic.replication.factor'],
        assignments: [],
        configs: {
          'cleanup.policy': 'compact',
          'compression.type': 'producer',
          'segment.bytes': '104857600',
        },
      },
    ],
    timeoutMs: 0,
  };
}
