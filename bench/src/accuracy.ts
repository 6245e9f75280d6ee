/**
 * `pnpm --filter @tsnn/bench accuracy -- --seed N [--epochs 20] [--backend wasm|cpu] [--init tfjs|tsnn]`: the
 * reference recipe trained to the end with TensorFlow.js (RMSprop, its own dropout) on the same MNIST pairs the
 * example makes for that seed, shuffled every epoch, validated on the test pairs after every epoch.
 * `--init tfjs` (default): tfjs's own glorot-uniform init, unseeded — an independent implementation's spread of
 * final accuracies over seeds, to set tsnn's beside. `--init tsnn`: tsnn's exact initial weights for that seed —
 * whether a seed that trains slowly in tsnn is slow because of its starting point or because of tsnn's training.
 * Slow (tfjs wasm ≈ 20 s an epoch here); prints one line per epoch and a JSON line at the end.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { BinaryCounts } from '@tsnn/layers';
import { siameseMlp } from '@tsnn/examples';
import { loadBenchData } from './data.js';
import { buildModel, setupTfjs } from './train-tfjs.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, epochs: { type: 'string' }, backend: { type: 'string' }, init: { type: 'string' } } });
const seed = Number(values.seed ?? 0), epochs = Number(values.epochs ?? 20);
const backend = values.backend === 'cpu' ? 'cpu' : 'wasm';
const init = values.init ?? 'tfjs';
if (init !== 'tfjs' && init !== 'tsnn') throw new Error(`--init must be tfjs or tsnn, got '${init}'`);
console.error(await setupTfjs(backend));

const { rng, train, test } = loadBenchData(seed, 60000, 10000);
const F = train.features, B = 128;
const model = buildModel(F);
if (init === 'tsnn') {
  // The example draws its weights from the Rng right after the pairs; this rng is at that point.
  const params = siameseMlp(F, rng).parameters();
  const weights = model.getWeights(); // the variables' own tensors: read, not disposed
  if (weights.length !== params.length) throw new Error(`tfjs model has ${weights.length} weight tensors, tsnn ${params.length}`);
  model.setWeights(params.map(({ name, param }, i) => {
    if (String(weights[i].shape) !== String(param.shape)) throw new Error(`${name}: tsnn shape [${param.shape}], tfjs [${weights[i].shape}]`);
    return tf.tensor(param.value, weights[i].shape);
  }));
}
const order = new Uint32Array(train.size).map((_, i) => i);
const xa = new Float32Array(B * F), xb = new Float32Array(B * F), y = new Float32Array(B);
const history: number[] = [];

for (let epoch = 1; epoch <= epochs; epoch++) {
  const t0 = performance.now();
  rng.shuffle(order);
  for (let start = 0; start < train.size; start += B) {
    const n = Math.min(B, train.size - start);
    train.gather(order, start, n, [xa, xb], y);
    const batch = [tf.tensor2d(xa.subarray(0, n * F), [n, F]), tf.tensor2d(xb.subarray(0, n * F), [n, F]), tf.tensor2d(y.subarray(0, n), [n, 1])];
    await model.trainOnBatch([batch[0], batch[1]], batch[2]);
    tf.dispose(batch);
  }
  const seq = new Uint32Array(test.size).map((_, i) => i);
  const counts = new BinaryCounts();
  for (let start = 0; start < test.size; start += B) {
    const n = Math.min(B, test.size - start);
    test.gather(seq, start, n, [xa, xb], y);
    const ta = tf.tensor2d(xa.subarray(0, n * F), [n, F]), tb = tf.tensor2d(xb.subarray(0, n * F), [n, F]);
    const out = model.predict([ta, tb]) as tf.Tensor;
    counts.add(out.dataSync(), y, n);
    tf.dispose([ta, tb, out]);
  }
  history.push(counts.accuracy);
  console.log(`seed ${seed} epoch ${epoch}/${epochs} - ${((performance.now() - t0) / 1000).toFixed(1)}s - val_binary_accuracy: ${counts.accuracy.toFixed(4)}`);
}
console.log(JSON.stringify({ system: `tfjs-${backend}`, init, seed, epochs, final: history.at(-1), best: Math.max(...history), history }));
