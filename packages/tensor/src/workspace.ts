/**
 * Reused buffers for a training step, so a step allocates no new Float32Arrays after the first.
 *
 * Every forward and backward call asks for its output buffers in the same order each step, so the
 * i-th request of a step gets the i-th slot. `reset()` starts a step; what a previous step returned
 * is overwritten from then on. Without a workspace, layers simply allocate fresh tensors.
 */
import { kernels } from './backend.js';
import { Tensor, sameShape, sizeOf } from './tensor.js';

interface Slot {
  buf: Float32Array;
  view: Tensor;
}

export class Workspace {
  private slots: Slot[] = [];
  private next = 0;

  /** Start a new step: slots are handed out from the first again. */
  reset(): void {
    this.next = 0;
  }

  /** A tensor of this shape; its contents are whatever the slot held (callers overwrite it). */
  tensor(shape: readonly number[]): Tensor {
    const n = sizeOf(shape);
    const i = this.next++;
    let slot = this.slots[i];
    if (!slot || slot.buf.length < n) {
      const buf = kernels().alloc(Math.max(n, slot ? slot.buf.length : 0));
      slot = { buf, view: new Tensor(shape, buf.subarray(0, n)) };
      this.slots[i] = slot;
    } else if (!sameShape(slot.view.shape, shape)) {
      slot.view = new Tensor(shape, slot.buf.subarray(0, n));
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
