/**
 * The plain TypeScript sparse kernels (see `sparse.ts` for the layout).
 *
 * sparsify: a first pass counts the nonzeros (too many: −1, nothing written); a second, row by row,
 * writes the CSR part; the CSC part is then a counting sort of
 * the CSR entries by column (count per column, prefix sums, scatter in row order), so x is read once.
 *
 * sparseGemm: each row of c is summed in a row of doubles, one listed nonzero at a time:
 * acc[j] += x[i, p]·b[p, j]. Like `gemmBlocked`, it sums each entry in a double from 0 in ascending p
 * and rounds once, so both give the same bits (the skipped terms are exact zeros).
 */
import { sparseInts, sparseLayout, type SparseMatrix } from './sparse.js';

export function sparsifyJs(x: Float32Array, s: SparseMatrix): number {
  const { rows, cols, capacity } = s;
  const L = sparseLayout(rows, cols, capacity), ints = sparseInts(s), vals = s.data;
  let count = 0;
  for (let o = 0; o < rows * cols; o++) if (x[o] !== 0) count++; // NaN !== 0, so NaN counts
  if (count > capacity) {
    ints[L.rowStart + rows] = -1;
    return -1;
  }
  let q = 0;
  for (let i = 0, o = 0; i < rows; i++) {
    ints[L.rowStart + i] = q;
    for (let p = 0; p < cols; p++, o++) {
      const v = x[o];
      if (v === 0) continue;
      ints[L.csrCol + q] = p;
      vals[L.csrVal + q] = v;
      q++;
    }
  }
  ints[L.rowStart + rows] = q;
  // CSC: colStart[p + 1] counts column p; prefix sums make colStart[p] the start of column p; the
  // scatter then advances colStart[p] to the end of column p, which is the start of p + 1: shift back.
  const cs = L.colStart;
  ints.fill(0, cs, cs + cols + 1);
  for (let e = 0; e < q; e++) ints[cs + ints[L.csrCol + e] + 1]++;
  for (let p = 1; p <= cols; p++) ints[cs + p] += ints[cs + p - 1];
  for (let i = 0; i < rows; i++) {
    for (let e = ints[L.rowStart + i]; e < ints[L.rowStart + i + 1]; e++) {
      const d = ints[cs + ints[L.csrCol + e]]++;
      ints[L.cscRow + d] = i;
      vals[L.cscVal + d] = vals[L.csrVal + e];
    }
  }
  for (let p = cols; p > 0; p--) ints[cs + p] = ints[cs + p - 1];
  ints[cs] = 0;
  return q;
}

// One row of c in doubles; grown, never shrunk.
let acc = new Float64Array(256);

export function sparseGemmJs(transX: boolean, s: SparseMatrix, n: number, b: Float32Array, beta: 0 | 1, c: Float32Array): void {
  const L = sparseLayout(s.rows, s.cols, s.capacity), ints = sparseInts(s), vals = s.data;
  const [m, start, index, value] = transX ? [s.cols, L.colStart, L.cscRow, L.cscVal] : [s.rows, L.rowStart, L.csrCol, L.csrVal];
  if (acc.length < n) acc = new Float64Array(n);
  const a = acc;
  for (let i = 0, ci = 0; i < m; i++, ci += n) {
    a.fill(0, 0, n);
    for (let q = ints[start + i], end = ints[start + i + 1]; q < end; q++) {
      const v = vals[value + q];
      for (let j = 0, o = ints[index + q] * n; j < n; j = (j + 1) | 0, o = (o + 1) | 0) a[j] += v * b[o];
    }
    if (beta === 0) for (let j = 0; j < n; j++) c[ci + j] = a[j];
    else for (let j = 0; j < n; j++) c[ci + j] += a[j];
  }
}
