/**
 * predict and evaluate: the model in inference mode (dropout off, no generator), batch by batch, every
 * sample once in index order.
 */
import { Tensor, TsnnError, Workspace } from '@tsnn/tensor';
import type { Model } from '../models/model.js';
import type { LossFn } from '../losses/loss.js';
import { toMetrics, type Metric, type MetricName } from '../losses/metric.js';
import { Batches, checkPositiveInt, identityOrder, modelAndData } from './batches.js';
import type { Logs } from './callback.js';
import type { Data, DataInput } from './data.js';

export interface PredictOptions {
  /** Default 32, as Keras. */
  batchSize?: number;
}

export interface EvaluateOptions extends PredictOptions {
  loss: LossFn;
  metrics?: (MetricName | Metric)[];
}

/** One workspace per model for inference calls, reused across calls. */
const inferenceWorkspaces = new WeakMap<Model, Workspace>();
function inferenceWorkspace(model: Model): Workspace {
  let ws = inferenceWorkspaces.get(model);
  if (!ws) inferenceWorkspaces.set(model, (ws = new Workspace()));
  return ws;
}

function checkOptions(op: string, opts: unknown, allowed: string[]): void {
  if (opts === undefined) return;
  if (!opts || typeof opts !== 'object') throw new TsnnError(`${op}: options must be an object, got ${String(opts)}`);
  for (const k of Object.keys(opts)) {
    if (!allowed.includes(k)) throw new TsnnError(`${op}: unknown option '${k}' (expected ${allowed.join(', ')})`);
  }
}

/** The model's outputs for every sample, in order, in inference mode: [size, outputs]. */
export function predict(model: Model, data: DataInput, opts: PredictOptions = {}): Tensor {
  checkOptions('predict', opts, ['batchSize']);
  const { batchSize = 32 } = opts;
  checkPositiveInt('predict', 'batchSize', batchSize);
  const checked = modelAndData('predict', model, data);
  let out: Float32Array | null = null;
  let width = 0;
  forEachBatch('predict', checked.model, checked.data, batchSize, (start, n, y) => {
    width = y.shape[1];
    out ??= new Float32Array(checked.data.size * width);
    out.set(y.data.subarray(0, n * width), start * width);
  });
  return new Tensor([checked.data.size, width], out ?? new Float32Array(0));
}

/** The loss and metrics over every sample, in inference mode: `{ loss, accuracy, … }` (Keras's return_dict). */
export function evaluate(model: Model, data: DataInput, opts: EvaluateOptions): Logs {
  checkOptions('evaluate', opts, ['batchSize', 'loss', 'metrics']);
  const { batchSize = 32, loss } = opts;
  checkPositiveInt('evaluate', 'batchSize', batchSize);
  if (typeof loss !== 'function') throw new TsnnError('evaluate: options.loss must be a loss function (e.g. contrastiveLoss)');
  const checked = modelAndData('evaluate', model, data);
  return evaluateWith('evaluate', checked.model, checked.data, batchSize, loss, toMetrics('evaluate', opts.metrics));
}

/** Loss (the size-weighted mean of batch losses) and metrics over all of data, metrics reset first. */
export function evaluateWith(op: string, model: Model, data: Data, batchSize: number, loss: LossFn, metrics: Metric[]): Logs {
  if (data.targetWidth === 0) throw new TsnnError(`${op}: the data has no labels (y), so there is no loss to compute`);
  for (const m of metrics) m.reset();
  let lossSum = 0;
  const lossOpts = { ws: inferenceWorkspace(model) };
  forEachBatch(op, model, data, batchSize, (_, n, yPred, yTrue) => {
    lossSum += loss(yTrue, yPred, lossOpts).loss * n;
    for (const m of metrics) m.update(yTrue, yPred);
  });
  const logs: Logs = { loss: lossSum / data.size };
  for (const m of metrics) logs[m.name] = m.result();
  return logs;
}

function forEachBatch(op: string, model: Model, data: Data, batchSize: number, each: (start: number, n: number, yPred: Tensor, yTrue: Float32Array) => void): void {
  const ws = inferenceWorkspace(model);
  const batches = new Batches(op, ws, data);
  const order = identityOrder(data.size);
  const ctx = { training: false, workspace: ws };
  for (let start = 0; start < data.size; start += batchSize) {
    const n = Math.min(batchSize, data.size - start);
    const { x, y } = batches.read(order, start, n);
    each(start, n, model.forward(x, ctx).y, y);
  }
}
