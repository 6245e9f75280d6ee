/**
 * The gemm macro-kernel over packed panels (see `pack.ts`): c[m, n] = beta·c + op(a)·op(b).
 *
 * Register blocking: each MR×NR tile of c lives in MR·NR/4 f32x4 accumulators (4×8 → 8 vectors).
 * One turn of the inner loop reads NR floats of the b panel (NR/4 v128.load) and MR floats of the a
 * panel (one v128.load32_splat each), and does MR·NR/4 f32x4.mul + f32x4.add:
 *   acc[r][v] += splat(ap[p, r]) · bp[p, 4v .. 4v+4]   (`madd`: mul + add when strict, relaxed_madd when relaxed)
 * Loop order: b panels outer (a k×NR panel stays in L1), a panels inner. Tiles that stick out past
 * m or n go through a small `tmp` buffer (MR·NR floats) and are written back one float at a time.
 * Because the transposes are all in the packing, this one kernel serves A·B, Aᵀ·B, A·Bᵀ and Aᵀ·Bᵀ.
 */
import { i32t, v128t, type Bytes, type FuncDef, type ValType } from './assembler.js';
import { Fn, brIf, f32, f32x4, i32, ifThen, loop, madd, select, v128, type KernelVariant } from './instructions.js';

/**
 * Tile height (rows of c) and width (columns of c, a multiple of 4; MR and NR also multiples of 4 for
 * packCols). Strict: 4×8 measured best on x64: 8 accumulators + 2 b vectors + 1 splat (+ 1 product)
 * fit the 16 xmm registers V8 allocates; 4×12 and 6×8 spill and run at half the speed or less.
 */
export const MR = 4;
export const NR = 8;

/** A micro-tile: MR rows by NR columns of c held in MR·NR/4 f32x4 accumulators. */
export interface Tile {
  readonly mr: number;
  readonly nr: number;
}

/**
 * The tile each kernel variant uses. Relaxed (FMA) keeps 4×8 too: 8 independent accumulators, as published
 * FMA kernels need; on this project's AMD EPYC it measured equal to strict (Zen has separate FP add pipes,
 * so mul + add already issue at FMA's rate), and 4×12, 8×8 and 4×16 spilled and ran at about half speed
 * (docs/kernel-variants.md).
 */
export const TILES: Record<KernelVariant, Tile> = {
  strict: { mr: MR, nr: NR },
  relaxed: { mr: MR, nr: NR },
};

const acc = (r: number, v: number) => `c${r}_${v}`;

/**
 * gemmPacked(m, n, k, ap, bp, beta, c, tmp): byte pointers; k ≥ 1; beta is 0 or 1. The tile defaults
 * to the variant's; the strict 4×8 kernel is exactly the one tsnn has always emitted.
 */
export function gemmPacked(variant: KernelVariant = 'strict', tile: Tile = TILES[variant]): FuncDef {
  const fma = madd(variant);
  const { mr: MR, nr: NR } = tile;
  const NV = NR / 4;
  const vecLocals: Record<string, ValType> = { a: v128t };
  for (let v = 0; v < NV; v++) vecLocals[`b${v}`] = v128t;
  for (let r = 0; r < MR; r++) for (let v = 0; v < NV; v++) vecLocals[acc(r, v)] = v128t;
  const f = new Fn('gemmPacked',
    { m: i32t, n: i32t, k: i32t, ap: i32t, bp: i32t, beta: i32t, c: i32t, tmp: i32t },
    { i0: i32t, j0: i32t, pa: i32t, pb: i32t, pbPanel: i32t, pbEnd: i32t, paPanel: i32t,
      aBytes: i32t, bBytes: i32t, rowBytes: i32t, cp: i32t, rows: i32t, cols: i32t, r: i32t, t: i32t,
      ...vecLocals });
  const { get, set, inc, forRange } = f;
  const each = (fn: (r: number, v: number) => Bytes): Bytes[] => {
    const out: Bytes[] = [];
    for (let r = 0; r < MR; r++) for (let v = 0; v < NV; v++) out.push(fn(r, v));
    return out;
  };
  // Address of c[i0 + r, j0 + 4v] is cp + r·rowBytes + 16v.
  const cRow = (r: number): Bytes => i32.add(get('cp'), i32.mul(get('rowBytes'), i32.const(r)));

  const innerLoop = [
    ...each((r, v) => set(acc(r, v), f32x4.const(0))),
    set('pa', get('paPanel')),
    set('pb', get('pbPanel')),
    loop(
      ...Array.from({ length: NV }, (_, v) => set(`b${v}`, v128.load(get('pb'), 16 * v))),
      ...Array.from({ length: MR }, (_, r) => [
        ...set('a', v128.load32Splat(get('pa'), 4 * r)),
        ...Array.from({ length: NV }, (_, v) =>
          set(acc(r, v), fma(get(acc(r, v)), get('a'), get(`b${v}`)))).flat(),
      ]),
      inc('pa', i32.const(MR * 4)),
      inc('pb', i32.const(NR * 4)),
      brIf(0, i32.ne(get('pb'), get('pbEnd'))),
    ),
  ];

  const storeFull = ifThen(get('beta'),
    each((r, v) => v128.store(cRow(r), f32x4.add(v128.load(cRow(r), 16 * v), get(acc(r, v))), 16 * v)),
    each((r, v) => v128.store(cRow(r), get(acc(r, v)), 16 * v)));

  // Partial tile: spill to tmp[MR, NR], then c[i0+r, j0+t] = beta·c + tmp[r, t] for the real rows/columns.
  const storeEdge: Bytes[] = [
    ...each((r, v) => v128.store(get('tmp'), get(acc(r, v)), (r * NR + 4 * v) * 4)),
    forRange('r', i32.const(0), get('rows'), 1,
      forRange('t', i32.const(0), get('cols'), 1,
        f32.store(cAt(), f32.add(
          select(f32.load(cAt()), f32.const(0), get('beta')),
          f32.load(i32.add(get('tmp'), i32.shl(i32.add(i32.mul(get('r'), i32.const(NR)), get('t')), i32.const(2)))))))),
  ];
  function cAt(): Bytes {
    return i32.add(get('cp'), i32.add(i32.mul(get('r'), get('rowBytes')), i32.shl(get('t'), i32.const(2))));
  }

  return f.def(
    set('aBytes', i32.mul(get('k'), i32.const(MR * 4))),
    set('bBytes', i32.mul(get('k'), i32.const(NR * 4))),
    set('rowBytes', i32.shl(get('n'), i32.const(2))),
    set('pbPanel', get('bp')),
    forRange('j0', i32.const(0), get('n'), NR,
      set('pbEnd', i32.add(get('pbPanel'), get('bBytes'))),
      set('cols', minI32(i32.sub(get('n'), get('j0')), NR)),
      set('paPanel', get('ap')),
      forRange('i0', i32.const(0), get('m'), MR,
        set('rows', minI32(i32.sub(get('m'), get('i0')), MR)),
        set('cp', i32.add(get('c'), i32.shl(i32.add(i32.mul(get('i0'), get('n')), get('j0')), i32.const(2)))),
        ...innerLoop,
        ifThen(i32.and(i32.eq(get('rows'), i32.const(MR)), i32.eq(get('cols'), i32.const(NR))),
          [storeFull], storeEdge),
        inc('paPanel', get('aBytes'))),
      inc('pbPanel', get('bBytes'))),
  );
}

function minI32(x: Bytes, limit: number): Bytes {
  // select(x, limit, x < limit); x is evaluated twice, so keep it cheap.
  return select(x, i32.const(limit), i32.lt_s(x, i32.const(limit)));
}
