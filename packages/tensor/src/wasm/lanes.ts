/**
 * One loop shape for every element-wise kernel: a body written once on f32x4 values runs four
 * floats at a time while they fit, then once more per leftover float with that float in lane 0
 * (loaded with a splat, stored from lane 0). So the tail needs no second, scalar body, and nothing
 * past element n is read or written.
 */
import type { Bytes } from './assembler.js';
import { f32, f32x4, i32, v128, type Fn } from './instructions.js';

export interface Lanes {
  /** The v128 at this byte address (in the tail: the one float there, in every lane). */
  loadAt(addr: Bytes): Bytes;
  storeAt(addr: Bytes, value: Bytes): Bytes;
  /** Array pointer `arr` (a local holding a byte address) at the loop's current element. */
  load(arr: string): Bytes;
  store(arr: string, value: Bytes): Bytes;
}

/** `for` over n floats with byte offset local `i`; needs i32 locals `i` and `end` in f. */
export function zip(f: Fn, n: Bytes, body: (L: Lanes) => Bytes[]): Bytes {
  const { get, set, forRange } = f;
  const at = (arr: string) => i32.add(get(arr), get('i'));
  const vector: Lanes = {
    loadAt: (addr) => v128.load(addr),
    storeAt: (addr, value) => v128.store(addr, value),
    load: (arr) => v128.load(at(arr)),
    store: (arr, value) => v128.store(at(arr), value),
  };
  const single: Lanes = {
    loadAt: (addr) => f32x4.splat(f32.load(addr)),
    storeAt: (addr, value) => f32.store(addr, f32x4.extractLane(0)(value)),
    load: (arr) => single.loadAt(at(arr)),
    store: (arr, value) => single.storeAt(at(arr), value),
  };
  return [
    ...set('end', i32.shl(i32.and(n, i32.const(-4)), i32.const(2))),
    ...forRange('i', i32.const(0), get('end'), 16, ...body(vector)),
    ...set('end', i32.shl(n, i32.const(2))),
    ...forRange('i', get('i'), get('end'), 4, ...body(single)),
  ];
}
