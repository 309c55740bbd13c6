import type { LatencySampler } from './latency.js';
import type { Rng } from './rng.js';
import type { SimTime } from './time.js';

/** What travels on a link. */
export const Frame = {
  /** An actor's message. */
  Data: 0,
  /** An actor's message that the network will lose: it breaks the connection where it stands. */
  Lost: 1,
  /** The end of a connection (FIN or RST); its payload is the reason, for the trace. */
  Close: 2,
} as const;
export type Frame = (typeof Frame)[keyof typeof Frame];

/**
 * One direction between two processes, carrying frames like the byte stream of a TCP connection.
 *
 * Each frame is its own queue event, due at its arrival time; arrival times never decrease along
 * a link and ties go by insertion order, so frames arrive in the order they were sent. When a
 * frame cannot arrive (the link is cut or held, or the receiver is paused) it waits in the
 * link's backlog, and every later frame of the link queues behind it: the link stalls, as TCP
 * retransmits into a partition, and resumes in order. The backlog is empty on the hot path.
 */
export class Link<Ev, P = unknown> {
  /** Arrival time of the last frame sent: later frames never arrive earlier. */
  lastArrival: SimTime = 0;
  /** Cut by a network partition. */
  cut = false;
  /** Held by a `hold` fault. */
  held = false;
  /** Set by `setLink` for this link; otherwise the network defaults apply. */
  customLatency = false;
  customLoss = false;
  /** Frames that could not arrive yet, in send order, starting at `backlogStart`. */
  private backlog: (Ev | undefined)[] = [];
  private backlogStart = 0;

  constructor(
    readonly from: P,
    readonly to: P,
    readonly fromIndex: number,
    readonly toIndex: number,
    readonly rng: Rng,
    public sampler: LatencySampler,
    public loss: number,
  ) {}

  get blocked(): boolean {
    return this.cut || this.held;
  }

  /** The arrival time of a frame sent now. */
  arrivalFrom(now: SimTime): SimTime {
    let arrival = now + this.sampler(this.rng);
    if (arrival < this.lastArrival) arrival = this.lastArrival;
    this.lastArrival = arrival;
    return arrival;
  }

  /** Frames waiting in the backlog. */
  backlogLength = 0;

  get backlogHead(): Ev | undefined {
    return this.backlog[this.backlogStart];
  }

  pushBacklog(frame: Ev): void {
    this.backlog.push(frame);
    this.backlogLength++;
  }

  shiftBacklog(): void {
    this.backlog[this.backlogStart++] = undefined;
    this.backlogLength--;
    if (this.backlogStart === this.backlog.length) {
      this.backlog = [];
      this.backlogStart = 0;
    } else if (this.backlogStart >= 1024 && this.backlogStart * 2 >= this.backlog.length) {
      this.backlog = this.backlog.slice(this.backlogStart);
      this.backlogStart = 0;
    }
  }
}
