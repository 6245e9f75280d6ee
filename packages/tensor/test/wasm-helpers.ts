/** Helpers for the WASM backend tests: the kernels, seeded arrays inside or outside wasm memory, a checker. */
import { Rng, availableKernelVariants, type KernelVariant, type Kernels } from '@tsnn/tensor';
import { loadWasmKernels } from '../src/wasm/index.js';

/** The kernel variants this runtime runs (both on Node ≥ 22, strict only on Node 20): tests run each. */
export const VARIANTS: readonly KernelVariant[] = availableKernelVariants();

let current: KernelVariant = VARIANTS[VARIANTS.length - 1];

/** Make `wasm()` (and `randomArray`'s memory) the kernels of this variant; call it in a beforeAll. */
export function testVariant(variant: KernelVariant): void {
  current = variant;
}

/** The WASM kernels of the variant under test (see `testVariant`; default: the runtime's default). */
export function wasm(): Kernels {
  const k = loadWasmKernels({ kernels: current });
  if (!k) throw new Error(`the WASM backend (${current} kernels) did not load on this platform`);
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

/** Floats written after an array's end, to catch a kernel that runs past n (an overrun of 1–3 floats). */
export const GUARD = 3;
const GUARD_VALUE = -12345.5;

/** x's values followed by GUARD guard floats, inside wasm memory or not: `view` is the first x.length. */
export function guarded(x: Float32Array, inside: boolean): { view: Float32Array; whole: Float32Array } {
  const whole = inside ? wasm().alloc(x.length + GUARD) : new Float32Array(x.length + GUARD);
  whole.set(x);
  whole.fill(GUARD_VALUE, x.length);
  return { view: whole.subarray(0, x.length), whole };
}

/** Throws unless the guard floats after `whole`'s first n are untouched. */
export function expectGuards(what: string, whole: Float32Array, n: number): void {
  for (let i = n; i < whole.length; i++) {
    if (whole[i] !== GUARD_VALUE) throw new Error(`${what}: wrote ${whole[i]} at [${i}], ${i - n + 1} past the end of ${n} floats`);
  }
}
