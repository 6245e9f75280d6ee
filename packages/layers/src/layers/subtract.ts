/** Subtract: y = a − b, for two inputs of equal shape. Saves nothing; da = dy, db = −dy. */
import { ShapeError, fmtShape, kernels, outTensor, sameShape, type Tensor } from '@tsnn/tensor';
import type { Context, LayerConfig, MergeCall, MergeLayer } from './layer.js';
import { backwardOnce } from './once.js';

export class Subtract implements MergeLayer {
  readonly kind = 'subtract';

  outFeatures(inFeatures: number): number {
    return inFeatures;
  }

  forward(a: Tensor, b: Tensor, ctx: Context): MergeCall {
    if (!sameShape(a.shape, b.shape)) {
      throw new ShapeError(`Subtract: inputs differ in shape, a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}`);
    }
    const y = outTensor(ctx.workspace, a.shape); // y: same shape as a and b
    kernels().sub(a.data, b.data, y.data, a.size);
    const backward = (dy: Tensor): [Tensor, Tensor] => {
      const db = outTensor(ctx.workspace, a.shape);
      kernels().neg(dy.data, db.data, a.size); // db = −dy
      return [dy, db];
    };
    return { y, backward: backwardOnce('Subtract', ctx.workspace, backward) };
  }

  config(): LayerConfig {
    return { kind: this.kind };
  }
}
