/**
 * Training on the WASM backend over an unshared memory (the fallback where a host refuses shared memory)
 * must be the same run as over the shared one: same seed, same kernels, bit-identical weights.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Rng, useBackend } from '@tsnn/tensor';
import { instantiateWasm, loadWasmKernels, registerBackend } from '@tsnn/tensor/internal';
import { Dense, Dropout, Sequential, Siamese, Subtract, contrastiveLoss, fit, pairArrays } from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';

/** 200 random pairs of 20 features, trained for 2 epochs; every weight before and after. */
function train(): { before: number[][]; after: number[][] } {
  const rng = new Rng(11);
  const model = new Siamese({
    base: new Sequential([new Dense(32, { activation: 'relu' }), new Dropout(0.1), new Dense(16, { activation: 'relu' })]),
    merge: new Subtract(),
    head: new Sequential([new Dropout(0.1), new Dense(8, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]),
  });
  model.build(20, rng);
  const weights = () => model.parameters().map(({ param }) => [...param.value]);
  const before = weights();
  const n = 200, a = new Float32Array(20 * n).map(() => rng.uniform()), b = new Float32Array(20 * n).map(() => rng.uniform());
  const y = new Float32Array(n).map((_, i) => +(a[20 * i] > b[20 * i]));
  fit(model, pairArrays(a, b, y, 20), { epochs: 2, batchSize: 32, loss: contrastiveLoss, optimizer: new RMSprop(model.parameters()), rng });
  return { before, after: weights() };
}

describe('wasm backend over an unshared memory', () => {
  afterEach(() => {
    registerBackend('wasm', loadWasmKernels);
    useBackend('wasm');
  });

  it('trains bit-identically to the shared one', () => {
    useBackend('wasm');
    const shared = train();
    const unshared = instantiateWasm(false);
    if (!unshared) throw new Error('the WASM backend did not load on this platform');
    registerBackend('wasm', () => unshared.kernels);
    expect(useBackend('wasm')).toBe(unshared.kernels);
    const fallback = train();
    expect(fallback.after).toEqual(shared.after);
    // The runs really moved the weights, so the equality is not two untouched initialisations.
    expect(shared.after).not.toEqual(shared.before);
  });
});
