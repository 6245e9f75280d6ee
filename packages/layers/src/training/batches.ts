/** Reading batches of a Data into reused buffers, with the checks fit, evaluate and predict share. */
import { Tensor, TsnnError, Workspace } from '@tsnn/tensor';
import { builtFeatures, checkModel, type Model, type ModelInputs } from '../models/model.js';
import { toData, type Data } from './data.js';

export function checkPositiveInt(op: string, name: string, v: unknown, min = 1): asserts v is number {
  if (!Number.isInteger(v) || (v as number) < min) throw new TsnnError(`${op}: ${name} must be an integer ≥ ${min}, got ${String(v)}`);
}

const dataKind = (inputs: number) => (inputs === 1 ? 'one input ({ x, y })' : inputs === 2 ? 'pairs ({ a, b, y })' : `${inputs} inputs`);

/** The model checked as a Model and the data as Data that fits it (same number of inputs, same width). */
export function modelAndData(op: string, model: unknown, input: unknown, what = 'data'): { model: Model; data: Data } {
  checkModel(op, model);
  const features = builtFeatures(op, model);
  const data = toData(op, input, features, what);
  if (data.inputs !== model.inputs) {
    throw new TsnnError(`${op}: the model takes ${dataKind(model.inputs)}, but the ${what} has ${dataKind(data.inputs)}`);
  }
  if (data.features !== features) throw new TsnnError(`${op}: ${what} has ${data.features} features per input, the model expects ${features}`);
  if (data.size === 0 && op !== 'predict') { // a mean over no samples is NaN: an error, not a silent success
    throw new TsnnError(`${op}: the ${what} has no samples (0 rows), so there is nothing to ${op === 'fit' && what === 'data' ? 'train on' : 'evaluate'}`);
  }
  return { model, data };
}

/**
 * Reads batches into reused buffers (one [n, features] per input, y: [n, targetWidth]) at the start of
 * each step, and rejects non-finite inputs unless the data is finite by construction.
 */
export class Batches {
  private readonly xs: Tensor[] = [];
  private readonly xData: Float32Array[] = [];

  constructor(private op: string, private ws: Workspace, private data: Data) {}

  read(order: ArrayLike<number>, start: number, n: number): { x: ModelInputs; y: Float32Array } {
    const { ws, data, op, xs, xData } = this;
    ws.reset();
    for (let k = 0; k < data.inputs; k++) {
      xs[k] = ws.tensor([n, data.features]);
      xData[k] = xs[k].data;
    }
    const y = ws.tensor([n, data.targetWidth]).data;
    data.gather(order, start, n, xData, y);
    if (!data.alwaysFinite) {
      for (let k = 0; k < data.inputs; k++) checkFinite(op, xData[k], n, data, order, start, k);
    }
    return { x: data.inputs === 1 ? xs[0] : xs, y };
  }
}

/** Throws, naming the sample and feature, if a gathered batch holds NaN or ±Infinity. */
function checkFinite(op: string, x: Float32Array, n: number, data: Data, order: ArrayLike<number>, start: number, k: number): void {
  const features = data.features;
  let sum = 0;
  for (let i = 0; i < n * features; i++) sum += x[i] * 0; // 0·v is NaN exactly when v is not finite
  if (sum === 0) return;
  for (let i = 0; i < n * features; i++) {
    if (!Number.isFinite(x[i])) {
      const sample = order[start + Math.floor(i / features)] + (data.offset ?? 0);
      const where = data.inputs === 1 ? `input x of sample ${sample}` : data.inputs === 2 ? `input ${'ab'[k]} of pair ${sample}` : `input ${k} of sample ${sample}`;
      throw new TsnnError(`${op}: ${where} has ${x[i]} at feature ${i % features}`);
    }
  }
}

/** 0, 1, …, n − 1. */
export function identityOrder(n: number): Uint32Array {
  const o = new Uint32Array(n);
  for (let i = 0; i < n; i++) o[i] = i;
  return o;
}
