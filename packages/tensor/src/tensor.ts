/**
 * A tensor is a flat row-major Float32Array with a shape. Nothing more: no autograd graph, no device.
 * Layers pass tensors forward and gradients (also tensors) backward by hand.
 */
import { ShapeError, fmtShape } from './errors.js';
import { newFloats } from './floats.js';

export class Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;

  constructor(shape: readonly number[], data?: Float32Array) {
    const n = sizeOf(shape);
    if (data && data.length !== n) {
      throw new ShapeError(`Tensor: data has ${data.length} values but shape ${fmtShape(shape)} needs ${n}`);
    }
    this.shape = shape;
    // An ordinary, garbage-collected array: long-lived buffers (parameters, workspaces, optimizer state)
    // come from kernels().alloc instead, so the WASM backend can use them without copying.
    this.data = data ?? newFloats(n, `Tensor${fmtShape(shape)}`);
  }

  get size(): number {
    return this.data.length;
  }

  toString(): string {
    return `Tensor${fmtShape(this.shape)}`;
  }
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`Tensor: bad dimension ${d} in shape ${fmtShape(shape)}`);
    n *= d;
  }
  return n;
}

/** A tensor of zeros. */
export function zeros(shape: readonly number[]): Tensor {
  return new Tensor(shape);
}

/** A tensor holding a copy of `values`, e.g. `tensor([2, 2], [1, 2, 3, 4])`. */
export function tensor(shape: readonly number[], values: ArrayLike<number>): Tensor {
  const t = new Tensor(shape);
  if (values.length !== t.size) {
    throw new ShapeError(`tensor: ${values.length} values given for shape ${fmtShape(shape)} (needs ${t.size})`);
  }
  t.data.set(values);
  return t;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws `op: expected [..], got [..]` unless `actual` matches `expected` (−1 matches any size). */
export function expectShape(op: string, actual: readonly number[], expected: readonly number[], what = 'input'): void {
  const ok = actual.length === expected.length && expected.every((d, i) => d < 0 || d === actual[i]);
  if (!ok) {
    const exp = `[${expected.map((d) => (d < 0 ? '*' : String(d))).join(', ')}]`;
    throw new ShapeError(`${op} got ${what} ${fmtShape(actual)}, expected ${exp}`);
  }
}
