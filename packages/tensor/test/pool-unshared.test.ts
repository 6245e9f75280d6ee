/** Threads share the WASM memory between workers: over an unshared memory useThreads must refuse, clearly. */
import { expect, it, vi } from 'vitest';

vi.mock('../src/wasm/index.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/wasm/index.js')>();
  const unshared = real.instantiateWasm(false);
  return { ...real, loadWasmRuntime: () => unshared, loadWasmKernels: () => unshared?.kernels ?? null };
});

it('useThreads refuses a runtime whose memory is not shared, and says why', async () => {
  const { useThreads, threadCount } = await import('../src/pool.node.js');
  await expect(useThreads(2)).rejects.toThrow('useThreads: the wasm memory is not shared here (this host refused shared memory), and threads need it');
  expect(threadCount()).toBe(1);
});
