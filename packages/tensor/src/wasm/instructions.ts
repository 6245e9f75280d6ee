/**
 * Instructions in folded form: each helper takes its operands' code and returns the code that
 * evaluates them and then applies the opcode, so kernels read like WAT s-expressions:
 *   f32x4.add(get('acc'), f32x4.mul(get('a'), v128.load(get('p'))))
 * `Fn` names a function's parameters and locals and turns them into `local.get` / `local.set`.
 */
import type { KernelVariant } from '../kernels/kernels.js';
import { f32Bytes, sleb, uleb, type Bytes, type FuncDef, type ValType } from './assembler.js';

export type { KernelVariant };

type Op = (...args: Bytes[]) => Bytes;
const op = (...code: number[]): Op => (...args) => [...args.flat(), ...code];
const simd = (code: number): Op => op(0xfd, ...uleb(code));
/** A memory access: the operands, the opcode, then alignment (log2 bytes) and a constant byte offset. */
const mem = (code: number[], align: number) => (offset: number, ...args: Bytes[]): Bytes =>
  [...args.flat(), ...code, align, ...uleb(offset)];

export const i32 = {
  const: (n: number): Bytes => [0x41, ...sleb(n)],
  load: (addr: Bytes, offset = 0) => mem([0x28], 2)(offset, addr),
  /** One byte, zero-extended. */
  load8_u: (addr: Bytes, offset = 0) => mem([0x2d], 0)(offset, addr),
  store: (addr: Bytes, value: Bytes, offset = 0) => mem([0x36], 2)(offset, addr, value),
  eqz: op(0x45), eq: op(0x46), ne: op(0x47), lt_s: op(0x48), lt_u: op(0x49),
  gt_s: op(0x4a), gt_u: op(0x4b), le_s: op(0x4c), ge_s: op(0x4e), ge_u: op(0x4f),
  add: op(0x6a), sub: op(0x6b), mul: op(0x6c), div_u: op(0x6e), rem_u: op(0x70), and: op(0x71), or: op(0x72),
  xor: op(0x73), shl: op(0x74), shr_s: op(0x75), shr_u: op(0x76), rotl: op(0x77),
};

export const f32 = {
  const: (x: number): Bytes => [0x43, ...f32Bytes(x)],
  load: (addr: Bytes, offset = 0) => mem([0x2a], 2)(offset, addr),
  store: (addr: Bytes, value: Bytes, offset = 0) => mem([0x38], 2)(offset, addr, value),
  eq: op(0x5b), ne: op(0x5c), lt: op(0x5d), gt: op(0x5e), ge: op(0x60),
  abs: op(0x8b), neg: op(0x8c), sqrt: op(0x91),
  add: op(0x92), sub: op(0x93), mul: op(0x94), div: op(0x95), min: op(0x96), max: op(0x97),
  /** Signed i32 to the nearest f32. */
  convert_i32_s: op(0xb2),
  /** Unsigned i32 to the nearest f32. */
  convert_i32_u: op(0xb3),
};

export const v128 = {
  load: (addr: Bytes, offset = 0) => mem([0xfd, 0x00], 4)(offset, addr),
  /** One f32 from memory into all four lanes. */
  load32Splat: (addr: Bytes, offset = 0) => mem([0xfd, 0x09], 2)(offset, addr),
  store: (addr: Bytes, value: Bytes, offset = 0) => mem([0xfd, 0x0b], 4)(offset, addr, value),
  and: simd(0x4e), andnot: simd(0x4f), or: simd(0x50), xor: simd(0x51),
  /** bitselect(a, b, mask): a where mask bits are 1, b elsewhere. */
  bitselect: simd(0x52),
};

export const f32x4 = {
  splat: simd(0x13),
  extractLane: (lane: number) => (v: Bytes): Bytes => [...v, 0xfd, ...uleb(0x1f), lane],
  const: (x: number): Bytes => f32x4.splat(f32.const(x)),
  eq: simd(0x41), ne: simd(0x42), lt: simd(0x43), gt: simd(0x44), ge: simd(0x46),
  nearest: simd(0x6a),
  abs: simd(0xe0), neg: simd(0xe1), sqrt: simd(0xe3),
  add: simd(0xe4), sub: simd(0xe5), mul: simd(0xe6), div: simd(0xe7), min: simd(0xe8), max: simd(0xe9),
  /** pmax(a, b) = a < b ? b : a, lane-wise (so pmax(0, NaN) = 0, unlike max). */
  pmax: simd(0xeb),
  /** Signed i32 lanes to the nearest f32. */
  convertI32x4S: simd(0xfa),
  /**
   * Relaxed SIMD (0xfd 0x105): relaxedMadd(a, b, c) = a·b + c, either fused (one rounding) or as
   * mul then add (two), as the host chooses. Only valid where the relaxed-SIMD proposal is on.
   */
  relaxedMadd: simd(0x105),
  /** Relaxed SIMD (0xfd 0x106): relaxedNmadd(a, b, c) = −(a·b) + c, fused or not, as relaxedMadd. */
  relaxedNmadd: simd(0x106),
};

