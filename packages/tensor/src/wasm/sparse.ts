/**
 * The WASM sparse kernels (layout in `../kernels/sparse.ts`). All pointers are byte addresses; the
 * start arrays hold entry numbers.
 *
 * sparsify(x, rows, cols, capacity, rowStart, colStart, csrCol, csrVal, cscRow, cscVal):
 *   A first pass only counts the nonzeros (four floats a turn: the f32x4.ne masks, −1 per nonzero
 *   lane, summed in an i32x4); more than the capacity: −1 and nothing written, so a dense input
 *   costs one read of x. Then the CSR part in one pass over x, four floats a turn: f32x4.ne(v, 0) →
 *   i32x4.bitmask, and a quad of zeros (most of them in MNIST's borders) costs one load, one compare
 *   and one branch. A quad with a nonzero writes all four (column, value) pairs and advances the
 *   count by each lane's bit, so there is no branch per float. The CSC part is then a counting sort
 *   of the CSR entries by column (as in `sparse-js.ts`).
 *
 * sparseGemm(start, index, value, m, n, b, beta, c): c[m, n] = beta·c + Σ over the listed nonzeros:
 *   row r of c is the sum over entries q of row r of value[q]·b[index[q], :]. Called with the CSR
 *   part (m = rows) this is x·b; with the CSC part (m = cols) it is xᵀ·b — one kernel for the forward
 *   product and the weight gradient. Row r is done 24 columns at a time in 6 f32x4 accumulators (per
 *   nonzero: one splat of the value, six loads of b, six multiply-adds), then 8 and 4 columns at a
 *   time, then single columns (in lane 0): see BLOCKS for why 6. The multiply-accumulate is `madd(variant)`. Each entry is summed in float32 from 0 in the listed (ascending) order,
 *   with the same multiply and add as `gemm.ts`, so the result has the dense gemm's bits.
 */
import { f32t, i32t, v128t, type Bytes, type FuncDef, type ValType } from './assembler.js';
import { Fn, block, br, brIf, f32, f32x4, i32, i32x4, ifThen, loop, madd, ret, v128, type KernelVariant } from './instructions.js';

/**
 * The column blocks of sparseGemm, in f32x4 accumulators, widest first. 6 and not 8: Node 20's and 22's
 * V8 schedule all of a block's b loads ahead of its multiply-adds, and 8 accumulators + 8 loaded vectors
 * + the splat do not fit x64's 16 vector registers, so one accumulator lived on the stack (a store and
 * reload on every nonzero). With 6 they fit: on a 128×784 input of density 0.19 against a 784×128 b
 * (best of 8 × 300 calls, 2026-12-02), x·b went from 9.1 to 14.5 G multiply-adds/s on Node 20.20 and 8.4
 * to 14.7 on Node 22.23; on Node 24.21, whose V8 keeps each load next to its use, 15.9 → 14.9 (xᵀ·b: 16.9
 * → 16.9). The blocking never changes a result's bits: each output is still summed over its row's entries in order.
 */
const BLOCKS = [6, 2, 1];

