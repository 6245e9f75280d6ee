/**
 * When a layer's input is mostly exact zeros (MNIST pixels: 81% zeros), its products with that input
 * can skip them: `sparseInput` lists the nonzeros once per batch (Kernels.sparsify) and the layer uses
 * the list for its forward product x·W and again for its weight gradient xᵀ·dz (Kernels.sparseGemm).
 * Both give the same bits as the dense gemm (see kernels/sparse.ts), so the choice never changes a
 * result, only the time.
 *
 * The choice is made per batch from the measured density (nonzeros / entries) of x: up to
 * `maxDensity` the sparse path, above it the dense one. The default is from `bench/src/sparse.ts`
 * (`pnpm --filter @tsnn/bench sparse`, bench/README.md): on the WASM backend, a 128×784 MNIST input
 * against a 784×128 weight (forward plus weight gradient, sparsify included; CPU time, Node 20,
 * 2026-12-02, after the sparse kernel's 6-wide column blocks), sparse / dense was 0.39 at MNIST's
 * density 0.187, 0.58 at 0.28, 0.71 at 0.337, 0.87 at 0.418 and 0.99 at 0.468: the crossover is near
 * 0.47. The default stays at 0.3: 0.4 would also send about half of the example's hidden-layer batches
 * (ReLU outputs, density 0.24–0.6) to the sparse path, and measured no faster on the example (3-epoch
 * runs, 1.00–1.02× the time), while its nonzero lists take a third more memory.
 * A denser input costs one counting pass over x: ~18 µs for 128×784, under 2% of its two gemms.
 */
import { kernels } from './backend.js';
import { TsnnError } from './errors.js';
import { sparseLayout, type SparseMatrix } from './kernels/sparse.js';
import type { Tensor } from './tensor.js';
import { outTensor, type Workspace } from './workspace.js';

/** The default density up to which the sparse path is taken (see above). */
export const SPARSE_MAX_DENSITY = 0.3;

let maxDensity = SPARSE_MAX_DENSITY;

/**
 * Set the density (fraction of nonzero entries, 0 to 1) up to which layers take the sparse-input
 * path; 0 turns it off. Returns the previous setting. Results are the same bits either way.
 */
export function useSparseInputs(density: number): number {
  if (!(density >= 0 && density <= 1)) throw new TsnnError(`useSparseInputs: density must be in [0, 1], got ${density}`);
  const old = maxDensity;
  maxDensity = density;
  return old;
}

/** The density up to which layers take the sparse-input path (0: off). */
export function sparseInputDensity(): number {
  return maxDensity;
}

/**
 * x: [rows, cols] as a SparseMatrix (in a workspace slot when there is a workspace) when at most
 * the set density of its entries are nonzero, else null (use the dense products).
 */
export function sparseInput(x: Tensor, workspace?: Workspace): SparseMatrix | null {
  if (maxDensity === 0 || x.shape.length !== 2 || x.size === 0) return null;
  const [rows, cols] = x.shape;
  const capacity = Math.floor(maxDensity * rows * cols);
  const s: SparseMatrix = { rows, cols, capacity, data: outTensor(workspace, [sparseLayout(rows, cols, capacity).words]).data };
  return kernels().sparsify(x.data, s) >= 0 ? s : null;
}
