/**
 * The wasm memory seen from JavaScript: long-lived buffers that are given back when their owners are
 * garbage-collected, and per-call staging of ordinary Float32Arrays (and byte arrays) into scratch space.
 *
 * Layout (bytes):  [0, 16) unused | alloc'd buffers (live or free), below `top` | scratch …
 * Scratch starts at `top` again on every kernel call and holds copies of arguments that live outside
 * the memory plus gemm's packed panels. `alloc` zero-fills, since a block may hold an old buffer's values.
 *
 * Giving memory back, with no dispose(): every view `alloc` hands out is registered with a
 * FinalizationRegistry. When the view is collected — its Param, Workspace or optimizer is gone — its
 * block goes onto the free list of its size class, and the next `alloc` of that class takes it. A block
 * that ends at `top` lowers `top` instead (with any free blocks below it), so the high-water mark
 * shrinks too. Size classes are 4 per power of two (a block wastes < 25%), so a sweep that builds the
 * same model again and again reuses the same blocks. JavaScript runs finalizers between tasks, never in
 * the middle of synchronous code: memory comes back once the event loop turns (an `await`), not inside
 * one long synchronous loop. A view keeps its block; a `subarray` of it does not (keep the view itself,
 * as Workspace does).
 *
 * A shared memory never detaches a view when it grows: a grow hands out a new, longer
 * SharedArrayBuffer and old views keep pointing at the same bytes. Every buffer the memory has
 * handed out is remembered, which is how a view is recognised as "inside" (no copy needed).
 *
 * An ordinary (unshared) memory — where the host refuses shared memory, as a browser may for a page
 * that is not cross-origin isolated — detaches its old ArrayBuffer on every grow, which would empty any
 * long-lived view. So over such a memory `alloc` hands out ordinary arrays, and every kernel call
 * stages its arguments into scratch and back: the same kernels and results, some copying.
 */
import { TsnnError } from '../errors.js';
import { newFloats, madeByJsBackend } from '../floats.js';
import { PAGE_BYTES, type WasmMemory } from './webassembly.js';

const ALIGN = 16;
const alignUp = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

/** The arrays kernels take: floats, bytes (pixels for bytesToFloat) and words (the generator state of fillMask). */
export type KernelArray = Float32Array | Uint8Array | Uint32Array;

interface Staged {
  readonly view: KernelArray;
  readonly addr: number;
  readonly bytes: number;
  writeBack: boolean;
}

/** The bytes a block of `bytes` takes: a multiple of 16, rounded up to one of 4 steps per power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= 64) return 64;
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 2); // a quarter of the power of two below
  return Math.ceil(bytes / step) * step;
}

/** What the heap holds now (counts from the heap itself, so no other process or allocation affects them). */
export interface HeapStats {
  /** Buffers handed out and not yet collected. */
  liveBuffers: number;
  /** Their blocks' bytes. */
  liveBytes: number;
  /** Bytes in free blocks below `top`, waiting for reuse. */
  freeBytes: number;
  /** The high-water mark of blocks: live + free bytes + the unused first 16. */
  topBytes: number;
  /** The wasm memory's current size (it never shrinks: a grown memory stays grown). */
  memoryBytes: number;
  /** Buffers returned so far (collected views whose blocks went back). */
  reclaimed: number;
}

export class Heap {
  private heap: Uint8Array; // the whole current buffer
  private readonly ours = new WeakSet<object>();
  private top = ALIGN;
  private scratch = ALIGN;
  private readonly staged: Staged[] = []; // this call's copies; emptied, not replaced, per call
  /** Free blocks by size class (addresses, oldest first), and by end address (to lower `top`). */
  private readonly free = new Map<number, Set<number>>();
  private readonly freeByEnd = new Map<number, number>(); // end → start
  private live = 0;
  private liveBytes = 0;
  private freeBytes = 0;
  private reclaimed = 0;
  /** Gives a collected view's block back: the held value is its address and size (never the view). */
  private readonly registry = new FinalizationRegistry<number>((block) => this.release(block));

  /** `shared`: whether `memory` is shared, so that views into it may outlive a grow. */
  constructor(readonly memory: WasmMemory, private readonly maxPages: number, readonly shared = true) {
    this.heap = this.refresh();
  }

  private refresh(): Uint8Array {
    const buffer = this.memory.buffer;
    this.ours.add(buffer);
    this.heap = new Uint8Array(buffer);
    return this.heap;
  }

  /** Make sure bytes [0, end) exist, growing by at least doubling; false if past the maximum. */
  private ensure(end: number): boolean {
    const pages = this.heap.length / PAGE_BYTES;
    const need = Math.ceil(end / PAGE_BYTES);
    if (need <= pages) return true;
    if (need > this.maxPages) return false;
    this.memory.grow(Math.min(Math.max(need, 2 * pages), this.maxPages) - pages);
    this.refresh();
    return true;
  }

  /** Whether x is a view into this memory (so kernels can use it in place). */
  owns(x: KernelArray): boolean {
    return this.ours.has(x.buffer);
  }

