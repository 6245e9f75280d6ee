/**
 * TensorFlow.js peers: tfjs-core with the cpu or wasm backend, the same model built with the
 * tfjs-layers functional API, trained with trainOnBatch on batches gathered from the same pairs.
 * Imported only by workers that run a tfjs system, so tsnn workers never load tfjs.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { BinaryCounts, contrastiveLoss } from '@tsnn/layers';
import { Tensor } from '@tsnn/tensor';
import { loadBenchData, stepFigures, trainFigures } from './data.js';
import { sum, type GemmEngine } from './matmul.js';
import type { TrainFigures } from './systems.js';
import type { TrainSettings } from './train-settings.js';

/** Select the tfjs backend and describe what actually runs. */
export async function setupTfjs(backend: 'cpu' | 'wasm'): Promise<string> {
  let detail = ' (JavaScript, 1 thread)';
  if (backend === 'cpu') {
    await import('@tensorflow/tfjs-backend-cpu');
  } else {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // Load the .wasm files from the package's own dist/ folder.
    const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(`${dist}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: setBackend("wasm") failed');
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    detail = ` (SIMD ${simd ? 'on' : 'off'}, multithread ${threads ? 'on' : 'off'}, ${wasm.getThreadsCount()} thread)`;
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: setBackend("${backend}") failed`);
  await tf.ready();
  if (tf.getBackend() !== backend) throw new Error(`tfjs: asked for backend ${backend}, got ${tf.getBackend()}`);
  return `tfjs ${tf.version_core} ${tf.getBackend()}${detail}`;
}

/** Tensors made once; each call is tf.matMul + dataSync (so the product is really computed) + dispose. */
export const tfjsGemm: GemmEngine = (c, a, b) => {
  const A = tf.tensor2d(a, c.aShape);
  const B = tf.tensor2d(b, c.bShape);
  return {
    run: () => {
      const C = tf.matMul(A, B, c.transA, c.transB);
      C.dataSync();
      C.dispose();
    },
    checksum: () => {
      const C = tf.matMul(A, B, c.transA, c.transB);
      const s = sum(C.dataSync());
      C.dispose();
      return s;
    },
    dispose: () => tf.dispose([A, B]),
  };
};

/** mean((1 − y)·p² + y·max(1 − p, 0)²), label 1 = same pair, margin 1. */
function contrastive(y: tf.Tensor, p: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const same = tf.mul(y, tf.square(tf.maximum(tf.sub(1, p), 0)));
    const different = tf.mul(tf.sub(1, y), tf.square(p));
    return tf.mean(tf.add(different, same));
  });
}

/** tfjs-layers has Add, Multiply, … but no Subtract merge layer (Keras has one): this is its equivalent. */
class Subtract extends tfl.layers.Layer {
  static readonly className = 'Subtract';
  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return (inputShape as tfl.Shape[])[0];
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [a, b] = inputs as tf.Tensor[];
    return tf.sub(a, b);
  }
}

/** The reference model: one base model applied to both inputs, Subtract, then the head. */
export function buildModel(features: number): tfl.LayersModel {
  const dense = (units: number, activation: 'relu' | 'sigmoid') =>
    tfl.layers.dense({ units, activation, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' });
  const x = tfl.input({ shape: [features] });
  let h = dense(128, 'relu').apply(x) as tfl.SymbolicTensor;
  h = tfl.layers.dropout({ rate: 0.1 }).apply(h) as tfl.SymbolicTensor;
  h = dense(128, 'relu').apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.dropout({ rate: 0.1 }).apply(h) as tfl.SymbolicTensor;
  h = dense(128, 'relu').apply(h) as tfl.SymbolicTensor;
  const base = tfl.model({ inputs: x, outputs: h, name: 'base' });

  const xa = tfl.input({ shape: [features] });
  const xb = tfl.input({ shape: [features] });
  const fa = base.apply(xa) as tfl.SymbolicTensor;
  const fb = base.apply(xb) as tfl.SymbolicTensor;
  let z = new Subtract().apply([fa, fb]) as tfl.SymbolicTensor;
  z = tfl.layers.dropout({ rate: 0.1 }).apply(z) as tfl.SymbolicTensor;
  z = dense(16, 'relu').apply(z) as tfl.SymbolicTensor;
  const p = dense(1, 'sigmoid').apply(z) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: [xa, xb], outputs: p, name: 'siamese' });
  // tfjs RMSprop with momentum 0, not centered: ms ← ρ·ms + (1−ρ)·g²; θ ← θ − lr·g / sqrt(ms + ε), as Keras.
  model.compile({ optimizer: tf.train.rmsprop(1e-3, 0.9, 0, 1e-7), loss: contrastive });
  return model;
}

