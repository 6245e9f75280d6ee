/**
 * Which kernel set runs. The plain TypeScript kernels are always there; the WASM SIMD kernels register
 * themselves when `WebAssembly.validate` accepts their module. `useBackend` forces one (Node users can
 * set TSNN_BACKEND through `@tsnn/tensor/backend.node`, which reads the environment).
 */
import type { BackendName, Kernels } from './kernels/kernels.js';
import { jsKernels } from './kernels/js.js';
import { TsnnError } from './errors.js';
import { loadWasmKernels } from './wasm/index.js';

const registry = new Map<BackendName, () => Kernels | null>([['js', () => jsKernels]]);
registry.set('wasm', loadWasmKernels);
let active: Kernels | null = null; // null until the first kernels() or useBackend()

/** Make a backend available; `load` returns null when this platform cannot run it. */
export function registerBackend(name: BackendName, load: () => Kernels | null): void {
  registry.set(name, load);
}

/** The backends that can run here, fastest first. */
export function availableBackends(): BackendName[] {
  const order: BackendName[] = ['wasm', 'js'];
  return order.filter((n) => registry.has(n) && registry.get(n)!() !== null);
}

/** Select a backend by name; throws if it cannot run here. Returns the kernels now in use. */
export function useBackend(name: BackendName): Kernels {
  const load = registry.get(name);
  const k = load ? load() : null;
  if (!k) throw new TsnnError(`useBackend: backend '${name}' is not available here (available: ${availableBackends().join(', ')})`);
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
