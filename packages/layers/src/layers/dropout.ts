/**
 * Inverted dropout: in training each value is kept with probability 1 − rate and scaled by
 * 1 / (1 − rate), so the expectation is unchanged; in inference it is the identity.
 * Saves the mask m (0 or 1/(1 − rate)); y = x·m, dx = dy·m.
 */
import { TsnnError, kernels, outTensor, type NamedParam, type Tensor } from '@tsnn/tensor';
import type { Call, Context, Layer, LayerConfig } from './layer.js';
import { backwardOnce } from './once.js';

export class Dropout implements Layer {
  readonly kind = 'dropout';
  readonly rate: number;

  constructor(rate: number) {
    if (!(rate >= 0 && rate < 1)) throw new TsnnError(`Dropout: rate must be in [0, 1), got ${rate}`);
    this.rate = rate;
  }

  build(inFeatures: number): number {
    return inFeatures;
  }

  forward(x: Tensor, ctx: Context): Call {
    if (!ctx.training || this.rate === 0) return { y: x, backward: (dy) => dy };
    if (!ctx.rng) throw new TsnnError(`Dropout(${this.rate}) in training mode needs a generator: pass ctx.rng`);
    const n = x.size;
    const mask = outTensor(ctx.workspace, x.shape); // m: same shape as x
    const m = mask.data;
    // Keras keeps a value when its uniform draw is ≥ rate; kept values are scaled by 1 / (1 − rate).
    ctx.rng.fillMask(m, n, this.rate, 1 / (1 - this.rate));
    const y = outTensor(ctx.workspace, x.shape);
    kernels().mul(x.data, m, y.data, n);
    const backward = (dy: Tensor): Tensor => {
      const dx = outTensor(ctx.workspace, x.shape);
      kernels().mul(dy.data, m, dx.data, n);
      return dx;
    };
    return { y, backward: backwardOnce(`Dropout(${this.rate})`, ctx.workspace, backward) };
  }

  parameters(): NamedParam[] {
    return [];
  }

  config(): LayerConfig {
    return { kind: this.kind, rate: this.rate };
  }
}
