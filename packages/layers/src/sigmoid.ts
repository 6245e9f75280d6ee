/** Sigmoid: y = 1 / (1 + e^(−x)), stable for large |x|. Saves its output y; dx = dy·y·(1 − y). */
import { kernels, outTensor, type NamedParam, type Tensor } from '@tsnn/tensor';
import type { Call, Context, Layer, LayerConfig } from './layer.js';

export class Sigmoid implements Layer {
  readonly kind = 'sigmoid';

  build(inFeatures: number): number {
    return inFeatures;
  }

  forward(x: Tensor, ctx: Context): Call {
    const y = outTensor(ctx.workspace, x.shape); // y: same shape as x
    kernels().sigmoid(x.data, y.data, x.size);
    const backward = (dy: Tensor): Tensor => {
      const dx = outTensor(ctx.workspace, x.shape);
      kernels().sigmoidBackward(y.data, dy.data, dx.data, x.size);
      return dx;
    };
    return { y, backward };
  }

  parameters(): NamedParam[] {
    return [];
  }

  config(): LayerConfig {
    return { kind: this.kind };
  }
}
