/**
 * Adam with Keras 3's defaults and formula (no amsgrad), t = the step number from 1:
 *   m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²;
 *   α_t = lr·sqrt(1 − β₂ᵗ) / (1 − β₁ᵗ);   θ ← θ − α_t·m / (sqrt(v) + ε)
 * (ε outside the root, added to the uncorrected sqrt(v), as Keras and tf.keras do; PyTorch corrects v first.)
 */
import { kernels, type NamedParam } from '@tsnn/tensor';
import { Optimizer, checkHyper } from './optimizer.js';

export interface AdamOptions {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class Adam extends Optimizer {
  readonly kind = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** m and v per parameter, same length as its value. */
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];

  constructor(params: NamedParam[], { learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 }: AdamOptions = {}) {
    super(params);
    checkHyper('Adam', 'learningRate', learningRate, learningRate > 0, '> 0');
    checkHyper('Adam', 'beta1', beta1, beta1 >= 0 && beta1 < 1, 'in [0, 1)');
    checkHyper('Adam', 'beta2', beta2, beta2 >= 0 && beta2 < 1, 'in [0, 1)');
    checkHyper('Adam', 'epsilon', epsilon, epsilon >= 0, '≥ 0');
    this.learningRate = learningRate;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.m = params.map(({ param }) => kernels().alloc(param.size));
    this.v = params.map(({ param }) => kernels().alloc(param.size));
  }

  step(): void {
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const t = this.iterations + 1;
    const alpha = (this.learningRate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    const k = kernels();
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i].param;
      k.adam(p.value, p.grad, this.m[i], this.v[i], p.size, alpha, b1, b2, eps);
    }
    this.iterations = t;
  }

  protected slotArrays(): Record<string, Float32Array[]> {
    return { m: this.m, v: this.v };
  }
}
