import { describe, it } from 'vitest';
import fc from 'fast-check';
import { Rng, type Kernels } from '@tsnn/tensor';
import { jsKernels, referenceKernels as ref } from '@tsnn/tensor/internal';
import { expectClose, wasm } from './wasm-helpers.js';

const backends: [string, () => Kernels][] = [['js', () => jsKernels], ['wasm', wasm]];

/** A copy of the bytes x inside wasm memory (a view over alloc'd floats) or an ordinary one. */
function place(x: Uint8Array, inside: boolean): Uint8Array {
  if (!inside) return x.slice();
  const f = wasm().alloc(Math.ceil(x.length / 4));
  const y = new Uint8Array(f.buffer, f.byteOffset, x.length);
  y.set(x);
  return y;
}

const exactly = () => 0;

describe('bytesToFloat: bytes / div', () => {
  it('gives the float32 of v / 255 for all 256 byte values, on every backend', () => {
    const x = Uint8Array.from({ length: 256 }, (_, v) => v);
    const want = Float32Array.from(x, (v) => v / 255); // the example's old look-up table
    for (const [name, k] of backends) {
      for (const inside of [false, true]) {
        const y = new Float32Array(256);
        k().bytesToFloat(place(x, inside), y, 256, 255);
        expectClose(`${name} inside=${inside}`, y, want, exactly);
      }
    }
  });

  it('agrees bit for bit with the reference for any length (vector loop and tail) and divisor', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), fc.integer(), fc.boolean(),
      fc.constantFrom(255, 1, 3, 7, 0.1, 1e-3, 1e30, -255), (n, seed, inside, div) => {
        const rng = new Rng(seed);
        const x = Uint8Array.from({ length: n }, () => rng.int(256));
        const want = new Float32Array(n + 1).fill(-7);
        ref.bytesToFloat(x, want, n, div);
        for (const [name, k] of backends) {
          const y = new Float32Array(n + 1).fill(-7); // the float after n stays untouched
          k().bytesToFloat(place(x, inside), y, n, div);
          expectClose(`${name} n=${n} div=${div} inside=${inside}`, y, want, exactly);
        }
      }), { numRuns: 100 });
  });
});
