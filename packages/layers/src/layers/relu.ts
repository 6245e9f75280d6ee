/** ReLU: y = max(x, 0). */
import { kernels } from '@tsnn/tensor';
import { ActivationLayer, type ActivationFn } from './activation-layer.js';

/** The definition, one value at a time. The kernels compute exactly this (tested against it). */
export const reluDefinition = {
  /** f(x) = max(x, 0) */
  f: (x: number): number => (x > 0 ? x : 0),
  /** f′ read from the saved output y = f(x): 1 where y > 0 (⇔ x > 0), else 0 */
  dfFromY: (y: number): number => (y > 0 ? 1 : 0),
};

export const relu: ActivationFn & { name: 'relu' } = {
  name: 'relu',
  // y = max(x, 0), branch-free in the fast kernels.
  forward: (x, y, rows, cols) => kernels().relu(x, y, rows * cols),
  // Saves y. dx = dy·f′ = dy·[y > 0].
  backward: (y, dy, dx, rows, cols) => kernels().reluBackward(y, dy, dx, rows * cols),
};

export class ReLU extends ActivationLayer {
  constructor() {
    super(relu);
  }
}
