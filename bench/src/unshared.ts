/**
 * `pnpm --filter @tsnn/bench unshared`: what the WASM backend costs over an ordinary memory (the fallback
 * where a host refuses shared memory, so every kernel call copies its arguments in and out) — 200 training
 * steps of the example's model on real MNIST pairs with the WASM kernels over shared memory, over unshared
 * memory, and with the TypeScript kernels, in turn, for three rounds; prints ms per step.
 */
import { Rng, useBackend } from '@tsnn/tensor';
import { instantiateWasm, loadWasmKernels, registerBackend } from '@tsnn/tensor/internal';
import { contrastiveLoss, fit } from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';
import { siameseMlp } from '@tsnn/examples';
import { loadBenchData } from './data.js';

const STEPS = 200, BATCH = 128;
const { train } = loadBenchData(0, STEPS * BATCH, 1);
const unshared = instantiateWasm(false);
if (!unshared) throw new Error('the WASM backend cannot load here');
const modes = {
  'wasm, shared memory': () => (registerBackend('wasm', loadWasmKernels), useBackend('wasm')),
  'wasm, unshared memory': () => (registerBackend('wasm', () => unshared.kernels), useBackend('wasm')),
  js: () => useBackend('js'),
};
for (let round = 1; round <= 3; round++) {
  for (const [mode, select] of Object.entries(modes)) {
    select();
    const rng = new Rng(1);
    const model = siameseMlp(train.features, rng);
    const t0 = performance.now();
    fit(model, train, { epochs: 1, batchSize: BATCH, loss: contrastiveLoss, optimizer: new RMSprop(model.parameters()), rng });
    console.log(`round ${round}, ${mode}: ${((performance.now() - t0) / STEPS).toFixed(2)} ms a step`);
  }
}
