/**
 * Ordinary Float32Arrays for tensors and the js backend, with two things the bare constructor lacks: a
 * TsnnError naming the size when the host cannot allocate it (not a bare RangeError), and a record of
 * which arrays the js backend handed out as long-lived buffers, so the wasm backend can refuse them
 * instead of copying them on every kernel call (see heap.ts).
 */
import { TsnnError } from './errors.js';

/** n zeroed floats; a TsnnError, naming what and how much, when the host cannot allocate them. */
export function newFloats(n: number, what = 'a buffer'): Float32Array {
  try {
    return new Float32Array(n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new TsnnError(`${what}: cannot allocate ${n} floats (${fmtBytes(4 * n)}): ${e.message}`);
  }
}

/** `3.1 GB`, `400 kB`. */
export function fmtBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let u = 0, v = bytes;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toPrecision(3)} ${units[u]}`;
}

const madeByJs = new WeakSet<object>();

/** The js backend's alloc: an ordinary array, remembered as a long-lived js buffer. */
export function jsAlloc(n: number): Float32Array {
  const x = newFloats(n);
  madeByJs.add(x);
  return x;
}

/** Whether x came from the js backend's alloc (a parameter, optimizer state or workspace made under it). */
export function madeByJsBackend(x: object): boolean {
  return madeByJs.has(x);
}
