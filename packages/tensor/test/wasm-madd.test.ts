import { describe, expect, it } from 'vitest';
import { assemble, i32t } from '../src/wasm/assembler.js';
import { Fn, f32x4, madd, v128 } from '../src/wasm/instructions.js';
import { relaxedProbeBytes, relaxedSimdSupported } from '../src/wasm/relaxed.js';
import { webAssembly } from '../src/wasm/webassembly.js';

// a = b = 1 + 2⁻¹², c = −1: a·b = 1 + 2⁻¹¹ + 2⁻²⁴ exactly. Rounded to float32 first (a tie, to even)
// it is 1 + 2⁻¹¹, so mul-then-add gives 2⁻¹¹; fused, the 2⁻²⁴ survives: 2⁻¹¹ + 2⁻²⁴.
const A = 1 + 2 ** -12;
const UNFUSED = 2 ** -11;
const FUSED = 2 ** -11 + 2 ** -24;

/** Runs fma(p) from `bytes` on a = b = A, c = −1 in every lane; returns the four result lanes. */
function run(bytes: Uint8Array): number[] {
  const wa = webAssembly()!;
  const memory = new wa.Memory({ initial: 1, maximum: 1, shared: false });
  const fma = new wa.Instance(new wa.Module(bytes), { env: { memory } }).exports.fma as (p: number) => void;
  const heap = new Float32Array(memory.buffer);
  heap.set([A, A, A, A, A, A, A, A, -1, -1, -1, -1], 4);
  fma(16);
  return [...heap.subarray(16, 20)];
}

function strictModule(): Uint8Array {
  const f = new Fn('fma', { p: i32t });
  const { get } = f;
  return assemble([f.def(
    v128.store(get('p'), madd('strict')(v128.load(get('p'), 32), v128.load(get('p')), v128.load(get('p'), 16)), 48),
  )], { initial: 1, maximum: 1, shared: false });
}

describe('madd: the one multiply-add helper for both kernel variants', () => {
  it('strict emits exactly f32x4.add(acc, f32x4.mul(a, b)); relaxed emits relaxed_madd(a, b, acc) = 0xfd 0x105', () => {
    const [acc, a, b] = [[0x20, 0], [0x20, 1], [0x20, 2]];
    expect(madd('strict')(acc, a, b)).toEqual(f32x4.add(acc, f32x4.mul(a, b)));
    expect(madd('relaxed')(acc, a, b)).toEqual([...a, ...b, ...acc, 0xfd, 0x85, 0x02]);
  });

  it('strict rounds the product before adding, on every host', () => {
    expect(run(strictModule())).toEqual([UNFUSED, UNFUSED, UNFUSED, UNFUSED]);
  });

  it(`relaxed validates where the host has relaxed SIMD (here: ${relaxedSimdSupported() ? 'yes' : 'no'}, Node ${process.version})`, () => {
    const major = Number(process.versions.node.split('.')[0]);
    // Node 22 turned relaxed SIMD on by default; Node 20 refuses it.
    expect(relaxedSimdSupported()).toBe(major >= 22);
    expect(webAssembly()!.validate(relaxedProbeBytes())).toBe(relaxedSimdSupported());
    if (!relaxedSimdSupported()) return;
    // Either rounding is allowed by the proposal; the same one in all four lanes.
    const got = run(relaxedProbeBytes());
    expect([UNFUSED, FUSED]).toContain(got[0]);
    expect(got).toEqual([got[0], got[0], got[0], got[0]]);
    console.log(`relaxed_madd on this machine: ${got[0] === FUSED ? 'fused (one rounding)' : 'unfused (two roundings)'}`);
  });
});
