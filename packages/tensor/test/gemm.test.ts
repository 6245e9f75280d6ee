import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, ShapeError, matmul, tensor } from '@tsnn/tensor';
import { gemmBlocked, gemmReference } from '@tsnn/tensor/internal';

const EDGE = [1, 3, 4, 5, 8, 127, 128, 129];
const dim = fc.oneof(fc.constantFrom(...EDGE), fc.integer({ min: 1, max: 70 }));

function randomArray(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniformIn(-1, 1);
  return a;
}

describe('gemm: register-blocked kernel against the reference', () => {
  it('agrees on random shapes, all transpose variants, assign and accumulate', () => {
    fc.assert(
      fc.property(dim, dim, dim, fc.boolean(), fc.boolean(), fc.constantFrom<0 | 1>(0, 1), fc.integer(), (m, n, k, tA, tB, beta, seed) => {
        const rng = new Rng(seed);
        const a = randomArray(m * k, rng), b = randomArray(k * n, rng), c0 = randomArray(m * n, rng);
        const want = c0.slice(), got = c0.slice();
        gemmReference(tA, tB, m, n, k, a, b, beta, want);
        gemmBlocked(tA, tB, m, n, k, a, b, beta, got);
        for (let i = 0; i < want.length; i++) {
          // Both accumulate in doubles; the only difference is the order of float32 rounding at the end.
          if (Math.abs(got[i] - want[i]) > 1e-5 * (k + 1)) {
            throw new Error(`m=${m} n=${n} k=${k} tA=${tA} tB=${tB} beta=${beta}: c[${i}] = ${got[i]}, reference ${want[i]}`);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('overwrites c when beta is 0, even where c holds NaN, in whole and edge tiles', () => {
    // m = 5 and n = 3 give whole tiles plus partial ones at the bottom and right edges of c.
    const m = 5, n = 3, k = 7, rng = new Rng(11);
    const a = randomArray(m * k, rng), b = randomArray(k * n, rng);
    for (const [tA, tB] of [[false, false], [true, false], [false, true]] as const) {
      const want = new Float32Array(m * n), got = new Float32Array(m * n).fill(NaN);
      gemmReference(tA, tB, m, n, k, a, b, 0, want);
      gemmBlocked(tA, tB, m, n, k, a, b, 0, got);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-5 * (k + 1));
    }
  });

  it('computes small products exactly', () => {
    const a = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    const b = tensor([3, 2], [7, 8, 9, 10, 11, 12]);
    expect([...matmul(a, b).data]).toEqual([58, 64, 139, 154]);
    // aᵀ·a: [3, 3]
    expect([...matmul(a, a, { transA: true }).data]).toEqual([17, 22, 27, 22, 29, 36, 27, 36, 45]);
    // a·aᵀ: [2, 2]
    expect([...matmul(a, a, { transB: true }).data]).toEqual([14, 32, 32, 77]);
  });

  it('accumulates into out when asked', () => {
    const a = tensor([1, 2], [1, 2]);
    const b = tensor([2, 1], [3, 4]);
    const out = tensor([1, 1], [100]);
    matmul(a, b, { into: out, accumulate: true });
    expect(out.data[0]).toBe(111);
    matmul(a, b, { into: out });
    expect(out.data[0]).toBe(11);
  });

  it('names the operation and both shapes on a mismatch', () => {
    const a = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    const b = tensor([2, 2], [1, 2, 3, 4]);
    expect(() => matmul(a, b)).toThrow(ShapeError);
    expect(() => matmul(a, b)).toThrow('matmul(a·b): inner dimensions differ, a [2, 3] and b [2, 2]');
    expect(() => matmul(a, b, { transA: true, into: tensor([1, 1], [0]) })).toThrow('matmul(aᵀ·b): into is [1, 1], expected [3, 2]');
  });
});