  /**
   * n zeroed floats inside the memory, 16-byte aligned, given back to the heap when the returned view is
   * garbage-collected. When the memory is at its maximum, an ordinary Float32Array is returned instead
   * (kernels then copy it in and out; slower but correct), and always over an unshared memory.
   */
  alloc(n: number): Float32Array {
    if (!this.shared) return newFloats(n);
    const bytes = sizeClass(4 * n);
    const addr = this.takeFree(bytes) ?? this.bump(bytes);
    if (addr === null) return newFloats(n);
    const view = new Float32Array(this.memory.buffer, addr, n);
    view.fill(0);
    this.live++;
    this.liveBytes += bytes;
    // addr is a multiple of 16 below 2^31 and bytes < 2^31: both fit exactly in one double as addr·2^31 + bytes.
    this.registry.register(view, addr * 2 ** 31 + bytes);
    return view;
  }

  private takeFree(bytes: number): number | null {
    const list = this.free.get(bytes);
    if (!list || list.size === 0) return null;
    const addr = list.values().next().value as number;
    list.delete(addr);
    this.freeByEnd.delete(addr + bytes);
    this.freeBytes -= bytes;
    return addr;
  }

  private bump(bytes: number): number | null {
    const addr = alignUp(this.top);
    if (!this.ensure(addr + bytes)) return null;
    this.top = addr + bytes;
    return addr;
  }

  /** A collected view's block: back onto its free list, or off the top (with free blocks right below it). */
  private release(block: number): void {
    const bytes = block % 2 ** 31, addr = (block - bytes) / 2 ** 31;
    this.live--;
    this.liveBytes -= bytes;
    this.reclaimed++;
    if (addr + bytes !== this.top) {
      let list = this.free.get(bytes);
      if (!list) this.free.set(bytes, (list = new Set()));
      list.add(addr);
      this.freeByEnd.set(addr + bytes, addr);
      this.freeBytes += bytes;
      return;
    }
    this.top = addr;
    for (let start; (start = this.freeByEnd.get(this.top)) !== undefined;) {
      const size = this.top - start;
      this.free.get(size)!.delete(start);
      this.freeByEnd.delete(this.top);
      this.freeBytes -= size;
      this.top = start;
    }
  }

  stats(): HeapStats {
    return {
      liveBuffers: this.live, liveBytes: this.liveBytes, freeBytes: this.freeBytes, topBytes: this.top,
      memoryBytes: this.heap.length, reclaimed: this.reclaimed,
    };
  }

  /** Start a kernel call: scratch is free again from `top`. */
  begin(): void {
    this.scratch = alignUp(this.top);
    this.staged.length = 0;
  }

  /** Byte address of `len` fresh scratch floats. */
  reserve(len: number): number {
    return this.reserveBytes(4 * len);
  }

  private reserveBytes(bytes: number): number {
    const addr = alignUp(this.scratch);
    if (!this.ensure(addr + bytes)) {
      const { liveBuffers, liveBytes } = this.stats();
      throw new TsnnError(`wasm backend: a kernel needs ${bytes} bytes of scratch, but the memory is at its maximum ` +
        `(${this.maxPages * PAGE_BYTES} bytes; ${liveBuffers} buffers of ${liveBytes} bytes are live). Buffers of ` +
        'models and optimizers that are no longer referenced come back after a garbage collection, once the event ' +
        'loop turns: a loop that builds many models must await between them (fitAsync does)');
    }
    this.scratch = addr + bytes;
    return addr;
  }

  /** Byte address of x's first `len` elements, copied into scratch if x lives outside the memory. */
  input(x: KernelArray, len: number): number {
    return this.stage(x, len, true, false);
  }

  /** Byte address for an output; copied back by `end`. `readsOld`: the kernel also reads it (c += …). */
  output(x: KernelArray, len: number, readsOld: boolean): number {
    return this.stage(x, len, readsOld, true);
  }

  private stage(x: KernelArray, len: number, copyIn: boolean, writeBack: boolean): number {
    if (this.owns(x)) return x.byteOffset;
    if (this.shared && madeByJsBackend(x)) {
      throw new TsnnError('wasm backend: a buffer allocated under the js backend (a parameter, optimizer state or ' +
        'workspace made before useBackend(\'wasm\')) was passed to a wasm kernel, which would copy it on every call; ' +
        'choose the backend first, then build models and optimizers');
    }
    // The same array passed twice (in-place ops) is staged once.
    for (const seen of this.staged) {
      if (seen.view !== x) continue;
      seen.writeBack ||= writeBack;
      return seen.addr;
    }
    const bytes = len * x.BYTES_PER_ELEMENT;
    const addr = this.reserveBytes(bytes);
    if (copyIn) this.heap.set(bytesOf(x, bytes), addr);
    this.staged.push({ view: x, addr, bytes, writeBack });
    return addr;
  }

  /** Finish a kernel call: copy staged outputs back to their arrays. */
  end(): void {
    for (const s of this.staged) {
      if (s.writeBack) bytesOf(s.view, s.bytes).set(this.heap.subarray(s.addr, s.addr + s.bytes));
    }
    this.staged.length = 0;
  }
}

/** The first `bytes` bytes of x's storage. */
function bytesOf(x: KernelArray, bytes: number): Uint8Array {
  return new Uint8Array(x.buffer, x.byteOffset, bytes);
}
