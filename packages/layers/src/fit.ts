/**
 * fit / evaluate / predict for a Siamese model, shaped like Keras's: per-epoch history with loss,
 * binary_accuracy, val_loss and val_binary_accuracy, callbacks per batch and per epoch.
 */
import { Tensor, TsnnError, Workspace, type Rng } from '@tsnn/tensor';
import { nowMs } from './platform.js';
import type { PairData } from './data.js';
import type { LossFn } from './losses.js';
import { BinaryCounts } from './metrics.js';
import type { Siamese } from './siamese.js';

/** Anything with a step() over the model's parameters (an optimizer from @tsnn/optimizers). */
export interface Stepper {
  step(): void;
}

export interface EpochLogs {
  epoch: number;
  loss: number;
  binary_accuracy: number;
  val_loss?: number;
  val_binary_accuracy?: number;
  seconds: number;
}

export interface BatchLogs {
  /** Running means over the epoch so far. */
  loss: number;
  binary_accuracy: number;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  loss: LossFn;
  optimizer: Stepper;
  rng: Rng;
  validation?: PairData;
  /** Shuffle the training pairs each epoch (Keras's default). */
  shuffle?: boolean;
  /** Start counting at this epoch (for resuming). */
  initialEpoch?: number;
  onBatchEnd?: (step: number, steps: number, logs: BatchLogs) => void;
  onEpochEnd?: (logs: EpochLogs) => void;
}

export interface EvalResult {
  loss: number;
  counts: BinaryCounts;
}

function checkPositiveInt(op: string, name: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min) throw new TsnnError(`${op}: ${name} must be an integer ≥ ${min}, got ${v}`);
}

/** Reused batch buffers: xa, xb: [batch, features], y: [batch]. */
class BatchBuffers {
  constructor(private ws: Workspace, private features: number) {}
  take(n: number): { xa: Tensor; xb: Tensor; y: Float32Array } {
    const xa = this.ws.tensor([n, this.features]);
    const xb = this.ws.tensor([n, this.features]);
    const y = this.ws.tensor([n]).data;
    return { xa, xb, y };
  }
}

export function fit(model: Siamese, data: PairData, opts: FitOptions): EpochLogs[] {
  const { epochs, batchSize, loss, optimizer, rng, validation, shuffle = true, initialEpoch = 0 } = opts;
  checkPositiveInt('fit', 'epochs', epochs);
  checkPositiveInt('fit', 'batchSize', batchSize);
  checkPositiveInt('fit', 'initialEpoch', initialEpoch, 0);
  if (data.features !== model.inFeatures) {
    throw new TsnnError(`fit: data has ${data.features} features per input, the model expects ${model.inFeatures}`);
  }
  const params = model.parameters();
  const ws = new Workspace();
  const buffers = new BatchBuffers(ws, data.features);
  const order = new Uint32Array(data.size).map((_, i) => i);
  const steps = Math.ceil(data.size / batchSize);
  const history: EpochLogs[] = [];

  for (let epoch = initialEpoch; epoch < epochs; epoch++) {
    const t0 = nowMs();
    if (shuffle) rng.shuffle(order);
    const counts = new BinaryCounts();
    let lossSum = 0;
    for (let s = 0; s < steps; s++) {
      const start = s * batchSize;
      const n = Math.min(batchSize, data.size - start);
      ws.reset();
      const { xa, xb, y } = buffers.take(n);
      data.gather(order, start, n, xa.data, xb.data, y);
      for (const { param } of params) param.zeroGrad();
      const call = model.forward(xa, xb, { training: true, rng, workspace: ws });
      const { loss: l, dp } = loss(call.y, y, ws);
      if (!Number.isFinite(l)) {
        throw new TsnnError(`fit: loss is ${l} at epoch ${epoch + 1}, step ${s + 1}/${steps}; ` +
          'likely causes: a learning rate too high, or inputs not scaled to a small range (e.g. pixels not divided by 255)');
      }
      call.backward(dp);
      optimizer.step();
      lossSum += l * n;
      counts.add(call.y.data, y, n);
      opts.onBatchEnd?.(s + 1, steps, { loss: lossSum / counts.total, binary_accuracy: counts.accuracy });
    }
    const logs: EpochLogs = { epoch: epoch + 1, loss: lossSum / data.size, binary_accuracy: counts.accuracy, seconds: 0 };
    if (validation) {
      const v = evaluate(model, validation, { batchSize, loss, rng });
      logs.val_loss = v.loss;
      logs.val_binary_accuracy = v.counts.accuracy;
    }
    logs.seconds = (nowMs() - t0) / 1000;
    history.push(logs);
    opts.onEpochEnd?.(logs);
  }
  return history;
}

export interface PredictOptions {
  batchSize?: number;
  rng: Rng;
}

/** Model outputs for every pair, in order, in inference mode: [size]. */
export function predict(model: Siamese, data: PairData, { batchSize = 128, rng }: PredictOptions): { p: Float32Array; y: Float32Array } {
  checkPositiveInt('predict', 'batchSize', batchSize);
  const ws = model.predictWorkspace;
  const buffers = new BatchBuffers(ws, data.features);
  const order = new Uint32Array(data.size).map((_, i) => i);
  const p = new Float32Array(data.size);
  const labels = new Float32Array(data.size);
  for (let start = 0; start < data.size; start += batchSize) {
    const n = Math.min(batchSize, data.size - start);
    ws.reset();
    const { xa, xb, y } = buffers.take(n);
    data.gather(order, start, n, xa.data, xb.data, y);
    const out = model.forward(xa, xb, { training: false, rng, workspace: ws }).y;
    p.set(out.data.subarray(0, n), start);
    labels.set(y, start);
  }
  return { p, y: labels };
}

/** Mean loss and binary counts over all pairs, in inference mode. */
export function evaluate(model: Siamese, data: PairData, { batchSize = 128, loss, rng }: PredictOptions & { loss: LossFn }): EvalResult {
  const { p, y } = predict(model, data, { batchSize, rng });
  let lossSum = 0;
  for (let start = 0; start < data.size; start += batchSize) {
    const n = Math.min(batchSize, data.size - start);
    lossSum += loss(new Tensor([n, 1], p.subarray(start, start + n)), y.subarray(start, start + n)).loss * n;
  }
  return { loss: lossSum / data.size, counts: new BinaryCounts().add(p, y) };
}
