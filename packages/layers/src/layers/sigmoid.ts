/** Sigmoid: y = 1 / (1 + e^(−x)), stable for large |x|. Saves its output y; dx = dy·y·(1 − y). */
import { ActivationLayer } from './activation-layer.js';

export class Sigmoid extends ActivationLayer {
  constructor() {
    super('sigmoid');
  }
}
