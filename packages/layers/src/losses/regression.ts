/**
 * Regression losses: targets yTrue shaped like the predictions yPred (a Tensor of the same shape, or a flat
 * row-major array of as many values). Both average over every value, as Keras's mean over the last axis
 * followed by the mean over the batch does.
 */
import { ShapeError, fmtShape, outTensor, sameShape, type Tensor } from '@tsnn/tensor';
import { describeTargets, isTensor, targetValues, type LossOptions, type LossResult, type Targets } from './loss.js';

/** L = mean((yPred − yTrue)²);  dL/dyPred = 2·(yPred − yTrue) / n, n = yPred.size. */
export function meanSquaredError(yTrue: Targets, yPred: Tensor, { ws }: LossOptions = {}): LossResult {
  const t = checkTargets('meanSquaredError', yTrue, yPred);
  const dyPred = outTensor(ws, yPred.shape);
  const p = yPred.data, d = dyPred.data, n = p.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = p[i] - t[i];
    sum += e * e;
    d[i] = (2 * e) / n;
  }
  return { loss: sum / n, dyPred };
}

/** L = mean|yPred − yTrue|;  dL/dyPred = sign(yPred − yTrue) / n (0 where they are equal). */
export function meanAbsoluteError(yTrue: Targets, yPred: Tensor, { ws }: LossOptions = {}): LossResult {
  const t = checkTargets('meanAbsoluteError', yTrue, yPred);
  const dyPred = outTensor(ws, yPred.shape);
  const p = yPred.data, d = dyPred.data, n = p.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = p[i] - t[i];
    sum += Math.abs(e);
    d[i] = Math.sign(e) / n;
  }
  return { loss: sum / n, dyPred };
}

function checkTargets(name: string, yTrue: Targets, yPred: Tensor): ArrayLike<number> {
  const t = targetValues(yTrue);
  const fits = isTensor(yTrue) ? sizeMatchesShape(yTrue, yPred) : t.length === yPred.size;
  if (!fits || yPred.size === 0) {
    throw new ShapeError(`${name}: targets ${describeTargets(yTrue)} and predictions ${fmtShape(yPred.shape)} do not match (expected one target per prediction)`);
  }
  return t;
}

/** Same shape, or [batch] against [batch, 1] (one target per row). */
function sizeMatchesShape(t: Tensor, yPred: Tensor): boolean {
  return sameShape(t.shape, yPred.shape) || (t.size === yPred.size && yPred.shape.length === 2 && yPred.shape[1] === 1 && t.shape.length === 1);
}
