/**
 * Node only: choose the backend from the TSNN_BACKEND environment variable (js | wasm) and the kernel
 * variant from TSNN_KERNELS (strict | relaxed). Kept out of the main entry so the library itself never
 * touches `process`.
 */
import { availableBackends, availableKernelVariants, kernels, useBackend } from './backend.js';
import type { BackendName, KernelVariant, Kernels } from './kernels/kernels.js';
import { TsnnError } from './errors.js';
import { sparseInputDensity, useSparseInputs } from './sparse-input.js';

declare const process: { env: Record<string, string | undefined> };

/**
 * Apply `name` (default: $TSNN_BACKEND) and `variant` (default: $TSNN_KERNELS); with neither, keep the
 * automatic choice (wasm when available, relaxed kernels where supported). A variant alone applies to the
 * automatic backend. Throws a TsnnError for an unknown or unavailable backend or variant.
 */
export function useBackendFromEnv(name: string | undefined = process.env.TSNN_BACKEND,
  variant: string | undefined = process.env.TSNN_KERNELS): Kernels {
  useSparseInputsFromEnv();
  const v = variant === '' ? undefined : variant;
  if (v !== undefined && v !== 'strict' && v !== 'relaxed') {
    throw new TsnnError(`TSNN_KERNELS must be 'strict' or 'relaxed', got '${v}' (available here: ${availableKernelVariants().join(', ')})`);
  }
  if ((name === undefined || name === '') && v === undefined) return kernels();
  if (name !== undefined && name !== '' && name !== 'js' && name !== 'wasm') {
    throw new TsnnError(`TSNN_BACKEND must be 'js' or 'wasm', got '${name}' (available here: ${availableBackends().join(', ')})`);
  }
  const backend = (name === undefined || name === '' ? availableBackends()[0] : name) as BackendName;
  return useBackend(backend, v === undefined ? {} : { kernels: v as KernelVariant });
}

/**
 * Apply `value` (default: $TSNN_SPARSE_DENSITY), the density up to which layers take the sparse-input
 * path (0 turns it off; see sparse-input.ts); without one, keep the setting. Returns the setting in use.
 * Throws a TsnnError for anything but a number in [0, 1].
 */
export function useSparseInputsFromEnv(value: string | undefined = process.env.TSNN_SPARSE_DENSITY): number {
  if (value === undefined || value === '') return sparseInputDensity();
  const d = Number(value);
  if (!(d >= 0 && d <= 1)) throw new TsnnError(`TSNN_SPARSE_DENSITY must be a number in [0, 1] (0: off), got '${value}'`);
  useSparseInputs(d);
  return d;
}
