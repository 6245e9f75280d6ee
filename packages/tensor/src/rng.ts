/**
 * A small seeded pseudo-random generator: sfc32 (Chris Doty-Humphrey's "small fast counting" generator,
 * 128 bits of state, passes PractRand), seeded through splitmix32 so nearby seeds give unrelated streams.
 * One `Rng` is passed explicitly to everything that needs randomness; its state can be read and restored
 * so a run can resume bit-identically.
 */
import { kernels } from './backend.js';
import { TsnnError } from './errors.js';

export interface RngState {
  s: [number, number, number, number];
  /** The second Box–Muller value, kept for the next `normal()` call (NaN when there is none). */
  spare: number;
}

function splitmix32(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = NaN;
  /** The state as words, for Kernels.fillMask. */
  private readonly words = new Uint32Array(4);

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new TsnnError(`Rng: seed must be an integer, got ${seed}`);
    const next = splitmix32(seed);
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32(); // discard the first outputs, as sfc32's author recommends
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = (this.b ^ (this.b >>> 9)) >>> 0;
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /**
   * out[i] = value where a uniform draw is ≥ threshold, else 0, for i < n: a dropout mask (threshold = rate,
   * value = 1 / (1 − rate)). The same draws, in the same order, as n calls of uniform(), in one tight loop
   * of the active backend (`Kernels.fillMask`: the same bits on every backend).
   */
  fillMask(out: Float32Array, n: number, threshold: number, value: number): void {
    if (!(Number.isInteger(n) && n >= 0 && n <= out.length)) {
      throw new TsnnError(`Rng.fillMask: n must be an integer from 0 to out.length (${out.length}), got ${n}`);
    }
    const s = this.words;
    s[0] = this.a;
    s[1] = this.b;
    s[2] = this.c;
    s[3] = this.d;
    kernels().fillMask(s, out, n, threshold, value);
    this.a = s[0];
    this.b = s[1];
    this.c = s[2];
    this.d = s[3];
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!(Number.isInteger(n) && n > 0 && n <= 4294967296)) throw new TsnnError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    const limit = 4294967296 - (4294967296 % n);
    let x = this.uint32();
    while (x >= limit) x = this.uint32();
    return x % n;
  }

  /** Standard normal N(0, 1) by the Box–Muller transform. */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = NaN;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(xs: T): T {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i];
      xs[i] = xs[j];
      xs[j] = t;
    }
    return xs;
  }

  getState(): RngState {
    return { s: [this.a, this.b, this.c, this.d], spare: this.spare };
  }

  setState(state: RngState): void {
    const why = rngStateProblem(state);
    if (why) throw new TsnnError(`Rng.setState: ${why}`);
    const [a, b, c, d] = state.s;
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    this.spare = state.spare ?? NaN;
  }
}

/** Why `state` is not a generator state (four words in [0, 2^32) and a number or NaN as spare), or null. */
export function rngStateProblem(state: unknown): string | null {
  const st = state as Partial<RngState> | null;
  if (typeof st !== 'object' || st === null) return `expected { s, spare }, got ${String(state)}`;
  if (!Array.isArray(st.s) || st.s.length !== 4) return `s must be 4 words, got ${JSON.stringify(st.s)}`;
  const bad = st.s.find((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff);
  if (bad !== undefined) return `bad state word ${bad} (each must be an integer in [0, 2^32))`;
  const spare = st.spare;
  if (spare !== undefined && !(typeof spare === 'number' && (Number.isFinite(spare) || Number.isNaN(spare)))) {
    return `spare must be a finite number or NaN, got ${String(spare)}`;
  }
  return null;
}

/**
 * n draws of sfc32 (as Rng.uint32) from state words a, b, c, d, advanced in place, with the state in locals:
 * a method call per draw costs several times more. Measured on Node 20: the same loop as an Rng method
 * starting from the object's fields ran about 4× slower inside a training step than this function.
 */
