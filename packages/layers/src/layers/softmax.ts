/** Softmax over each row of [batch, classes]: y_j = e^(x_j) / Σ_k e^(x_k). */
import { ActivationLayer, type ActivationFn } from './activation-layer.js';

export const softmax: ActivationFn & { name: 'softmax' } = {
  name: 'softmax',
  // y_j = e^(x_j − m) / Σ_k e^(x_k − m) with m = max_k x_k: the same value, and no e^x ever overflows.
  forward(x, y, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      let m = -Infinity;
      for (let j = 0; j < cols; j++) m = Math.max(m, x[o + j]);
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(x[o + j] - m);
        y[o + j] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let j = 0; j < cols; j++) y[o + j] *= inv;
    }
  },
  // Saves y. ∂y_k/∂x_j = y_k·([j = k] − y_j), so dx_j = Σ_k dy_k·∂y_k/∂x_j = y_j·(dy_j − Σ_k dy_k·y_k), per row.
  backward(y, dy, dx, rows, cols) {
    for (let r = 0, o = 0; r < rows; r++, o += cols) {
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += dy[o + j] * y[o + j];
      for (let j = 0; j < cols; j++) dx[o + j] = y[o + j] * (dy[o + j] - dot);
    }
  },
};

/** Softmax as a layer, row-wise over the features: the output rows are probabilities summing to 1. */
export class Softmax extends ActivationLayer {
  constructor() {
    super(softmax);
  }
}
