/**
 * fillMask(state, out, n, limit, value): the dropout mask of `../kernels/mask.ts` (Rng's sfc32 draws) in
 * WASM: state is the byte address of the four words a, b, c, d (read, then written back advanced past the
 * n draws), out of n floats. The test u = t / 2³² ≥ threshold is done on the integer: t ≥ limit
 * (unsigned), limit = ⌈threshold · 2³²⌉, which the caller computes (and does in TypeScript when it does
 * not fit 32 bits). out[i] = float32(kept) · value: +0 or value rounded to float32 as the reference's
 * +(kept) · value stored into a Float32Array (and, for any value, 0 · value and 1 · value in float32 give
 * the reference's bits: −0 for a negative value, NaN for an infinite one).
 * Each draw: t = a + b + d; d += 1; a = b ^ (b >>> 9); b = c + (c << 3); c = rotl(c, 21) + t (mod 2³²).
 */
import { f32t, i32t, type FuncDef } from './assembler.js';
import { Fn, f32, i32 } from './instructions.js';

export function fillMask(): FuncDef {
  const f = new Fn('fillMask', { state: i32t, out: i32t, n: i32t, limit: i32t, value: f32t },
    { a: i32t, b: i32t, c: i32t, d: i32t, t: i32t, p: i32t, end: i32t });
  const { get, set, forRange } = f;
  return f.def(
    set('a', i32.load(get('state'))),
    set('b', i32.load(get('state'), 4)),
    set('c', i32.load(get('state'), 8)),
    set('d', i32.load(get('state'), 12)),
    set('end', i32.add(get('out'), i32.shl(get('n'), i32.const(2)))),
    forRange('p', get('out'), get('end'), 4,
      set('t', i32.add(i32.add(get('a'), get('b')), get('d'))),
      set('d', i32.add(get('d'), i32.const(1))),
      set('a', i32.xor(get('b'), i32.shr_u(get('b'), i32.const(9)))),
      set('b', i32.add(get('c'), i32.shl(get('c'), i32.const(3)))),
      set('c', i32.add(i32.rotl(get('c'), i32.const(21)), get('t'))),
      f32.store(get('p'), f32.mul(f32.convert_i32_u(i32.ge_u(get('t'), get('limit'))), get('value')))),
    i32.store(get('state'), get('a')),
    i32.store(get('state'), get('b'), 4),
    i32.store(get('state'), get('c'), 8),
    i32.store(get('state'), get('d'), 12),
  );
}
