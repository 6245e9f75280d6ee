/**
 * sigmoid(x, y, n): y = 1 / (1 + e^(−x)) on f32x4, with e^t from a polynomial (Cephes expf):
 *   e = exp(−|x|) ∈ (0, 1], so it never overflows;  y = (x ≥ 0 ? 1 : e) / (1 + e).
 * exp(t) = 2^q · e^r with q = round(t·log2 e), r = t − q·ln2 (ln2 split in two so r is exact
 * enough), e^r ≈ 1 + r + r²·P(r) on |r| ≤ ln2/2 (relative error ~1e-7), and 2^q built from its
 * exponent bits. t is clamped at −87.3 (2^q stays a normal float); below that y < 1.2e-38, which is
 * returned instead of the reference's denormal or 0. The relaxed variant fuses the reduction and each
 * Horner step (`madd`, `nmadd`), one rounding instead of two each.
 */
import { i32t, v128t, type Bytes, type FuncDef } from './assembler.js';
import { Fn, f32x4, i32, i32x4, madd, nmadd, v128, type KernelVariant } from './instructions.js';
import { zip } from './lanes.js';

const LOG2E = 1.44269504088896341;
const LN2_HI = 0.693359375;
const LN2_LO = -2.12194440e-4;
const T_MIN = -87.33654;
/** P(r), highest power first. */
const P = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

export function sigmoid(variant: KernelVariant = 'strict'): FuncDef {
  const fnma = nmadd(variant);
  // x·y + z; strict keeps the operand order the kernel has always had (add(mul(x, y), z)), so its bytes are unchanged.
  const fma = (x: Bytes, y: Bytes, z: Bytes): Bytes => (variant === 'relaxed' ? madd(variant)(z, x, y) : f32x4.add(f32x4.mul(x, y), z));
  const f = new Fn('sigmoid', { x: i32t, y: i32t, n: i32t },
    { i: i32t, end: i32t, xv: v128t, t: v128t, q: v128t, r: v128t, p: v128t });
  const { get, set } = f;
  const k = (c: number) => f32x4.const(c);
  const { add, mul } = f32x4;
  return f.def(zip(f, get('n'), (L) => [
    set('xv', L.load('x')),
    // t = max(−|x|, T_MIN); q = round(t·log2 e); r = t − q·ln2
    set('t', f32x4.max(f32x4.neg(f32x4.abs(get('xv'))), k(T_MIN))),
    set('q', f32x4.nearest(mul(get('t'), k(LOG2E)))),
    set('r', fnma(fnma(get('t'), get('q'), k(LN2_HI)), get('q'), k(LN2_LO))),
    // p = P(r) by Horner; e^r = 1 + r + r²·p
    set('p', k(P[0])),
    ...P.slice(1).map((c) => set('p', fma(get('p'), get('r'), k(c)))),
    set('p', add(fma(get('p'), mul(get('r'), get('r')), get('r')), k(1))),
    // e = e^r · 2^q, with 2^q = bits((q + 127) << 23)
    set('p', mul(get('p'), i32x4.shl(i32x4.add(i32x4.truncSatF32x4(get('q')), i32x4.splat(i32.const(127))), i32.const(23)))),
    L.store('y', f32x4.div(
      v128.bitselect(k(1), get('p'), f32x4.ge(get('xv'), k(0))),
      add(k(1), get('p')))),
  ]));
}
