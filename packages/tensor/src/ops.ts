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
  out?: Tensor;
  /** Add into `out` (c += op(a)·op(b)) instead of overwriting it. */
  accumulate?: boolean;
}

/** op(a)·op(b) for 2-D tensors, where op is the identity or the transpose as the options say. */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const { transA = false, transB = false, accumulate = false } = opts;
  const name = `matmul(${transA ? 'aᵀ' : 'a'}·${transB ? 'bᵀ' : 'b'})`;
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new ShapeError(`${name}: needs 2-D tensors, got a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}`);
  }
  const [m, ka] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [kb, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (ka !== kb) {
    throw new ShapeError(`${name}: inner dimensions differ, a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}`);
  }
  const out = opts.out ?? new Tensor([m, n]);
  if (out.shape.length !== 2 || out.shape[0] !== m || out.shape[1] !== n) {
    throw new ShapeError(`${name}: out is ${fmtShape(out.shape)}, expected [${m}, ${n}] for a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}`);
  }
  kernels().gemm(transA, transB, m, n, ka, a.data, b.data, accumulate ? 1 : 0, out.data);
  return out;
}
