/** An element-wise activation as a layer of its own (ReLU, Sigmoid): y = f(x), saving y for backward. */
import { outTensor, type NamedParam, type Tensor } from '@tsnn/tensor';
import { activate, activateBackward, type Activation } from './activations.js';
import type { Call, Context, Layer, LayerConfig } from './layer.js';

export abstract class ActivationLayer implements Layer {
  constructor(readonly kind: Exclude<Activation, 'linear'>) {}

  build(inFeatures: number): number {
    return inFeatures;
  }

  forward(x: Tensor, ctx: Context): Call {
    const y = outTensor(ctx.workspace, x.shape); // y: same shape as x
    activate(this.kind, x.data, y.data, x.size);
    // Saves y: dx = dy·f'(x) written from y (see activations.ts).
    const backward = (dy: Tensor): Tensor => {
      const dx = outTensor(ctx.workspace, x.shape);
      activateBackward(this.kind, y.data, dy.data, dx.data, x.size);
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
