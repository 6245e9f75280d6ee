import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, firstMismatch } from '@tsnn/tensor';
import { jsKernels, referenceKernels } from '@tsnn/tensor/internal';

function randomArray(n: number, rng: Rng, scale = 4): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniformIn(-scale, scale);
  return a;
}

const unary = ['relu', 'sigmoid'] as const;
const binary = ['sub', 'mul'] as const;

describe('element-wise kernels: fast against reference', () => {
  it('unary ops agree, also in place', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), fc.integer(), fc.constantFrom(...unary), (n, seed, op) => {
      const x = randomArray(n, new Rng(seed), 50);
      const want = new Float32Array(n), got = new Float32Array(n);
      referenceKernels[op](x, want, n);
      jsKernels[op](x, got, n);
      expect(firstMismatch(got, want, 1e-6, 1e-7)).toBeNull();
      const inPlace = x.slice();
      jsKernels[op](inPlace, inPlace, n);
      expect(firstMismatch(inPlace, want, 1e-6, 1e-7)).toBeNull();
    }));
  });

  it('backward ops and binary ops agree', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), fc.integer(), (n, seed) => {
      const rng = new Rng(seed);
      const a = randomArray(n, rng), b = randomArray(n, rng), y = new Float32Array(n);
      referenceKernels.relu(a, y, n);
      for (const op of ['reluBackward', 'sigmoidBackward'] as const) {
        const want = new Float32Array(n), got = new Float32Array(n);
        referenceKernels[op](y, b, want, n);
        jsKernels[op](y, b, got, n);
        expect(firstMismatch(got, want)).toBeNull();
      }
      for (const op of binary) {
        const want = new Float32Array(n), got = new Float32Array(n);
        referenceKernels[op](a, b, want, n);
        jsKernels[op](a, b, got, n);
        expect(firstMismatch(got, want)).toBeNull();
      }
    }));
  });

  it('optimizer updates (rmsprop, adam) agree', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), fc.integer(), fc.constantFrom(1e-7, 1e-3), (n, seed, eps) => {
      const rng = new Rng(seed);
      const theta = randomArray(n, rng), g = randomArray(n, rng), m = randomArray(n, rng, 1), v = randomArray(n, rng, 1).map(Math.abs);
      const run = (k: typeof jsKernels) => {
        const t1 = theta.slice(), v1 = v.slice(), t2 = theta.slice(), m2 = m.slice(), v2 = v.slice();
        k.rmsprop(t1, g, v1, n, 0.01, 0.9, eps);
        k.adam(t2, g, m2, v2, n, 0.003, 0.9, 0.999, eps);
        return [t1, v1, t2, m2, v2];
      };
      const want = run(referenceKernels), got = run(jsKernels);
      want.forEach((w, i) => expect(firstMismatch(got[i], w, 1e-6, 1e-6), `array ${i}`).toBeNull());
    }));
  });

  it('bias broadcast and row sums agree', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer(), (rows, cols, seed) => {
      const rng = new Rng(seed);
      const y = randomArray(rows * cols, rng), bias = randomArray(cols, rng);
      const want = y.slice(), got = y.slice();
      referenceKernels.addBias(want, bias, rows, cols);
      jsKernels.addBias(got, bias, rows, cols);
      expect(firstMismatch(got, want)).toBeNull();
      const db0 = randomArray(cols, rng);
      const dbWant = db0.slice(), dbGot = db0.slice();
      referenceKernels.sumRows(y, dbWant, rows, cols);
      jsKernels.sumRows(y, dbGot, rows, cols);
      expect(firstMismatch(dbGot, dbWant, 1e-5, 1e-5)).toBeNull();
    }));
  });

  it('sigmoid is finite and saturates for large |x|', () => {
    const x = new Float32Array([-1e30, -1000, -100, 0, 100, 1000, 1e30]);
    const y = new Float32Array(x.length);
    jsKernels.sigmoid(x, y, x.length);
    expect([...y]).toEqual([0, 0, Math.fround(1 / (1 + Math.exp(100))), 0.5, 1, 1, 1]);
  });

  it('relu is max(x, 0) exactly', () => {
    const x = new Float32Array([-3.5, -0, 0, 1e-30, 2.25, -1e-30]);
    const y = new Float32Array(x.length);
    jsKernels.relu(x, y, x.length);
    expect([...y].map((v) => v + 0)).toEqual([0, 0, 0, Math.fround(1e-30), 2.25, 0]);
  });
});
