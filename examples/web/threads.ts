/**
 * Threads for the worker's matrix products. Not available in the browser yet: @tsnn/tensor's pool
 * (`@tsnn/tensor/pool.node`) runs on Node's worker_threads only, so the page trains on one thread
 * whether or not it is cross-origin isolated.
 */
export function webThreadCount(): number {
  return 1;
}

export async function startWebThreads(n: number): Promise<void> {
  if (n !== 1) throw new Error(`threads: ${n} threads asked for, but the page has no worker pool yet (1 thread only)`);
}
