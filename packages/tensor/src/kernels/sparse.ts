/**
 * A mostly-zero matrix x: [rows, cols] with its nonzeros listed twice: by row (CSR: for x·b) and by
 * column (CSC: for xᵀ·b), both in ascending order. `Kernels.sparsify` builds it once (per batch),
 * `Kernels.sparseGemm` reads it for the forward product and for the weight gradient.
 *
 * Everything sits in one Float32Array `data` (from `alloc`, so the WASM backend uses it in place);
 * the integer parts are read through an Int32Array over the same bytes. Layout, in 4-byte words:
 *
 *   rowStart[rows + 1]  i32   row i's nonzeros are entries rowStart[i] … rowStart[i+1] of csr*
 *   colStart[cols + 1]  i32   column p's nonzeros are entries colStart[p] … colStart[p+1] of csc*
 *   csrCol[slots]       i32   column of each nonzero, row by row
 *   csrVal[slots]       f32   its value
 *   cscRow[slots]       i32   row of each nonzero, column by column
 *   cscVal[slots]       f32   its value
 *
 * slots = capacity + 1: the fast kernels append branch-free, writing every float they pass at the
 * next free entry and advancing only past nonzeros, so they may write one entry past the last one.
 * rowStart[rows] is the count, or −1 when x had more nonzeros than the capacity (sparsify counts them
 * first and then writes nothing else: a dense input costs one pass that only reads).
 *
 * "Nonzero" means x ≠ 0: −0 counts as zero and NaN as nonzero. Skipping exact zeros leaves every sum
 * in the same order with the same terms (a zero term adds +0 or −0, which changes no partial sum:
 * they start at +0 and never become −0), so the sparse products give the same bits as the backend's
 * dense gemm whenever the other factor is finite (0·∞ would be NaN in the dense product).
 */

export interface SparseMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Most nonzeros it can hold. */
  readonly capacity: number;
  /** The layout above (its length is `sparseWords(rows, cols, capacity)`). */
  readonly data: Float32Array;
}

/** Word offsets of the parts of `data`. */
export interface SparseLayout {
  readonly rowStart: number;
  readonly colStart: number;
  readonly csrCol: number;
  readonly csrVal: number;
  readonly cscRow: number;
  readonly cscVal: number;
  readonly words: number;
}

export function sparseLayout(rows: number, cols: number, capacity: number): SparseLayout {
  const slots = capacity + 1;
  const colStart = rows + 1, csrCol = colStart + cols + 1;
  return {
    rowStart: 0, colStart, csrCol, csrVal: csrCol + slots, cscRow: csrCol + 2 * slots, cscVal: csrCol + 3 * slots,
    words: csrCol + 4 * slots,
  };
}

/** An empty sparse matrix over `alloc`'d storage (pass `kernels().alloc` so WASM needs no copies). */
export function sparseMatrix(rows: number, cols: number, capacity: number, alloc: (n: number) => Float32Array): SparseMatrix {
  return { rows, cols, capacity, data: alloc(sparseLayout(rows, cols, capacity).words) };
}

/** The integer view of s.data. */
export function sparseInts(s: SparseMatrix): Int32Array {
  return new Int32Array(s.data.buffer, s.data.byteOffset, s.data.length);
}

/** Nonzeros found by the last sparsify, or −1 if there were more than the capacity. */
export function sparseCount(s: SparseMatrix): number {
  return sparseInts(s)[s.rows];
}
