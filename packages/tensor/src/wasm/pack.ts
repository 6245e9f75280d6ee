/**
 * Packing for gemm: op(a) [m, k] and op(b) [k, n] are copied into panels of W rows (of op(a)) or W
 * columns (of op(b)), each panel laid out [k, W] so the microkernel reads it front to back:
 *   panel[q][p, t] = x[q·W + t, p], padded with zeros past the last real row/column.
 * All pointers are byte addresses; `dst` needs ceil(rows / W)·W·k floats.
 *
 * packRows: the packed dimension is the source's rows, src: [rows, k] (op(a) = a, or op(b) = bᵀ).
 * packCols: the packed dimension is the source's columns, src: [k, cols] (op(a) = aᵀ, or op(b) = b).
 *   Its rows may be longer than `cols` (`stride` floats), so a band of columns can be packed alone.
 */
import { i32t, type Bytes, type FuncDef } from './assembler.js';
import { Fn, f32, i32, ifF32, ifThen, v128 } from './instructions.js';

/** packRows{W}(src, rows, k, dst): a transposing copy, one float at a time (reads run along src's rows). */
export function packRows(W: number): FuncDef {
  const f = new Fn(`packRows${W}`, { src: i32t, rows: i32t, k: i32t, dst: i32t },
    { i: i32t, p: i32t, s: i32t, d: i32t, rowsPad: i32t, panel: i32t });
  const { get, set, inc, forRange } = f;
  const panelBytes = i32.mul(get('k'), i32.const(W * 4));
  // d = dst + (i / W)·k·W·4 + (i % W)·4: where row i of the source starts in the packed panels.
  const rowStart = (): Bytes => set('d', i32.add(get('dst'), i32.add(
    i32.mul(i32.div_u(get('i'), i32.const(W)), get('panel')),
    i32.shl(i32.rem_u(get('i'), i32.const(W)), i32.const(2)))));
  return f.def(
    set('panel', panelBytes),
    set('rowsPad', i32.mul(i32.div_u(i32.add(get('rows'), i32.const(W - 1)), i32.const(W)), i32.const(W))),
    forRange('i', i32.const(0), get('rows'), 1,
      rowStart(),
      set('s', i32.add(get('src'), i32.shl(i32.mul(get('i'), get('k')), i32.const(2)))),
      forRange('p', i32.const(0), get('k'), 1,
        f32.store(get('d'), f32.load(get('s'))),
        inc('s', i32.const(4)),
        inc('d', i32.const(W * 4)))),
    // Zero the padding rows: their products land in tile rows/columns that are never written back,
    // but scratch may hold anything, and NaNs or denormals there would only cost time.
    forRange('i', get('rows'), get('rowsPad'), 1,
      rowStart(),
      forRange('p', i32.const(0), get('k'), 1,
        f32.store(get('d'), f32.const(0)),
        inc('d', i32.const(W * 4)))),
  );
}

/**
 * packCols{W}(src, cols, k, dst, stride): src rows are `stride` floats apart (stride ≥ cols). Full panels
 * copy W/4 vectors per row of src (W a multiple of 4), the last one is padded.
 */
export function packCols(W: number): FuncDef {
  const f = new Fn(`packCols${W}`, { src: i32t, cols: i32t, k: i32t, dst: i32t, stride: i32t },
    { j: i32t, p: i32t, t: i32t, s: i32t, d: i32t, rowBytes: i32t, width: i32t });
  const { get, set, inc, forRange } = f;
  const copyVectors = Array.from({ length: W / 4 }, (_, v) =>
    v128.store(get('d'), v128.load(get('s'), 16 * v), 16 * v));
  return f.def(
    set('rowBytes', i32.shl(get('stride'), i32.const(2))),
    set('d', get('dst')),
    forRange('j', i32.const(0), get('cols'), W,
      set('s', i32.add(get('src'), i32.shl(get('j'), i32.const(2)))),
      set('width', i32.sub(get('cols'), get('j'))),
      ifThen(i32.ge_s(get('width'), i32.const(W)), [
        forRange('p', i32.const(0), get('k'), 1,
          ...copyVectors,
          inc('s', get('rowBytes')),
          inc('d', i32.const(W * 4))),
      ], [
        forRange('p', i32.const(0), get('k'), 1,
          forRange('t', i32.const(0), i32.const(W), 1,
            f32.store(i32.add(get('d'), i32.shl(get('t'), i32.const(2))),
              ifF32(i32.lt_s(get('t'), get('width')),
                f32.load(i32.add(get('s'), i32.shl(get('t'), i32.const(2)))), f32.const(0)))),
          inc('s', get('rowBytes')),
          inc('d', i32.const(W * 4))),
      ])),
  );
}
