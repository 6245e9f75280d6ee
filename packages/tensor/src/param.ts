/** A trainable parameter: a value and its gradient of equal length, side by side (convnetjs's w / dw). */
import { kernels } from './backend.js';
import { TsnnError, fmtShape } from './errors.js';
import { fmtBytes } from './floats.js';
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
    this.value = allocFor(shape, n);
    if (value) this.value.set(value);
    this.grad = allocFor(shape, n);
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

/** n floats from the active backend, or a TsnnError naming the parameter's shape (e.g. Dense(1e9)'s kernel). */
function allocFor(shape: readonly number[], n: number): Float32Array {
  try {
    return kernels().alloc(n);
  } catch (e) {
    if (!(e instanceof RangeError || e instanceof TsnnError)) throw e;
    throw new TsnnError(`Param ${fmtShape(shape)}: cannot allocate ${n} floats (${fmtBytes(4 * n)}) for its value and as many for its gradient`);
  }
}
