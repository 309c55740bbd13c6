import type {
  ChildrenCallback,
  CreateCallback,
  DataCallback,
  FailureCode,
  MultiCallback,
  Stat,
  VoidCallback,
  ZkClient,
  ZkOp,
} from '../../zk/index.js';
import {
  BROKER_IDS_PATH,
  BROKER_TOPICS_PATH,
  brokerPath,
  CONFIG_TOPICS_PATH,
  CONTROLLER_EPOCH_PATH,
  CONTROLLER_PATH,
  DELETE_TOPICS_PATH,
  decodeController,
  decodePartitionState,
  decodeTopic,
  decodeTopicConfig,
  encodeController,
  encodeIsrChangeNotification,
  encodePartitionState,
  encodeTopic,
  encodeTopicConfig,
  ISR_CHANGE_NOTIFICATION_PATH,
  type PartitionStateZNode,
  partitionPath,
  partitionStatePath,
  type TopicZNode,
  topicConfigPath,
  topicPath,
} from '../zk-data.js';
import { inSequence } from './sequence.js';

/** What one of Kafka's ZooKeeper operations gives back: its result, or why it failed. */
export type Outcome<T> =
  | ({ readonly ok: true } & T)
  | {
      readonly ok: false;
      readonly code: FailureCode | 'CONTROLLER_MOVED' | 'NODE_OWNED_BY_ANOTHER_SESSION';
    };

export type Done<T> = (result: Outcome<T>) => void;

/**
 * Kafka's operations on ZooKeeper (KafkaZkClient at 3.8.0) over one ZooKeeper session, with
 * callbacks instead of blocking calls. Like Kafka's client, a request that fails with
 * CONNECTIONLOSS is sent again once the session is connected (retryRequestsUntilConnected).
 */
export class KafkaZkClient {
  private readonly waitingForConnection: (() => void)[] = [];
  /** The session that created our broker registration (the checked-ephemeral rule, KAFKA-7165). */
  private registrationSession = 0;

  constructor(readonly zk: ZkClient) {}

  /** The client reported SyncConnected: run what waited for a connection. */
  connected(): void {
    const waiting = this.waitingForConnection.splice(0);
    for (const retry of waiting) retry();
  }

  /**
   * Sends `request` now, and again after each reconnect while its outcome is CONNECTIONLOSS
   * (KafkaZkClient.retryRequestsUntilConnected): every read and write Kafka makes goes this way,
   * so a connection lost under a request never loses the request's answer or its watch.
   */
  untilConnected<O extends object>(
    request: (reply: (outcome: O) => void) => void,
    done: (outcome: O) => void,
  ): void {
    // Bound methods, not closures made per request: they keep their optimized code (bench:churn).
    request((this.onReply<O>).bind(this, request, done));
  }

  private onReply<O extends object>(
    request: (reply: (outcome: O) => void) => void,
    done: (outcome: O) => void,
    outcome: O,
  ): void {
    if ('code' in outcome && outcome.code === 'CONNECTIONLOSS')
      this.waitingForConnection.push((this.untilConnected<O>).bind(this, request, done));
    else done(outcome);
  }

  /** Creates each path (and its parents) as a persistent node with no data, if missing. */
  ensurePaths(paths: readonly string[], done: Done<object>): void {
    const all: string[] = [];
    for (const path of paths) {
      const parts = path.split('/').filter(Boolean);
      for (let i = 1; i <= parts.length; i++) {
        const prefix = `/${parts.slice(0, i).join('/')}`;
        if (!all.includes(prefix)) all.push(prefix);
      }
    }
    this.ensureFrom(all, 0, done);
  }

  /** Creates `all[i]` and those after it; bound methods, not closures per path (bench:churn). */
  private ensureFrom(all: readonly string[], i: number, done: Done<object>): void {
    const path = all[i];
    if (path === undefined) {
      done({ ok: true });
      return;
    }
    this.untilConnected<Outcome<object>>(
      this.createPersistent.bind(this, path),
      this.afterEnsured.bind(this, all, i, done),
    );
  }

