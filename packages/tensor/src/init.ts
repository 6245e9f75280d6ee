/** Initializers. Each fills a buffer in place from an explicitly passed generator. */
import type { Rng } from './rng.js';

/** Keras's Dense default: U(−l, l) with l = sqrt(6 / (fanIn + fanOut)). */
export function glorotUniform(out: Float32Array, fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const limit = glorotLimit(fanIn, fanOut);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniformIn(-limit, limit);
  return out;
}

export function glorotLimit(fanIn: number, fanOut: number): number {
  return Math.sqrt(6 / (fanIn + fanOut));
}
