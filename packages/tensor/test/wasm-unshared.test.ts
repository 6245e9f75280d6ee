/**
 * The WASM backend over an ordinary (unshared) memory, the fallback for hosts that refuse shared memory
 * (a browser page that is not cross-origin isolated): the same kernels, with every argument staged in and
 * out. It must give the shared runtime's results bit for bit, including across a memory grow mid-call.
 */
import { describe, expect, it } from 'vitest';
import { Rng, type Kernels } from '@tsnn/tensor';
import { instantiateWasm, loadWasmRuntime } from '../src/wasm/index.js';

const sharedRt = loadWasmRuntime(), unsharedRt = instantiateWasm(false); // one of each for the whole file

function runtimes() {
  if (!sharedRt || !unsharedRt) throw new Error('the WASM backend did not load on this platform');
  return { shared: sharedRt, unshared: unsharedRt };
}

const random = (n: number, rng: Rng, lo = -1, hi = 1) => Float32Array.from({ length: n }, () => rng.uniformIn(lo, hi));

/** Run `op` on each kernel set with its own copies of `args`; every array must come out the same, bit for bit. */
function expectSame(what: string, args: Float32Array[], op: (k: Kernels, a: Float32Array[]) => void): void {
  const { shared, unshared } = runtimes();
  const mine = args.map((a) => a.slice()), theirs = args.map((a) => a.slice());
  op(unshared.kernels, mine);
  op(shared.kernels, theirs);
  mine.forEach((a, i) => {
    const j = a.findIndex((v, t) => !Object.is(v, theirs[i][t]));
    if (j >= 0) throw new Error(`${what}: argument ${i}[${j}] is ${a[j]} unshared, ${theirs[i][j]} shared`);
  });
}

describe('wasm backend over an unshared memory', () => {
  it('loads with an ordinary memory and hands out ordinary arrays', () => {
    const { unshared } = runtimes();
    expect(unshared.shared).toBe(false);
    expect(unshared.memory.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    const x = unshared.kernels.alloc(10);
    expect(unshared.heap.owns(x)).toBe(false);
    expect([...x].every((v) => v === 0)).toBe(true);
  });

  it('every kernel matches the shared runtime bit for bit', () => {
    const rng = new Rng(3);
    for (const [m, n, k] of [[1, 1, 1], [5, 3, 7], [33, 17, 129], [128, 128, 784]]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const beta of [0, 1] as const) {
            expectSame(`gemm ${m}×${n}×${k} ${transA} ${transB} β=${beta}`, [random(m * k, rng), random(k * n, rng), random(m * n, rng)],
              (K, [a, b, c]) => K.gemm(transA, transB, m, n, k, a, b, beta, c));
          }
        }
      }
    }
    const r = 37, c = 19, len = r * c;
    expectSame('addBias', [random(len, rng), random(c, rng)], (K, [y, b]) => K.addBias(y, b, r, c));
    expectSame('sumRows', [random(len, rng), random(c, rng)], (K, [dy, db]) => K.sumRows(dy, db, r, c));
    expectSame('relu', [random(len, rng), new Float32Array(len)], (K, [x, y]) => K.relu(x, y, len));
    expectSame('relu in place', [random(len, rng)], (K, [x]) => K.relu(x, x, len));
    expectSame('reluBackward', [random(len, rng), random(len, rng), new Float32Array(len)], (K, [y, dy, dx]) => K.reluBackward(y, dy, dx, len));
    expectSame('sigmoid', [random(len, rng, -30, 30), new Float32Array(len)], (K, [x, y]) => K.sigmoid(x, y, len));
    expectSame('sigmoidBackward', [random(len, rng, 0, 1), random(len, rng), new Float32Array(len)], (K, [y, dy, dx]) => K.sigmoidBackward(y, dy, dx, len));
    expectSame('sub', [random(len, rng), random(len, rng), new Float32Array(len)], (K, [a, b, y]) => K.sub(a, b, y, len));
    expectSame('mul', [random(len, rng), random(len, rng), new Float32Array(len)], (K, [a, b, y]) => K.mul(a, b, y, len));
    expectSame('rmsprop', [random(len, rng), random(len, rng), random(len, rng, 0, 1)], (K, [t, g, v]) => K.rmsprop(t, g, v, len, 1e-3, 0.9, 1e-7));
    expectSame('adam', [random(len, rng), random(len, rng), random(len, rng), random(len, rng, 0, 1)], (K, [t, g, m, v]) => K.adam(t, g, m, v, len, 1e-3, 0.9, 0.999, 1e-7));
    const bytes = Uint8Array.from({ length: len }, () => rng.int(256));
    expectSame('bytesToFloat', [new Float32Array(len)], (K, [y]) => K.bytesToFloat(bytes, y, len, 255));
  });

  it('a call that grows the memory (old buffer detached) still gives the right answer, and so do later calls', () => {
    const { unshared } = runtimes();
    const before = unshared.memory.buffer.byteLength;
    const rng = new Rng(4);
    // 3 × 1300² floats staged plus packed panels: more than the 16 MiB the memory starts with.
    const m = 1300, n = 1300, k = 1300;
    expectSame('gemm that grows the memory', [random(m * k, rng), random(k * n, rng), new Float32Array(m * n)],
      (K, [a, b, c]) => K.gemm(false, false, m, n, k, a, b, 0, c));
    expect(unshared.memory.buffer.byteLength).toBeGreaterThan(before);
    expectSame('relu after the grow', [random(1000, rng), new Float32Array(1000)], (K, [x, y]) => K.relu(x, y, 1000));
  });
});
