/**
 * The plain TypeScript backend: a packed, register-blocked gemm and branch-free element-wise loops.
 *
 * gemm (c = beta·c + op(a)·op(b)) first copies op(a) into panels of 3 rows and op(b) into panels
 * of 2 columns, k-major, in one reusable scratch array of doubles. The inner loop then reads both
 * panels sequentially: no strides, no float32→float64 conversions, and the same code for A·B, Aᵀ·B
 * and A·Bᵀ. Each 3×2 tile of c lives in 6 local doubles; one turn of the inner loop loads 3 values
 * of op(a) and 2 of op(b) and does 6 multiply-adds. Panels are zero-padded to whole tiles, so the
 * loop has no edge cases. Packing costs O(mk + kn) against the O(mnk) product.
 *
 * Measured on Node 20 / x64 (V8 allocates 15 FP registers), each choice below was the faster one:
 * - 3×2 tiles (~9.5 GFLOP/s; 2×3 ties) beat 2×2, 2×4, 4×2, 3×3, 3×4, 4×4, 2×5 and 8×1 tiles with
 *   k unrolled by 1 to 4 (5.5–9): larger tiles, or unrolled k, spill accumulators to the stack.
 * - `(i + 1) | 0` index arithmetic tells V8 the sum stays int32, which removes an overflow check
 *   from every index computation (+35%).
 * - The scratch is a plain number[] kept PACKED_DOUBLE: a load is one bounds check and one move
 *   with a constant offset, ~8% faster than a Float64Array.
 */
import type { Kernels } from './kernels.js';
import { drawMask } from './mask.js';
import { sparseGemmJs, sparsifyJs } from './sparse-js.js';
import { jsAlloc } from '../floats.js';

// The panels of op(a) and then op(b); grown, never shrunk, so a warm gemm allocates nothing.
// It starts with a double so that V8 stores it as unboxed doubles (PACKED_DOUBLE_ELEMENTS).
const panels: number[] = [0.5];
// The 3×2 tile of a partial (edge) tile, on its way into c.
const edge = new Float64Array(6);

/**
 * Copies rows [0, rows) of a strided matrix, x[i, p] = x[i·rs + p·cs], into panels of R rows:
 * row i0 + r of panel i0 / R lands at P[o + i0·k + p·R + r], and the last panel is padded with
 * zero rows. One index walks x and fixed offsets pick the rows, for both storage orders.
 */
function pack(x: Float32Array, rows: number, R: 2 | 3, k: number, rs: number, cs: number, P: number[], o: number): void {
  let i0 = 0;
  for (; i0 + R <= rows; i0 += R) {
    let s = i0 * rs, d = o + i0 * k;
    if (R === 3) {
      const s2 = 2 * rs;
      for (let p = 0; p < k; p = (p + 1) | 0, s = (s + cs) | 0, d = (d + 3) | 0) {
        P[d] = x[s]; P[(d + 1) | 0] = x[(s + rs) | 0]; P[(d + 2) | 0] = x[(s + s2) | 0];
      }
    } else {
      for (let p = 0; p < k; p = (p + 1) | 0, s = (s + cs) | 0, d = (d + 2) | 0) {
        P[d] = x[s]; P[(d + 1) | 0] = x[(s + rs) | 0];
      }
    }
  }
  if (i0 === rows) return;
  // The last, partial panel: rows i0..rows-1, then zero rows.
  for (let r = 0; r < R; r++) {
    const i = i0 + r;
    for (let p = 0, d = o + i0 * k + r; p < k; p++, d += R) P[d] = i < rows ? x[i * rs + p * cs] : 0;
  }
}

/**
 * c[i0..i0+rows, j0..j0+cols] = beta·c + (3×2 tile of op(a)·op(b)) from the panels at pa and pb;
 * ci is the offset of c[i0, j0], and rows ≤ 3, cols ≤ 2 clip the tile at the edges of c.
 */
function tile3x2(P: number[], pa: number, pb: number, k: number, c: Float32Array, ci: number, n: number, beta: 0 | 1, rows: number, cols: number): void {
  let c00 = 0, c01 = 0, c10 = 0, c11 = 0, c20 = 0, c21 = 0;
  for (let p = 0; p < k; p = (p + 1) | 0, pa = (pa + 3) | 0, pb = (pb + 2) | 0) {
    const a0 = P[pa], a1 = P[(pa + 1) | 0], a2 = P[(pa + 2) | 0]; // op(a)[i0..i0+3, p]
    const b0 = P[pb], b1 = P[(pb + 1) | 0]; // op(b)[p, j0..j0+2]
    c00 += a0 * b0; c01 += a0 * b1;
    c10 += a1 * b0; c11 += a1 * b1;
    c20 += a2 * b0; c21 += a2 * b1;
  }
  if (rows === 3 && cols === 2) {
    const r0 = ci, r1 = r0 + n, r2 = r1 + n;
    if (beta === 0) {
      c[r0] = c00; c[r0 + 1] = c01; c[r1] = c10; c[r1 + 1] = c11; c[r2] = c20; c[r2 + 1] = c21;
    } else {
      c[r0] += c00; c[r0 + 1] += c01; c[r1] += c10; c[r1 + 1] += c11; c[r2] += c20; c[r2 + 1] += c21;
    }
    return;
  }
  edge[0] = c00; edge[1] = c01; edge[2] = c10; edge[3] = c11; edge[4] = c20; edge[5] = c21;
  for (let r = 0; r < rows; r++) {
    for (let s = 0, o = ci + r * n; s < cols; s++, o++) c[o] = beta === 0 ? edge[2 * r + s] : c[o] + edge[2 * r + s];
  }
}

