/**
 * The thread pool that splits large gemms of the WASM backend across threads, whatever the host: Node's
 * worker_threads (`pool.node.ts`, `@tsnn/tensor/pool.node`) or a browser's Web Workers (`pool.web.ts`,
 * `@tsnn/tensor/pool.web`) start the workers; everything else is here. Kept out of the main entry.
 *
 *   await useThreads(2);   // kernels().gemm now runs big products on 2 threads
 *   …
 *   await stopThreads();   // back to the plain single-threaded kernels
 *
 * Every worker instantiates the same compiled module over the same shared memory, so no data is
 * copied: the calling thread stages the arguments (as the single-threaded gemm does), packs op(b),
 * publishes the job and then works through chunks of rows of c alongside the workers (see
 * `pool-worker.ts`). With op(b) packed before the job opens, a worker never waits inside a job
 * (one sync point and one notify per gemm fewer, at no measurable cost: a 784×128 op(b) packs in ~14 µs).
 * Only gemms of at least `minWork` multiply-adds and two MR-row panels are split; the rest, and every
 * element-wise kernel, run on the calling thread. sparseGemm (the sparse-input path) is split the same
 * way, by rows of c, when its nonzeros · n reach `minWork` (sparsify stays on the calling thread).
 * Results are bit-identical to the single-threaded WASM kernels, whatever the thread count.
 *
 * Waiting is "spin briefly, then sleep" (Atomics.wait / notify). Chunks are claimed dynamically, so a
 * worker that wakes late or is descheduled simply does fewer chunks; the caller waits for a worker
 * only while that worker is in the middle of a chunk. Measured on 2 shared cores (a 128×128×784
 * gemm: 54 → ~95 GFLOP/s): the default spin, ~40 µs, outlasts the gaps between the gemms of a
 * training step (bias, relu, dropout masks: 10–40 µs), so a worker is rarely asleep when a job
 * comes. Waking one costs the caller ~8 µs (a futex wake in a VM) and the worker tens of µs before
 * it joins; with a 5 µs spin that happened on 97% of the Siamese step's gemms, and an epoch of
 * training took ~1.13 s instead of ~0.98 s. Next to a process hogging one core, the 5 µs and 40 µs
 * spins measured the same (within noise); a spin of ~1 ms, though, made a step 2.3× slower there.
 * Threads stay opt-in (the examples default to 1).
 */
import { kernels, registerBackend, useBackend } from './backend.js';
import { TsnnError } from './errors.js';
import type { Kernels } from './kernels/kernels.js';
import { sparseLayout, type SparseMatrix } from './kernels/sparse.js';
import { loadWasmKernels, loadWasmRuntime, type WasmRuntime } from './wasm/index.js';
import { CTL, gemmFns, runGemmChunks, type GemmFns } from './pool-worker.js';
import type { WasmMemory } from './wasm/webassembly.js';

/** A started worker, as the pool needs it. */
export interface PoolWorker {
  terminate(): unknown;
}

/** What a worker is started with: the compiled module, the shared memory, the control block, its scratch. */
export interface WorkerInit {
  module: object;
  memory: WasmMemory;
  ctl: SharedArrayBuffer;
  tmp: number;
  spin: number;
  /** The module's gemm tile height (its packRows/packCols of this width pack op(a)); per kernel variant. */
  mr: number;
}

/**
 * Starts worker t of a pool and resolves once the worker has instantiated the module (rejects if it fails
 * first). `onError` is for errors the worker reports later.
 */
export type SpawnWorker = (init: WorkerInit, t: number, onError: (e: Error) => void) => Promise<PoolWorker>;

export interface ThreadOptions {
  /** Polls of a control word before a thread sleeps in Atomics.wait (about 5 ns each; keep it well under 1 ms). */
  spin?: number;
  /** gemms with fewer multiply-adds (m·n·k) than this run on the calling thread alone. */
  minWork?: number;
  /** Chunks of rows per thread a gemm is cut into (more: better balance, more claims). */
  chunksPerThread?: number;
}

const DEFAULTS: Required<ThreadOptions> = { spin: 8000, minWork: 1 << 21, chunksPerThread: 4 };

class Pool {
  readonly ctl = new Int32Array(new SharedArrayBuffer(4 * CTL.WORDS));
  readonly workers: PoolWorker[] = [];
  /** The first error a worker reported (its 'error' event), if any. */
  failure: Error | null = null;
  private job = 0;
  private readonly fns: GemmFns;