  private createPersistent(path: string, reply: (outcome: Outcome<object>) => void): void {
    this.zk.create(path, null, 'PERSISTENT', createdOrExists.bind(undefined, reply));
  }

  private afterEnsured(all: readonly string[], i: number, done: Done<object>, r: Outcome<object>): void {
    if (r.ok) this.ensureFrom(all, i + 1, done);
    else done(r);
  }

  /**
   * Registers the broker (KafkaZkClient.registerBroker with CheckedEphemeral): an ephemeral
   * `/brokers/ids/<id>` created empty and filled in one multi; its czxid is the broker epoch.
   */
  registerBroker(id: number, registration: string, done: Done<{ brokerEpoch: number }>): void {
    const path = brokerPath(id);
    this.untilConnected<Outcome<{ brokerEpoch: number }>>(
      (d) =>
        this.zk.multi(
          [
            { type: 'create', path, data: null, mode: 'EPHEMERAL' },
            { type: 'setData', path, data: registration, version: 0 },
          ],
          (outcome) => {
            const created = outcome.results?.[0];
            if (outcome.code === 'OK' && created?.type === 'create') {
              this.registrationSession = this.zk.sessionId;
              d({ ok: true, brokerEpoch: created.stat.czxid });
            } else if (outcome.code === 'NODEEXISTS') this.afterNodeExists(path, registration, id, d);
            else d({ ok: false, code: outcome.code === 'OK' ? 'RUNTIMEINCONSISTENCY' : outcome.code });
          },
        ),
      done,
    );
  }

  private afterNodeExists(
    path: string,
    registration: string,
    id: number,
    done: Done<{ brokerEpoch: number }>,
  ): void {
    this.zk.getData(path, { watch: false }, (o) => {
      if (o.code === 'NONODE') {
        this.registerBroker(id, registration, done);
        return;
      }
      if (o.code !== 'OK') {
        done({ ok: false, code: o.code });
        return;
      }
      const owner = o.stat.ephemeralOwner;
      if (owner === this.zk.sessionId) done({ ok: true, brokerEpoch: o.stat.czxid });
      else if (owner === this.registrationSession) {
        // A leftover of our own expired session: delete it and register again (ZOOKEEPER-2985).
        this.zk.delete(path, -1, () => this.registerBroker(id, registration, done));
      } else done({ ok: false, code: 'NODE_OWNED_BY_ANOTHER_SESSION' });
    });
  }

  /** The controller's id, or -1; watches `/controller` for changes. */
  getControllerId(done: Done<{ controllerId: number }>): void {
    this.untilConnected<Outcome<{ controllerId: number }>>(
      (d) =>
        this.zk.getData(CONTROLLER_PATH, { watch: true }, (o) => {
          if (o.code === 'OK') d({ ok: true, controllerId: o.data === null ? -1 : decodeController(o.data) });
          else if (o.code === 'NONODE') {
            // Not there: leave an exists watch so that its creation is seen (ControllerChangeHandler).
            // A lost connection leaves no watch: the whole read is sent again, as getBrokers does.
            this.zk.exists(CONTROLLER_PATH, { watch: true }, (e) =>
              d(e.code === 'CONNECTIONLOSS' ? { ok: false, code: e.code } : { ok: true, controllerId: -1 }),
            );
          } else d({ ok: false, code: o.code });
        }),
      done,
    );
  }

  /**
   * Becomes controller if `/controller` can be created, bumping `/controller_epoch` in the same
   * multi, conditional on its version (registerControllerAndIncrementControllerEpoch).
   */
  registerControllerAndIncrementControllerEpoch(
    id: number,
    timestampMs: number,
    done: Done<{ epoch: number; epochZkVersion: number }>,
  ): void {
    this.untilConnected<Outcome<{ epoch: number; epochZkVersion: number }>>(
      (d) =>
        this.readControllerEpoch((current) => {
          if (!current.ok) {
            d(current);
            return;
          }
          const epoch = current.epoch + 1;
          this.zk.multi(
            [
              {
                type: 'create',
                path: CONTROLLER_PATH,
                data: encodeController(id, timestampMs),
                mode: 'EPHEMERAL',
              },
              { type: 'setData', path: CONTROLLER_EPOCH_PATH, data: String(epoch), version: current.version },
            ],
            (outcome) => {
              const set = outcome.results?.[1];
              if (outcome.code === 'OK' && set?.type === 'setData')
                d({ ok: true, epoch, epochZkVersion: set.stat.version });
              else if (outcome.code === 'NODEEXISTS' || outcome.code === 'BADVERSION')
                this.checkControllerAndEpoch(id, epoch, d);
              else d({ ok: false, code: outcome.code === 'OK' ? 'RUNTIMEINCONSISTENCY' : outcome.code });
            },
          );
        }),
      done,
    );
  }

