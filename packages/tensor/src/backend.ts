/**
 * Which kernel set runs. The plain TypeScript kernels are always there; the WASM SIMD kernels register
 * themselves when `WebAssembly.validate` accepts their module. `useBackend` forces one (Node users can
 * set TSNN_BACKEND and TSNN_KERNELS through `@tsnn/tensor/backend.node`, which reads the environment).
 *
 * The WASM backend comes in two variants (see `Kernels.variant`): 'relaxed' (fused multiply-add through
 * relaxed SIMD; chosen by default where `WebAssembly.validate` accepts it: Node ≥ 22, Chromium ≥ 114,
 * Firefox ≥ 145) and 'strict' (plain SIMD, the same bits on every machine; the only one on Node 20).
 * `useBackend('wasm', { kernels: 'strict' })` asks for the strict one where results must match across machines.
 */
import type { BackendName, KernelVariant, Kernels } from './kernels/kernels.js';
import { jsKernels } from './kernels/js.js';
import { TsnnError } from './errors.js';
import { loadWasmKernels } from './wasm/index.js';
import { relaxedSimdSupported } from './wasm/relaxed.js';

export interface BackendOptions {
  /** Kernel variant; default: the fastest the backend has here ('relaxed' where supported, else 'strict'). */
  readonly kernels?: KernelVariant;
}

/** Loads a backend's kernels with the options asked for, or returns null when this platform cannot run them. */
export type BackendLoader = (options: BackendOptions) => Kernels | null;

const registry = new Map<BackendName, BackendLoader>([['js', () => jsKernels]]);
registry.set('wasm', loadWasmKernels);
let active: Kernels | null = null; // null until the first kernels() or useBackend()

/** Make a backend available; `load` returns null when this platform cannot run it. */
export function registerBackend(name: BackendName, load: BackendLoader): void {
  registry.set(name, load);
}

/** The backends that can run here, fastest first. */
export function availableBackends(): BackendName[] {
  const order: BackendName[] = ['wasm', 'js'];
  return order.filter((n) => registry.has(n) && registry.get(n)!({}) !== null);
}

/** The kernel variants `useBackend('wasm', { kernels })` accepts here. */
export function availableKernelVariants(): KernelVariant[] {
  return relaxedSimdSupported() ? ['strict', 'relaxed'] : ['strict'];
}

/**
 * Select a backend by name, optionally a kernel variant; throws a TsnnError if it cannot run here
 * (e.g. relaxed kernels on Node 20, or any on 'js', which has strict ones only). Returns the kernels now in use.
 */
export function useBackend(name: BackendName, options: BackendOptions = {}): Kernels {
  const want = options.kernels;
  if (want !== undefined && want !== 'strict' && want !== 'relaxed') {
    throw new TsnnError(`useBackend: kernels must be 'strict' or 'relaxed', got '${String(want)}'`);
  }
  if (want === 'relaxed' && name === 'js') {
    throw new TsnnError(`useBackend: backend 'js' has strict kernels only; relaxed (fused multiply-add) kernels need 'wasm'`);
  }
  if (want === 'relaxed' && name === 'wasm' && !relaxedSimdSupported()) {
    throw new TsnnError(`useBackend: relaxed-SIMD kernels are not available here (WebAssembly.validate refuses f32x4.relaxed_madd; ` +
      `they need Node ≥ 22, Chromium ≥ 114 or Firefox ≥ 145); use kernels: 'strict' or leave it unset`);
  }
  const load = registry.get(name);
  const k = load ? load(options) : null;
  if (!k) throw new TsnnError(`useBackend: backend '${name}' is not available here (available: ${availableBackends().join(', ')})`);
  if (want !== undefined && k.variant !== want) {
    throw new TsnnError(`useBackend: backend '${name}' gave '${k.variant}' kernels, not the '${want}' ones asked for`);
  }
  active = k;
  return k;
}

/** The kernels in use: the fastest available one unless `useBackend` chose another. */
export function kernels(): Kernels {
  return active ?? useBackend(availableBackends()[0]);
}

export function backendName(): BackendName {
  return kernels().name;
}

/** The variant of the kernels in use: 'relaxed' (fused multiply-add) or 'strict' (the same bits everywhere). */
export function kernelVariant(): KernelVariant {
  return kernels().variant;
}
