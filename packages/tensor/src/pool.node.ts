/**
 * Node only: the gemm thread pool (`pool.ts`) on worker_threads. Kept out of the main entry (import
 * `@tsnn/tensor/pool.node`).
 *
 *   await useThreads(2);   // kernels().gemm now runs big products on 2 threads
 *   …
 *   await stopThreads();   // back to the plain single-threaded kernels
 */
import { TsnnError } from './errors.js';
import { startThreads, type PoolWorker, type ThreadOptions, type WorkerInit } from './pool.js';
import { workerSource } from './pool-worker.js';

export { stopThreads, threadCount, type ThreadOptions } from './pool.js';

/** The parts of node:worker_threads used here (the package compiles without @types/node). */
interface NodeWorker {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  once(event: 'message' | 'error' | 'exit', listener: (value: unknown) => void): unknown;
  unref(): void;
  terminate(): Promise<number>;
}
interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; name: string; workerData: unknown }) => NodeWorker;
}

/**
 * Run big gemms of the WASM backend on `n` threads (the caller plus n − 1 worker threads). n = 1 stops
 * the pool. Needs the WASM backend to be the active one (it is by default where it loads). The
 * workers are unref'd, so a forgotten pool does not keep the process alive; stopThreads() ends them.
 */
export async function useThreads(n: number, options: ThreadOptions = {}): Promise<void> {
  const { Worker } = (await import(WORKER_THREADS)) as WorkerThreads;
  await startThreads(n, options, (init, t, onError) => startWorker(Worker, init, t, onError));
}

/** Start worker t and wait until it has instantiated the module. */
async function startWorker(Worker: WorkerThreads['Worker'], workerData: WorkerInit, t: number, onError: (e: Error) => void): Promise<PoolWorker> {
  const w = new Worker(workerSource('node'), { eval: true, name: `tsnn-gemm-${t}`, workerData });
  await new Promise<void>((resolve, reject) => {
    w.once('message', () => resolve());
    w.once('error', reject);
    w.once('exit', (code) => reject(new TsnnError(`useThreads: worker ${t} exited with code ${code} before it was ready`)));
  }).catch(async (e) => {
    await w.terminate();
    throw e;
  });
  w.on('error', (e) => onError(e as Error));
  w.unref();
  return w;
}

// Not a literal, so the type checker does not look for node's types (the package compiles without them).
const WORKER_THREADS: string = 'node:worker_threads';
