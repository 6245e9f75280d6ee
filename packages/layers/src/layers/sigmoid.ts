/** Sigmoid: y = 1 / (1 + e^(−x)), stable for large |x|. */
import { kernels } from '@tsnn/tensor';
import { ActivationLayer, type ActivationFn } from './activation-layer.js';

/** The definition, one value at a time. The kernels compute this (tested against it). */
export const sigmoidDefinition = {
  /** f(x) = 1 / (1 + e^(−x)) */
  f: (x: number): number => 1 / (1 + Math.exp(-x)),
  /** f′ read from the saved output y = f(x): f′(x) = f(x)·(1 − f(x)) = y·(1 − y) */
  dfFromY: (y: number): number => y * (1 - y),
};

export const sigmoid: ActivationFn & { name: 'sigmoid' } = {
  name: 'sigmoid',
  // y = 1 / (1 + e^(−x)), computed from e^(−|x|) in the fast kernels so it never overflows.
  forward: (x, y, rows, cols) => kernels().sigmoid(x, y, rows * cols),
  // Saves y. dx = dy·y·(1 − y).
  backward: (y, dy, dx, rows, cols) => kernels().sigmoidBackward(y, dy, dx, rows * cols),
};

export class Sigmoid extends ActivationLayer {
  constructor() {
    super(sigmoid);
  }
}
