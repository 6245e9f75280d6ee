/**
 * fit / evaluate / predict for a Siamese model, shaped like Keras's: per-epoch history with loss,
 * binary_accuracy, val_loss and val_binary_accuracy, callbacks per batch and per epoch.
 */
import { Tensor, TsnnError, Workspace, type Rng } from '@tsnn/tensor';
import { zeroGrads } from '../models/params.js';
import { nextTask, nowMs } from '../platform.js';
import type { PairData } from './data.js';
import type { LossFn } from '../losses/loss.js';
import { BinaryCounts, PROBABILITY, type Decision } from '../losses/metrics.js';
import type { Siamese } from '../models/siamese.js';

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
  /**
   * Where training stands. Pass the state of an interrupted run (with the model's weights, the optimizer's
   * and the generator's state restored) to continue it exactly; fit keeps it up to date as it goes, so a
   * callback can save it. Default: a fresh start.
   */
  state?: FitState;
  /** How an output becomes "same" for the accuracy (default: a probability > 0.5). */
  decision?: Decision;
  /** Checked after every step; when it returns true, fit returns after that step (state says where). */
  shouldStop?: () => boolean;
  onBatchEnd?: (step: number, steps: number, logs: BatchLogs) => void;
  onEpochEnd?: (logs: EpochLogs) => void;
}

/** Everything fit needs, besides weights, optimizer and generator, to continue a run bit-identically. */
export interface FitState {
  /** Epochs completed. */
  epoch: number;
  /** Steps completed in the current epoch (0 at an epoch boundary). */
  step: number;
  /** The current epoch's order of the training pairs (null before the first epoch). */
  order: Uint32Array | null;
  /** Sums over the current epoch's completed steps. */
  lossSum: number;
  counts: { tp: number; fp: number; tn: number; fn: number };
  /** Seconds spent in the current epoch so far. */
  seconds: number;
  history: EpochLogs[];
}

export function initialFitState(): FitState {
  return { epoch: 0, step: 0, order: null, lossSum: 0, counts: { tp: 0, fp: 0, tn: 0, fn: 0 }, seconds: 0, history: [] };
}

export interface FitResult {
  history: EpochLogs[];
  /** True when shouldStop ended training early. */
  stopped: boolean;
  state: FitState;
}

export interface EvalResult {
  loss: number;
  counts: BinaryCounts;
}

function checkPositiveInt(op: string, name: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min) throw new TsnnError(`${op}: ${name} must be an integer ≥ ${min}, got ${v}`);
}

/**
 * Reads batches into reused buffers (xa, xb: [n, features], y: [n]) at the start of each step, and
 * rejects non-finite inputs unless the data is finite by construction.
 */
class Batches {
  constructor(private op: string, private ws: Workspace, private data: PairData) {}

  read(order: ArrayLike<number>, start: number, n: number): { xa: Tensor; xb: Tensor; y: Float32Array } {
    const { ws, data, op } = this;
    ws.reset();
    const xa = ws.tensor([n, data.features]);
    const xb = ws.tensor([n, data.features]);
    const y = ws.tensor([n]).data;
    data.gather(order, start, n, xa.data, xb.data, y);
    if (!data.alwaysFinite) {
      checkFinite(op, xa.data, n, data.features, order, start, 'a');
      checkFinite(op, xb.data, n, data.features, order, start, 'b');
    }
    return { xa, xb, y };
  }
}

/** Throws, naming the pair and feature, if a gathered batch holds NaN or ±Infinity. */
function checkFinite(op: string, x: Float32Array, n: number, features: number, order: ArrayLike<number>, start: number, side: string): void {
  let sum = 0;
  for (let i = 0; i < n * features; i++) sum += x[i] * 0; // 0·v is NaN exactly when v is not finite
  if (sum === 0) return;
  for (let i = 0; i < n * features; i++) {
    if (!Number.isFinite(x[i])) {
      const r = Math.floor(i / features);
      throw new TsnnError(`${op}: input ${side} of pair ${order[start + r]} has ${x[i]} at feature ${i % features}`);
    }
  }
}

