import { describe, expect, it } from 'vitest';
import { assemble, f32t, i32t, sleb, uleb } from '../src/wasm/assembler.js';
import { Fn, f32, f32x4, i32, v128 } from '../src/wasm/instructions.js';
import { wasmFunctions, wasmModuleBytes } from '../src/wasm/index.js';
import { webAssembly } from '../src/wasm/webassembly.js';

describe('wasm assembler', () => {
  it('encodes LEB128 as the spec examples', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('emits a module that WebAssembly.validate accepts, exporting every kernel', () => {
    const wa = webAssembly()!;
    expect(wa.validate(wasmModuleBytes())).toBe(true);
    const names = wasmFunctions().map((f) => f.name);
    for (const k of ['gemmPacked', 'relu', 'reluBackward', 'sigmoid', 'sigmoidBackward', 'sub', 'mul', 'addBias', 'sumRows', 'rmsprop', 'adam']) {
      expect(names).toContain(k);
    }
  });

  it('runs a hand-written function: y[i] = a·x[i] + 1 with SIMD and a scalar op', () => {
    const wa = webAssembly()!;
    const f = new Fn('axpy1', { x: i32t, y: i32t, a: f32t });
    const { get } = f;
    const bytes = assemble([f.def(
      v128.store(get('y'), f32x4.add(f32x4.mul(v128.load(get('x')), f32x4.splat(get('a'))), f32x4.const(1))),
      f32.store(get('y'), f32.neg(f32.load(get('y'), 16)), 16),
      i32.store(get('y'), i32.const(-7), 20),
    )], { initial: 1, maximum: 1 });
    expect(wa.validate(bytes)).toBe(true);
    const memory = new wa.Memory({ initial: 1, maximum: 1, shared: true });
    const run = new wa.Instance(new wa.Module(bytes), { env: { memory } }).exports.axpy1 as (x: number, y: number, a: number) => void;
    const heap = new Float32Array(memory.buffer);
    heap.set([1, 2, 3, 4], 0);
    heap[8 + 4] = 2.5;
    run(0, 32, 3);
    expect([...heap.subarray(8, 12)]).toEqual([4, 7, 10, 13]);
    expect(heap[12]).toBe(-2.5);
    expect(new Int32Array(memory.buffer)[13]).toBe(-7);
  });
});
