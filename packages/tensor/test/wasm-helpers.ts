/** Helpers for the WASM backend tests: the kernels, seeded arrays inside or outside wasm memory, a checker. */
import { Rng, type Kernels } from '@tsnn/tensor';
import { loadWasmKernels } from '../src/wasm/index.js';

export function wasm(): Kernels {
  const k = loadWasmKernels();
  if (!k) throw new Error('the WASM backend did not load on this platform');
  return k;
}

/** n uniform values in [lo, hi): in wasm memory (via alloc) when `inside`, else an ordinary array. */
export function randomArray(n: number, rng: Rng, inside: boolean, lo = -1, hi = 1): Float32Array {
  const a = inside ? wasm().alloc(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniformIn(lo, hi);
  return a;
}

/** A copy of x, inside wasm memory or not. */
export function copyOf(x: Float32Array, inside: boolean): Float32Array {
  const y = inside ? wasm().alloc(x.length) : new Float32Array(x.length);
  y.set(x);
  return y;
}

/**
 * Throws, naming the first index, unless |got[i] − want[i]| ≤ tol(i) for all i (NaN matches NaN).
 * `what` says which case failed; fast-check adds the seed and the shrunk inputs.
 */
export function expectClose(what: string, got: ArrayLike<number>, want: ArrayLike<number>, tol: (i: number) => number): void {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length}, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (g === w || (Number.isNaN(w) ? Number.isNaN(g) : Math.abs(g - w) <= tol(i))) continue;
    throw new Error(`${what}: [${i}] = ${g}, reference ${w} (tolerance ${tol(i)})`);
  }
}

/** Relative-plus-absolute tolerance against the reference value. */
export const rel = (want: ArrayLike<number>, rtol: number, atol: number) => (i: number) => atol + rtol * Math.abs(want[i]);
