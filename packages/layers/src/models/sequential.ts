/**
 * Sequential: layers applied in order. Each layer gets a stable path name from its kind and its rank
 * among layers of that kind (`dense1`, `dropout1`, `dense2`, …), so parameters are `dense2.kernel`.
 * Applying the same Sequential twice in one step is what weight sharing is: see Siamese.
 */
import { TsnnError, type NamedParam, type Rng, type Tensor } from '@tsnn/tensor';
import type { Call, Context, Layer, LayerConfig } from '../layers/layer.js';
import type { Model } from './model.js';
import { uniqueParameters } from './params.js';
import { backwardOnce } from '../layers/once.js';

/** A layer made of layers, and a one-input model: fit, evaluate and predict train and run it on its own. */
export class Sequential implements Layer, Model<Tensor> {
  readonly kind = 'sequential';
  readonly inputs = 1;
  readonly layers: readonly Layer[];
  /** Path names of the layers, in order. */
  readonly names: readonly string[];
  inFeatures: number | null = null;
  outFeatures: number | null = null;

  constructor(layers: Layer[]) {
    if (!Array.isArray(layers)) throw new TsnnError(`Sequential: expected an array of layers, got ${typeof layers}`);
    layers.forEach((l, i) => {
      if (!l || typeof (l as Partial<Layer>).forward !== 'function' || typeof (l as Partial<Layer>).build !== 'function') {
        throw new TsnnError(`Sequential: layer ${i} is not a layer (expected an object with build, forward, parameters and config)`);
      }
    });
    this.layers = layers;
    const counts = new Map<string, number>();
    this.names = layers.map((l) => {
      const c = (counts.get(l.kind) ?? 0) + 1;
      counts.set(l.kind, c);
      return `${l.kind}${c}`;
    });
  }

  build(inFeatures: number, rng: Rng): number {
    if (!Number.isInteger(inFeatures) || inFeatures < 1) throw new TsnnError(`Sequential.build: inFeatures must be a positive integer, got ${inFeatures}`);
    let f = inFeatures;
    for (const l of this.layers) f = l.build(f, rng);
    this.inFeatures = inFeatures;
    this.outFeatures = f;
    return f;
  }

  forward(x: Tensor, ctx: Context): Call {
    const calls: Call[] = [];
    let h = x;
    for (const l of this.layers) {
      const c = l.forward(h, ctx);
      calls.push(c);
      h = c.y;
    }
    // Saves each layer's call; runs their backward in reverse order.
    const backward = (dy: Tensor, inputGrad = true): Tensor | null => {
      let g: Tensor | null = dy;
      for (let i = calls.length - 1; i >= 0; i--) {
        g = calls[i].backward(g!, i > 0 || inputGrad);
      }
      return g;
    };
    return { y: h, backward: backwardOnce('Sequential', ctx.workspace, backward) };
  }

  /** Every parameter once, named `<layer>.<param>` (e.g. `dense1.kernel`). */
  parameters(): NamedParam[] {
    return uniqueParameters(this.layers.map((l, i) => [this.names[i], l.parameters()]));
  }

  config(): LayerConfig {
    return { kind: this.kind, inFeatures: this.inFeatures, layers: this.layers.map((l) => l.config()) };
  }
}