  /**
   * After NODEEXISTS or BADVERSION: the multi may have been ours, sent again after its answer was
   * lost with the connection. If `/controller` names us and `/controller_epoch` holds the epoch we
   * wrote, we are the controller (KafkaZkClient.checkControllerAndEpoch); otherwise it moved.
   */
  private checkControllerAndEpoch(
    id: number,
    epoch: number,
    done: Done<{ epoch: number; epochZkVersion: number }>,
  ): void {
    // Each read is sent again after a lost connection on its own, as Kafka's are.
    this.untilConnected(
      (reply: DataCallback) => this.zk.getData(CONTROLLER_PATH, { watch: false }, reply),
      (controller) => {
        if (
          controller.code !== 'OK' ||
          controller.data === null ||
          decodeController(controller.data) !== id
        ) {
          done({ ok: false, code: 'CONTROLLER_MOVED' });
          return;
        }
        this.untilConnected(
          (reply: DataCallback) => this.zk.getData(CONTROLLER_EPOCH_PATH, { watch: false }, reply),
          (current) => {
            if (current.code === 'OK' && Number(current.data) === epoch)
              done({ ok: true, epoch, epochZkVersion: current.stat.version });
            else done({ ok: false, code: 'CONTROLLER_MOVED' });
          },
        );
      },
    );
  }

  /** `/controller_epoch` and its version, created as 0 if missing. */
  private readControllerEpoch(done: Done<{ epoch: number; version: number }>): void {
    this.zk.getData(CONTROLLER_EPOCH_PATH, { watch: false }, (o) => {
      if (o.code === 'OK') done({ ok: true, epoch: Number(o.data), version: o.stat.version });
      else if (o.code === 'NONODE') {
        this.zk.create(CONTROLLER_EPOCH_PATH, '0', 'PERSISTENT', (c) => {
          if (c.code === 'OK' || c.code === 'NODEEXISTS') this.readControllerEpoch(done);
          else done({ ok: false, code: c.code });
        });
      } else done({ ok: false, code: o.code });
    });
  }

  /** The registered brokers with their epochs (czxid), watching `/brokers/ids` for changes. */
  getBrokers(done: Done<{ brokers: Map<number, number> }>): void {
    this.untilConnected<Outcome<{ brokers: Map<number, number> }>>(
      (d) =>
        this.zk.getChildren(BROKER_IDS_PATH, { watch: true }, (o) => {
          if (o.code !== 'OK') {
            d({ ok: false, code: o.code });
            return;
          }
          const ids = o.children.map(Number).sort((a, b) => a - b);
          const brokers = new Map<number, number>();
          const next = (i: number): void => {
            const id = ids[i];
            if (id === undefined) {
              d({ ok: true, brokers });
              return;
            }
            this.zk.exists(brokerPath(id), { watch: false }, (s: { code: string; stat?: Stat }) => {
              // A lost connection fails the whole read (and it is sent again): a broker must not
              // go missing from the answer because its znode could not be read.
              if (s.code === 'CONNECTIONLOSS') {
                d({ ok: false, code: 'CONNECTIONLOSS' });
                return;
              }
              if (s.code === 'OK' && s.stat !== undefined) brokers.set(id, s.stat.czxid);
              next(i + 1);
            });
          };
          next(0);
        }),
      done,
    );
  }
}

