import { formatTime, type SimTime } from './time.js';

/** What happened. The order of this list is part of the trace hash: append, never reorder. */
export const TRACE_KINDS = [
  'start',
  'crash',
  'restart',
  'pause',
  'resume',
  'deliver',
  'drop',
  'disconnect',
  'timer',
  'partition',
  'heal',
  'link',
  'action',
  'note',
  'hold',
  'release',
  'lift',
] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

/**
 * How much of a run is kept as records. The trace hash covers every event at every level.
 * - `off`: no records;
 * - `faults`: lifecycle (start, crash, restart, pause, resume), network faults, scheduled actions
 *   and the actors' own notes;
 * - `messages`: also every delivery, drop and disconnect;
 * - `all`: also every timer that fires.
 */
export type TraceLevel = 'off' | 'faults' | 'messages' | 'all';

export interface TraceRecord {
  /** Position among the run's handled events (0-based); records of one event share it. */
  readonly event: number;
  readonly time: SimTime;
  readonly kind: TraceKind;
  /** The process it happened to (`world` for network-wide and scheduled actions). */
  readonly process: string;
  /** The other end of a message or a connection. */
  readonly peer?: string;
  /** A short human-readable account: a message's description, a drop's reason, a note's text. */
  readonly detail?: string;
  /** The message itself, for deliveries and drops. */
  readonly message?: unknown;
}

const LEVEL_RANK: Record<TraceLevel, number> = { off: 0, faults: 1, messages: 2, all: 3 };
const KIND_LEVEL: Record<TraceKind, number> = {
  start: 1,
  crash: 1,
  restart: 1,
  pause: 1,
  resume: 1,
  partition: 1,
  heal: 1,
  link: 1,
  action: 1,
  note: 1,
  hold: 1,
  release: 1,
  lift: 1,
  deliver: 2,
  drop: 2,
  disconnect: 2,
  timer: 3,
};

/** Whether records of `kind` are kept at `level`. */
export function keepsKind(level: TraceLevel, kind: TraceKind): boolean {
  return KIND_LEVEL[kind] <= LEVEL_RANK[level];
}

export const KIND_CODE: Record<TraceKind, number> = Object.fromEntries(
  TRACE_KINDS.map((kind, code) => [kind, code]),
) as Record<TraceKind, number>;

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

/** MurmurHash3's final avalanche. */
function fmix32(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The trace hash: a 64-bit summary of a run, printed as 16 hex digits.
 *
 * Every handled event folds three 32-bit words, in this order: its kind code (index in
 * TRACE_KINDS) packed with the index of its process (in spawn order, plus one; 0 for the world)
 * and of its peer (plus one; 0 if none) as `kind | process << 5 | peer << 18`; the low 32 bits of
 * its time in µs; and a digest of its payload (a message's digest, a note's FNV-1a, a drop's
 * reason; else a small number or 0), xor the high 32 bits of its time times 0x9e3779b1 when they
 * are not zero. The words go through lane A, MurmurHash3's x86_32 block step seeded 0; then lane
 * B (seeded 0x9e3779b9) takes one block step of lane A's new value, so it follows A's whole path.
 * Both steps are bijections of the running value, so one differing word makes A differ at once.
 * The result is both lanes after MurmurHash3's final mix with the word count: hex(A) then hex(B).
 *
 * Events that never happened in the simulated world (a cancelled timer, a timer of a process
 * that crashed before it fired) fold nothing, so the hash does not depend on how the engine
 * tidies its queue.
 */
export class TraceHash {
  private a = 0;
  private b = 0x9e3779b9 | 0;
  private words = 0;

  event(kindCode: number, time: SimTime, process: number, peer: number, digest: number): void {
    const w0 = kindCode | (((process + 1) & 0x1fff) << 5) | (((peer + 1) & 0x3fff) << 18);
    const high = time > 0xffffffff ? Math.floor(time / 4294967296) : 0;
    const w2 = high === 0 ? digest | 0 : digest ^ Math.imul(high, 0x9e3779b1);
    // MurmurHash3's block step, step(h, w): k = rotl(w * c1, 15) * c2; h = rotl(h ^ k, 13) * 5 +
    // 0xe6546b64. Here step(step(step(a, w0), time | 0), w2), then step(b, a), written out: this
    // runs for every event, and an unoptimised first run pays for each call.
    let a = this.a;
    let k = Math.imul(w0, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    a ^= k;
    a = (Math.imul((a << 13) | (a >>> 19), 5) + 0xe6546b64) | 0;
    k = Math.imul(time | 0, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    a ^= k;
    a = (Math.imul((a << 13) | (a >>> 19), 5) + 0xe6546b64) | 0;
    k = Math.imul(w2, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    a ^= k;
    a = (Math.imul((a << 13) | (a >>> 19), 5) + 0xe6546b64) | 0;
    this.a = a;
    k = Math.imul(a, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    let b = this.b ^ k;
    b = (Math.imul((b << 13) | (b >>> 19), 5) + 0xe6546b64) | 0;
    this.b = b;
    this.words += 3;
  }

  digest(): string {
    const a = fmix32(this.a ^ this.words);
    const b = fmix32(this.b ^ this.words);
    return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
  }
}

/**
 * One line per record with fixed columns: time, process, kind, peer, detail. Good for golden
 * traces and for diffing two runs.
 */
export function formatTraceRecord(record: TraceRecord): string {
  const time = formatTime(record.time).padStart(14);
  const process = record.process.padEnd(12);
  const kind = record.kind.padEnd(10);
  const peer = (record.peer ?? '').padEnd(12);
  return `${time}  ${process} ${kind} ${peer} ${record.detail ?? ''}`.trimEnd();
}
