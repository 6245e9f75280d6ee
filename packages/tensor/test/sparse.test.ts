import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, type Kernels } from '@tsnn/tensor';
import { gemmReference, jsKernels, referenceKernels, sparseCount, sparseLayout, sparseMatrix, type SparseMatrix } from '@tsnn/tensor/internal';
import { expectClose, wasm } from './wasm-helpers.js';

const EDGE = [1, 3, 127, 129];
const dim = fc.oneof(fc.constantFrom(...EDGE), fc.integer({ min: 1, max: 140 }));
const GUARD = 5; // floats after c that must stay untouched

type Pattern = 'random' | 'zero-rows' | 'full-rows' | 'single' | 'empty' | 'full';
const patterns: Pattern[] = ['random', 'zero-rows', 'full-rows', 'single', 'empty', 'full'];

/** x: [rows, cols] with the pattern's zeros; nonzeros uniform in [−1, 1] (never exactly 0). */
function sparseInput(rows: number, cols: number, pattern: Pattern, density: number, rng: Rng): Float32Array {
  const x = new Float32Array(rows * cols);
  const value = () => rng.uniformIn(0.001, 1) * (rng.uniform() < 0.5 ? -1 : 1);
  const single = rng.int(rows * cols);
  for (let i = 0; i < rows; i++) {
    const rowKind = pattern === 'zero-rows' || pattern === 'full-rows' ? rng.int(2) : 0; // 1: all zero / all nonzero
    for (let p = 0; p < cols; p++) {
      const o = i * cols + p;
      let keep: boolean;
      if (pattern === 'single') keep = o === single;
      else if (pattern === 'empty') keep = false;
      else if (pattern === 'full') keep = true;
      else if (rowKind === 1) keep = pattern === 'full-rows';
      else keep = rng.uniform() < density;
      if (keep) x[o] = value();
    }
  }
  return x;
}

const nonzeros = (x: Float32Array) => x.reduce((s, v) => s + (v !== 0 || Number.isNaN(v) ? 1 : 0), 0);

/** The meaningful words of s (starts, and the first `count` entries of each list) as numbers. */
function listed(s: SparseMatrix): number[] {
  const L = sparseLayout(s.rows, s.cols, s.capacity), count = sparseCount(s);
  const ints = new Int32Array(s.data.buffer, s.data.byteOffset, s.data.length);
  return [
    ...ints.subarray(0, L.csrCol),
    ...ints.subarray(L.csrCol, L.csrCol + count), ...s.data.subarray(L.csrVal, L.csrVal + count),
    ...ints.subarray(L.cscRow, L.cscRow + count), ...s.data.subarray(L.cscVal, L.cscVal + count),
  ];
}

const wasmOutside: Kernels = { ...wasm(), name: 'wasm', alloc: (n) => new Float32Array(n) };
const backends: [string, Kernels][] = [['reference', referenceKernels], ['js', jsKernels], ['wasm', wasm()], ['wasm (arrays outside its memory)', wasmOutside]];

/**
 * Every backend: sparsify lists exactly the nonzeros (the same lists as the reference), and both
 * sparse products equal the same backend's dense gemm bit for bit and the reference gemm within
 * float32 rounding, for assign and accumulate.
 */
