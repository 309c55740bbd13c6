import seedrandom from 'seedrandom';

interface AleaState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/**
 * A seeded random stream. Streams are forked by name: a child's seed is derived from the
 * parent's seed and the name alone, never from the parent's draws, so one component drawing
 * more or less never shifts another component's dice (`rng.fork('network')`).
 *
 * The generator is seedrandom's Alea: seedrandom seeds it, and the stream steps Alea's
 * recurrence on its own fields, so that the hot path makes a monomorphic, inlinable call instead
 * of a call through one closure per stream. The draws are exactly seedrandom.alea(seed)'s (a
 * test holds them equal), identical on every platform.
 */
export class Rng {
  readonly seed: string;
  private c: number;
  private s0: number;
  private s1: number;
  private s2: number;

  constructor(seed: string | number) {
    this.seed = String(seed);
    const state = (seedrandom.alea(this.seed, { state: true }) as unknown as { state(): AleaState }).state();
    this.c = state.c;
    this.s0 = state.s0;
    this.s1 = state.s1;
    this.s2 = state.s2;
  }

  /** One step of Alea (Baagøe): a multiply-with-carry over three lags. */
  private draw(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    this.s2 = t - this.c;
    return this.s2;
  }

  /** An independent stream named `name` under this one. */
  fork(name: string): Rng {
    return new Rng(`${this.seed}/${name}`);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.draw();
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    return Math.floor(this.draw() * bound);
  }

  /** An integer in [min, max], both ends included. */
  intBetween(min: number, max: number): number {
    if (max < min) throw new RangeError(`intBetween: max ${max} < min ${min}`);
    return min + Math.floor(this.draw() * (max - min + 1));
  }

  /** A float in [min, max). */
  floatBetween(min: number, max: number): number {
    return min + this.draw() * (max - min);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return p > 0 && this.draw() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick: empty array');
    return items[Math.floor(this.draw() * items.length)] as T;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.draw() * (i + 1));
      const t = out[i] as T;
      out[i] = out[j] as T;
      out[j] = t;
    }
    return out;
  }

  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number {
    // draw() written out: every message's latency comes through here.
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10; // 2^-32
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    this.s2 = t - this.c;
    return -mean * Math.log(1 - this.s2);
  }

  /** Standard normal (Box-Muller; one draw pair per value keeps the stream simple to reason about). */
  normal(): number {
    const u = 1 - this.draw();
    const v = this.draw();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Pareto with scale `min` and shape `alpha`: heavy-tailed, never below `min`. */
  pareto(min: number, alpha: number): number {
    return min / (1 - this.draw()) ** (1 / alpha);
  }
}
