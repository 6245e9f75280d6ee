/**
 * `@tsnn/tensor/internal`: the kernels' parts, for tsnn's own tests, benchmarks and satellite packages.
 * UNSTABLE: anything here may change or go in any release, without notice. Applications use the main
 * entry (`@tsnn/tensor`).
 */
export { registerBackend, type BackendLoader } from './backend.js';
export { referenceKernels, gemmReference, sparsifyReference, sparseGemmReference } from './kernels/reference.js';
export { sparseMatrix, sparseCount, sparseLayout, type SparseMatrix, type SparseLayout } from './kernels/sparse.js';
export { jsKernels, gemmBlocked } from './kernels/js.js';
export { loadWasmKernels, loadWasmRuntime, instantiateWasm, defaultKernelVariant, type WasmRuntime } from './wasm/index.js';
export { type HeapStats, sizeClass } from './wasm/heap.js';
export { rngStateProblem } from './rng.js';
export { prefix } from './workspace.js';
export { newFloats, fmtBytes } from './floats.js';
export { heapStats } from './heap-stats.js';
export { peakProbeBytes, PEAK_CHAINS } from './wasm/peak.js';