function check(rows: number, cols: number, n: number, pattern: Pattern, density: number, beta: 0 | 1, seed: number): void {
  const rng = new Rng(seed);
  const x = sparseInput(rows, cols, pattern, density, rng);
  const b = new Float32Array(cols * n).map(() => rng.uniformIn(-1, 1)); // for x·b
  const dz = new Float32Array(rows * n).map(() => rng.uniformIn(-1, 1)); // for xᵀ·dz
  const c0 = new Float32Array(rows * n + GUARD).map(() => rng.uniformIn(-1, 1));
  const d0 = new Float32Array(cols * n + GUARD).map(() => rng.uniformIn(-1, 1));
  const count = nonzeros(x);
  const what = `${rows}×${cols} (n=${n}) ${pattern} density ${density.toFixed(2)} beta=${beta}`;
  const want = c0.slice(), wantT = d0.slice();
  gemmReference(false, false, rows, n, cols, x, b, beta, want);
  gemmReference(true, false, cols, n, rows, x, dz, beta, wantT);
  let lists: number[] | null = null;
  for (const [name, k] of backends) {
    const s = sparseMatrix(rows, cols, count, k.alloc);
    const ins = (a: Float32Array) => { const y = k.alloc(a.length); y.set(a); return y; };
    expect(k.sparsify(ins(x), s), `${name} ${what}: count`).toBe(count);
    expect(sparseCount(s)).toBe(count);
    const l = listed(s);
    if (lists) expect(l, `${name} ${what}: lists`).toEqual(lists);
    lists ??= l;
    const got = ins(c0), dense = ins(c0), gotT = ins(d0), denseT = ins(d0);
    k.sparseGemm(false, s, n, ins(b), beta, got);
    k.gemm(false, false, rows, n, cols, ins(x), ins(b), beta, dense);
    k.sparseGemm(true, s, n, ins(dz), beta, gotT);
    k.gemm(true, false, cols, n, rows, ins(x), ins(dz), beta, denseT);
    expectClose(`${name} ${what}: x·b vs its dense gemm`, got, dense, () => 0);
    expectClose(`${name} ${what}: xᵀ·dz vs its dense gemm`, gotT, denseT, () => 0);
    const tol = (c: Float32Array) => (i: number) => 1e-5 * (cols + rows) * (1 + Math.abs(c[i]));
    expectClose(`${name} ${what}: x·b vs the reference`, got, want, tol(c0));
    expectClose(`${name} ${what}: xᵀ·dz vs the reference`, gotT, wantT, tol(d0));
  }
}

describe('sparse-input products (sparsify + sparseGemm) on every backend', () => {
  it('equal the dense gemm on random shapes, densities and zero patterns', () => {
    fc.assert(
      fc.property(dim, dim, fc.oneof(fc.constantFrom(1, 3, 127, 129), fc.integer({ min: 1, max: 70 })),
        fc.constantFrom(...patterns), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom<0 | 1>(0, 1), fc.integer(),
        (rows, cols, n, pattern, density, beta, seed) => check(rows, cols, n, pattern, density, beta, seed)),
      { numRuns: 60 },
    );
  });

  it('handles the edge sizes 1, 3, 127, 129 with every pattern', () => {
    let seed = 1;
    for (const rows of EDGE) for (const cols of EDGE) for (const n of [1, 3, 32, 129]) {
      check(rows, cols, n, patterns[seed % patterns.length], 0.2, (seed & 1) as 0 | 1, seed++);
    }
  });

  it('report −1 when x has more nonzeros than the capacity, and fit exactly at the capacity', () => {
    const x = Float32Array.of(1, 0, 2, 0, 0, 3, 4, 0, 0, 5); // [2, 5], 5 nonzeros
    for (const [name, k] of backends) {
      expect(k.sparsify(x, sparseMatrix(2, 5, 4, k.alloc)), name).toBe(-1);
      expect(k.sparsify(x, sparseMatrix(2, 5, 5, k.alloc)), name).toBe(5);
    }
  });

  it('count −0 as zero and NaN as nonzero, so NaN in x reaches the product as in the dense one', () => {
    const x = Float32Array.of(-0, NaN, 0, 2); // [2, 2]
    const b = Float32Array.of(1, 2, 3, 4); // [2, 2]
    for (const [name, k] of backends) {
      const s = sparseMatrix(2, 2, 4, k.alloc);
      expect(k.sparsify(x, s), name).toBe(2);
      const c = new Float32Array(4);
      k.sparseGemm(false, s, 2, b, 0, c);
      expect([...c], name).toEqual([NaN, NaN, 6, 8]);
    }
  });

  it('give the same bits when run twice on the same input', () => {
    const rng = new Rng(5);
    const x = sparseInput(64, 200, 'random', 0.2, rng), b = new Float32Array(200 * 40).map(() => rng.uniformIn(-1, 1));
    for (const [name, k] of backends) {
      const run = () => {
        const s = sparseMatrix(64, 200, 64 * 200, k.alloc), c = new Float32Array(64 * 40);
        k.sparsify(x, s);
        k.sparseGemm(false, s, 40, b, 0, c);
        return c;
      };
      expect(run(), name).toEqual(run());
    }
  });
});
