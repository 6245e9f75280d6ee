/**
 * The WASM SIMD backend: a module emitted from TypeScript at load time (no .wasm file, no toolchain),
 * instantiated over a shared memory — or, where the host refuses one, an ordinary memory (see heap.ts) —
 * and wrapped as `Kernels`.
 *
 * Every kernel accepts any Float32Array. Arrays from `alloc` (views into the wasm memory) are used in
 * place; others are copied into scratch, and outputs copied back (see `heap.ts`).
 */
import type { Kernels } from '../kernels/kernels.js';
import { assemble, type FuncDef } from './assembler.js';
import { bytesToFloat } from './bytes.js';
import { elementwiseKernels } from './elementwise.js';
import { MR, NR, gemmPacked } from './gemm.js';
import { Heap } from './heap.js';
import { packCols, packRows } from './pack.js';
import { webAssembly, type WasmMemory } from './webassembly.js';

/** Memory limits in 64 KiB pages: 16 MiB to start, at most 2 GiB (so byte addresses stay positive i32). */
const INITIAL_PAGES = 256;
const MAX_PAGES = 32768;

/** An exported kernel: byte pointers, counts and scalars in, nothing out. */
export type WasmFn = (...args: number[]) => void;

/**
 * The loaded backend with its parts, for code that runs the same module on other threads
 * (`pool.node.ts`): the compiled module, its shared memory, the JS-side heap and the raw exports.
 */
export interface WasmRuntime {
  readonly kernels: Kernels;
  /** Whether the memory is shared (threads need it; without it every kernel call copies its arguments). */
  readonly shared: boolean;
  readonly module: object;
  readonly memory: WasmMemory;
  readonly heap: Heap;
  readonly exports: Record<string, WasmFn>;
}

/** All functions of the module. */
export function wasmFunctions(): FuncDef[] {
  return [gemmPacked(), packRows(MR), packCols(MR), packRows(NR), packCols(NR), ...elementwiseKernels(), bytesToFloat()];
}

/** The module's bytes (imports `env.memory`, shared unless told). */
export function wasmModuleBytes(shared = true): Uint8Array {
  return assemble(wasmFunctions(), { initial: INITIAL_PAGES, maximum: MAX_PAGES, shared });
}

let loaded: WasmRuntime | null | undefined;

/** The WASM kernels, or null where WebAssembly or SIMD is missing. Memoised. */
export function loadWasmKernels(): Kernels | null {
  return loadWasmRuntime()?.kernels ?? null;
}

/** The runtime behind `loadWasmKernels` (the same instance), or null where it cannot load. */
export function loadWasmRuntime(): WasmRuntime | null {
  if (loaded === undefined) loaded = instantiate();
  return loaded;
}

/** Shared memory where the host allows it, else an ordinary one (e.g. a page that is not cross-origin isolated). */
function instantiate(): WasmRuntime | null {
  return instantiateWasm(true) ?? instantiateWasm(false);
}

/**
 * A new, separate runtime over a shared or an unshared memory, or null where that cannot load. Not
 * memoised and not registered as a backend: `loadWasmKernels` is the one the library uses. Tests use
 * this to run the unshared variant on a host that also allows the shared one.
 */
export function instantiateWasm(shared: boolean): WasmRuntime | null {
  const wa = webAssembly();
  if (!wa) return null;
  try {
    const bytes = wasmModuleBytes(shared);
    if (!wa.validate(bytes)) return null;
    const memory = new wa.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared });
    const module = new wa.Module(bytes);
    const exports = new wa.Instance(module, { env: { memory } }).exports as Record<string, WasmFn>;
    const heap = new Heap(memory, MAX_PAGES, shared);
    return { kernels: wrap(heap, exports), shared, module, memory, heap, exports };
  } catch {
    return null; // e.g. shared memory refused (no SharedArrayBuffer), or no SIMD
  }
}

function wrap(heap: Heap, x: Record<string, WasmFn>): Kernels {
  /** One kernel call: stage arguments, run, copy staged outputs back. */
  const call = (body: () => void): void => {
    heap.begin();
    body();
    heap.end();
  };
  const input = heap.input.bind(heap), output = heap.output.bind(heap);
  const [rowsMR, colsMR, rowsNR, colsNR] = [x[`packRows${MR}`], x[`packCols${MR}`], x[`packRows${NR}`], x[`packCols${NR}`]];
  const packA = (transA: boolean) => (transA ? colsMR : rowsMR);
  const packB = (transB: boolean) => (transB ? rowsNR : colsNR);

  return {
    name: 'wasm',
    alloc: (n) => heap.alloc(n),
    gemm(transA, transB, m, n, k, a, b, beta, c) {
      if (m <= 0 || n <= 0) return;
      if (k <= 0) {
        if (beta === 0) c.fill(0, 0, m * n);
        return;
      }
      call(() => {
        // a: [m, k] ([k, m] if transA); b: [k, n] ([n, k] if transB); c: [m, n]
        const pa = input(a, m * k), pb = input(b, k * n), pc = output(c, m * n, beta === 1);
        const ap = heap.reserve(Math.ceil(m / MR) * MR * k); // op(a) in [m/MR][k, MR] panels
        const bp = heap.reserve(Math.ceil(n / NR) * NR * k); // op(b) in [n/NR][k, NR] panels
        const tmp = heap.reserve(MR * NR);
        packA(transA)(pa, m, k, ap, m); // packCols reads the stride; packRows ignores it
        packB(transB)(pb, n, k, bp, n);
        x.gemmPacked(m, n, k, ap, bp, beta === 1 ? 1 : 0, pc, tmp);
      });
    },
    addBias(y, bias, rows, cols) {
      if (rows > 0 && cols > 0) call(() => x.addBias(output(y, rows * cols, true), input(bias, cols), rows, cols));
    },
    sumRows(dy, db, rows, cols) {
      if (rows > 0 && cols > 0) call(() => x.sumRows(input(dy, rows * cols), output(db, cols, true), rows, cols));
    },
    relu(xs, y, n) {
      if (n > 0) call(() => x.relu(input(xs, n), output(y, n, false), n));
    },
    reluBackward(y, dy, dx, n) {
      if (n > 0) call(() => x.reluBackward(input(y, n), input(dy, n), output(dx, n, false), n));
    },
    sigmoid(xs, y, n) {
      if (n > 0) call(() => x.sigmoid(input(xs, n), output(y, n, false), n));
    },
    sigmoidBackward(y, dy, dx, n) {
      if (n > 0) call(() => x.sigmoidBackward(input(y, n), input(dy, n), output(dx, n, false), n));
    },
    sub(a, b, y, n) {
      if (n > 0) call(() => x.sub(input(a, n), input(b, n), output(y, n, false), n));
    },
    mul(a, b, y, n) {
      if (n > 0) call(() => x.mul(input(a, n), input(b, n), output(y, n, false), n));
    },
    rmsprop(theta, g, v, n, lr, rho, eps) {
      if (n > 0) call(() => x.rmsprop(output(theta, n, true), input(g, n), output(v, n, true), n, lr, rho, 1 - rho, eps));
    },
    adam(theta, g, m, v, n, alpha, beta1, beta2, eps) {
      if (n > 0) call(() => x.adam(output(theta, n, true), input(g, n), output(m, n, true), output(v, n, true), n, alpha, beta1, 1 - beta1, beta2, 1 - beta2, eps));
    },
    bytesToFloat(xs, y, n, div) {
      if (n > 0) call(() => x.bytesToFloat(input(xs, n), output(y, n, false), n, div));
    },
  };
}
