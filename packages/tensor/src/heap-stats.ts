/** The wasm heap's counters (see wasm/heap.ts), or null where the wasm backend has not loaded. */
import type { HeapStats } from './wasm/heap.js';
import { loadWasmRuntime } from './wasm/index.js';

export function heapStats(): HeapStats | null {
  return loadWasmRuntime()?.heap.stats() ?? null;
}
