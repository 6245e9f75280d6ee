/**
 * EuclideanDistance: y = sqrt(max(Σⱼ (aⱼ − bⱼ)², ε)) per row, ε = 1e-7 as Keras's epsilon.
 * a, b: [batch, features] → y: [batch, 1]. Saves d = a − b, y, and per row whether the clamp bit.
 * Backward: where Σ d² > ε, da = dy·d / y and db = −da; where the max clamps (the two embeddings
 * (nearly) coincide) the slope is 0, so the gradient stays finite.
 */
import { ShapeError, fmtShape, kernels, outTensor, sameShape, type Tensor } from '@tsnn/tensor';
import type { Context, LayerConfig, MergeCall, MergeLayer } from './layer.js';
import { backwardOnce } from './once.js';

export const DISTANCE_EPSILON = 1e-7;

export class EuclideanDistance implements MergeLayer {
  readonly kind = 'euclidean';

  outFeatures(): number {
    return 1;
  }

  forward(a: Tensor, b: Tensor, ctx: Context): MergeCall {
    if (!sameShape(a.shape, b.shape) || a.shape.length !== 2) {
      throw new ShapeError(`EuclideanDistance: inputs must be equal [batch, features], got a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}`);
    }
    const [batch, f] = a.shape;
    const d = outTensor(ctx.workspace, a.shape); // d = a − b: [batch, features]
    kernels().sub(a.data, b.data, d.data, a.size);
    const y = outTensor(ctx.workspace, [batch, 1]); // y: [batch, 1]
    const live = outTensor(ctx.workspace, [batch]); // 1 where Σ d² > ε (the slope is live), 0 where clamped
    const dv = d.data, yv = y.data;
    for (let r = 0; r < batch; r++) {
      let s = 0;
      for (let j = 0, o = r * f; j < f; j++) s += dv[o + j] * dv[o + j];
      yv[r] = Math.sqrt(Math.max(s, DISTANCE_EPSILON));
      live.data[r] = s > DISTANCE_EPSILON ? 1 : 0;
    }
    const backward = (dy: Tensor): [Tensor, Tensor] => {
      const da = outTensor(ctx.workspace, a.shape), db = outTensor(ctx.workspace, a.shape);
      for (let r = 0; r < batch; r++) {
        const g = live.data[r] ? dy.data[r] / yv[r] : 0; // where not clamped, dy/dd = d / y
        for (let j = 0, o = r * f; j < f; j++) {
          da.data[o + j] = g * dv[o + j];
          db.data[o + j] = -g * dv[o + j];
        }
      }
      return [da, db];
    };
    return { y, backward: backwardOnce('EuclideanDistance', ctx.workspace, backward) };
  }

  config(): LayerConfig {
    return { kind: this.kind };
  }
}