/** What a partition leader writes below IBP 2.7-IV2 (ReplicationUtils, IsrChangeNotificationHandler). */
export class LeaderIsrZk {
  constructor(readonly kafkaZk: KafkaZkClient) {}

  /** The new ISR, conditional on the state znode's version; the leader epoch and controller epoch stay. */
  updateIsr(
    topic: string,
    partition: number,
    state: PartitionStateZNode,
    zkVersion: number,
    done: (ok: boolean, newZkVersion: number) => void,
  ): void {
    this.kafkaZk.zk.setData(
      partitionStatePath(topic, partition),
      encodePartitionState(state),
      zkVersion,
      (o) => done(o.code === 'OK', o.code === 'OK' ? o.stat.version : -1),
    );
  }

  notify(partitions: readonly { topic: string; partition: number }[]): void {
    this.kafkaZk.zk.create(
      `${ISR_CHANGE_NOTIFICATION_PATH}/isr_change_`,
      encodeIsrChangeNotification(partitions),
      'PERSISTENT_SEQUENTIAL',
      () => {},
    );
  }
}

/** What AdminZkClient writes for a new topic or new partitions (not fenced: any version). */
export class AdminZk {
  constructor(readonly kafkaZk: KafkaZkClient) {}

  /**
   * AdminZkClient.createTopicWithAssignment: the config znode first, then the topic znode, whose
   * creation the controller watches. NODEEXISTS on the topic znode means the topic exists.
   */
  createTopic(
    topic: string,
    znode: TopicZNode,
    configs: Readonly<Record<string, string>>,
    done: (code: string) => void,
  ): void {
    const zk = this.kafkaZk.zk;
    this.kafkaZk.ensurePaths([CONFIG_TOPICS_PATH, BROKER_TOPICS_PATH], () => {
      zk.setData(topicConfigPath(topic), encodeTopicConfig(configs), -1, (set) => {
        const then = (): void =>
          zk.create(topicPath(topic), encodeTopic(znode), 'PERSISTENT', (o) => done(o.code));
        if (set.code === 'NONODE')
          zk.create(topicConfigPath(topic), encodeTopicConfig(configs), 'PERSISTENT', then);
        else then();
      });
    });
  }

  /** Replaces a topic's assignment (new partitions appended); the controller sees the data change. */
  setTopicAssignment(topic: string, znode: TopicZNode, done: (code: string) => void): void {
    this.kafkaZk.zk.setData(topicPath(topic), encodeTopic(znode), -1, (o) => done(o.code));
  }

  /** AdminZkClient.deleteTopic: `/admin/delete_topics/<t>`, which the controller watches. */
  markTopicForDeletion(topic: string, done: (code: string) => void): void {
    this.kafkaZk.ensurePaths([DELETE_TOPICS_PATH], () =>
      this.kafkaZk.zk.create(`${DELETE_TOPICS_PATH}/${topic}`, null, 'PERSISTENT', (o) => done(o.code)),
    );
  }

  getTopic(topic: string, done: (znode: TopicZNode | undefined) => void): void {
    this.kafkaZk.zk.getData(topicPath(topic), { watch: false }, (o) =>
      done(o.code === 'OK' && o.data !== null ? decodeTopic(o.data) : undefined),
    );
  }
}

/** A partition's leadership as stored in ZooKeeper, with the znode's version (the partition epoch). */
export interface StoredPartitionState {
  readonly state: PartitionStateZNode;
  readonly zkVersion: number;
}

export type FencedWriteResult = 'OK' | 'CONTROLLER_MOVED' | 'BADVERSION' | 'NODEEXISTS' | 'NONODE' | 'OTHER';

/** Controller-side reads and fenced writes (KafkaZkClient, with the epoch check of §3.2). */
export class ControllerZk {
  constructor(readonly kafkaZk: KafkaZkClient) {}

  private get zk(): ZkClient {
    return this.kafkaZk.zk;
  }

