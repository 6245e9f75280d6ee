/**
 * The pair losses: labels yTrue: [batch] (1 = same pair) and predictions yPred: [batch, 1] (or [batch]).
 * Called as every tsnn loss is, `loss(yTrue, yPred, options?) → { loss, dyPred }` (see loss.ts).
 */
import { TsnnError, outTensor, type Tensor, type Workspace } from '@tsnn/tensor';
import { checkBinaryLabels, checkOnePerSample, targetValues, type LossOptions, type LossResult, type Targets } from './loss.js';

export interface ContrastiveOptions extends LossOptions {
  /** The hinge's margin: a pushed output is penalised while below it; default 1. */
  margin?: number;
}

/**
 * Both contrastive losses: each output x is pulled to 0 (weight `pull`) or pushed beyond the margin
 * (weight `push = 1 − pull`): L = mean(pull·x² + push·max(margin − x, 0)²);
 * dL/dx = (2·pull·x − 2·push·max(margin − x, 0)) / batch. `pulledWhenSame`: which label is pulled.
 */
function contrastive(name: string, yTrue: Targets, x: Tensor, ws: Workspace | undefined, margin: number, pulledWhenSame: boolean): LossResult {
  const batch = checkOnePerSample(name, yTrue, x);
  checkBinaryLabels(name, yTrue, batch);
  const y = targetValues(yTrue);
  if (!(margin > 0)) throw new TsnnError(`${name}: margin must be > 0, got ${margin}`);
  const dx = outTensor(ws, x.shape);
  const xv = x.data, g = dx.data;
  let sum = 0;
  for (let i = 0; i < batch; i++) {
    const xi = xv[i], yi = y[i];
    const pull = pulledWhenSame ? yi : 1 - yi, push = pulledWhenSame ? 1 - yi : yi;
    const hinge = Math.max(margin - xi, 0);
    sum += pull * xi * xi + push * hinge * hinge;
    g[i] = (2 * pull * xi - 2 * push * hinge) / batch;
  }
  return { loss: sum / batch, dyPred: dx };
}

/**
 * Contrastive loss as in the reference (Hadsell et al. 2006, label 1 = same pair), on a probability p:
 * L = mean((1 − y)·p² + y·max(margin − p, 0)²);  dL/dp = (2(1 − y)·p − 2y·max(margin − p, 0)) / batch.
 */
export function contrastiveLoss(yTrue: Targets, yPred: Tensor, { ws, margin = 1 }: ContrastiveOptions = {}): LossResult {
  return contrastive('contrastiveLoss', yTrue, yPred, ws, margin, false);
}

/**
 * Contrastive loss on a distance d (Hadsell et al. 2006; the original Keras mnist_siamese), label 1 = same:
 * L = mean(y·d² + (1 − y)·max(margin − d, 0)²): same pairs are pulled to distance 0, different pairs pushed
 * beyond the margin. dL/dd = (2y·d − 2(1 − y)·max(margin − d, 0)) / batch.
 */
export function contrastiveDistanceLoss(yTrue: Targets, yPred: Tensor, { ws, margin = 1 }: ContrastiveOptions = {}): LossResult {
  return contrastive('contrastiveDistanceLoss', yTrue, yPred, ws, margin, true);
}

/** Keras's epsilon for clipping probabilities. */
export const BCE_EPSILON = 1e-7;

/**
 * Binary cross-entropy on probabilities, clipped to [ε, 1 − ε] as Keras does:
 * L = −mean(y·log p + (1 − y)·log(1 − p));  dL/dp = (−y/p + (1 − y)/(1 − p)) / batch inside the clip, 0 outside.
 */
export function binaryCrossentropy(yTrue: Targets, p: Tensor, { ws }: LossOptions = {}): LossResult {
  const batch = checkOnePerSample('binaryCrossentropy', yTrue, p);
  checkBinaryLabels('binaryCrossentropy', yTrue, batch);
  const y = targetValues(yTrue);
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
  return { loss: sum / batch, dyPred: dp };
}

export const LOSSES = { contrastive: contrastiveLoss, bce: binaryCrossentropy, 'contrastive-distance': contrastiveDistanceLoss } as const;
export type LossName = keyof typeof LOSSES;
