/**
 * Node only: choose the backend from the TSNN_BACKEND environment variable (js | wasm). Kept out of the
 * main entry so the library itself never touches `process`.
 */
import { availableBackends, kernels, useBackend } from './backend.js';
import type { BackendName, Kernels } from './kernels/kernels.js';
import { TsnnError } from './errors.js';

declare const process: { env: Record<string, string | undefined> };

/**
 * Apply `name` (default: $TSNN_BACKEND); with neither, keep the automatic choice (wasm when available).
 * Throws a TsnnError for an unknown or unavailable backend.
 */
export function useBackendFromEnv(name: string | undefined = process.env.TSNN_BACKEND): Kernels {
  if (name === undefined || name === '') return kernels();
  if (name !== 'js' && name !== 'wasm') {
    throw new TsnnError(`TSNN_BACKEND must be 'js' or 'wasm', got '${name}' (available here: ${availableBackends().join(', ')})`);
  }
  return useBackend(name as BackendName);
}