export function sparsify(): FuncDef {
  const f = new Fn('sparsify',
    { x: i32t, rows: i32t, cols: i32t, capacity: i32t, rowStart: i32t, colStart: i32t, csrCol: i32t, csrVal: i32t, cscRow: i32t, cscVal: i32t },
    { i: i32t, p: i32t, q: i32t, px: i32t, quadEnd: i32t, rowEnd: i32t, mask: i32t, e: i32t, ca: i32t, d: i32t, v: v128t, s: f32t, cnt: v128t });
  const { get, set, inc, forRange } = f;
  const word = (base: string, idx: Bytes): Bytes => i32.add(get(base), i32.shl(idx, i32.const(2)));
  const whileBelow = (ptr: string, end: string, ...body: Bytes[]): Bytes =>
    block(loop(brIf(1, i32.ge_u(get(ptr), get(end))), ...body, br(0)));
  // One float (value `val`, column p + lane) appended at q; q advances by `keep` (0 or 1) entries.
  const append = (lane: number, val: Bytes, keep: Bytes): Bytes[] => [
    i32.store(i32.add(get('csrCol'), get('q')), i32.add(get('p'), i32.const(lane))),
    f32.store(i32.add(get('csrVal'), get('q')), val),
    inc('q', i32.shl(keep, i32.const(2))),
  ];
  const lanes: Bytes[] = [];
  for (let l = 0; l < 4; l++) {
    lanes.push(...append(l, f32x4.extractLane(l)(get('v')), i32.and(i32.shr_u(get('mask'), i32.const(l)), i32.const(1))));
  }

  const count: Bytes[] = [
    set('cnt', i32x4.splat(i32.const(0))),
    set('px', get('x')),
    set('rowEnd', i32.add(get('x'), i32.shl(i32.mul(get('rows'), get('cols')), i32.const(2)))), // end of x
    set('quadEnd', i32.add(get('x'), i32.shl(i32.and(i32.mul(get('rows'), get('cols')), i32.const(-4)), i32.const(2)))),
    whileBelow('px', 'quadEnd',
      set('cnt', i32x4.sub(get('cnt'), f32x4.ne(v128.load(get('px')), f32x4.const(0)))),
      inc('px', i32.const(16))),
    set('q', i32.add(i32.add(i32x4.extractLane(0)(get('cnt')), i32x4.extractLane(1)(get('cnt'))),
      i32.add(i32x4.extractLane(2)(get('cnt')), i32x4.extractLane(3)(get('cnt'))))),
    whileBelow('px', 'rowEnd',
      inc('q', f32.ne(f32.load(get('px')), f32.const(0))),
      inc('px', i32.const(4))),
    ifThen(i32.gt_u(get('q'), get('capacity')), [
      i32.store(word('rowStart', get('rows')), i32.const(-1)),
      ret,
    ]),
  ];

  const csr: Bytes[] = [
    set('q', i32.const(0)), // q: byte offset of the next entry
    set('px', get('x')),
    forRange('i', i32.const(0), get('rows'), 1,
      i32.store(word('rowStart', get('i')), i32.shr_u(get('q'), i32.const(2))),
      set('rowEnd', i32.add(get('px'), i32.shl(get('cols'), i32.const(2)))),
      set('quadEnd', i32.add(get('px'), i32.shl(i32.and(get('cols'), i32.const(-4)), i32.const(2)))),
      set('p', i32.const(0)),
      whileBelow('px', 'quadEnd',
        set('v', v128.load(get('px'))),
        set('mask', i32x4.bitmask(f32x4.ne(get('v'), f32x4.const(0)))),
        ifThen(get('mask'), lanes),
        inc('px', i32.const(16)),
        inc('p', i32.const(4))),
      whileBelow('px', 'rowEnd',
        set('s', f32.load(get('px'))),
        ...append(0, get('s'), f32.ne(get('s'), f32.const(0))),
        inc('px', i32.const(4)),
        inc('p', i32.const(1)))),
    i32.store(word('rowStart', get('rows')), i32.shr_u(get('q'), i32.const(2))),
  ];

  // colStart[p + 1] counts column p; prefix sums; the scatter advances colStart[p] to the start of p + 1.
  const colWord = (p: Bytes): Bytes => word('colStart', p);
  const csc: Bytes[] = [
    forRange('p', i32.const(0), i32.add(get('cols'), i32.const(1)), 1, i32.store(colWord(get('p')), i32.const(0))),
    forRange('e', i32.const(0), get('q'), 4,
      set('ca', colWord(i32.add(i32.load(i32.add(get('csrCol'), get('e'))), i32.const(1)))),
      i32.store(get('ca'), i32.add(i32.load(get('ca')), i32.const(1)))),
    forRange('p', i32.const(1), i32.add(get('cols'), i32.const(1)), 1,
      i32.store(colWord(get('p')), i32.add(i32.load(colWord(get('p'))), i32.load(colWord(i32.sub(get('p'), i32.const(1))))))),
    forRange('i', i32.const(0), get('rows'), 1,
      forRange('e', i32.shl(i32.load(word('rowStart', get('i'))), i32.const(2)),
        i32.shl(i32.load(word('rowStart', get('i')), 4), i32.const(2)), 4,
        set('ca', colWord(i32.load(i32.add(get('csrCol'), get('e'))))),
        set('d', i32.shl(i32.load(get('ca')), i32.const(2))),
        i32.store(get('ca'), i32.add(i32.load(get('ca')), i32.const(1))),
        i32.store(i32.add(get('cscRow'), get('d')), get('i')),
        f32.store(i32.add(get('cscVal'), get('d')), f32.load(i32.add(get('csrVal'), get('e')))))),
    forRange('p', i32.const(0), get('cols'), 1, // colStart[cols − p] = colStart[cols − p − 1]
      set('d', i32.sub(get('cols'), get('p'))),
      i32.store(colWord(get('d')), i32.load(colWord(i32.sub(get('d'), i32.const(1)))))),
    i32.store(get('colStart'), i32.const(0)),
  ];
  return f.def(...count, ...csr, ...csc);
}

