/**
 * Element-wise kernels, f32x4 with a lane-0 tail (see `lanes.ts`). Arguments are byte pointers into
 * memory and counts in floats; outputs may be the same array as an input (each element is read
 * before it is written).
 */
import { f32t, i32t, v128t, type Bytes, type FuncDef, type ValType } from './assembler.js';
import { Fn, f32x4, i32, madd, v128, type KernelVariant } from './instructions.js';
import { sigmoid } from './sigmoid.js';
import { zip, type Lanes } from './lanes.js';

const loopLocals: Record<string, ValType> = { i: i32t, end: i32t };

/** name(arrays..., n): one f32x4 body over n floats. */
function map(name: string, arrays: string[], body: (L: Lanes) => Bytes[]): FuncDef {
  const params: Record<string, ValType> = {};
  for (const a of arrays) params[a] = i32t;
  const f = new Fn(name, { ...params, n: i32t }, loopLocals);
  return f.def(zip(f, f.get('n'), body));
}

const zero = () => f32x4.const(0);

export const relu = () => map('relu', ['x', 'y'], (L) => [
  // y = x > 0 ? x : 0 (pmax(0, x) = 0 < x ? x : 0, so NaN and −0 give 0 as in the reference).
  L.store('y', f32x4.pmax(zero(), L.load('x'))),
]);

export const reluBackward = () => map('reluBackward', ['y', 'dy', 'dx'], (L) => [
  // dx = dy · [y > 0], as a bit mask.
  L.store('dx', v128.and(L.load('dy'), f32x4.gt(L.load('y'), zero()))),
]);

export const sigmoidBackward = () => map('sigmoidBackward', ['y', 'dy', 'dx'], (L) => [
  // dx = dy · y · (1 − y)
  L.store('dx', f32x4.mul(f32x4.mul(L.load('dy'), L.load('y')), f32x4.sub(f32x4.const(1), L.load('y')))),
]);

export const sub = () => map('sub', ['a', 'b', 'y'], (L) => [L.store('y', f32x4.sub(L.load('a'), L.load('b')))]);

/** y = −x: the sign bit flipped (−0 for +0, as JavaScript's negation). */
export const neg = () => map('neg', ['x', 'y'], (L) => [L.store('y', f32x4.neg(L.load('x')))]);

export const mul = () => map('mul', ['a', 'b', 'y'], (L) => [L.store('y', f32x4.mul(L.load('a'), L.load('b')))]);

/**
 * rmsprop(theta, g, v, n, lr, rho, oneMinusRho, eps): v ← ρv + (1−ρ)g²; θ ← θ − lr·g / sqrt(v + ε).
 * Relaxed: the (1−ρ)g·g product is fused into the add.
 */
export function rmsprop(variant: KernelVariant = 'strict'): FuncDef {
  const fma = madd(variant);
  const f = new Fn('rmsprop',
    { theta: i32t, g: i32t, v: i32t, n: i32t, lr: f32t, rho: f32t, oneMinusRho: f32t, eps: f32t },
    { ...loopLocals, lr4: v128t, rho4: v128t, oneMinusRho4: v128t, eps4: v128t, g4: v128t, v4: v128t });
  const { get, set } = f;
  return f.def(
    ...['lr', 'rho', 'oneMinusRho', 'eps'].map((s) => set(`${s}4`, f32x4.splat(get(s)))),
    zip(f, get('n'), (L) => [
      set('g4', L.load('g')),
      set('v4', fma(f32x4.mul(get('rho4'), L.load('v')), f32x4.mul(get('oneMinusRho4'), get('g4')), get('g4'))),
      L.store('v', get('v4')),
      L.store('theta', f32x4.sub(L.load('theta'),
        f32x4.div(f32x4.mul(get('lr4'), get('g4')), f32x4.sqrt(f32x4.add(get('v4'), get('eps4')))))),
    ]),
  );
}

/**
 * adam(theta, g, m, v, n, alpha, beta1, oneMinusBeta1, beta2, oneMinusBeta2, eps):
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − alpha·m / (sqrt(v) + ε).
 * Relaxed: the (1−β₁)·g and (1−β₂)g·g products are fused into their adds.
 */
export function adam(variant: KernelVariant = 'strict'): FuncDef {
  const fma = madd(variant);
  const f = new Fn('adam',
    { theta: i32t, g: i32t, m: i32t, v: i32t, n: i32t, alpha: f32t, b1: f32t, c1: f32t, b2: f32t, c2: f32t, eps: f32t },
    { ...loopLocals, alpha4: v128t, b14: v128t, c14: v128t, b24: v128t, c24: v128t, eps4: v128t, g4: v128t, m4: v128t, v4: v128t });
  const { get, set } = f;
  return f.def(
    ...['alpha', 'b1', 'c1', 'b2', 'c2', 'eps'].map((s) => set(`${s}4`, f32x4.splat(get(s)))),
    zip(f, get('n'), (L) => [
      set('g4', L.load('g')),
      set('m4', fma(f32x4.mul(get('b14'), L.load('m')), get('c14'), get('g4'))),
      set('v4', fma(f32x4.mul(get('b24'), L.load('v')), f32x4.mul(get('c24'), get('g4')), get('g4'))),
      L.store('m', get('m4')),
      L.store('v', get('v4')),
      L.store('theta', f32x4.sub(L.load('theta'),
        f32x4.div(f32x4.mul(get('alpha4'), get('m4')), f32x4.add(f32x4.sqrt(get('v4')), get('eps4'))))),
    ]),
  );
}

/** addBias(y, bias, rows, cols): y[r, j] += bias[j], row by row. */
export function addBias(): FuncDef {
  const f = new Fn('addBias', { y: i32t, bias: i32t, rows: i32t, cols: i32t }, { ...loopLocals, r: i32t, yr: i32t });
  const { get, set, inc, forRange } = f;
  return f.def(
    set('yr', get('y')),
    forRange('r', i32.const(0), get('rows'), 1,
      zip(f, get('cols'), (L) => [L.store('yr', f32x4.add(L.load('yr'), L.load('bias')))]),
      inc('yr', i32.shl(get('cols'), i32.const(2)))),
  );
}

/** sumRows(dy, db, rows, cols): db[j] += Σ_r dy[r, j], four columns at a time down the rows. */
export function sumRows(): FuncDef {
  const f = new Fn('sumRows', { dy: i32t, db: i32t, rows: i32t, cols: i32t },
    { ...loopLocals, r: i32t, q: i32t, rowBytes: i32t, s: v128t });
  const { get, set, inc, forRange } = f;
  return f.def(
    set('rowBytes', i32.shl(get('cols'), i32.const(2))),
    zip(f, get('cols'), (L) => [
      set('s', zero()),
      set('q', i32.add(get('dy'), get('i'))),
      forRange('r', i32.const(0), get('rows'), 1,
        set('s', f32x4.add(get('s'), L.loadAt(get('q')))),
        inc('q', get('rowBytes'))),
      L.store('db', f32x4.add(L.load('db'), get('s'))),
    ]),
  );
}

/** The element-wise kernels of a variant: sigmoid, rmsprop and adam use `madd`; the rest are the same in both. */
export const elementwiseKernels = (variant: KernelVariant = 'strict'): FuncDef[] =>
  [relu(), reluBackward(), sigmoid(variant), sigmoidBackward(), sub(), neg(), mul(), rmsprop(variant), adam(variant), addBias(), sumRows()];