export function gemmBlocked(transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float32Array, b: Float32Array, beta: 0 | 1, c: Float32Array): void {
  const bOffset = Math.ceil(m / 3) * 3 * k; // op(a) panels: [ceil(m/3)][k][3], then op(b) panels: [ceil(n/2)][k][2]
  const P = panels;
  while (P.length < bOffset + Math.ceil(n / 2) * 2 * k) P.push(0);
  // op(a)[i, p] = a[i·k + p], or a[p·m + i] when a is stored transposed; likewise for op(b)ᵀ[j, p].
  pack(a, m, 3, k, transA ? 1 : k, transA ? m : 1, P, 0);
  pack(b, n, 2, k, transB ? k : 1, transB ? 1 : n, P, bOffset);
  for (let j = 0; j < n; j += 2) {
    for (let i = 0; i < m; i += 3) {
      tile3x2(P, i * k, bOffset + j * k, k, c, i * n + j, n, beta, Math.min(3, m - i), Math.min(2, n - j));
    }
  }
}

export const jsKernels: Kernels = {
  name: 'js',
  variant: 'strict',
  alloc: (n) => jsAlloc(n),
  gemm: gemmBlocked,
  sparsify: sparsifyJs,
  sparseGemm: sparseGemmJs,
  addBias(y, bias, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      for (let j = 0; j < cols; j++) y[o + j] += bias[j];
    }
  },
  sumRows(dy, db, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      for (let j = 0; j < cols; j++) db[j] += dy[o + j];
    }
  },
  relu(x, y, n) {
    // Branch-free: (v + |v|) / 2 is max(v, 0) for every float, and exact for float32 values.
    for (let i = 0; i < n; i++) {
      const v = x[i];
      y[i] = (v + Math.abs(v)) * 0.5;
    }
  },
  reluBackward(y, dy, dx, n) {
    // [y > 0] as a number without a branch: sign(y) is 0 or 1 for a relu output.
    for (let i = 0; i < n; i++) dx[i] = dy[i] * Math.sign(y[i]);
  },
  sigmoid(x, y, n) {
    // e = exp(−|v|) never overflows; σ(v) = 1/(1+e) for v ≥ 0 and e/(1+e) for v < 0.
    for (let i = 0; i < n; i++) {
      const v = x[i];
      const e = Math.exp(-Math.abs(v));
      const pos = v >= 0 ? 1 : e;
      y[i] = pos / (1 + e);
    }
  },
  sigmoidBackward(y, dy, dx, n) {
    for (let i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
  },
  sub(a, b, y, n) {
    for (let i = 0; i < n; i++) y[i] = a[i] - b[i];
  },
  neg(x, y, n) {
    for (let i = 0; i < n; i++) y[i] = -x[i];
  },
  mul(a, b, y, n) {
    for (let i = 0; i < n; i++) y[i] = a[i] * b[i];
  },
  rmsprop(theta, g, v, n, lr, rho, eps) {
    const oneMinusRho = 1 - rho;
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      const vi = rho * v[i] + oneMinusRho * gi * gi;
      v[i] = vi;
      theta[i] -= (lr * gi) / Math.sqrt(vi + eps);
    }
  },
  adam(theta, g, m, v, n, alpha, beta1, beta2, eps) {
    const c1 = 1 - beta1, c2 = 1 - beta2;
    for (let i = 0; i < n; i++) {
      const gi = g[i];
      const mi = beta1 * m[i] + c1 * gi;
      const vi = beta2 * v[i] + c2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      theta[i] -= (alpha * mi) / (Math.sqrt(vi) + eps);
    }
  },
  fillMask: drawMask,
  bytesToFloat(x, y, n, div) {
    const q = quotients(Math.fround(div));
    for (let i = 0; i < n; i++) y[i] = q[x[i]];
  },
};

// v / div for every byte value v, for the last divisor asked for (pixels: always 255).
let lastDiv = NaN;
const table = new Float32Array(256);
function quotients(div: number): Float32Array {
  if (!Object.is(div, lastDiv)) {
    for (let v = 0; v < 256; v++) table[v] = v / div;
    lastDiv = div;
  }
  return table;
}
