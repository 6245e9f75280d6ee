/** Dense: y = f(x·W + b), kernel W: [in, units] (Keras layout, glorot-uniform), bias b: [units] (zeros). */
import {
  Param, TsnnError, expectShape, glorotUniform, kernels, matmul, outTensor, sparseInput, type NamedParam, type Rng, type Tensor,
} from '@tsnn/tensor';
import { ACTIVATIONS, activationFn, type Activation } from './activations.js';
import type { Call, Context, Layer, LayerConfig } from './layer.js';
import { backwardOnce } from './once.js';

export interface DenseOptions {
  activation?: Activation;
}

export class Dense implements Layer {
  readonly kind = 'dense';
  readonly units: number;
  readonly activation: Activation;
  kernel: Param | null = null; // W: [in, units]
  bias: Param | null = null; // b: [units]

  constructor(units: number, { activation = 'linear' }: DenseOptions = {}) {
    if (!Number.isInteger(units) || units < 1) throw new TsnnError(`Dense: units must be a positive integer, got ${units}`);
    if (!ACTIVATIONS.includes(activation)) {
      throw new TsnnError(`Dense(${units}): unknown activation '${activation}', expected one of ${ACTIVATIONS.join(', ')}`);
    }
    this.units = units;
    this.activation = activation;
  }

  build(inFeatures: number, rng: Rng): number {
    this.kernel = new Param([inFeatures, this.units]);
    glorotUniform(this.kernel.value, inFeatures, this.units, rng);
    this.bias = new Param([this.units]);
    return this.units;
  }

  forward(x: Tensor, ctx: Context): Call {
    const { W, b } = this.params();
    const [inF, units] = W.shape;
    expectShape(`Dense(${units})`, x.shape, [-1, inF]);
    const batch = x.shape[0];
    const f = activationFn(this.activation);
    const k = kernels();
    // x's nonzeros, listed once when they are few (e.g. pixels): then x·W and xᵀ·dz skip the zeros (same bits).
    const xs = sparseInput(x, ctx.workspace);
    const y = outTensor(ctx.workspace, [batch, units]); // y: [batch, units]
    if (xs) k.sparseGemm(false, xs, units, W.value, 0, y.data); // y = x·W from x's nonzeros
    else matmul(x, W.tensor, { into: y }); // y = x·W
    k.addBias(y.data, b.value, batch, units); // y += b (every row)
    f.forward(y.data, y.data, batch, units); // y = f(y)

    // Saves x (and its nonzeros xs) and y. dz = dy·f′ (from y); dW += xᵀ·dz; db += Σ_rows dz; dx = dz·Wᵀ.
    const backward = (dy: Tensor, inputGrad = true): Tensor | null => {
      expectShape(`Dense(${units}).backward`, dy.shape, [batch, units], 'dy');
      const dz = outTensor(ctx.workspace, [batch, units]); // dz: [batch, units]
      f.backward(y.data, dy.data, dz.data, batch, units); // dz = dy·f′
      if (xs) k.sparseGemm(true, xs, units, dz.data, 1, W.grad); // dW += xᵀ·dz from x's nonzeros
      else matmul(x, dz, { transA: true, into: W.gradTensor, accumulate: true }); // dW += xᵀ·dz
      k.sumRows(dz.data, b.grad, batch, units); // db += Σ_rows dz
      if (!inputGrad) return null;
      const dx = outTensor(ctx.workspace, [batch, inF]); // dx: [batch, in]
      matmul(dz, W.tensor, { transB: true, into: dx }); // dx = dz·Wᵀ
      return dx;
    };
    return { y, backward: backwardOnce(`Dense(${units})`, ctx.workspace, backward) };
  }

  parameters(): NamedParam[] {
    const { W, b } = this.params();
    return [{ name: 'kernel', param: W }, { name: 'bias', param: b }];
  }

  config(): LayerConfig {
    return { kind: this.kind, units: this.units, activation: this.activation };
  }

  private params(): { W: Param; b: Param } {
    if (!this.kernel || !this.bias) {
      throw new TsnnError(`Dense(${this.units}) has no weights yet: build the model first (model.build(inputFeatures, rng))`);
    }
    return { W: this.kernel, b: this.bias };
  }
}
