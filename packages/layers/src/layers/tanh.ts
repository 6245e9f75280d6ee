/** Tanh: y = tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x)). */
import { ActivationLayer, type ActivationFn } from './activation-layer.js';

export const tanh: ActivationFn & { name: 'tanh' } = {
  name: 'tanh',
  // y = tanh(x), element-wise (Math.tanh saturates to ±1, never overflows).
  forward(x, y, rows, cols) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]);
  },
  // Saves y. f′(x) = 1 − tanh²(x) = 1 − y², so dx = dy·(1 − y²).
  backward(y, dy, dx, rows, cols) {
    const n = rows * cols;
    for (let i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
  },
};

export class Tanh extends ActivationLayer {
  constructor() {
    super(tanh);
  }
}
