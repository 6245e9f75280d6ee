/**
 * Browsers: the gemm thread pool (`pool.ts`) on Web Workers (import `@tsnn/tensor/pool.web`).
 *
 *   await useThreads(2);   // kernels().gemm now runs big products on 2 threads
 *   …
 *   await stopThreads();
 *
 * The workers share the WASM memory, so the page must be cross-origin isolated (served with
 * `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`), and the
 * pool must be used from a worker, not the page's main thread: the calling thread waits for the others with
 * Atomics.wait, which browsers forbid on the main thread (and training there would freeze the page anyway).
 * Each worker runs the same source as Node's (`pool-worker.ts`), from a blob: URL.
 */
import { TsnnError } from './errors.js';
import { startThreads, type PoolWorker, type ThreadOptions, type WorkerInit } from './pool.js';
import { workerSource } from './pool-worker.js';

export { stopThreads, threadCount, type ThreadOptions } from './pool.js';

/** The parts of the browser's worker API used here (the package compiles without DOM types). */
interface WebWorker {
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
  postMessage(message: unknown): void;
  terminate(): void;
}
interface WebHost {
  Worker?: new (url: string, options: { name: string }) => WebWorker;
  Blob: new (parts: string[], options: { type: string }) => object;
  URL: { createObjectURL(blob: object): string; revokeObjectURL(url: string): void };
  crossOriginIsolated?: boolean;
}

/**
 * Run big gemms of the WASM backend on `n` threads (the calling worker plus n − 1 Web Workers). n = 1
 * stops the pool. Throws a TsnnError where threads cannot work: no Worker, or a page that is not
 * cross-origin isolated.
 */
export async function useThreads(n: number, options: ThreadOptions = {}): Promise<void> {
  const host = globalThis as unknown as WebHost;
  if (n > 1 && !host.Worker) throw new TsnnError('useThreads: this host has no Web Workers');
  if (n > 1 && !host.crossOriginIsolated) {
    throw new TsnnError('useThreads: threads share the wasm memory, which needs a cross-origin isolated page (COOP same-origin and COEP require-corp headers)');
  }
  let url: string | null = null;
  try {
    await startThreads(n, options, (init, t, onError) => {
      url ??= host.URL.createObjectURL(new host.Blob([workerSource('web')], { type: 'text/javascript' }));
      return startWorker(new host.Worker!(url, { name: `tsnn-gemm-${t}` }), init, t, onError);
    });
  } finally {
    if (url) host.URL.revokeObjectURL(url);
  }
}

/** Hand worker t its start data and wait until it has instantiated the module. */
async function startWorker(w: WebWorker, init: WorkerInit, t: number, onError: (e: Error) => void): Promise<PoolWorker> {
  try {
    await new Promise<void>((resolve, reject) => {
      w.onmessage = () => resolve();
      w.onerror = (e) => reject(new TsnnError(`useThreads: worker ${t} failed before it was ready: ${e.message ?? 'unknown error'}`));
      w.postMessage(init);
    });
  } catch (e) {
    w.terminate();
    throw e;
  }
  w.onmessage = null;
  w.onerror = (e) => onError(new Error(e.message ?? 'unknown error'));
  return w;
}
