/**
 * Plain, obviously-correct kernels. They are the definition the fast kernels are tested against,
 * and they are slow on purpose: one multiply-add per loop turn, no blocking.
 */
import type { Kernels } from './kernels.js';
import { drawMask } from './mask.js';
import { sparseInts, sparseLayout, type SparseMatrix } from './sparse.js';
import { newFloats } from '../floats.js';

/** c[m, n] = beta·c + op(a)·op(b), with a double accumulator per output. */
export function gemmReference(transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float32Array, b: Float32Array, beta: 0 | 1, c: Float32Array): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[p * m + i] : a[i * k + p];
        const bpj = transB ? b[j * k + p] : b[p * n + j];
        s += aip * bpj;
      }
      c[i * n + j] = beta === 0 ? s : c[i * n + j] + s;
    }
  }
}

/** Lists x's nonzeros row by row, then again column by column (rescanning x), as `sparse.ts` lays out. */
export function sparsifyReference(x: Float32Array, s: SparseMatrix): number {
  const { rows, cols, capacity } = s;
  const L = sparseLayout(rows, cols, capacity), ints = sparseInts(s), vals = s.data;
  const nonzero = (i: number, p: number) => x[i * cols + p] !== 0 || Number.isNaN(x[i * cols + p]);
  let count = 0;
  for (let i = 0; i < rows; i++) for (let p = 0; p < cols; p++) if (nonzero(i, p)) count++;
  if (count > capacity) {
    ints[L.rowStart + rows] = -1;
    return -1;
  }
  let q = 0;
  for (let i = 0; i < rows; i++) {
    ints[L.rowStart + i] = q;
    for (let p = 0; p < cols; p++) {
      if (!nonzero(i, p)) continue;
      ints[L.csrCol + q] = p;
      vals[L.csrVal + q] = x[i * cols + p];
      q++;
    }
  }
  ints[L.rowStart + rows] = q;
  q = 0;
  for (let p = 0; p < cols; p++) {
    ints[L.colStart + p] = q;
    for (let i = 0; i < rows; i++) {
      if (!nonzero(i, p)) continue;
      ints[L.cscRow + q] = i;
      vals[L.cscVal + q] = x[i * cols + p];
      q++;
    }
  }
  ints[L.colStart + cols] = q;
  return count;
}

/** c = beta·c + x·b (or xᵀ·b), each entry one double sum over the listed nonzeros in their order. */
export function sparseGemmReference(transX: boolean, s: SparseMatrix, n: number, b: Float32Array, beta: 0 | 1, c: Float32Array): void {
  const L = sparseLayout(s.rows, s.cols, s.capacity), ints = sparseInts(s), vals = s.data;
  // transX: the columns of x are the rows of xᵀ, listed in the CSC part.
  const [m, start, index, value] = transX ? [s.cols, L.colStart, L.cscRow, L.cscVal] : [s.rows, L.rowStart, L.csrCol, L.csrVal];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let q = ints[start + i]; q < ints[start + i + 1]; q++) sum += vals[value + q] * b[ints[index + q] * n + j];
      c[i * n + j] = beta === 0 ? sum : c[i * n + j] + sum;
    }
  }
}

export const referenceKernels: Kernels = {
  name: 'js',
  variant: 'strict',
  alloc: (n) => newFloats(n),
  gemm: gemmReference,
  sparsify: sparsifyReference,
  sparseGemm: sparseGemmReference,
  addBias(y, bias, rows, cols) {
    for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) y[r * cols + j] += bias[j];
  },
  sumRows(dy, db, rows, cols) {
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += dy[r * cols + j];
      db[j] += s;
    }
  },
  relu(x, y, n) {
    for (let i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0;
  },
  reluBackward(y, dy, dx, n) {
    for (let i = 0; i < n; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
  },
  sigmoid(x, y, n) {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      y[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
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
    for (let i = 0; i < n; i++) {
      v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
      theta[i] -= (lr * g[i]) / Math.sqrt(v[i] + eps);
    }
  },
  adam(theta, g, m, v, n, alpha, beta1, beta2, eps) {
    for (let i = 0; i < n; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * g[i];
      v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
      theta[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
    }
  },
  fillMask: drawMask,
  bytesToFloat(x, y, n, div) {
    for (let i = 0; i < n; i++) y[i] = Math.fround(x[i] / Math.fround(div));
  },
};