  /** Topic names, watching `/brokers/topics` for new ones. */
  getTopics(done: (topics: string[] | undefined) => void): void {
    this.kafkaZk.untilConnected(
      (reply: ChildrenCallback) => this.zk.getChildren(BROKER_TOPICS_PATH, { watch: true }, reply),
      (o) => done(o.code === 'OK' ? [...o.children] : undefined),
    );
  }

  /** A topic's assignment, watching it for added partitions. */
  getTopic(topic: string, done: (znode: TopicZNode | undefined) => void): void {
    this.kafkaZk.untilConnected(
      (reply: DataCallback) => this.zk.getData(topicPath(topic), { watch: true }, reply),
      (o) => done(o.code === 'OK' && o.data !== null ? decodeTopic(o.data) : undefined),
    );
  }

  /** A topic's config overrides (`/config/topics/<t>`), {} if none. */
  getTopicConfig(topic: string, done: (config: Record<string, string>) => void): void {
    this.kafkaZk.untilConnected(
      this.getDataOf.bind(this, topicConfigPath(topic)),
      topicConfigOf.bind(undefined, done),
    );
  }

  getPartitionState(
    topic: string,
    partition: number,
    done: (state: StoredPartitionState | undefined) => void,
  ): void {
    this.kafkaZk.untilConnected(
      this.getDataOf.bind(this, partitionStatePath(topic, partition)),
      partitionStateOf.bind(undefined, done),
    );
  }

  /** Reads `path` without a watch. */
  private getDataOf(path: string, reply: DataCallback): void {
    this.zk.getData(path, { watch: false }, reply);
  }

  /** Creates a new partition's state znode (and its parents), fenced by the controller epoch. */
  createPartitionState(
    topic: string,
    partition: number,
    state: PartitionStateZNode,
    epochZkVersion: number,
    done: (result: FencedWriteResult) => void,
  ): void {
    this.kafkaZk.ensurePaths([partitionPath(topic, partition)], (r) => {
      if (!r.ok) {
        done('OTHER');
        return;
      }
      this.fenced(
        {
          type: 'create',
          path: partitionStatePath(topic, partition),
          data: encodePartitionState(state),
          mode: 'PERSISTENT',
        },
        epochZkVersion,
        (result) => done(result.code),
      );
    });
  }

  /** Conditional update of a partition's state (its zkVersion must match), fenced by the controller epoch. */
  updatePartitionState(
    topic: string,
    partition: number,
    state: PartitionStateZNode,
    zkVersion: number,
    epochZkVersion: number,
    done: (result: FencedWriteResult, newZkVersion: number) => void,
  ): void {
    this.fenced(
      {
        type: 'setData',
        path: partitionStatePath(topic, partition),
        data: encodePartitionState(state),
        version: zkVersion,
      },
      epochZkVersion,
      withVersion.bind(undefined, done),
    );
  }

  /** ISR change notifications (below IBP 2.7-IV2), watching `/isr_change_notification`. */
  getIsrChangeNotifications(done: (children: string[]) => void): void {
    this.kafkaZk.untilConnected(
      (reply: ChildrenCallback) => this.zk.getChildren(ISR_CHANGE_NOTIFICATION_PATH, { watch: true }, reply),
      (o) => done(o.code === 'OK' ? [...o.children] : []),
    );
  }

  /** The partitions a notification names (IsrChangeNotificationZNode.decode). */
  readIsrChangeNotification(
    child: string,
    done: (partitions: { topic: string; partition: number }[]) => void,
  ): void {
    this.kafkaZk.untilConnected(
      (reply: DataCallback) =>
        this.zk.getData(`${ISR_CHANGE_NOTIFICATION_PATH}/${child}`, { watch: false }, reply),
      (o) =>
        done(
          o.code === 'OK' && o.data !== null
            ? (JSON.parse(o.data) as { partitions: { topic: string; partition: number }[] }).partitions
            : [],
        ),
    );
  }

  deleteIsrChangeNotification(child: string, epochZkVersion: number, done: () => void): void {
    this.fenced(
      { type: 'delete', path: `${ISR_CHANGE_NOTIFICATION_PATH}/${child}`, version: -1 },
      epochZkVersion,
      () => done(),
    );
  }

