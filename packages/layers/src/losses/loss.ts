/**
 * The one convention for every loss in tsnn, Keras's order: `loss(yTrue, yPred, options?)`.
 *
 * - `yTrue`: the targets — labels, class ids, one-hot rows or float targets as the loss says; a Tensor or a
 *   flat row-major array of numbers.
 * - `yPred`: the model's output, a Tensor ([batch, …]).
 * - `options.ws`: a Workspace to take the gradient buffer from (no allocation in a training step).
 *
 * Every loss returns `{ loss, dyPred }`: the mean loss over the batch and dL/dyPred, shaped like yPred.
 */
import { ShapeError, TsnnError, fmtShape, type Tensor, type Workspace } from '@tsnn/tensor';

/** Targets: a Tensor or a flat row-major array (labels, class ids, one-hot rows or float targets). */
export type Targets = ArrayLike<number> | Tensor;

export interface LossOptions {
  /** Take dyPred's buffer from this workspace instead of allocating it. */
  ws?: Workspace;
}

export interface LossResult {
  /** Mean loss over the batch. */
  loss: number;
  /** dL/dyPred, same shape as yPred. */
  dyPred: Tensor;
}

/** Any loss: `(yTrue, yPred, options?) → { loss, dyPred }`. */
export type LossFn = (yTrue: Targets, yPred: Tensor, options?: LossOptions) => LossResult;

/** The flat values of targets given as a Tensor or an array. */
export function targetValues(yTrue: Targets): ArrayLike<number> {
  return isTensor(yTrue) ? yTrue.data : yTrue;
}

/** Whether targets were given as a Tensor (with a shape) rather than a flat array. */
export function isTensor(t: Targets): t is Tensor {
  return Array.isArray((t as Tensor).shape) && (t as Tensor).data instanceof Float32Array;
}

/** `[2, 3]` for a Tensor, `(6 values)` for an array: for error messages. */
export function describeTargets(t: Targets): string {
  return isTensor(t) ? fmtShape(t.shape) : `(${t.length} values)`;
}

/** One target per sample for a [batch, 1] (or [batch]) yPred; returns the batch size. */
export function checkOnePerSample(op: string, yTrue: Targets, yPred: Tensor): number {
  const batch = yPred.shape[0];
  const n = targetValues(yTrue).length;
  if (yPred.size !== batch || n !== batch) {
    throw new ShapeError(`${op}: predictions ${fmtShape(yPred.shape)} and ${n} labels do not match (expected [batch, 1] and batch labels)`);
  }
  return batch;
}

/**
 * Binary labels (contrastive losses, binary cross-entropy): each must be exactly 0 or 1. Throws a TsnnError
 * naming the first other value and its position (a NaN label is a label error, not a diverging run).
 */
export function checkBinaryLabels(op: string, yTrue: Targets, n: number): void {
  const y = targetValues(yTrue);
  let bad = 0;
  for (let i = 0; i < n; i++) bad += +(y[i] !== 0 && y[i] !== 1); // NaN counts: NaN !== 0 and NaN !== 1
  if (bad === 0) return;
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new TsnnError(`${op}: label ${i} is ${y[i]}, but this loss takes binary labels, 0 or 1 (1 = same pair / positive)`);
    }
  }
}
