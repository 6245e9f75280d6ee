/**
 * bytesToFloat(x, y, n, div): y[i] = x[i] / div for bytes x (pixels / 255), sixteen bytes per turn:
 * one v128 of bytes is zero-extended to 16-bit and then 32-bit lanes, converted to f32 (exact for
 * 0..255) and divided by div in four f32x4.div. Each result is rounded once to float32, which is what
 * Math.fround(x / div) gives too (a double quotient rounded to float32 cannot double-round wrongly:
 * 53 ≥ 2·24 + 2 bits). The last n mod 16 bytes go one at a time. x: byte address, y: float address.
 */
import { f32t, i32t, v128t, type Bytes, type FuncDef } from './assembler.js';
import { Fn, f32, f32x4, i16x8, i32, i32x4, v128 } from './instructions.js';

export function bytesToFloat(): FuncDef {
  const f = new Fn('bytesToFloat', { x: i32t, y: i32t, n: i32t, div: f32t },
    { i: i32t, end: i32t, q: i32t, div4: v128t, v: v128t, h: v128t });
  const { get, set, forRange } = f;
  // Four f32x4 from the 16-bit lanes in h: its low or high half, widened to i32, converted, divided.
  const quarter = (half: 'low' | 'high'): Bytes => f32x4.div(
    f32x4.convertI32x4S(half === 'low' ? i32x4.extendLowI16x8U(get('h')) : i32x4.extendHighI16x8U(get('h'))), get('div4'));
  return f.def(
    set('div4', f32x4.splat(get('div'))),
    set('end', i32.and(get('n'), i32.const(-16))),
    forRange('i', i32.const(0), get('end'), 16,
      set('v', v128.load(i32.add(get('x'), get('i')))),
      set('q', i32.add(get('y'), i32.shl(get('i'), i32.const(2)))), // y + 4i
      set('h', i16x8.extendLowI8x16U(get('v'))),
      v128.store(get('q'), quarter('low'), 0),
      v128.store(get('q'), quarter('high'), 16),
      set('h', i16x8.extendHighI8x16U(get('v'))),
      v128.store(get('q'), quarter('low'), 32),
      v128.store(get('q'), quarter('high'), 48)),
    forRange('i', get('i'), get('n'), 1,
      f32.store(i32.add(get('y'), i32.shl(get('i'), i32.const(2))),
        f32.div(f32.convert_i32_s(i32.load8_u(i32.add(get('x'), get('i')))), get('div')))),
  );
}
