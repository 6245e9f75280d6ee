/** The activation functions that Dense can fuse and that ReLU / Sigmoid layers apply on their own. */
import { kernels } from '@tsnn/tensor';

export type Activation = 'relu' | 'sigmoid' | 'linear';
export const ACTIVATIONS: readonly Activation[] = ['relu', 'sigmoid', 'linear'];

/** y = f(x) in place on the first n values of y (x may be y). */
export function activate(f: Activation, x: Float32Array, y: Float32Array, n: number): void {
  if (f === 'relu') kernels().relu(x, y, n);
  else if (f === 'sigmoid') kernels().sigmoid(x, y, n);
  else if (x !== y) y.set(x.subarray(0, n));
}

/** dx = dy · f'(x), written from the saved output y (relu: [y > 0]; sigmoid: y(1 − y)). */
export function activateBackward(f: Activation, y: Float32Array, dy: Float32Array, dx: Float32Array, n: number): void {
  if (f === 'relu') kernels().reluBackward(y, dy, dx, n);
  else if (f === 'sigmoid') kernels().sigmoidBackward(y, dy, dx, n);
  else if (dx !== dy) dx.set(dy.subarray(0, n));
}
