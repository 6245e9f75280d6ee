/** A trainable parameter: a value and its gradient of equal length, side by side (convnetjs's w / dw). */
import { kernels } from './backend.js';
import { sizeOf } from './tensor.js';

export class Param {
  readonly shape: readonly number[];
  readonly value: Float32Array;
  /** Gradients are always added into (`+=`); `zeroGrad()` is the only thing that clears them. */
  readonly grad: Float32Array;

  constructor(shape: readonly number[], value?: Float32Array) {
    this.shape = shape;
    const n = sizeOf(shape);
    this.value = kernels().alloc(n);
    if (value) this.value.set(value);
    this.grad = kernels().alloc(n);
  }

  get size(): number {
    return this.value.length;
  }

  zeroGrad(): void {
    this.grad.fill(0);
  }
}

/** A parameter together with its stable path name in a model (`base.dense1.kernel`). */
export interface NamedParam {
  name: string;
  param: Param;
}
