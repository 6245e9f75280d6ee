import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '@tsnn/tensor';
import { gemmReference } from '@tsnn/tensor/internal';
import { VARIANTS, copyOf, expectClose, randomArray, testVariant, wasm } from './wasm-helpers.js';

const EDGE = [1, 3, 5, 127, 129];
const dim = fc.oneof(fc.constantFrom(...EDGE), fc.integer({ min: 1, max: 140 }));
const GUARD = 7; // floats after c that must stay untouched

/**
 * c = beta·c + op(a)·op(b) against the double-accumulating reference. The wasm kernel sums in
 * float32, so the allowed error scales with what is summed: 1e-5·(Σ_p |op(a)[i,p]|·|op(b)[p,j]| + beta·|c|) + 1e-6.
 */
function check(tA: boolean, tB: boolean, m: number, n: number, k: number, beta: 0 | 1, inside: boolean, seed: number): void {
  const rng = new Rng(seed);
  const a = randomArray(m * k, rng, inside), b = randomArray(k * n, rng, inside);
  const c0 = randomArray(m * n + GUARD, rng, false);
  const got = copyOf(c0, inside), want = c0.slice();
  wasm().gemm(tA, tB, m, n, k, a, b, beta, got);
  gemmReference(tA, tB, m, n, k, a, b, beta, want);
  const mag = new Float32Array(m * n);
  gemmReference(tA, tB, m, n, k, a.map(Math.abs), b.map(Math.abs), 0, mag);
  const what = `gemm tA=${tA} tB=${tB} m=${m} n=${n} k=${k} beta=${beta} inside=${inside}`;
  expectClose(what, got, want, (i) => (i < m * n ? 1e-5 * (mag[i] + beta * Math.abs(c0[i])) + 1e-6 : 0));
}

/**
 * What the strict kernel computes, exactly: each c[i, j] sums its products in order p = 0 … k−1 in float32,
 * every product rounded before it is added (f32x4.mul then f32x4.add), then adds c once when accumulating.
 */
function strictOrder(tA: boolean, tB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array, beta: 0 | 1, c: Float32Array): void {
  const f = Math.fround;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s = f(s + f((tA ? a[p * m + i] : a[i * k + p]) * (tB ? b[j * k + p] : b[p * n + j])));
    c[i * n + j] = beta ? f(c[i * n + j] + s) : s;
  }
}

describe('wasm gemm: the variants this runtime runs', () => {
  it(`are ${VARIANTS.join(' and ')} on Node ${process.versions.node}`, () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect(VARIANTS).toEqual(major >= 22 ? ['strict', 'relaxed'] : ['strict']);
    console.log(`wasm gemm tests ran the ${VARIANTS.join(' and ')} kernels (Node ${process.versions.node})`);
  });
});

describe('wasm strict gemm, bit for bit', () => {
  beforeAll(() => testVariant('strict'));
  it('rounds every product, then sums in order of p: exactly the float32 emulation, any shape and transpose', () => {
    fc.assert(fc.property(dim, dim, fc.integer({ min: 1, max: 140 }), fc.boolean(), fc.boolean(), fc.constantFrom<0 | 1>(0, 1), fc.integer(),
      (m, n, k, tA, tB, beta, seed) => {
        const rng = new Rng(seed);
        const a = randomArray(m * k, rng, false), b = randomArray(k * n, rng, false), c0 = randomArray(m * n, rng, false);
        const got = c0.slice(), want = c0.slice();
        wasm().gemm(tA, tB, m, n, k, a, b, beta, got);
        strictOrder(tA, tB, m, n, k, a, b, beta, want);
        expectClose(`strict gemm tA=${tA} tB=${tB} m=${m} n=${n} k=${k} beta=${beta}`, got, want, () => 0);
      }), { numRuns: 60 });
  });
});

describe.each(VARIANTS)('wasm gemm against the reference (%s kernels)', (variant) => {
  beforeAll(() => testVariant(variant));
  it('agrees on random shapes, all transpose variants, assign and accumulate, in and out of wasm memory', () => {
    fc.assert(
      fc.property(dim, dim, dim, fc.boolean(), fc.boolean(), fc.constantFrom<0 | 1>(0, 1), fc.boolean(), fc.integer(),
        (m, n, k, tA, tB, beta, inside, seed) => check(tA, tB, m, n, k, beta, inside, seed)),
      { numRuns: 120 },
    );
  });

  it('handles every combination of the edge sizes for A·B, Aᵀ·B and A·Bᵀ', () => {
    const variants: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
    let seed = 1;
    for (const [tA, tB] of variants) {
      for (const m of [1, 3, 5, 129]) for (const n of [1, 3, 5, 127]) for (const k of [1, 5, 129]) {
        check(tA, tB, m, n, k, (seed & 1) as 0 | 1, (seed & 2) !== 0, seed++);
      }
    }
  });

  it('computes small products exactly', () => {
    const k = wasm();
    const a = Float32Array.of(1, 2, 3, 4, 5, 6); // [2, 3]
    const b = Float32Array.of(7, 8, 9, 10, 11, 12); // [3, 2]
    const c = new Float32Array(4);
    k.gemm(false, false, 2, 2, 3, a, b, 0, c);
    expect([...c]).toEqual([58, 64, 139, 154]);
    const ata = new Float32Array(9); // aᵀ·a: [3, 3]
    k.gemm(true, false, 3, 3, 2, a, a, 0, ata);
    expect([...ata]).toEqual([17, 22, 27, 22, 29, 36, 27, 36, 45]);
    const aat = copyOf(Float32Array.of(1, 1, 1, 1), true); // a·aᵀ: [2, 2], accumulated
    k.gemm(false, true, 2, 2, 3, copyOf(a, true), copyOf(a, true), 1, aat);
    expect([...aat]).toEqual([15, 33, 33, 78]);
  });

  it('overwrites NaN in c when beta is 0, and k = 0 gives beta·c', () => {
    const k = wasm();
    const c = new Float32Array(6).fill(NaN);
    k.gemm(false, false, 2, 3, 1, Float32Array.of(1, 2), Float32Array.of(1, 2, 3), 0, c);
    expect([...c]).toEqual([1, 2, 3, 2, 4, 6]);
    k.gemm(false, false, 2, 3, 0, new Float32Array(0), new Float32Array(0), 1, c);
    expect([...c]).toEqual([1, 2, 3, 2, 4, 6]);
    k.gemm(false, false, 2, 3, 0, new Float32Array(0), new Float32Array(0), 0, c);
    expect([...c]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('does not write next to c in wasm memory', () => {
    const k = wasm();
    const before = k.alloc(8).fill(5), c = k.alloc(3 * 5), after = k.alloc(8).fill(7);
    k.gemm(false, false, 3, 5, 2, new Float32Array(6).fill(1), new Float32Array(10).fill(1), 0, c);
    expect([...c]).toEqual(new Array(15).fill(2));
    expect([...before, ...after]).toEqual([...new Array(8).fill(5), ...new Array(8).fill(7)]);
  });
});