/** Train a Siamese model on pair data, Keras-style: epochs of shuffled batches, validation after each epoch. */
export function fit(model: Siamese, data: PairData, opts: FitOptions): FitResult {
  const steps = fitSteps(model, data, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * fit, but it hands control back to the event loop every `yieldMs` milliseconds (between two steps), so
 * timers, I/O and signal handlers (a Ctrl-C that sets shouldStop) run during training.
 */
export async function fitAsync(model: Siamese, data: PairData, opts: FitOptions & { yieldMs?: number }): Promise<FitResult> {
  const steps = fitSteps(model, data, opts);
  const yieldMs = opts.yieldMs ?? 50;
  let last = nowMs();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (nowMs() - last >= yieldMs) {
      await nextTask();
      last = nowMs();
    }
  }
}

/** The training loop, one step per `next()`. */
function* fitSteps(model: Siamese, data: PairData, opts: FitOptions): Generator<void, FitResult, void> {
  const { epochs, batchSize, loss, optimizer, rng, validation, shuffle = true, decision = PROBABILITY } = opts;
  checkPositiveInt('fit', 'epochs', epochs);
  checkPositiveInt('fit', 'batchSize', batchSize);
  if (data.features !== model.inFeatures) {
    throw new TsnnError(`fit: data has ${data.features} features per input, the model expects ${model.inFeatures}`);
  }
  const state = opts.state ?? initialFitState();
  if (state.order && state.order.length !== data.size) {
    throw new TsnnError(`fit: the saved state orders ${state.order.length} pairs, the data has ${data.size}`);
  }
  const params = model.parameters();
  const ws = new Workspace();
  const batches = new Batches('fit', ws, data);
  const steps = Math.ceil(data.size / batchSize);
  let stopped = false;

  while (state.epoch < epochs && !stopped) {
    const t0 = nowMs() - state.seconds * 1000;
    if (state.step === 0) {
      state.order ??= new Uint32Array(data.size).map((_, i) => i);
      if (shuffle) rng.shuffle(state.order);
    }
    const order = state.order!;
    const counts = Object.assign(new BinaryCounts(decision), state.counts);
    state.counts = counts; // counted into in place (its toJSON keeps a checkpoint's copy plain)
    const ctx = { training: true, rng, workspace: ws };
    const lossOpts = { ws };
    while (state.step < steps) {
      const s = state.step;
      const start = s * batchSize;
      const n = Math.min(batchSize, data.size - start);
      const { xa, xb, y } = batches.read(order, start, n);
      zeroGrads(params);
      const call = model.forward(xa, xb, ctx);
      const { loss: l, dyPred } = loss(y, call.y, lossOpts);
      if (!Number.isFinite(l)) {
        throw new TsnnError(`fit: loss is ${l} at epoch ${state.epoch + 1}, step ${s + 1}/${steps}; ` +
          'likely causes: a learning rate too high, or inputs not scaled to a small range (e.g. pixels not divided by 255)');
      }
      call.backward(dyPred);
      optimizer.step();
      counts.add(call.y.data, y, n);
      state.lossSum += l * n;
      state.step = s + 1;
      state.seconds = (nowMs() - t0) / 1000;
      opts.onBatchEnd?.(s + 1, steps, { loss: state.lossSum / counts.total, binary_accuracy: counts.accuracy });
      if (opts.shouldStop?.()) {
        stopped = true;
        break;
      }
      yield;
    }
    if (stopped && state.step < steps) break;
    const logs: EpochLogs = { epoch: state.epoch + 1, loss: state.lossSum / data.size, binary_accuracy: counts.accuracy, seconds: 0 };
    if (validation) {
      const v = evaluate(model, validation, { batchSize, loss, rng, decision });
      logs.val_loss = v.loss;
      logs.val_binary_accuracy = v.counts.accuracy;
    }
    logs.seconds = (nowMs() - t0) / 1000;
    Object.assign(state, { epoch: state.epoch + 1, step: 0, lossSum: 0, counts: { tp: 0, fp: 0, tn: 0, fn: 0 }, seconds: 0 });
    state.history.push(logs);
    opts.onEpochEnd?.(logs);
  }
  return { history: state.history, stopped, state };
}

export interface PredictOptions {
  batchSize?: number;
  rng: Rng;
}

export interface EvaluateOptions extends PredictOptions {
  loss: LossFn;
  decision?: Decision;
}

/** Model outputs for every pair, in order, in inference mode: [size]. */
export function predict(model: Siamese, data: PairData, { batchSize = 128, rng }: PredictOptions): { p: Float32Array; y: Float32Array } {
  checkPositiveInt('predict', 'batchSize', batchSize);
  const ws = model.predictWorkspace;
  const batches = new Batches('predict', ws, data);
  const order = new Uint32Array(data.size).map((_, i) => i);
  const p = new Float32Array(data.size);
  const labels = new Float32Array(data.size);
  const ctx = { training: false, rng, workspace: ws };
  for (let start = 0; start < data.size; start += batchSize) {
    const n = Math.min(batchSize, data.size - start);
    const { xa, xb, y } = batches.read(order, start, n);
    const out = model.forward(xa, xb, ctx).y;
    p.set(out.data.subarray(0, n), start);
    labels.set(y, start);
  }
  return { p, y: labels };
}

/** Mean loss and binary counts over all pairs, in inference mode. */
export function evaluate(model: Siamese, data: PairData, { batchSize = 128, loss, rng, decision = PROBABILITY }: EvaluateOptions): EvalResult {
  const { p, y } = predict(model, data, { batchSize, rng });
  const ws = model.predictWorkspace; // free again: predict has copied its outputs out
  let lossSum = 0;
  const lossOpts = { ws };
  for (let start = 0; start < data.size; start += batchSize) {
    const n = Math.min(batchSize, data.size - start);
    ws.reset();
    lossSum += loss(y.subarray(start, start + n), new Tensor([n, 1], p.subarray(start, start + n)), lossOpts).loss * n;
  }
  return { loss: lossSum / data.size, counts: new BinaryCounts(decision).add(p, y) };
}
