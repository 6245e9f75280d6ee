import { describe, expect, it } from 'vitest';
import { loadWasmKernels } from '../src/wasm/index.js';
import { Heap } from '../src/wasm/heap.js';
import { webAssembly } from '../src/wasm/webassembly.js';
import { wasm } from './wasm-helpers.js';

function freshHeap(initial = 1, maximum = 64): Heap {
  const wa = webAssembly()!;
  return new Heap(new wa.Memory({ initial, maximum, shared: true }), maximum);
}

describe('wasm memory', () => {
  it('is one memoised kernel set named wasm', () => {
    expect(loadWasmKernels()).toBe(loadWasmKernels());
    expect(wasm().name).toBe('wasm');
  });

  it('alloc returns zeroed, 16-byte aligned views inside the shared memory', () => {
    const k = wasm();
    for (const n of [0, 1, 3, 5, 17]) {
      const x = k.alloc(n);
      expect(x.length).toBe(n);
      expect(x.byteOffset % 16).toBe(0);
      expect(x.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect([...x].every((v) => v === 0)).toBe(true);
    }
  });

  it('scratch use by a call with ordinary arrays neither clobbers alloc\'d buffers nor leaves later allocs dirty', () => {
    const k = wasm();
    const kept = k.alloc(100).fill(3);
    const big = new Float32Array(50_000).fill(9);
    k.relu(big, big, big.length); // stages 50k floats in scratch, above `kept`
    expect([...kept].every((v) => v === 3)).toBe(true);
    const fresh = k.alloc(50_000);
    expect(fresh.every((v) => v === 0)).toBe(true);
  });

  it('growing the memory keeps old views valid and still recognised as inside', () => {
    const heap = freshHeap(1, 64);
    const old = heap.alloc(1000);
    for (let i = 0; i < old.length; i++) old[i] = i;
    const oldBuffer = old.buffer;
    const big = heap.alloc(1_000_000); // 4 MB: several grows past the 64 KiB start
    expect(big.buffer).not.toBe(oldBuffer);
    expect(heap.memory.buffer.byteLength).toBeGreaterThanOrEqual(4_000_000);
    expect(old.length).toBe(1000);
    expect(old[999]).toBe(999);
    expect(heap.owns(old)).toBe(true);
    expect(heap.owns(big)).toBe(true);
    expect(heap.owns(new Float32Array(4))).toBe(false);
    // Both views see the same bytes as a view made on the new buffer.
    const whole = new Float32Array(heap.memory.buffer, old.byteOffset, 1000);
    whole[5] = -1;
    expect(old[5]).toBe(-1);
  });

  it('kernels use old views in place after the shared memory has grown', () => {
    const k = wasm();
    const x = k.alloc(9);
    x.set([-1, 2, -3, 4, -5, 6, -7, 8, -9]);
    k.alloc(8_000_000); // 32 MB: past the 16 MiB start, so the memory grows
    k.relu(x, x, 9);
    expect([...x]).toEqual([0, 2, 0, 4, 0, 6, 0, 8, 0]);
  });

  it('alloc falls back to an ordinary array at the memory maximum', () => {
    const heap = freshHeap(1, 2);
    const outside = heap.alloc(100_000);
    expect(heap.owns(outside)).toBe(false);
    expect(outside.length).toBe(100_000);
  });
});
