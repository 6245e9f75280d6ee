/**
 * The kernel set a backend provides. Everything works on flat row-major Float32Arrays; shapes are
 * passed as numbers and checked by the callers (`ops.ts`, the layers), so kernels stay branch-light.
 *
 * gemm: c[m, n] = beta·c + op(a)·op(b), where op(a) is [m, k] (a is stored [k, m] when transA) and
 * op(b) is [k, n] (b is stored [n, k] when transB). beta is 0 (assign) or 1 (accumulate), so backprop
 * can add `xᵀ·dy` straight into a gradient without materialising a transpose.
 */
import type { SparseMatrix } from './sparse.js';

export interface Kernels {
  readonly name: BackendName;
  /**
   * 'strict': every result rounded as written, the same bits on every machine; 'relaxed': gemm and some
   * element-wise kernels use fused multiply-add (relaxed SIMD), so last bits may differ between machines.
   */
  readonly variant: KernelVariant;
  /** A zeroed buffer of n floats that this backend can use without copying. */
  alloc(n: number): Float32Array;
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: Float32Array, b: Float32Array, beta: 0 | 1, c: Float32Array): void;
  /**
   * Lists the nonzeros of x: [s.rows, s.cols] in s (by row and by column, see `sparse.ts`) and returns
   * their count, or −1 if there are more than s.capacity (s is then unusable).
   */
  sparsify(x: Float32Array, s: SparseMatrix): number;
  /**
   * With x the matrix in s (built by sparsify): c[x.rows, n] = beta·c + x·b for b: [x.cols, n], or
   * with transX c[x.cols, n] = beta·c + xᵀ·b for b: [x.rows, n]. Same bits as this backend's gemm
   * on the dense x wherever b is finite.
   */
  sparseGemm(transX: boolean, s: SparseMatrix, n: number, b: Float32Array, beta: 0 | 1, c: Float32Array): void;
  /** y[r, j] += bias[j] for every row r of y: [rows, cols]. */
  addBias(y: Float32Array, bias: Float32Array, rows: number, cols: number): void;
  /** db[j] += Σ_r dy[r, j]. */
  sumRows(dy: Float32Array, db: Float32Array, rows: number, cols: number): void;
  /** y = max(x, 0), element-wise over the first n entries (x and y may be the same array). */
  relu(x: Float32Array, y: Float32Array, n: number): void;
  /** dx = dy · [y > 0], from the saved output y of relu. */
  reluBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, n: number): void;
  /** y = 1 / (1 + e^(−x)), computed without overflow for large |x|. */
  sigmoid(x: Float32Array, y: Float32Array, n: number): void;
  /** dx = dy · y · (1 − y), from the saved output y of sigmoid. */
  sigmoidBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, n: number): void;
  /** y = a − b. */
  sub(a: Float32Array, b: Float32Array, y: Float32Array, n: number): void;
  /** y = −x, element-wise: the sign flipped (−0 for +0, as JavaScript's negation). */
  neg(x: Float32Array, y: Float32Array, n: number): void;
  /** y = a · b (element-wise). */
  mul(a: Float32Array, b: Float32Array, y: Float32Array, n: number): void;
  /** Keras RMSprop: v ← ρv + (1−ρ)g²; θ ← θ − lr·g / sqrt(v + ε). */
  rmsprop(theta: Float32Array, g: Float32Array, v: Float32Array, n: number, lr: number, rho: number, eps: number): void;
  /**
   * Keras Adam, with the step's bias correction folded into alpha = lr·sqrt(1 − β₂ᵗ)/(1 − β₁ᵗ):
   * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − alpha·m / (sqrt(v) + ε).
   */
  adam(theta: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, n: number, alpha: number, beta1: number, beta2: number, eps: number): void;
  /**
   * A dropout mask from `Rng`'s generator: out[i] = value where the i-th draw's uniform (t / 2³²) is
   * ≥ threshold, else 0, for i < n; state: the generator's four 32-bit words, advanced past the n draws.
   * The same draws and bits on every backend (reference: `drawMask` in mask.ts).
   */
  fillMask(state: Uint32Array, out: Float32Array, n: number, threshold: number, value: number): void;
  /** y = x / div for bytes x (e.g. pixels / 255), div taken as a float32, each quotient rounded once to float32. */
  bytesToFloat(x: Uint8Array, y: Float32Array, n: number, div: number): void;
}

export type BackendName = 'js' | 'wasm';

/** Which flavour of kernels a backend runs (see `Kernels.variant`). */
export type KernelVariant = 'strict' | 'relaxed';
