/**
 * Cross-entropy over classes, predictions yPred: [batch, classes].
 *
 * - `categoricalCrossentropy(yTrue, yPred)`: yTrue one-hot (or soft) rows, [batch, classes].
 * - `sparseCategoricalCrossentropy(yTrue, yPred)`: yTrue class ids, [batch].
 *
 * Probability form (default), as Keras computes it: each row is normalised, q = p / Σp, then clipped to
 * [ε, 1 − ε] (ε = 1e-7): L = −mean_rows Σ_j t_j·log clip(q_j). Its gradient, with g_j = −t_j / q_j inside
 * the clip and 0 outside: dL/dp_k = (g_k − Σ_j g_j·q_j) / (Σp · batch). (After a softmax the rows already
 * sum to 1, and the second term vanishes in softmax's backward.)
 *
 * `fromLogits: true`: yPred are logits z; L = −mean_rows Σ_j t_j·log softmax(z)_j, computed as
 * Σ_j t_j·(lse(z) − z_j) with lse(z) = m + log Σ e^(z − m), m = max z; the gradient is the fused, stable
 * dL/dz = (softmax(z)·Σ_j t_j − t) / batch, i.e. (softmax(z) − onehot) / batch: finite for any finite z.
 */
import { ShapeError, TsnnError, fmtShape, outTensor, sameShape, type Tensor } from '@tsnn/tensor';
import { describeTargets, isTensor, targetValues, type LossOptions, type LossResult, type Targets } from './loss.js';

/** Keras's epsilon for clipping probabilities. */
export const CROSSENTROPY_EPSILON = 1e-7;

export interface CrossentropyOptions extends LossOptions {
  /** yPred are logits (no softmax applied): the fused softmax + cross-entropy. Default false. */
  fromLogits?: boolean;
}

/** Cross-entropy against one-hot (or soft) target rows yTrue: [batch, classes]. */
export function categoricalCrossentropy(yTrue: Targets, yPred: Tensor, { ws, fromLogits = false }: CrossentropyOptions = {}): LossResult {
  const name = 'categoricalCrossentropy';
  const [batch] = checkRows(name, yPred);
  const t = targetValues(yTrue);
  if (t.length !== yPred.size || (isTensor(yTrue) && !sameShape(yTrue.shape, yPred.shape))) {
    throw new ShapeError(`${name}: targets ${describeTargets(yTrue)} and predictions ${fmtShape(yPred.shape)} do not match (expected one-hot rows shaped like the predictions)`);
  }
  return crossentropy(yPred, t, null, batch, ws, fromLogits);
}

/** Cross-entropy against class ids yTrue: [batch], each an integer in [0, classes). */
export function sparseCategoricalCrossentropy(yTrue: Targets, yPred: Tensor, { ws, fromLogits = false }: CrossentropyOptions = {}): LossResult {
  const name = 'sparseCategoricalCrossentropy';
  const [batch, classes] = checkRows(name, yPred);
  const ids = targetValues(yTrue);
  if (ids.length !== batch) {
    throw new ShapeError(`${name}: ${ids.length} class ids for predictions ${fmtShape(yPred.shape)} (expected one id per row, ${batch})`);
  }
  for (let i = 0; i < batch; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= classes) {
      throw new TsnnError(`${name}: sample ${i} has class id ${id}, expected an integer in [0, ${classes})`);
    }
  }
  return crossentropy(yPred, null, ids, batch, ws, fromLogits);
}

/** t: one-hot rows, or ids: one class id per row (exactly one of them). */
function crossentropy(yPred: Tensor, t: ArrayLike<number> | null, ids: ArrayLike<number> | null, batch: number, ws: LossOptions['ws'], fromLogits: boolean): LossResult {
  const classes = yPred.shape[1];
  const dyPred = outTensor(ws, yPred.shape);
  const p = yPred.data, d = dyPred.data;
  const lo = CROSSENTROPY_EPSILON, hi = 1 - CROSSENTROPY_EPSILON;
  let sum = 0;
  for (let r = 0, o = 0; r < batch; r++, o += classes) {
    const id = ids ? ids[r] : -1;
    let tSum = 0;
    for (let j = 0; j < classes; j++) tSum += t ? t[o + j] : +(j === id);
    if (fromLogits) {
      let m = -Infinity;
      for (let j = 0; j < classes; j++) m = Math.max(m, p[o + j]);
      let s = 0;
      for (let j = 0; j < classes; j++) s += Math.exp(p[o + j] - m);
      const lse = m + Math.log(s);
      for (let j = 0; j < classes; j++) {
        const tj = t ? t[o + j] : +(j === id);
        if (tj !== 0) sum += tj * (lse - p[o + j]);
        d[o + j] = (tSum * (Math.exp(p[o + j] - m) / s) - tj) / batch; // (softmax(z)·Σt − t) / batch
      }
    } else {
      let total = 0;
      for (let j = 0; j < classes; j++) total += p[o + j];
      if (total <= 0) {
        throw new TsnnError(`crossentropy: row ${r} of the predictions sums to ${total}, expected probabilities (for logits pass fromLogits: true)`);
      }
      // g_j = dL/dq_j = −t_j / q_j inside the clip; gq = Σ_j g_j·q_j.
      let gq = 0;
      for (let j = 0; j < classes; j++) {
        const tj = t ? t[o + j] : +(j === id);
        const q = p[o + j] / total;
        const c = Math.min(Math.max(q, lo), hi);
        if (tj !== 0) sum -= tj * Math.log(c);
        const g = q > lo && q < hi ? -tj / q : 0;
        d[o + j] = g; // g, finished below
        gq += g * q;
      }
      for (let j = 0; j < classes; j++) d[o + j] = (d[o + j] - gq) / (total * batch);
    }
  }
  return { loss: sum / batch, dyPred };
}

function checkRows(name: string, yPred: Tensor): [number, number] {
  if (yPred.shape.length !== 2 || yPred.shape[1] < 1) {
    throw new ShapeError(`${name}: predictions are ${fmtShape(yPred.shape)}, expected [batch, classes]`);
  }
  return [yPred.shape[0], yPred.shape[1]];
}