/**
 * acc + a·b on f32x4, as the variant wants it: strict emits f32x4.add(acc, f32x4.mul(a, b)) (exactly
 * today's kernels, two roundings); relaxed emits f32x4.relaxed_madd(a, b, acc) (one rounding with FMA).
 * Operands are evaluated acc, a, b (strict) or a, b, acc (relaxed): pass side-effect-free code.
 */
export const madd = (variant: KernelVariant) => (acc: Bytes, a: Bytes, b: Bytes): Bytes =>
  variant === 'relaxed' ? f32x4.relaxedMadd(a, b, acc) : f32x4.add(acc, f32x4.mul(a, b));

/** acc − a·b, as `madd`: strict emits f32x4.sub(acc, f32x4.mul(a, b)); relaxed emits relaxed_nmadd(a, b, acc). */
export const nmadd = (variant: KernelVariant) => (acc: Bytes, a: Bytes, b: Bytes): Bytes =>
  variant === 'relaxed' ? f32x4.relaxedNmadd(a, b, acc) : f32x4.sub(acc, f32x4.mul(a, b));

export const i32x4 = {
  splat: simd(0x11),
  extractLane: (lane: number) => (v: Bytes): Bytes => [...v, 0xfd, ...uleb(0x1b), lane],
  /** shl(v, count): count is an i32. */
  shl: simd(0xab), add: simd(0xae), sub: simd(0xb1),
  /** One bit per lane, its top bit (an i32: bit l is lane l's sign bit). */
  bitmask: simd(0xa4),
  /** Float to int, saturating, rounding toward zero. */
  truncSatF32x4: simd(0xf8),
  /** Lanes 0–3 / 4–7 of an i16x8, zero-extended. */
  extendLowI16x8U: simd(0xa9), extendHighI16x8U: simd(0xaa),
};

export const i16x8 = {
  /** Lanes 0–7 / 8–15 of an i8x16, zero-extended. */
  extendLowI8x16U: simd(0x89), extendHighI8x16U: simd(0x8a),
};

// Control flow. Blocks carry no values (block type 0x40).
export const block = (...body: Bytes[]): Bytes => [0x02, 0x40, ...body.flat(), 0x0b];
export const loop = (...body: Bytes[]): Bytes => [0x03, 0x40, ...body.flat(), 0x0b];
export const br = (depth: number): Bytes => [0x0c, ...uleb(depth)];
export const brIf = (depth: number, cond: Bytes): Bytes => [...cond, 0x0d, ...uleb(depth)];
export const ifThen = (cond: Bytes, then: Bytes[], otherwise: Bytes[] = []): Bytes =>
  [...cond, 0x04, 0x40, ...then.flat(), ...(otherwise.length ? [0x05, ...otherwise.flat()] : []), 0x0b];
export const select = op(0x1b);
export const ret: Bytes = [0x0f];
/** `cond ? a : b` yielding an f32, evaluating only the arm taken (so `a` may be an out-of-range load). */
export const ifF32 = (cond: Bytes, a: Bytes, b: Bytes): Bytes => [...cond, 0x04, 0x7d, ...a, 0x05, ...b, 0x0b];

/** A function under construction: named parameters and locals. */
export class Fn {
  private readonly slots = new Map<string, number>();
  private readonly params: ValType[] = [];
  private readonly locals: ValType[] = [];

  constructor(readonly name: string, params: Record<string, ValType>, locals: Record<string, ValType> = {}) {
    for (const [n, t] of Object.entries(params)) this.slots.set(n, this.params.push(t) - 1);
    for (const [n, t] of Object.entries(locals)) this.slots.set(n, this.params.length + this.locals.push(t) - 1);
  }

  private slot(n: string): number {
    const s = this.slots.get(n);
    if (s === undefined) throw new Error(`wasm ${this.name}: no local '${n}'`);
    return s;
  }

  get = (n: string): Bytes => [0x20, ...uleb(this.slot(n))];
  set = (n: string, value: Bytes): Bytes => [...value, 0x21, ...uleb(this.slot(n))];
  /** local += value (i32). */
  inc = (n: string, value: Bytes): Bytes => this.set(n, i32.add(this.get(n), value));

  /** `for (i = from; i < to; i += step) body`, signed compare; `to` is re-evaluated each turn. */
  forRange = (i: string, from: Bytes, to: Bytes, step: number, ...body: Bytes[]): Bytes => [
    ...this.set(i, from),
    ...block(loop(
      brIf(1, i32.ge_s(this.get(i), to)),
      ...body,
      this.inc(i, i32.const(step)),
      br(0),
    )),
  ];

  def(...body: Bytes[]): FuncDef {
    return { name: this.name, params: this.params, results: [], locals: this.locals, body: body.flat() };
  }
}
