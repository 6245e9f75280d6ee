/**
 * The plain TypeScript backend: a register-blocked gemm and branch-free element-wise loops.
 *
 * gemm works on 4×4 tiles of c held in 16 local doubles; each turn of the inner loop loads four
 * values of op(a) and four of op(b) and does 16 multiply-adds. Strides let one kernel serve A·B,
 * Aᵀ·B and A·Bᵀ without copying: op(a)[i, p] = a[i·sai + p·sap], op(b)[p, j] = b[p·sbp + j·sbj].
 */
import type { Kernels } from './kernels.js';

export function gemmBlocked(transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float32Array, b: Float32Array, beta: 0 | 1, c: Float32Array): void {
  const sai = transA ? 1 : k, sap = transA ? m : 1;
  const sbp = transB ? 1 : n, sbj = transB ? k : 1;
  const m4 = m - (m % 4), n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * sai, a1 = a0 + sai, a2 = a1 + sai, a3 = a2 + sai;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * sbj, b1 = b0 + sbj, b2 = b1 + sbj, b3 = b2 + sbj;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = 0, pa = 0, pb = 0; p < k; p++, pa += sap, pb += sbp) {
        const x0 = a[a0 + pa], x1 = a[a1 + pa], x2 = a[a2 + pa], x3 = a[a3 + pa];
        const y0 = b[b0 + pb], y1 = b[b1 + pb], y2 = b[b2 + pb], y3 = b[b3 + pb];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      const r0 = i * n + j, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      c[r0] = beta * c[r0] + c00; c[r0 + 1] = beta * c[r0 + 1] + c01; c[r0 + 2] = beta * c[r0 + 2] + c02; c[r0 + 3] = beta * c[r0 + 3] + c03;
      c[r1] = beta * c[r1] + c10; c[r1 + 1] = beta * c[r1 + 1] + c11; c[r1 + 2] = beta * c[r1 + 2] + c12; c[r1 + 3] = beta * c[r1 + 3] + c13;
      c[r2] = beta * c[r2] + c20; c[r2 + 1] = beta * c[r2 + 1] + c21; c[r2 + 2] = beta * c[r2 + 2] + c22; c[r2 + 3] = beta * c[r2 + 3] + c23;
      c[r3] = beta * c[r3] + c30; c[r3 + 1] = beta * c[r3 + 1] + c31; c[r3 + 2] = beta * c[r3 + 2] + c32; c[r3 + 3] = beta * c[r3 + 3] + c33;
    }
  }
  // Edges: the last m % 4 rows (all columns) and the last n % 4 columns (blocked rows), one output at a time.
  if (m4 < m) edge(m4, m, 0, n);
  if (n4 < n) edge(0, m4, n4, n);

  function edge(i0: number, i1: number, j0: number, j1: number): void {
    for (let i = i0; i < i1; i++) {
      for (let j = j0; j < j1; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * sai + p * sap] * b[p * sbp + j * sbj];
        c[i * n + j] = beta * c[i * n + j] + s;
      }
    }
  }
}

export const jsKernels: Kernels = {
  name: 'js',
  alloc: (n) => new Float32Array(n),
  gemm: gemmBlocked,
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
};
