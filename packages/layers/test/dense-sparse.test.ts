import { afterEach, describe, expect, it } from 'vitest';
import { Rng, Tensor, Workspace, availableBackends, sparseInput, useBackend, useSparseInputs, SPARSE_MAX_DENSITY, type BackendName, type Kernels } from '@tsnn/tensor';
import { registerBackend, jsKernels, loadWasmKernels } from '@tsnn/tensor/internal';
import { Dense } from '@tsnn/layers';
import { randomTensor } from './helpers.js';

/** x: [rows, cols] with the given fraction of entries nonzero (values in [0.01, 1]), like pixels. */
function sparseTensor(rows: number, cols: number, density: number, rng: Rng): Tensor {
  const x = new Tensor([rows, cols]);
  for (let i = 0; i < x.size; i++) if (rng.uniform() < density) x.data[i] = rng.uniformIn(0.01, 1);
  return x;
}

const loaders: Record<BackendName, () => Kernels | null> = { js: () => jsKernels, wasm: loadWasmKernels };

/** The active backend with sparseGemm counted (restored by afterEach). */
function countingSparseGemm(name: BackendName): { calls: number } {
  const base = loaders[name]()!;
  const counter = { calls: 0 };
  registerBackend(name, () => ({
    ...base,
    sparseGemm: (...args) => {
      counter.calls++;
      base.sparseGemm(...args);
    },
  }));
  useBackend(name);
  return counter;
}

/** Forward and backward of a fresh Dense(37, relu) on x, with the given sparse setting: y, dW, db, dx. */
function run(x: Tensor, density: number, inputGrad: boolean): Float32Array[] {
  const old = useSparseInputs(density);
  try {
    const d = new Dense(37, { activation: 'relu' });
    d.build(x.shape[1], new Rng(3));
    const ws = new Workspace();
    const ctx = { training: true, rng: new Rng(0), workspace: ws };
    const call = d.forward(x, ctx);
    const dy = randomTensor([x.shape[0], 37], new Rng(4));
    const dx = call.backward(dy, inputGrad);
    // twice: the second call accumulates into the gradients, as a shared (Siamese) layer does
    const call2 = d.forward(x, ctx);
    call2.backward(dy, inputGrad);
    return [call.y.data.slice(), d.kernel!.grad.slice(), d.bias!.grad.slice(), ...(dx ? [dx.data.slice()] : [])];
  } finally {
    useSparseInputs(old);
  }
}

describe('Dense with a mostly-zero input (the sparse-input path)', () => {
  afterEach(() => {
    registerBackend('js', () => jsKernels);
    registerBackend('wasm', loadWasmKernels);
    useBackend(availableBackends()[0]);
  });

  for (const name of availableBackends()) {
    it(`[${name}] takes the sparse path for a sparse input and gives the dense path's bits (y, dW, db, dx)`, () => {
      const counter = countingSparseGemm(name);
      const x = sparseTensor(33, 129, 0.15, new Rng(1));
      const dense = run(x, 0, true);
      expect(counter.calls).toBe(0);
      const sparse = run(x, SPARSE_MAX_DENSITY, true);
      expect(counter.calls).toBe(4); // forward and weight gradient, twice
      expect(sparse).toEqual(dense);
      expect(run(x, SPARSE_MAX_DENSITY, false)).toEqual(run(x, 0, false)); // first layer: no dx
    });

    it(`[${name}] keeps the dense path for an input above the density threshold`, () => {
      const counter = countingSparseGemm(name);
      const x = sparseTensor(20, 50, 0.9, new Rng(2));
      expect(run(x, SPARSE_MAX_DENSITY, true)).toEqual(run(x, 0, true));
      expect(counter.calls).toBe(0);
    });
  }

  it('sparseInput measures the density: at most the threshold → sparse, above it → null, 0 turns it off', () => {
    const x = new Tensor([4, 10]); // 40 entries
    for (let i = 0; i < 12; i++) x.data[3 * i] = 1; // 12 nonzeros: density 0.3
    const old = useSparseInputs(0.3);
    try {
      expect(sparseInput(x)).not.toBeNull();
      useSparseInputs(0.29);
      expect(sparseInput(x)).toBeNull();
      useSparseInputs(0);
      expect(sparseInput(new Tensor([4, 10]))).toBeNull();
      expect(() => useSparseInputs(1.5)).toThrow('useSparseInputs: density must be in [0, 1], got 1.5');
    } finally {
      useSparseInputs(old);
    }
  });
});