  /** Topics queued for deletion, watching `/admin/delete_topics`. */
  getTopicsToDelete(done: (topics: string[]) => void): void {
    this.kafkaZk.untilConnected(
      (reply: ChildrenCallback) => this.zk.getChildren(DELETE_TOPICS_PATH, { watch: true }, reply),
      (o) => done(o.code === 'OK' ? [...o.children] : []),
    );
  }

  /** Deletes a topic's znodes, deepest first (TopicDeletionManager.completeDeleteTopic), then its deletion marker. */
  deleteTopicZNodes(topic: string, partitions: readonly number[], done: () => void): void {
    const paths = [
      ...partitions.flatMap((p) => [partitionStatePath(topic, p), partitionPath(topic, p)]),
      `${topicPath(topic)}/partitions`,
      topicPath(topic),
      topicConfigPath(topic),
      `${DELETE_TOPICS_PATH}/${topic}`,
    ];
    inSequence(
      paths,
      (path, next) =>
        this.kafkaZk.untilConnected(
          (reply: VoidCallback) => this.zk.delete(path, -1, reply),
          () => next(),
        ),
      done,
    );
  }

  /** Rewrites a topic's assignment (reassignment phases U and B6), fenced by the controller epoch. */
  setTopicAssignment(
    topic: string,
    znode: TopicZNode,
    epochZkVersion: number,
    done: (result: FencedWriteResult) => void,
  ): void {
    this.fenced(
      { type: 'setData', path: topicPath(topic), data: encodeTopic(znode), version: -1 },
      epochZkVersion,
      (r) => done(r.code),
    );
  }

  /** `multi[check /controller_epoch version, op]` (KafkaZkClient.wrapRequestWithControllerEpochCheck). */
  private fenced(
    op: ZkOp,
    epochZkVersion: number,
    done: (result: { code: FencedWriteResult; version?: number }) => void,
  ): void {
    this.kafkaZk.untilConnected(
      this.multiFenced.bind(this, op, epochZkVersion),
      fencedResult.bind(undefined, done),
    );
  }

  private multiFenced(op: ZkOp, epochZkVersion: number, reply: MultiCallback): void {
    this.zk.multi([{ type: 'check', path: CONTROLLER_EPOCH_PATH, version: epochZkVersion }, op], reply);
  }
}

/** A path ensured: created now, or there already. */
function createdOrExists(reply: (outcome: Outcome<object>) => void, o: Parameters<CreateCallback>[0]): void {
  reply(o.code === 'OK' || o.code === 'NODEEXISTS' ? { ok: true } : { ok: false, code: o.code });
}

/** A fenced write's outcome: CONTROLLER_MOVED when the epoch check failed. */
function fencedResult(
  done: (result: { code: FencedWriteResult; version?: number }) => void,
  outcome: Parameters<MultiCallback>[0],
): void {
  const [check, result] = outcome.results ?? [];
  if (outcome.code === 'OK') {
    done({ code: 'OK', ...(result?.type === 'setData' ? { version: result.stat.version } : {}) });
  } else if (check?.type === 'error' && check.code === 'BADVERSION') done({ code: 'CONTROLLER_MOVED' });
  else if (outcome.code === 'BADVERSION' || outcome.code === 'NODEEXISTS' || outcome.code === 'NONODE') {
    done({ code: outcome.code });
  } else done({ code: 'OTHER' });
}

function withVersion(
  done: (result: FencedWriteResult, newZkVersion: number) => void,
  result: { code: FencedWriteResult; version?: number },
): void {
  done(result.code, result.version ?? -1);
}

function topicConfigOf(done: (config: Record<string, string>) => void, o: Parameters<DataCallback>[0]): void {
  done(o.code === 'OK' && o.data !== null ? decodeTopicConfig(o.data) : {});
}

function partitionStateOf(
  done: (state: StoredPartitionState | undefined) => void,
  o: Parameters<DataCallback>[0],
): void {
  done(
    o.code === 'OK' && o.data !== null
      ? { state: decodePartitionState(o.data), zkVersion: o.stat.version }
      : undefined,
  );
}
