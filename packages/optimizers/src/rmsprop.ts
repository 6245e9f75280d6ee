/**
 * RMSprop with Keras 3's defaults and formula (no momentum, not centered):
 *   v ← ρ·v + (1 − ρ)·g²;   θ ← θ − lr·g / sqrt(v + ε)      (ε inside the root, as Keras)
 * PyTorch differs: ε outside the root, lr 0.01, ρ ("alpha") 0.99, ε 1e-8.
 */
import { kernels, type NamedParam } from '@tsnn/tensor';
import { Optimizer, checkHyper } from './optimizer.js';

export interface RMSpropOptions {
  learningRate?: number;
  rho?: number;
  epsilon?: number;
}

export class RMSprop extends Optimizer {
  readonly kind = 'rmsprop';
  readonly rho: number;
  readonly epsilon: number;
  /** v per parameter, same length as its value. */
  private readonly v: Float32Array[];

  constructor(params: NamedParam[], { learningRate = 0.001, rho = 0.9, epsilon = 1e-7 }: RMSpropOptions = {}) {
    super(params);
    checkHyper('RMSprop', 'learningRate', learningRate, learningRate > 0, '> 0');
    checkHyper('RMSprop', 'rho', rho, rho >= 0 && rho < 1, 'in [0, 1)');
    checkHyper('RMSprop', 'epsilon', epsilon, epsilon >= 0, '≥ 0');
    this.learningRate = learningRate;
    this.rho = rho;
    this.epsilon = epsilon;
    this.v = params.map(({ param }) => kernels().alloc(param.size));
  }

  step(): void {
    const k = kernels();
    for (let i = 0; i < this.params.length; i++) {
      const p = this.params[i].param;
      k.rmsprop(p.value, p.grad, this.v[i], p.size, this.learningRate, this.rho, this.epsilon);
    }
    this.iterations++;
  }

  protected slotArrays(): Record<string, Float32Array[]> {
    return { v: this.v };
  }
}
