export { Disk, DiskLog } from './disk.js';
export { EventQueue, type Queueable } from './event-queue.js';
export { describeFault, type Fault } from './fault.js';
export { DEFAULT_LATENCY, type LatencyDistribution, type LatencySampler, latencySampler } from './latency.js';
export { type LinkSettings, Network } from './network.js';
export type { Actor, ActorFactory, Peer, ProcessContext, ProcessState, TimerHandle } from './process.js';
export { Rng } from './rng.js';
export {
  assertSimTime,
  formatTime,
  MICROSECOND,
  MILLISECOND,
  MINUTE,
  ms,
  SECOND,
  type SimTime,
  seconds,
  toMillis,
} from './time.js';
export {
  formatTraceRecord,
  hashString,
  keepsKind,
  TRACE_KINDS,
  TraceHash,
  type TraceKind,
  type TraceLevel,
  type TraceRecord,
} from './trace.js';
export {
  type RunLimits,
  type RunResult,
  type RunStop,
  World,
  type WorldOptions,
  type WorldStats,
} from './world.js';
