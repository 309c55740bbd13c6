import type { WatchedEvent } from '../../zk/index.js';
import type { KafkaMessage, UpdateMetadataRequest } from '../protocol.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import { BROKER_IDS_PATH, CONTROLLER_PATH } from '../zk-data.js';

/** What the controller needs of its broker. */
export interface ControllerIO {
  readonly nowMs: number;
  /** Sends a request to a broker (its own broker included: Kafka's controller has a channel to itself). */
  sendToBroker(brokerId: number, message: KafkaMessage): void;
  note(text: string): void;
}

type Event = { readonly name: string; readonly run: (done: () => void) => void };

/**
 * The controller module every broker runs (KafkaController at 3.8.0): it takes part in the
 * election through `/controller` and, while it is the active controller, acts on what ZooKeeper's
 * watches report. Kafka runs its events one at a time from a queue on one thread, blocking on
 * ZooKeeper; here each event is a chain of callbacks and the next event starts when it is done.
 *
 * This first part covers election, failover into a fenced epoch, and broker membership.
 */
export class KafkaController {
  activeControllerId = -1;
  epoch = 0;
  epochZkVersion = 0;
  /** Live brokers and their epochs (czxid of their registration), as the active controller knows them. */
  liveBrokers = new Map<number, number>();
  private readonly queue: Event[] = [];
  private running = false;
  private correlationId = 0;

  constructor(
    readonly brokerId: number,
    private zk: KafkaZkClient,
    private readonly io: ControllerIO,
  ) {}

  /** A new ZooKeeper session replaced the expired one. */
  useZooKeeper(zk: KafkaZkClient): void {
    this.zk = zk;
  }

  get isActive(): boolean {
    return this.activeControllerId === this.brokerId;
  }

  /** KafkaController.startup: watch `/controller` and try to become controller. */
  startup(): void {
    this.enqueue('Startup', (done) => this.elect(done));
  }

  /** A watch fired (ControllerChangeHandler, BrokerChangeHandler). */
  handleWatch(event: WatchedEvent): void {
    if (event.path === CONTROLLER_PATH) {
      if (event.type === 'NodeDeleted')
        this.enqueue('Reelect', (done) => this.maybeResign(() => this.elect(done)));
      else this.enqueue('ControllerChange', (done) => this.maybeResign(done));
    } else if (event.path === BROKER_IDS_PATH && event.type === 'NodeChildrenChanged') {
      this.enqueue('BrokerChange', (done) => this.processBrokerChange(done));
    }
  }

  /** The ZooKeeper session expired (processExpire): resign at once, whatever is queued. */
  expire(): void {
    this.queue.length = 0;
    this.activeControllerId = -1;
    this.onControllerResignation();
  }

  /** After a new session registered the broker again: maybe resign, then elect (RegisterBrokerAndReelect). */
  reelect(): void {
    this.enqueue('RegisterBrokerAndReelect', (done) => this.maybeResign(() => this.elect(done)));
  }

  private enqueue(name: string, run: (done: () => void) => void): void {
    this.queue.push({ name, run });
    if (!this.running) this.drain();
  }

  private drain(): void {
    const event = this.queue.shift();
    if (event === undefined) {
      this.running = false;
      return;
    }
    this.running = true;
    event.run(() => this.drain());
  }

  /** KafkaController.elect: stop if someone is controller; else race for `/controller`. */
  private elect(done: () => void): void {
    this.zk.getControllerId((current) => {
      if (!current.ok) {
        done();
        return;
      }
      this.activeControllerId = current.controllerId;
      if (current.controllerId !== -1) {
        done();
        return;
      }
      this.zk.registerControllerAndIncrementControllerEpoch(this.brokerId, this.io.nowMs, (result) => {
        if (result.ok) {
          this.epoch = result.epoch;
          this.epochZkVersion = result.epochZkVersion;
          this.activeControllerId = this.brokerId;
          this.io.note(
            `${this.brokerId} successfully elected as the controller. Epoch incremented to ${result.epoch} and epoch zk version is now ${result.epochZkVersion}`,
          );
          this.onControllerFailover(done);
        } else if (result.code === 'CONTROLLER_MOVED') this.maybeResign(done);
        else done();
      });
    });
  }

  /** KafkaController.maybeResign: re-read `/controller` (re-arming its watch); resign if it moved away. */
  private maybeResign(done: () => void): void {
    const wasActive = this.isActive;
    this.zk.getControllerId((current) => {
      if (current.ok) this.activeControllerId = current.controllerId;
      if (wasActive && !this.isActive) this.onControllerResignation();
      done();
    });
  }

  /** onControllerFailover, so far: read the live brokers (watching them) and tell every broker. */
  private onControllerFailover(done: () => void): void {
    this.zk.getBrokers((result) => {
      if (!result.ok) {
        done();
        return;
      }
      this.liveBrokers = result.brokers;
      this.sendUpdateMetadataToAll();
      this.io.note(`Ready to serve as the new controller with epoch ${this.epoch}`);
      done();
    });
  }

  private onControllerResignation(): void {
    this.liveBrokers = new Map();
    this.epoch = 0;
    this.epochZkVersion = 0;
    this.io.note(`${this.brokerId} resigned as the controller`);
  }

  /** processBrokerChange: who joined, who left, who came back with a new epoch (bounced). */
  private processBrokerChange(done: () => void): void {
    if (!this.isActive) {
      done();
      return;
    }
    this.zk.getBrokers((result) => {
      if (!result.ok || !this.isActive) {
        done();
        return;
      }
      const known = this.liveBrokers;
      const current = result.brokers;
      const added = [...current.keys()].filter((id) => !known.has(id));
      const dead = [...known.keys()].filter((id) => !current.has(id));
      const bounced = [...current.keys()].filter(
        (id) => known.has(id) && (current.get(id) as number) > (known.get(id) as number),
      );
      this.liveBrokers = current;
      const list = (ids: number[]) => ids.sort((a, b) => a - b).join(',');
      this.io.note(
        `Newly added brokers: ${list(added)}, deleted brokers: ${list(dead)}, bounced brokers: ${list(bounced)}, all live brokers: ${list([...current.keys()])}`,
      );
      this.sendUpdateMetadataToAll();
      done();
    });
  }

  private sendUpdateMetadataToAll(): void {
    const liveBrokers = [...this.liveBrokers.keys()].sort((a, b) => a - b);
    for (const id of liveBrokers) {
      const request: UpdateMetadataRequest = {
        type: 'UpdateMetadata',
        correlationId: this.correlationId++,
        controllerId: this.brokerId,
        controllerEpoch: this.epoch,
        brokerEpoch: this.liveBrokers.get(id) ?? -1,
        liveBrokers,
        partitions: [],
      };
      this.io.sendToBroker(id, request);
    }
  }
}
