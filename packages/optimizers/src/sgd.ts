/**
 * SGD, Keras's formula: without momentum θ ← θ − lr·g; with momentum μ,
 *   u ← μ·u − lr·g;  θ ← θ + u.
 */
import type { NamedParam } from '@tsnn/tensor';
import { Optimizer, checkHyper } from './optimizer.js';

export interface SGDOptions {
  learningRate?: number;
  momentum?: number;
}

export class SGD extends Optimizer {
  readonly kind = 'sgd';
  readonly momentum: number;
  /** u per parameter (the velocity). */
  private readonly u: Float32Array[];

  constructor(params: NamedParam[], { learningRate = 0.01, momentum = 0 }: SGDOptions = {}) {
    super(params);
    checkHyper('SGD', 'learningRate', learningRate, learningRate > 0, '> 0');
    checkHyper('SGD', 'momentum', momentum, momentum >= 0 && momentum < 1, 'in [0, 1)');
    this.learningRate = learningRate;
    this.momentum = momentum;
    this.u = params.map(({ param }) => new Float32Array(momentum > 0 ? param.size : 0));
  }

  step(): void {
    const lr = this.learningRate, mu = this.momentum;
    for (let i = 0; i < this.params.length; i++) {
      const { value: theta, grad: g } = this.params[i].param;
      const u = this.u[i];
      if (mu === 0) {
        for (let j = 0; j < theta.length; j++) theta[j] -= lr * g[j];
      } else {
        for (let j = 0; j < theta.length; j++) {
          u[j] = mu * u[j] - lr * g[j];
          theta[j] += u[j];
        }
      }
    }
    this.iterations++;
  }

  protected slotArrays(): Record<string, Float32Array[]> {
    return { u: this.u };
  }
}
