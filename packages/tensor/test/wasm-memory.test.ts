import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Param, TsnnError, Workspace, useBackend } from '@tsnn/tensor';
import { prefix, sizeClass } from '@tsnn/tensor/internal';
import { loadWasmKernels } from '../src/wasm/index.js';
import { Heap } from '../src/wasm/heap.js';
import { webAssembly } from '../src/wasm/webassembly.js';
import { wasm } from './wasm-helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collect garbage, then let the finalizers of collected buffers run (they run in a later task). */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

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
    const big = heap.alloc(900_000); // 3.6 MB: several grows past the 64 KiB start
    expect(big.buffer).not.toBe(oldBuffer);
    expect(heap.memory.buffer.byteLength).toBeGreaterThanOrEqual(3_600_000);
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

  it('size classes: 4 per power of two, multiples of 16, never smaller than asked', () => {
    expect([1, 64, 65, 80, 81, 100, 4096, 4097, 5000].map(sizeClass)).toEqual([64, 64, 80, 80, 96, 112, 4096, 5120, 5120]);
    for (let b = 1; b < 100_000; b += 37) {
      const c = sizeClass(b);
      expect(c % 16).toBe(0);
      expect(c).toBeGreaterThanOrEqual(b);
      expect(c).toBeLessThanOrEqual(Math.max(64, 1.25 * b + 16));
    }
  });

  it('a collected buffer\'s block is given back: reused by the next alloc of its size class, or taken off the top', async () => {
    const heap = freshHeap(1, 64);
    const keep = heap.alloc(100);
    let drop: Float32Array | null = heap.alloc(1000).fill(7);
    const after = heap.alloc(100);
    const addr = drop.byteOffset;
    drop = null;
    await collect();
    expect(heap.stats()).toMatchObject({ liveBuffers: 2, reclaimed: 1, freeBytes: sizeClass(4000) });
    const again = heap.alloc(990); // same size class
    expect(again.byteOffset).toBe(addr);
    expect(again.every((v) => v === 0)).toBe(true); // zeroed, not the old 7s
    const top = heap.stats().topBytes;
    void [keep, again];
    let last: Float32Array | null = heap.alloc(5000); // at the top
    expect(heap.stats().topBytes).toBeGreaterThan(top);
    last = null;
    void last;
    await collect();
    expect(heap.stats().topBytes).toBe(top);
    expect(after.length).toBe(100);
  });

  it('free blocks right below the top are taken off with it', async () => {
    const heap = freshHeap(1, 64);
    const keep = heap.alloc(10);
    let blocks: Float32Array[] | null = [heap.alloc(100), heap.alloc(200), heap.alloc(300)];
    expect(heap.stats().liveBuffers).toBe(4);
    blocks = null;
    void blocks;
    await collect();
    expect(heap.stats()).toMatchObject({ liveBuffers: 1, freeBytes: 0, topBytes: 16 + sizeClass(40) });
    expect(keep.byteOffset).toBe(16);
  });

  it('a prefix view keeps its whole buffer (and block) alive, as workspace tensors need', async () => {
    const heap = freshHeap(1, 64);
    let buf: Float32Array | null = heap.alloc(1000);
    const view = prefix(buf, 10);
    buf = null;
    await collect();
    expect(heap.stats().liveBuffers).toBe(1);
    view[0] = 1;
    expect(heap.alloc(1000).byteOffset).not.toBe(view.byteOffset);
  });

  it('buffers made under the js backend are refused by wasm kernels with a clear error, not copied on every call', () => {
    useBackend('js');
    const p = new Param([4]);
    const ws = new Workspace();
    const t = ws.tensor([4]);
    useBackend('wasm');
    const k = wasm();
    expect(() => k.relu(p.value, p.value, 4)).toThrow(TsnnError);
    expect(() => k.relu(p.value, p.value, 4)).toThrow("made before useBackend('wasm')");
    // A workspace's slots are made again under the active backend: no copy, no error.
    ws.reset();
    const t2 = ws.tensor([4]);
    expect(t2.data).not.toBe(t.data);
    expect(loadWasmKernels()!.alloc(1).buffer).toBe(t2.data.buffer);
    // Ordinary arrays (inputs, results) are still staged as before.
    const x = new Float32Array([-1, 2]);
    k.relu(x, x, 2);
    expect([...x]).toEqual([0, 2]);
  });

  it('an impossible allocation is a TsnnError naming the parameter (Dense(1e9) on 784 inputs)', () => {
    for (const backend of ['wasm', 'js'] as const) {
      useBackend(backend);
      expect(() => new Param([784, 1e9])).toThrow(TsnnError);
      expect(() => new Param([784, 1e9])).toThrow('Param [784, 1000000000]: cannot allocate 784000000000 floats (3.14 TB)');
    }
    useBackend('wasm');
  });
});
