/**
 * The wasm memory seen from JavaScript: a bump allocator for long-lived buffers, and per-call
 * staging of ordinary Float32Arrays (and byte arrays) into scratch space.
 *
 * Layout (bytes):  [0, 16) unused | alloc'd buffers, bump-allocated upward to `top` | scratch …
 * Scratch starts at `top` again on every kernel call and holds copies of arguments that live outside
 * the memory plus gemm's packed panels. `alloc` zero-fills, since scratch may have dirtied the bytes.
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
import { PAGE_BYTES, type WasmMemory } from './webassembly.js';

const ALIGN = 16;
const alignUp = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

/** The arrays kernels take: floats, and bytes (pixels for bytesToFloat). */
export type KernelArray = Float32Array | Uint8Array;

interface Staged {
  readonly view: KernelArray;
  readonly addr: number;
  readonly bytes: number;
  writeBack: boolean;
}

export class Heap {
  private heap: Uint8Array; // the whole current buffer
  private readonly ours = new WeakSet<object>();
  private top = ALIGN;
  private scratch = ALIGN;
  private readonly staged: Staged[] = []; // this call's copies; emptied, not replaced, per call

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
   * n zeroed floats inside the memory, 16-byte aligned. Never freed: meant for long-lived buffers
   * (parameters, gradients, reused workspaces). When the memory is at its maximum, an ordinary
   * Float32Array is returned instead (kernels then copy it in and out; slower but correct), and always
   * over an unshared memory.
   */
  alloc(n: number): Float32Array {
    if (!this.shared) return new Float32Array(n);
    const addr = alignUp(this.top);
    if (!this.ensure(addr + 4 * n)) return new Float32Array(n);
    this.top = addr + 4 * n;
    const view = new Float32Array(this.memory.buffer, addr, n);
    view.fill(0);
    return view;
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
    if (!this.ensure(addr + bytes)) throw new RangeError(`wasm backend: scratch of ${bytes} bytes exceeds the memory maximum`);
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
