/**
 * `pnpm --filter @tsnn/bench negate-output -- --seed N [--epochs 20]`: the example's run for seed N (same pairs,
 * same initial weights, same shuffling and dropout draws), except that the output unit's initial weights are
 * negated, w₂ → −w₂. Everything else about the starting point is unchanged, so the final accuracy beside the
 * example's own says how much of a seed's result comes from the signs of those 16 weights (see the README).
 */
import { parseArgs } from 'node:util';
import { useBackend } from '@tsnn/tensor';
import { contrastiveLoss, fit, type Dense } from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';
import { siameseMlp } from '@tsnn/examples';
import { loadBenchData } from './data.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, epochs: { type: 'string' } } });
const seed = Number(values.seed ?? 0), epochs = Number(values.epochs ?? 20);
if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got '${values.seed}'`);
if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs must be a positive integer, got '${values.epochs}'`);
useBackend('wasm');

const { rng, train, test } = loadBenchData(seed, 60000, 10000);
const model = siameseMlp(train.features, rng);
const w2 = (model.head.layers[2] as Dense).kernel!.value; // [16, 1]
for (let i = 0; i < w2.length; i++) w2[i] = -w2[i];
fit(model, train, {
  epochs, batchSize: 128, loss: contrastiveLoss, optimizer: new RMSprop(model.parameters()), rng, validationData: test, metrics: ['binary_accuracy'],
  callbacks: [{
    onEpochEnd: (e, l) => console.log(`seed ${seed}, output weights negated: epoch ${e + 1}/${epochs} - binary_accuracy ${l.binary_accuracy.toFixed(4)} - val_binary_accuracy ${l.val_binary_accuracy.toFixed(4)}`),
  }],
});