  /** Byte address of `tmpView`: n consecutive MR×NR-float buffers in wasm memory, one per thread (the caller's first). */
  readonly tmp: number;

  /** `tmpView` is held here so that its wasm block stays allocated (not reclaimed) while the workers write to it. */
  constructor(readonly rt: WasmRuntime, readonly threads: number, readonly opts: Required<ThreadOptions>, readonly tmpView: Float32Array) {
    this.tmp = tmpView.byteOffset;
    this.fns = gemmFns(rt.exports, rt.tile.mr);
  }

  /** Same contract as Kernels.gemm. */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: Float32Array, b: Float32Array, beta: 0 | 1, c: Float32Array): void {
    const { mr: MR, nr: NR } = this.rt.tile;
    const panels = Math.ceil(m / MR);
    if (m * n * k < this.opts.minWork || panels < 2 || n <= 0 || k <= 0) {
      this.rt.kernels.gemm(transA, transB, m, n, k, a, b, beta, c);
      return;
    }
    const { heap, exports: x } = this.rt;
    const ctl = this.ctl;
    heap.begin();
    // a: [m, k] ([k, m] if transA); b: [k, n] ([n, k] if transB); c: [m, n]
    const pa = heap.input(a, m * k), pb = heap.input(b, k * n), pc = heap.output(c, m * n, beta === 1);
    const ap = heap.reserve(panels * MR * k); // op(a) in [m/MR][k, MR] panels
    const bp = heap.reserve(Math.ceil(n / NR) * NR * k); // op(b) in [n/NR][k, NR] panels
    if (transB) x[`packRows${NR}`](pb, n, k, bp);
    else x[`packCols${NR}`](pb, n, k, bp, n);
    const chunkPanels = Math.ceil(panels / (this.threads * this.opts.chunksPerThread));
    ctl[CTL.KIND] = 0;
    ctl[CTL.TRANS_A] = +transA;
    ctl[CTL.M] = m;
    ctl[CTL.N] = n;
    ctl[CTL.K] = k;
    ctl[CTL.A] = pa;
    ctl[CTL.AP] = ap;
    ctl[CTL.BP] = bp;
    ctl[CTL.C] = pc;
    ctl[CTL.BETA] = beta;
    ctl[CTL.CHUNK_ROWS] = chunkPanels * MR;
    ctl[CTL.CHUNKS] = Math.ceil(panels / chunkPanels);
    ctl[CTL.NEXT] = 0;
    this.run(`gemm ${m}×${n}×${k}`);
  }

  /**
   * Same contract as Kernels.sparseGemm. Split by rows of c (rows of x, or of xᵀ with transX) when the
   * multiply-adds (nonzeros · n) reach minWork; each row is still summed by one thread in list order.
   */
  sparseGemm(transX: boolean, s: SparseMatrix, n: number, b: Float32Array, beta: 0 | 1, c: Float32Array): void {
    const L = sparseLayout(s.rows, s.cols, s.capacity);
    const ints = new Int32Array(s.data.buffer, s.data.byteOffset, s.data.length);
    const [m, k, start, index, value] = transX
      ? [s.cols, s.rows, L.colStart, L.cscRow, L.cscVal] : [s.rows, s.cols, L.rowStart, L.csrCol, L.csrVal];
    if (ints[L.rowStart + s.rows] * n < this.opts.minWork || m < 2 || n <= 0) {
      this.rt.kernels.sparseGemm(transX, s, n, b, beta, c);
      return;
    }
    const { heap } = this.rt;
    const ctl = this.ctl;
    heap.begin();
    // b: [k, n]; c: [m, n]
    const ps = heap.input(s.data, L.words), pb = heap.input(b, k * n), pc = heap.output(c, m * n, beta === 1);
    const chunkRows = Math.ceil(m / (this.threads * this.opts.chunksPerThread));
    ctl[CTL.KIND] = 1;
    ctl[CTL.M] = m;
    ctl[CTL.N] = n;
    ctl[CTL.START] = ps + 4 * start;
    ctl[CTL.INDEX] = ps + 4 * index;
    ctl[CTL.VALUE] = ps + 4 * value;
    ctl[CTL.BP] = pb;
    ctl[CTL.C] = pc;
    ctl[CTL.BETA] = beta;
    ctl[CTL.CHUNK_ROWS] = chunkRows;
    ctl[CTL.CHUNKS] = Math.ceil(m / chunkRows);
    ctl[CTL.NEXT] = 0;
    this.run(`sparseGemm ${m}×${n} (${transX ? 'xᵀ' : 'x'}: ${s.rows}×${s.cols})`);
  }

  /** Open the job whose arguments are in ctl, work on it alongside the workers, close it, wait for them. */
  private run(what: string): void {
    const ctl = this.ctl;
    const job = this.job = this.job === 0x7fffffff ? 1 : this.job + 1;
    Atomics.store(ctl, CTL.JOB, job); // publishes the arguments (and a gemm's packed op(b))
    Atomics.notify(ctl, CTL.JOB);
    runGemmChunks(ctl, this.fns, this.tmp);
    // Close the job, then wait for the workers inside it to finish their chunks.
    Atomics.store(ctl, CTL.JOB, 0);
    for (let s = 0, active; (active = Atomics.load(ctl, CTL.ACTIVE)) !== 0; s++) {
      if (s >= this.opts.spin) Atomics.wait(ctl, CTL.ACTIVE, active);
    }
    this.rt.heap.end();
    if (Atomics.load(ctl, CTL.FAILED) === job) {
      const why = this.failure ? `: ${this.failure.message}` : '';
      throw new TsnnError(`${what}: a pool worker failed${why}; c is incomplete (the other threads carry on)`);
    }
  }

  async stop(): Promise<void> {
    Atomics.store(this.ctl, CTL.JOB, -1);
    Atomics.notify(this.ctl, CTL.JOB);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

let pool: Pool | null = null;
let pooled: Kernels | null = null;

/** Threads gemm runs on: 1 without a pool. */
export function threadCount(): number {
  return pool ? pool.threads : 1;
}

/**
 * Run big gemms of the WASM backend on `n` threads (the caller plus n − 1 workers that `spawn` starts).
 * n = 1 stops the pool. Needs the WASM backend to be the active one (it is by default where it loads).
 */
export async function startThreads(n: number, options: ThreadOptions, spawn: SpawnWorker): Promise<void> {
  if (!Number.isInteger(n) || n < 1) throw new TsnnError(`useThreads: n must be an integer ≥ 1, got ${n}`);
  await stopThreads();
  if (n === 1) return;
  const rt = loadWasmRuntime(kernels().name === 'wasm' ? kernels().variant : undefined); // the active variant's module
  if (!rt) throw new TsnnError('useThreads: the wasm backend cannot run here, and threads only split its gemm');
  if (!rt.shared) throw new TsnnError('useThreads: the wasm memory is not shared here (this host refused shared memory), and threads need it');
  if (kernels() !== rt.kernels) {
    throw new TsnnError(`useThreads: threads need the wasm backend, but '${kernels().name}' is active (useBackend('wasm') first)`);
  }
  const opts = { ...DEFAULTS, ...options };
  const { mr, nr } = rt.tile;
  const p = new Pool(rt, n, opts, rt.heap.alloc(mr * nr * n));
  try {
    for (let t = 1; t < n; t++) {
      const init = { module: rt.module, memory: rt.memory, ctl: p.ctl.buffer as SharedArrayBuffer, tmp: p.tmp + 4 * mr * nr * t, spin: opts.spin, mr };
      p.workers.push(await spawn(init, t, (e) => (p.failure ??= e)));
    }
  } catch (e) {
    await p.stop();
    throw e;
  }
  pool = p;
  const base = rt.kernels;
  const kernelsWithPool: Kernels = {
    ...base,
    // A kernel set captured before stopThreads() keeps working, single-threaded.
    gemm: (...args) => (pool ? pool.gemm(...args) : base.gemm(...args)),
    sparseGemm: (...args) => (pool ? pool.sparseGemm(...args) : base.sparseGemm(...args)),
  };
  pooled = kernelsWithPool;
  // Asking for the other variant while the pool runs gives that variant's plain (one-thread) kernels.
  registerBackend('wasm', (o) => (o.kernels === undefined || o.kernels === rt.variant ? kernelsWithPool : loadWasmKernels(o)));
  useBackend('wasm');
}

/** End the pool's workers and go back to the plain WASM kernels. Safe to call without a pool. */
export async function stopThreads(): Promise<void> {
  const p = pool;
  if (!p) return;
  pool = null;
  registerBackend('wasm', loadWasmKernels);
  if (kernels() === pooled) useBackend('wasm', { kernels: p.rt.variant });
  pooled = null;
  await p.stop();
}
