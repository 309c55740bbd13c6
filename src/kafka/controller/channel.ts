import type { KafkaMessage } from '../protocol.js';

/** The controller's requests to brokers: LeaderAndIsr, UpdateMetadata, StopReplica. */
export type ControllerRequest = Extract<
  KafkaMessage,
  { type: 'LeaderAndIsr' | 'UpdateMetadata' | 'StopReplica' }
>;

/** Pause before sending a request again (ControllerChannelManager.RequestSendThread.backoff). */
const CONTROLLER_REQUEST_BACKOFF_MS = 100;

interface BrokerQueue {
  readonly waiting: ControllerRequest[];
  inFlight: ControllerRequest | undefined;
  retryScheduled: boolean;
}

export interface ControllerChannelIO {
  sendToBroker(brokerId: number, message: ControllerRequest): void;
  /** Calls `retry(brokerId)` after the backoff. */
  scheduleRetry(brokerId: number, delayMs: number): void;
}

/**
 * ControllerChannelManager: one queue per live broker, served by its RequestSendThread one request
 * at a time; the next is sent when the response arrives. A request whose connection broke is sent
 * again after a backoff until it is answered, so a broker that was out of reach while the
 * controller moved leaders still hears of it. A broker's queue goes when the broker dies or
 * bounces (removeBroker), and every queue when the controller resigns.
 */
export class ControllerChannel {
  private readonly queues = new Map<number, BrokerQueue>();

  constructor(private readonly io: ControllerChannelIO) {}

  send(brokerId: number, request: ControllerRequest): void {
    let queue = this.queues.get(brokerId);
    if (queue === undefined) {
      queue = { waiting: [], inFlight: undefined, retryScheduled: false };
      this.queues.set(brokerId, queue);
    }
    queue.waiting.push(request);
    this.sendNext(brokerId, queue);
  }

  /** A response from `brokerId`: the request it answers is done, the next one goes. */
  handleResponse(brokerId: number, correlationId: number): void {
    const queue = this.queues.get(brokerId);
    if (queue?.inFlight?.correlationId !== correlationId) return;
    queue.inFlight = undefined;
    this.sendNext(brokerId, queue);
  }

  /** The connection to `brokerId` broke: what was in flight may be lost, so it goes again. */
  handleDisconnect(brokerId: number): void {
    const queue = this.queues.get(brokerId);
    if (queue?.inFlight === undefined || queue.retryScheduled) return;
    queue.retryScheduled = true;
    this.io.scheduleRetry(brokerId, CONTROLLER_REQUEST_BACKOFF_MS);
  }

  retry(brokerId: number): void {
    const queue = this.queues.get(brokerId);
    if (queue === undefined || !queue.retryScheduled) return;
    queue.retryScheduled = false;
    // The request in flight again; or, if its answer came in the meantime, the next one, which
    // waited for the backoff (without this, the queue stalled for good).
    if (queue.inFlight !== undefined) this.io.sendToBroker(brokerId, queue.inFlight);
    else this.sendNext(brokerId, queue);
  }

  removeBroker(brokerId: number): void {
    this.queues.delete(brokerId);
  }

  clear(): void {
    this.queues.clear();
  }

  private sendNext(brokerId: number, queue: BrokerQueue): void {
    if (queue.inFlight !== undefined || queue.retryScheduled) return;
    const next = queue.waiting.shift();
    if (next === undefined) return;
    queue.inFlight = next;
    this.io.sendToBroker(brokerId, next);
  }
}
