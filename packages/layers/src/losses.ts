/**
 * Losses over predictions p: [batch, 1] (or [batch]) and labels y: [batch]. Each returns the mean loss
 * and dL/dp, written into `out` when given (shape of p).
 */
import { ShapeError, TsnnError, fmtShape, outTensor, type Tensor, type Workspace } from '@tsnn/tensor';

export interface LossResult {
  loss: number;
  /** dL/dp, same shape as p. */
  dp: Tensor;
}

export type LossFn = (p: Tensor, y: ArrayLike<number>, ws?: Workspace) => LossResult;

function checkLabels(op: string, p: Tensor, y: ArrayLike<number>): number {
  const batch = p.shape[0];
  if (p.size !== batch || y.length !== batch) {
    throw new ShapeError(`${op}: predictions ${fmtShape(p.shape)} and ${y.length} labels do not match (expected [batch, 1] and batch labels)`);
  }
  return batch;
}

/**
 * Contrastive loss as in the reference (Hadsell et al. 2006, label 1 = same pair):
 * L = mean((1 − y)·p² + y·max(margin − p, 0)²);  dL/dp = (2(1 − y)·p − 2y·max(margin − p, 0)) / batch.
 */
export function contrastiveLoss(p: Tensor, y: ArrayLike<number>, ws?: Workspace, margin = 1): LossResult {
  const batch = checkLabels('contrastiveLoss', p, y);
  if (!(margin > 0)) throw new TsnnError(`contrastiveLoss: margin must be > 0, got ${margin}`);
  const dp = outTensor(ws, p.shape);
  const pv = p.data, d = dp.data;
  let sum = 0;
  for (let i = 0; i < batch; i++) {
    const pi = pv[i], yi = y[i];
    const hinge = Math.max(margin - pi, 0);
    sum += (1 - yi) * pi * pi + yi * hinge * hinge;
    d[i] = (2 * (1 - yi) * pi - 2 * yi * hinge) / batch;
  }
  return { loss: sum / batch, dp };
}

/**
 * Contrastive loss on a distance d (Hadsell et al. 2006; the original Keras mnist_siamese), label 1 = same:
 * L = mean(y·d² + (1 − y)·max(margin − d, 0)²): same pairs are pulled to distance 0, different pairs pushed
 * beyond the margin. dL/dd = (2y·d − 2(1 − y)·max(margin − d, 0)) / batch.
 */
export function contrastiveDistanceLoss(d: Tensor, y: ArrayLike<number>, ws?: Workspace, margin = 1): LossResult {
  const batch = checkLabels('contrastiveDistanceLoss', d, y);
  if (!(margin > 0)) throw new TsnnError(`contrastiveDistanceLoss: margin must be > 0, got ${margin}`);
  const dd = outTensor(ws, d.shape);
  const dv = d.data, g = dd.data;
  let sum = 0;
  for (let i = 0; i < batch; i++) {
    const di = dv[i], yi = y[i];
    const hinge = Math.max(margin - di, 0);
    sum += yi * di * di + (1 - yi) * hinge * hinge;
    g[i] = (2 * yi * di - 2 * (1 - yi) * hinge) / batch;
  }
  return { loss: sum / batch, dp: dd };
}

/** Keras's epsilon for clipping probabilities. */
export const BCE_EPSILON = 1e-7;

/**
 * Binary cross-entropy on probabilities, clipped to [ε, 1 − ε] as Keras does:
 * L = −mean(y·log p + (1 − y)·log(1 − p));  dL/dp = (−y/p + (1 − y)/(1 − p)) / batch inside the clip, 0 outside.
 */
export function binaryCrossentropy(p: Tensor, y: ArrayLike<number>, ws?: Workspace): LossResult {
  const batch = checkLabels('binaryCrossentropy', p, y);
  const dp = outTensor(ws, p.shape);
  const pv = p.data, d = dp.data;
  const lo = BCE_EPSILON, hi = 1 - BCE_EPSILON;
  let sum = 0;
  for (let i = 0; i < batch; i++) {
    const raw = pv[i], yi = y[i];
    const pi = Math.min(Math.max(raw, lo), hi);
    sum -= yi * Math.log(pi) + (1 - yi) * Math.log(1 - pi);
    const inside = +(raw > lo && raw < hi);
    d[i] = (inside * (-yi / pi + (1 - yi) / (1 - pi))) / batch;
  }
  return { loss: sum / batch, dp };
}

export const LOSSES = { contrastive: contrastiveLoss, bce: binaryCrossentropy, 'contrastive-distance': contrastiveDistanceLoss } as const;
export type LossName = keyof typeof LOSSES;
