/**
 * What runs on the pool's threads (see `pool.ts`), and the part of a pooled gemm that the calling
 * thread runs too. Host-neutral: Node's worker_threads (`pool.node.ts`) and Web Workers (`pool.web.ts`)
 * run the same source, differing only in how a worker receives its start message. Threads talk only through a small control block, an Int32Array on a
 * SharedArrayBuffer (`CTL` gives the word indices; hot words sit 64 bytes apart):
 *
 *   JOB      id of the open job, 0 when none is open, −1 to stop the workers
 *   ACTIVE   workers inside a job (a worker joins with +1 and leaves with −1)
 *   NEXT     next chunk of rows to claim (Atomics.add)
 *   FAILED   id of a job in which a worker threw (it then exits)
 *   ARGS…    the job: transA, m, n, k and the byte addresses of a, packed a, packed b (already
 *            packed when the job opens), c; or, when KIND is 1, a sparseGemm: m, n, the byte
 *            addresses of the sparse lists (START, INDEX, VALUE), b (in BP) and c
 *
 * A job splits c into chunks of whole MR-row panels. Whoever claims a chunk packs those rows of op(a)
 * and runs the tile kernel on them (a sparse job: runs sparseGemm on those rows of the list), so every
 * element of c is computed by the same instructions in the same order whichever thread (or how many)
 * does it: results are bit-identical for any thread count.
 *
 * The worker's source is built from these functions' text (Function.prototype.toString), so they must
 * stay self-contained: no imports, no closures, no nested functions (tsx's keepNames would wrap those
 * in a helper the worker lacks, and vitest rewrites references to imported names). They may use
 * `CTL` and each other, which the worker's source defines too.
 */

export const CTL = {
  JOB: 0, ACTIVE: 16, NEXT: 32,
  TRANS_A: 64, M: 65, N: 66, K: 67, A: 68, AP: 69, BP: 70, C: 71, BETA: 72, CHUNK_ROWS: 73, CHUNKS: 74,
  KIND: 75, START: 76, INDEX: 77, VALUE: 78,
  FAILED: 80, WORDS: 96,
} as const;

type Fn = (...args: number[]) => void;

/** The module's exports that a pooled gemm calls; packCols and packRows are the MR-wide ones. */
export interface GemmFns {
  readonly packCols: Fn;
  readonly packRows: Fn;
  readonly gemmPacked: Fn;
  readonly sparseGemm: Fn;
}

/** The MR-wide packing functions and the tile kernel from a module's exports. */
export function gemmFns(exports: Record<string, unknown>, mr: number): GemmFns {
  return { packCols: exports[`packCols${mr}`] as Fn, packRows: exports[`packRows${mr}`] as Fn, gemmPacked: exports.gemmPacked as Fn, sparseGemm: exports.sparseGemm as Fn };
}

/**
 * Claim chunks of the open job until none are left: pack the chunk's rows of op(a), run the tile kernel
 * on them against the packed op(b). `tmp`: this thread's MR×NR floats.
 */
export function runGemmChunks(ctl: Int32Array, f: GemmFns, tmp: number): void {
  const transA = ctl[CTL.TRANS_A], m = ctl[CTL.M], n = ctl[CTL.N], k = ctl[CTL.K];
  const a = ctl[CTL.A], ap = ctl[CTL.AP], bp = ctl[CTL.BP], c = ctl[CTL.C], beta = ctl[CTL.BETA];
  const chunkRows = ctl[CTL.CHUNK_ROWS], chunks = ctl[CTL.CHUNKS], sparse = ctl[CTL.KIND] === 1;
  for (;;) {
    const q = Atomics.add(ctl, CTL.NEXT, 1);
    if (q >= chunks) return;
    const r0 = q * chunkRows, rows = Math.min(chunkRows, m - r0);
    if (sparse) {
      // rows r0 … r0+rows of the list: their starts begin 4·r0 bytes in; b is in BP
      f.sparseGemm(ctl[CTL.START] + 4 * r0, ctl[CTL.INDEX], ctl[CTL.VALUE], rows, n, bp, beta, c + 4 * r0 * n);
      continue;
    }
    const apq = ap + 4 * r0 * k; // panel r0/MR starts (r0/MR)·k·MR floats in
    // op(a) rows r0 … r0+rows: columns of a: [k, m] when transA, else rows of a: [m, k]
    if (transA) f.packCols(a + 4 * r0, rows, k, apq, m);
    else f.packRows(a + 4 * r0 * k, rows, k, apq);
    f.gemmPacked(rows, n, k, apq, bp, beta, c + 4 * r0 * n, tmp);
  }
}

/** A worker's life: wait for a job it has not joined yet (spin, then sleep), join it, help, leave; until JOB is −1. */
export function workerLoop(ctl: Int32Array, f: GemmFns, tmp: number, spin: number): void {
  let last = 0;
  for (;;) {
    let job = Atomics.load(ctl, CTL.JOB);
    for (let s = 0; job === 0 || job === last; s++) {
      if (s >= spin) Atomics.wait(ctl, CTL.JOB, job);
      job = Atomics.load(ctl, CTL.JOB);
    }
    if (job < 0) return;
    // Join, then check the job is still open: the caller closes a job before it waits for ACTIVE to
    // reach 0, so a worker that sees it open here is waited for, and one that does not leaves at once.
    Atomics.add(ctl, CTL.ACTIVE, 1);
    try {
      if (Atomics.load(ctl, CTL.JOB) === job) {
        last = job;
        runGemmChunks(ctl, f, tmp);
      }
    } catch (e) {
      Atomics.store(ctl, CTL.FAILED, job); // the caller throws: chunks this worker claimed may be missing
      throw e;
    } finally {
      if (Atomics.sub(ctl, CTL.ACTIVE, 1) === 1) Atomics.notify(ctl, CTL.ACTIVE);
    }
  }
}

/** How a worker receives its start data: Node's workerData, or a Web Worker's first message. */
export type PoolHost = 'node' | 'web';

/** The worker's whole source: the constants, the functions above, and a start that instantiates the module. */
export function workerSource(host: PoolHost = 'node'): string {
  const body = [
    `const wasmExports = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports;`,
    `post('ready');`,
    `workerLoop(new Int32Array(init.ctl), gemmFns(wasmExports, init.mr), init.tmp, init.spin);`,
  ];
  const start = host === 'node'
    ? [`const { workerData: init, parentPort } = require('node:worker_threads');`, `const post = (m) => parentPort.postMessage(m);`, ...body]
    : [`self.onmessage = (e) => {`, `  self.onmessage = null;`, `  const init = e.data, post = (m) => self.postMessage(m);`, ...body.map((l) => `  ${l}`), `};`];
  return [
    `'use strict';`,
    `const CTL = ${JSON.stringify(CTL)};`,
    gemmFns.toString(),
    runGemmChunks.toString(),
    workerLoop.toString(),
    ...start,
  ].join('\n');
}
