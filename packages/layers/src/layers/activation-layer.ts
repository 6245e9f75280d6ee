/**
 * An activation function as Dense fuses it and as a layer of its own. Each activation lives in its own
 * file (relu.ts, sigmoid.ts, tanh.ts, softmax.ts) with its forward, its backward right under it, and its
 * derivative written out there.
 */
import { outTensor, type NamedParam, type Tensor } from '@tsnn/tensor';
import type { Call, Context, Layer, LayerConfig } from './layer.js';
import { backwardOnce } from './once.js';

/** The activations Dense accepts by name. */
export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'linear';

/** An activation over a [rows, cols] buffer (row-wise ones such as softmax use the rows). */
export interface ActivationFn {
  readonly name: Activation;
  /** y = f(x) (x may be y). */
  forward(x: Float32Array, y: Float32Array, rows: number, cols: number): void;
  /** dx = dL/dx from dy = dL/dy and the saved output y (dx may not be dy). */
  backward(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void;
}

/** An activation as a layer: y = f(x) on [batch, features], saving y for backward. */
export abstract class ActivationLayer implements Layer {
  readonly kind: Exclude<Activation, 'linear'>;

  constructor(private readonly fn: ActivationFn & { name: Exclude<Activation, 'linear'> }) {
    this.kind = fn.name;
  }

  build(inFeatures: number): number {
    return inFeatures;
  }

  forward(x: Tensor, ctx: Context): Call {
    const rows = x.shape[0], cols = rows > 0 ? x.size / rows : 0;
    const y = outTensor(ctx.workspace, x.shape); // y: same shape as x
    this.fn.forward(x.data, y.data, rows, cols);
    // Saves y: dx = dy·f′, written from y (see the activation's own file).
    const backward = (dy: Tensor): Tensor => {
      const dx = outTensor(ctx.workspace, x.shape);
      this.fn.backward(y.data, dy.data, dx.data, rows, cols);
      return dx;
    };
    return { y, backward: backwardOnce(this.kind, ctx.workspace, backward) };
  }

  parameters(): NamedParam[] {
    return [];
  }

  config(): LayerConfig {
    return { kind: this.kind };
  }
}
