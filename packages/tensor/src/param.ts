/** A trainable parameter: a value and its gradient of equal length, side by side (convnetjs's w / dw). */
import { kernels } from './backend.js';
import { Tensor, sizeOf } from './tensor.js';

export class Param {
  readonly shape: readonly number[];
  readonly value: Float32Array;
  /** Gradients are always added into (`+=`); `zeroGrad()` is the only thing that clears them. */
  readonly grad: Float32Array;
  /** The value as a tensor of this shape, over the same memory (for matmul and friends). */
  readonly tensor: Tensor;
  /** The gradient as a tensor of this shape, over the same memory. */
  readonly gradTensor: Tensor;

  constructor(shape: readonly number[], value?: Float32Array) {
    this.shape = shape;
    const n = sizeOf(shape);
    this.value = kernels().alloc(n);
    if (value) this.value.set(value);
    this.grad = kernels().alloc(n);
    this.tensor = new Tensor(shape, this.value);
    this.gradTensor = new Tensor(shape, this.grad);
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
