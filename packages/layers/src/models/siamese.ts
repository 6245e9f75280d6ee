/**
 * Siamese: one base model applied to two inputs (shared weights), a merge layer, and a head.
 *
 *   xa ─ base ─┐
 *              merge ─ head ─ y          e.g. Subtract → Dropout → Dense(16) → Dense(1, sigmoid)
 *   xb ─ base ─┘
 *
 * The base is one instance called twice per step. Each call keeps its own saved values (closures), and
 * both backward passes add into the base's one set of gradients, so the shared weights get the sum of
 * the two branches' gradients — exactly what two untied copies would get, added together.
 */
import { TsnnError, type NamedParam, type Rng, type Tensor } from '@tsnn/tensor';
import type { Context, LayerConfig, MergeLayer } from '../layers/layer.js';
import type { Model } from './model.js';
import { Sequential } from './sequential.js';
import { uniqueParameters, zeroGrads } from './params.js';
import { backwardOnce } from '../layers/once.js';

export interface SiameseCall {
  /** The head's output: [batch, outFeatures]. */
  y: Tensor;
  /** Adds every parameter's gradient for dL/dy. */
  backward(dy: Tensor): void;
}

/** A two-input model: forward([xa, xb], ctx). */
export class Siamese implements Model<readonly [Tensor, Tensor]> {
  readonly kind = 'siamese';
  readonly inputs = 2;
  readonly base: Sequential;
  readonly merge: MergeLayer;
  readonly head: Sequential;

  constructor({ base, merge, head }: { base: Sequential; merge: MergeLayer; head: Sequential }) {
    if (!(base instanceof Sequential) || !(head instanceof Sequential)) {
      throw new TsnnError('Siamese: expected { base: Sequential, merge: a merge layer, head: Sequential }');
    }
    if (!merge || typeof merge.forward !== 'function' || typeof merge.outFeatures !== 'function') {
      throw new TsnnError('Siamese: merge must be a merge layer (Subtract, EuclideanDistance, or an object with outFeatures, forward and config)');
    }
    this.base = base;
    this.merge = merge;
    this.head = head;
  }

  /** Create all weights for inputs of `inFeatures` features. Returns the head's output features. */
  build(inFeatures: number, rng: Rng): number {
    const embed = this.base.build(inFeatures, rng);
    return this.head.build(this.merge.outFeatures(embed), rng);
  }

  /** Features per input (both inputs have this many); null before build. */
  get inFeatures(): number | null {
    return this.base.inFeatures;
  }

  forward([xa, xb]: readonly [Tensor, Tensor], ctx: Context): SiameseCall {
    const a = this.base.forward(xa, ctx); // a.y: [batch, embed]
    const b = this.base.forward(xb, ctx); // b.y: [batch, embed]
    const m = this.merge.forward(a.y, b.y, ctx);
    const h = this.head.forward(m.y, ctx);
    // Saves the four calls. Backward: head, merge, then both branches into the shared base's grads.
    const backward = (dy: Tensor): void => {
      const dm = h.backward(dy)!;
      const [da, db] = m.backward(dm);
      a.backward(da, false);
      b.backward(db, false);
    };
    return { y: h.y, backward: backwardOnce('Siamese', ctx.workspace, backward) };
  }

  /** The embedding of x under the shared base, in inference mode (no generator needed): [batch, embed]. */
  embed(x: Tensor): Tensor {
    return this.base.forward(x, { training: false }).y;
  }

  /**
   * The model's output for two batches of embeddings (merge → head, inference mode): [batch, out].
   * With embed(), this compares many inputs without recomputing the shared base for each pair.
   */
  compare(ea: Tensor, eb: Tensor): Tensor {
    const ctx = { training: false };
    return this.head.forward(this.merge.forward(ea, eb, ctx).y, ctx).y;
  }

  /** Every parameter once: `base.dense1.kernel`, …, `head.dense2.bias`. */
  parameters(): NamedParam[] {
    return uniqueParameters([['base', this.base.parameters()], ['head', this.head.parameters()]]);
  }

  zeroGrad(): void {
    zeroGrads(this.parameters());
  }

  config(): LayerConfig {
    return { kind: this.kind, base: this.base.config(), merge: this.merge.config(), head: this.head.config() };
  }
}