export async function trainTfjs(s: TrainSettings, log: (line: string) => void): Promise<TrainFigures & { tensorsLeaked: number }> {
  const total = s.warmupSteps + s.steps;
  const { rng, train, test } = loadBenchData(s.seed, total * s.batchSize, s.valPairs);
  const F = train.features;
  const model = buildModel(F);
  const order = new Uint32Array(train.size).map((_, i) => i);
  rng.shuffle(order);
  // Batch buffers: xa, xb: [batch, F], y: [batch]; reused (each batch's tensors are disposed before the next gather).
  const xa = new Float32Array(s.batchSize * F), xb = new Float32Array(s.batchSize * F), y = new Float32Array(s.batchSize);
  let tensorsAfterFirstStep = 0; // the optimiser makes its slot variables on the first step

  const stamps = [performance.now()];
  let firstLoss = NaN, lossSum = 0;
  for (let step = 0; step < total; step++) {
    train.gather(order, step * s.batchSize, s.batchSize, [xa, xb], y);
    const ta = tf.tensor2d(xa, [s.batchSize, F]);
    const tb = tf.tensor2d(xb, [s.batchSize, F]);
    const ty = tf.tensor2d(y, [s.batchSize, 1]);
    const l = (await model.trainOnBatch([ta, tb], ty)) as number;
    tf.dispose([ta, tb, ty]);
    stamps.push(performance.now());
    if (step === 0) {
      firstLoss = l;
      tensorsAfterFirstStep = tf.memory().numTensors;
    }
    lossSum += l;
    if (!Number.isFinite(l)) throw new Error(`tfjs: loss is ${l} at step ${step + 1}`);
  }
  const tensorsLeaked = tf.memory().numTensors - tensorsAfterFirstStep;
  const f = stepFigures(stamps, s.warmupSteps, s.batchSize);
  log(`  train ${f.steps} steps after ${s.warmupSteps} warm-up: ${f.pairsPerSec.toFixed(0)} pairs/s, median step ${f.medianStepMs.toFixed(1)} ms`);

  // Validation: predict in inference mode per batch, loss and accuracy with tsnn's own metric code (as evaluate does).
  const t0 = performance.now();
  const seq = new Uint32Array(test.size).map((_, i) => i);
  const p = new Float32Array(test.size), labels = new Float32Array(test.size);
  for (let start = 0; start < test.size; start += s.batchSize) {
    const n = Math.min(s.batchSize, test.size - start);
    test.gather(seq, start, n, [xa, xb], y);
    const ta = tf.tensor2d(xa.subarray(0, n * F), [n, F]);
    const tb = tf.tensor2d(xb.subarray(0, n * F), [n, F]);
    const out = model.predict([ta, tb]) as tf.Tensor;
    p.set(out.dataSync() as Float32Array, start);
    labels.set(y.subarray(0, n), start);
    tf.dispose([ta, tb, out]);
  }
  let vLossSum = 0;
  for (let start = 0; start < test.size; start += s.batchSize) {
    const n = Math.min(s.batchSize, test.size - start);
    vLossSum += contrastiveLoss(labels.subarray(start, start + n), new Tensor([n, 1], p.subarray(start, start + n))).loss * n;
  }
  const accuracy = new BinaryCounts().add(p, labels).accuracy;
  const vSeconds = (performance.now() - t0) / 1000;
  model.dispose();
  const figures = trainFigures(s, f, firstLoss, lossSum / total, { pairs: test.size, seconds: vSeconds, loss: vLossSum / test.size, accuracy }, log);
  return { ...figures, tensorsLeaked };
}
