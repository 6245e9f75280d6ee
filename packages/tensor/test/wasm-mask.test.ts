import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsKernels, referenceKernels } from '@tsnn/tensor/internal';
import { drawMask } from '../src/kernels/mask.js';
import { VARIANTS, testVariant, wasm } from './wasm-helpers.js';

/** The first draw t (a 32-bit integer) from these four words, as drawMask makes it. */
const firstT = (s: Uint32Array) => (((s[0] + s[1]) >>> 0) + s[3]) >>> 0;

/** Run fillMask of `k` and drawMask on copies of the same state; both masks and both final states must be bit-equal. */
function expectSameAsReference(fillMask: (s: Uint32Array, o: Float32Array, n: number, t: number, v: number) => void,
  words: number[], n: number, threshold: number, value: number, out: Float32Array = new Float32Array(n)): void {
  const sGot = Uint32Array.from(words), sWant = Uint32Array.from(words);
  const want = new Float32Array(n);
  fillMask(sGot, out, n, threshold, value);
  drawMask(sWant, want, n, threshold, value);
  const bits = (x: Float32Array) => [...new Uint32Array(x.buffer, x.byteOffset, n)];
  expect(bits(out), `mask, threshold ${threshold}, value ${value}`).toEqual(bits(want));
  expect([...sGot], 'state after the draws').toEqual([...sWant]);
}

const word = fc.integer({ min: 0, max: 0xffffffff });
const words = fc.tuple(word, word, word, word);

describe('Kernels.fillMask: the dropout draws of Rng on every backend', () => {
  for (const variant of VARIANTS) {
    describe(`wasm (${variant})`, () => {
      it('gives drawMask\'s bits and final state for any state, length, threshold and value (masks inside and outside wasm memory)', () => {
        testVariant(variant);
        const k = wasm();
        fc.assert(fc.property(words, fc.integer({ min: 0, max: 600 }), fc.double({ min: 0, max: 1, noNaN: true }),
          fc.double({ min: 0.5, max: 20, noNaN: true }), fc.boolean(), (w, n, threshold, value, inside) => {
            expectSameAsReference(k.fillMask, w, n, threshold, value, inside ? k.alloc(Math.max(n, 1)) : new Float32Array(n));
          }), { numRuns: 200 });
      });

      it('keeps a draw exactly at the threshold and drops one just below it (the integer test t ≥ ⌈threshold·2³²⌉)', () => {
        testVariant(variant);
        const k = wasm();
        fc.assert(fc.property(words, (w) => {
          const t = firstT(Uint32Array.from(w));
          for (const threshold of [t / 2 ** 32, (t + 1) / 2 ** 32, (t + 0.5) / 2 ** 32, Math.max(0, t - 0.5) / 2 ** 32]) {
            expectSameAsReference(k.fillMask, w, 1, threshold, 2);
          }
          const out = new Float32Array(1);
          k.fillMask(Uint32Array.from(w), out, 1, t / 2 ** 32, 2);
          expect(out[0]).toBe(2); // u = threshold: kept
          if (t < 0xffffffff) {
            k.fillMask(Uint32Array.from(w), out, 1, (t + 1) / 2 ** 32, 2);
            expect(out[0]).toBe(0); // u just below: dropped
          }
        }), { numRuns: 100 });
      });

      it('matches at the edges: threshold 0, 1, above 1, negative, NaN; values negative (−0s), infinite, NaN; n = 0', () => {
        testVariant(variant);
        const k = wasm();
        const w = [0x9e3779b9, 0x243f6a88, 0xb7e15162, 7];
        for (const threshold of [0, 1, 1 - 2 ** -33, 1.5, -0.25, NaN]) {
          for (const value of [1 / 0.9, -3, Infinity, NaN, 0]) expectSameAsReference(k.fillMask, w, 37, threshold, value);
        }
        expectSameAsReference(k.fillMask, w, 0, 0.5, 2);
      });
    });
  }

  it('js and reference kernels are drawMask', () => {
    expect(jsKernels.fillMask).toBe(drawMask);
    expect(referenceKernels.fillMask).toBe(drawMask);
  });
});