/** `variant`: the multiply-accumulate (strict: mul then add, as gemm.ts; relaxed: relaxed_madd). */
export function sparseGemm(variant: KernelVariant = 'strict'): FuncDef {
  const fma = madd(variant);
  const accs: Record<string, ValType> = {};
  for (let v = 0; v < Math.max(...BLOCKS); v++) accs[`c${v}`] = v128t;
  const f = new Fn('sparseGemm',
    { start: i32t, index: i32t, value: i32t, m: i32t, n: i32t, b: i32t, beta: i32t, c: i32t },
    { r: i32t, q: i32t, qa: i32t, qEnd: i32t, vd: i32t, jb: i32t, nb: i32t, cp: i32t, bp: i32t, a: v128t, s: f32t, ...accs });
  const { get, set, inc, forRange } = f;
  // Over the entries of row r: q is the entry's byte address in `index`; its value is at q + vd.
  const overEntries = (...body: Bytes[]): Bytes => forRange('q', get('qa'), get('qEnd'), 4,
    set('bp', i32.add(get('b'), i32.add(i32.mul(i32.load(get('q')), get('nb')), get('jb')))), // &b[index[q], j]
    ...body);

  // Columns jb/4 … jb/4 + 4V of row r in V accumulators.
  const vectorBlock = (V: number): Bytes[] => {
    const vs = Array.from({ length: V }, (_, v) => v);
    const cAt = i32.add(get('cp'), get('jb'));
    return [
      ...vs.map((v) => set(`c${v}`, f32x4.const(0))),
      overEntries(
        set('a', v128.load32Splat(i32.add(get('q'), get('vd')))),
        ...vs.map((v) => set(`c${v}`, fma(get(`c${v}`), get('a'), v128.load(get('bp'), 16 * v))))),
      ifThen(get('beta'),
        vs.map((v) => v128.store(cAt, f32x4.add(v128.load(cAt, 16 * v), get(`c${v}`)), 16 * v)),
        vs.map((v) => v128.store(cAt, get(`c${v}`), 16 * v))),
    ];
  };
  // One column, in lane 0 of c0 (the same multiply-accumulate as the vector blocks, so a relaxed
  // variant fuses it too, as the dense gemm does in its edge tiles).
  const scalarColumn: Bytes[] = [
    set('c0', f32x4.const(0)),
    overEntries(set('c0', fma(get('c0'), v128.load32Splat(i32.add(get('q'), get('vd'))), v128.load32Splat(get('bp'))))),
    set('s', f32x4.extractLane(0)(get('c0'))),
    ifThen(get('beta'),
      [f32.store(i32.add(get('cp'), get('jb')), f32.add(f32.load(i32.add(get('cp'), get('jb'))), get('s')))],
      [f32.store(i32.add(get('cp'), get('jb')), get('s'))]),
  ];
  // while (jb + width ≤ nb) { body; jb += width }
  const columns = (width: number, body: Bytes[]): Bytes =>
    block(loop(brIf(1, i32.gt_s(i32.add(get('jb'), i32.const(width)), get('nb'))), ...body, inc('jb', i32.const(width)), br(0)));

  return f.def(
    set('nb', i32.shl(get('n'), i32.const(2))),
    set('vd', i32.sub(get('value'), get('index'))),
    forRange('r', i32.const(0), get('m'), 1,
      set('qa', i32.add(get('index'), i32.shl(i32.load(i32.add(get('start'), i32.shl(get('r'), i32.const(2)))), i32.const(2)))),
      set('qEnd', i32.add(get('index'), i32.shl(i32.load(i32.add(get('start'), i32.shl(get('r'), i32.const(2))), 4), i32.const(2)))),
      set('cp', i32.add(get('c'), i32.mul(get('r'), get('nb')))),
      set('jb', i32.const(0)),
      ...BLOCKS.map((V) => columns(16 * V, vectorBlock(V))),
      columns(4, scalarColumn)),
  );
}
