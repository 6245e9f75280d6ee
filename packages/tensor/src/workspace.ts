/**
 * Reused buffers for a training step, so a step allocates no new Float32Arrays after the first.
 *
 * Every forward and backward call asks for its output buffers in the same order each step, so the
 * i-th request of a step gets the i-th slot. `reset()` starts a step; what a previous step returned
 * is overwritten from then on, which `generation` (counted up by each reset) lets a call detect. Without a
 * workspace, layers simply allocate fresh tensors.
 *
 * A slot's buffer comes from the active backend's alloc and is given back when the workspace is
 * collected (see wasm/heap.ts). A tensor handed out views the first n floats of a slot's buffer and keeps
 * that buffer alive, so an output kept after its workspace is gone stays valid. A slot made under another
 * backend is made again under the active one (once), so a backend switch costs no copying per call.
 */
import { kernels } from './backend.js';
import type { BackendName } from './kernels/kernels.js';
import { Tensor, sameShape, sizeOf } from './tensor.js';

interface Slot {
  buf: Float32Array;
  backend: BackendName;
  view: Tensor;
}

/** A view's buffer, kept alive as long as the view is (a subarray alone does not keep its block). */
const owners = new WeakMap<Float32Array, Float32Array>();

/** The first n floats of buf, as a view that keeps buf (and so its wasm block) alive. */
export function prefix(buf: Float32Array, n: number): Float32Array {
  if (n === buf.length) return buf;
  const view = buf.subarray(0, n);
  owners.set(view, buf);
  return view;
}

export class Workspace {
  private slots: Slot[] = [];
  private next = 0;
  private gen = 0;

  /** Start a new step: slots are handed out from the first again, overwriting the last step's tensors. */
  reset(): void {
    this.next = 0;
    this.gen++;
  }

  /** How many times reset() has run: a call saved at one generation is stale at a later one. */
  get generation(): number {
    return this.gen;
  }

  /** A tensor of this shape; its contents are whatever the slot held (callers overwrite it). */
  tensor(shape: readonly number[]): Tensor {
    const n = sizeOf(shape);
    const i = this.next++;
    let slot = this.slots[i];
    const k = kernels();
    if (!slot || slot.buf.length < n || slot.backend !== k.name) {
      const buf = k.alloc(Math.max(n, slot && slot.backend === k.name ? slot.buf.length : 0));
      slot = { buf, backend: k.name, view: new Tensor(shape, prefix(buf, n)) };
      this.slots[i] = slot;
    } else if (!sameShape(slot.view.shape, shape)) {
      slot.view = new Tensor(shape, prefix(slot.buf, n));
    }
    return slot.view;
  }

  /** Floats held across all slots. */
  get floats(): number {
    return this.slots.reduce((s, x) => s + x.buf.length, 0);
  }
}

/** A fresh tensor from the workspace if there is one, else a newly allocated one. */
export function outTensor(ws: Workspace | undefined, shape: readonly number[]): Tensor {
  return ws ? ws.tensor(shape) : new Tensor(shape);
}
