/**
 * The WASM SIMD backend: a module emitted from TypeScript at load time (no .wasm file, no toolchain),
 * instantiated over a shared memory — or, where the host refuses one, an ordinary memory (see heap.ts) —
 * and wrapped as `Kernels`.
 *
 * Every kernel accepts any Float32Array. Arrays from `alloc` (views into the wasm memory) are used in
 * place; others are copied into scratch, and outputs copied back (see `heap.ts`).
 */
import type { KernelVariant, Kernels } from '../kernels/kernels.js';
import { drawMask } from '../kernels/mask.js';
import { sparseCount, sparseLayout } from '../kernels/sparse.js';
import { assemble, type FuncDef } from './assembler.js';
import { bytesToFloat } from './bytes.js';
import { elementwiseKernels } from './elementwise.js';
import { TILES, gemmPacked, type Tile } from './gemm.js';
import { Heap } from './heap.js';
import { fillMask } from './mask.js';
import { packCols, packRows } from './pack.js';
import { relaxedSimdSupported } from './relaxed.js';
import { sparseGemm, sparsify } from './sparse.js';
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
  /** Which kernels the module holds: 'strict' (plain SIMD) or 'relaxed' (fused multiply-add). */
  readonly variant: KernelVariant;
  /** gemm's micro-tile in this module (its packRows/packCols come in widths tile.mr and tile.nr). */
  readonly tile: Tile;
  /** Whether the memory is shared (threads need it; without it every kernel call copies its arguments). */
  readonly shared: boolean;
  readonly module: object;
  readonly memory: WasmMemory;
  readonly heap: Heap;
  readonly exports: Record<string, WasmFn>;
}

/** All functions of the module, for one kernel variant. */
export function wasmFunctions(variant: KernelVariant = 'strict'): FuncDef[] {
  const { mr, nr } = TILES[variant];
  const widths = [...new Set([mr, nr])];
  return [gemmPacked(variant), ...widths.flatMap((w) => [packRows(w), packCols(w)]), ...elementwiseKernels(variant), bytesToFloat(), fillMask(), sparsify(), sparseGemm(variant)];
}

/** The module's bytes (imports `env.memory`, shared unless told). */
export function wasmModuleBytes(shared = true, variant: KernelVariant = 'strict'): Uint8Array {
  return assemble(wasmFunctions(variant), { initial: INITIAL_PAGES, maximum: MAX_PAGES, shared });
}

/** The variant used when none is asked for: relaxed where the host runs it, else strict. */
export function defaultKernelVariant(): KernelVariant {
  return relaxedSimdSupported() ? 'relaxed' : 'strict';
}

const loaded = new Map<KernelVariant, WasmRuntime | null>();

/**
 * The WASM kernels of a variant (`options.kernels`, default: `defaultKernelVariant()`), or null where they
 * cannot load. Memoised. Its signature is a backend loader's (see `registerBackend`).
 */
export function loadWasmKernels(options: { readonly kernels?: KernelVariant } = {}): Kernels | null {
  return loadWasmRuntime(options.kernels)?.kernels ?? null;
}

/** The runtime behind `loadWasmKernels` (the same instance), or null where it cannot load. */
export function loadWasmRuntime(variant: KernelVariant = defaultKernelVariant()): WasmRuntime | null {
  if (!loaded.has(variant)) loaded.set(variant, instantiate(variant));
  return loaded.get(variant)!;
}

/** Shared memory where the host allows it, else an ordinary one (e.g. a page that is not cross-origin isolated). */
function instantiate(variant: KernelVariant): WasmRuntime | null {
  return instantiateWasm(true, variant) ?? instantiateWasm(false, variant);
}

/**
 * A new, separate runtime over a shared or an unshared memory, or null where that cannot load. Not
 * memoised and not registered as a backend: `loadWasmKernels` is the one the library uses. Tests use
 * this to run the unshared variant on a host that also allows the shared one.
 */
export function instantiateWasm(shared: boolean, variant: KernelVariant = defaultKernelVariant()): WasmRuntime | null {
  const wa = webAssembly();
  if (!wa) return null;
  if (variant === 'relaxed' && !relaxedSimdSupported()) return null;
  try {
    const bytes = wasmModuleBytes(shared, variant);
    if (!wa.validate(bytes)) return null;
    const memory = new wa.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared });
    const module = new wa.Module(bytes);
    const exports = new wa.Instance(module, { env: { memory } }).exports as Record<string, WasmFn>;
    const heap = new Heap(memory, MAX_PAGES, shared);
    const tile = TILES[variant];
    return { kernels: wrap(heap, exports, variant, tile), variant, tile, shared, module, memory, heap, exports };
  } catch {
    return null; // e.g. shared memory refused (no SharedArrayBuffer), or no SIMD
  }
}

function wrap(heap: Heap, x: Record<string, WasmFn>, variant: KernelVariant, { mr: MR, nr: NR }: Tile): Kernels {
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
    variant,
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
    sparsify(xs, s) {
      const { rows, cols, capacity } = s, L = sparseLayout(rows, cols, capacity);
      call(() => {
        // x: [rows, cols]; s: the layout of sparse.ts, every part written here
        const px = input(xs, rows * cols), ps = output(s.data, L.words, false);
        x.sparsify(px, rows, cols, capacity,
          ps + 4 * L.rowStart, ps + 4 * L.colStart, ps + 4 * L.csrCol, ps + 4 * L.csrVal, ps + 4 * L.cscRow, ps + 4 * L.cscVal);
      });
      return sparseCount(s);
    },
    sparseGemm(transX, s, n, b, beta, c) {
      const L = sparseLayout(s.rows, s.cols, s.capacity);
      // x·b: rows of x from the CSR part; xᵀ·b: rows of xᵀ (columns of x) from the CSC part
      const [m, k, start, index, value] = transX
        ? [s.cols, s.rows, L.colStart, L.cscRow, L.cscVal] : [s.rows, s.cols, L.rowStart, L.csrCol, L.csrVal];
      if (m <= 0 || n <= 0) return;
      call(() => {
        // b: [k, n]; c: [m, n]
        const ps = input(s.data, L.words), pb = input(b, k * n), pc = output(c, m * n, beta === 1);
        x.sparseGemm(ps + 4 * start, ps + 4 * index, ps + 4 * value, m, n, pb, beta, pc);
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
    neg(xs, y, n) {
      if (n > 0) call(() => x.neg(input(xs, n), output(y, n, false), n));
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
    fillMask(state, out, n, threshold, value) {
      const limit = Math.max(0, Math.ceil(threshold * 4294967296)); // u ≥ threshold ⟺ t ≥ limit, for integers t < 2³²
      if (!(limit <= 0xffffffff)) return drawMask(state, out, n, threshold, value); // nothing kept, or a NaN threshold
      if (n <= 0) return;
      call(() => x.fillMask(output(state, 4, true), output(out, n, false), n, limit | 0, value));
    },
  };
}
