/** Shape-checked tensor operations over the active backend's kernels. */
import { kernels } from './backend.js';
import { ShapeError, fmtShape } from './errors.js';
import { Tensor } from './tensor.js';

export interface MatmulOptions {
  /** Use aᵀ: a is stored [k, m]. */
  transA?: boolean;
  /** Use bᵀ: b is stored [n, k]. */
  transB?: boolean;
  /** Write into this [m, n] tensor instead of allocating. */
  into?: Tensor;
  /** Add into `into` (c += op(a)·op(b)) instead of overwriting it. */
  accumulate?: boolean;
}

/**
 * c = op(a)·op(b) for 2-D tensors, where op is the identity or the transpose as the options say, e.g.
 * `matmul(x, dz, { transA: true, into: dW, accumulate: true })` is dW += xᵀ·dz. With `into` it allocates
 * nothing (the checks build no strings unless they fail).
 */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const transA = opts.transA === true, transB = opts.transB === true;
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new ShapeError(`${opName(transA, transB)}: needs 2-D tensors, got a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}`);
  }
  const m = transA ? a.shape[1] : a.shape[0], k = transA ? a.shape[0] : a.shape[1];
  const kb = transB ? b.shape[1] : b.shape[0], n = transB ? b.shape[0] : b.shape[1];
  if (k !== kb) {
    throw new ShapeError(`${opName(transA, transB)}: inner dimensions differ, a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}`);
  }
  const c = opts.into ?? new Tensor([m, n]);
  if (c.shape.length !== 2 || c.shape[0] !== m || c.shape[1] !== n) {
    throw new ShapeError(`${opName(transA, transB)}: into is ${fmtShape(c.shape)}, expected [${m}, ${n}] for a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}`);
  }
  kernels().gemm(transA, transB, m, n, k, a.data, b.data, opts.accumulate === true ? 1 : 0, c.data);
  return c;
}

function opName(transA: boolean, transB: boolean): string {
  return `matmul(${transA ? 'aᵀ' : 'a'}·${transB ? 'bᵀ' : 'b'})`;
}
