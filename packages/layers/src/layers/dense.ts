/** Dense: y = f(x·W + b), kernel W: [in, units] (Keras layout, glorot-uniform), bias b: [units] (zeros). */
import { Param, TsnnError, expectShape, glorotUniform, kernels, outTensor, type NamedParam, type Rng, type Tensor } from '@tsnn/tensor';
import { ACTIVATIONS, activate, activateBackward, type Activation } from './activations.js';
import type { Call, Context, Layer, LayerConfig } from './layer.js';

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
    const k = kernels();
    // y: [batch, units] = f(x·W + b)
    const y = outTensor(ctx.workspace, [batch, units]);
    k.gemm(false, false, batch, units, inF, x.data, W.value, 0, y.data);
    k.addBias(y.data, b.value, batch, units);
    activate(this.activation, y.data, y.data, y.size);

    // Saves x and y. dz = dy·f'(y); dW += xᵀ·dz; db += Σ_rows dz; dx = dz·Wᵀ.
    const backward = (dy: Tensor, inputGrad = true): Tensor | null => {
      expectShape(`Dense(${units}).backward`, dy.shape, [batch, units], 'dy');
      const dz = outTensor(ctx.workspace, [batch, units]);
      activateBackward(this.activation, y.data, dy.data, dz.data, dz.size);
      k.gemm(true, false, inF, units, batch, x.data, dz.data, 1, W.grad);
      k.sumRows(dz.data, b.grad, batch, units);
      if (!inputGrad) return null;
      const dx = outTensor(ctx.workspace, [batch, inF]);
      k.gemm(false, true, batch, inF, units, dz.data, W.value, 0, dx.data);
      return dx;
    };
    return { y, backward };
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
