/** @tsnn/tensor's public API. Kernel internals live in `@tsnn/tensor/internal` (unstable). */
export { Tensor, tensor, zeros, sizeOf, sameShape, expectShape } from './tensor.js';
export { matmul, type MatmulOptions } from './ops.js';
export { Param, type NamedParam } from './param.js';
export { Workspace, outTensor } from './workspace.js';
export { sparseInput, useSparseInputs, sparseInputDensity, SPARSE_MAX_DENSITY } from './sparse-input.js';
export { Rng, type RngState } from './rng.js';
export { glorotUniform, glorotLimit } from './init.js';
export { TsnnError, ShapeError, fmtShape } from './errors.js';
export { kernels, useBackend, availableBackends, availableKernelVariants, backendName, kernelVariant, type BackendOptions } from './backend.js';
export type { Kernels, BackendName, KernelVariant } from './kernels/kernels.js';
export { relaxedSimdSupported } from './wasm/relaxed.js';
export { allclose, firstMismatch, type Mismatch } from './allclose.js';
export { VERSION } from './version.js';
