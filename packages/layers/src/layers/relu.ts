/** ReLU: y = max(x, 0). Saves its output y; dx = dy·[y > 0] (branch-free in the kernels). */
import { ActivationLayer } from './activation-layer.js';

export class ReLU extends ActivationLayer {
  constructor() {
    super('relu');
  }
}
