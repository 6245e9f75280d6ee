/**
 * A tiny WebAssembly binary writer: just enough to build one module that imports a shared memory
 * and exports functions. Sections written: type (1), import (2), function (3), export (7), code (10).
 *
 * Bodies are plain byte arrays built with the helpers in `instructions.ts`; this file only knows the
 * container format (LEB128 integers, length-prefixed vectors and sections).
 */

export type Bytes = number[];

/** Value types. */
export const i32t = 0x7f;
export const f32t = 0x7d;
export const v128t = 0x7b;
export type ValType = typeof i32t | typeof f32t | typeof v128t;

/** Unsigned LEB128. */
export function uleb(n: number): Bytes {
  const out: Bytes = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 for 32-bit integers. */
export function sleb(n: number): Bytes {
  const out: Bytes = [];
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Little-endian IEEE-754 single. */
export function f32Bytes(x: number): Bytes {
  const b = new Uint8Array(new Float32Array([x]).buffer);
  return Array.from(b);
}

function name(s: string): Bytes {
  const chars = Array.from(s, (ch) => ch.charCodeAt(0));
  return [...uleb(chars.length), ...chars];
}

function vec(items: Bytes[]): Bytes {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, payload: Bytes): Bytes {
  return [id, ...uleb(payload.length), ...payload];
}

/** One exported function: parameters first, then extra locals, both indexed from 0 in that order. */
export interface FuncDef {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly locals: readonly ValType[];
  readonly body: Bytes;
}

/** Limits of the imported memory, in 64 KiB pages. */
export interface MemoryLimits {
  readonly initial: number;
  readonly maximum: number;
  /** A shared memory (threads; views survive growth) or an ordinary one (default true). */
  readonly shared?: boolean;
}

/** Locals as (count, type) runs, as the code section wants them. */
function localRuns(locals: readonly ValType[]): Bytes[] {
  const runs: Bytes[] = [];
  for (let i = 0; i < locals.length;) {
    let j = i;
    while (j < locals.length && locals[j] === locals[i]) j++;
    runs.push([...uleb(j - i), locals[i]]);
    i = j;
  }
  return runs;
}

/** The module bytes: imports `env.memory` (with a maximum, shared unless told) and exports every function by name. */
export function assemble(funcs: readonly FuncDef[], memory: MemoryLimits): Uint8Array {
  const sigs: string[] = [];
  const sigBytes: Bytes[] = [];
  const typeOf = funcs.map((f) => {
    const bytes = [0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))];
    const key = bytes.join(',');
    let idx = sigs.indexOf(key);
    if (idx < 0) {
      idx = sigs.length;
      sigs.push(key);
      sigBytes.push(bytes);
    }
    return idx;
  });
  // Limits flag: 0x01 has a maximum; 0x03 has a maximum and is shared.
  const limits = memory.shared === false ? 0x01 : 0x03;
  const memImport = [...name('env'), ...name('memory'), 0x02, limits, ...uleb(memory.initial), ...uleb(memory.maximum)];
  const exports = funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]);
  const bodies = funcs.map((f) => {
    const body = [...vec(localRuns(f.locals)), ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(sigBytes)),
    ...section(2, vec([memImport])),
    ...section(3, vec(typeOf.map((t) => uleb(t)))),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ];
  return new Uint8Array(bytes);
}
