/**
 * The arithmetic peak of this machine's 128-bit WASM SIMD, for the bench's floor (bench/src/profile.ts):
 * a loop with no memory traffic, so what it measures is how many f32x4 multiply-adds a core can finish.
 *
 * peak(p, turns): `turns` times, each of 12 accumulators takes c = c·m + k (`madd(variant)`: f32x4.mul
 * then f32x4.add when strict, relaxed_madd when relaxed); the accumulators' sum is stored at byte address
 * p, so no turn can be dropped. Twelve independent chains, because each chain waits on its own last
 * multiply and add: twelve are enough to keep the multipliers and adders busy through that latency.
 * With m = 0.5 and k = 1 every accumulator stays near 2 (no overflow, no denormals).
 * A turn is 12 · 4 multiply-adds (96 flops).
 */
import { assemble, i32t, v128t, type ValType } from './assembler.js';
import { Fn, brIf, f32, f32x4, i32, loop, madd, v128, type KernelVariant } from './instructions.js';

export const PEAK_CHAINS = 12;

export function peakProbeBytes(variant: KernelVariant): Uint8Array {
  const fma = madd(variant);
  const accs: Record<string, ValType> = {};
  for (let i = 0; i < PEAK_CHAINS; i++) accs[`c${i}`] = v128t;
  const f = new Fn('peak', { p: i32t, turns: i32t }, { m: v128t, k: v128t, ...accs });
  const { get, set, inc } = f;
  const chains = Array.from({ length: PEAK_CHAINS }, (_, i) => `c${i}`);
  const sum = chains.slice(1).reduce((s, c) => f32x4.add(s, get(c)), get(chains[0]));
  return assemble([f.def(
    set('m', f32x4.splat(f32.const(0.5))),
    set('k', f32x4.splat(f32.const(1))),
    ...chains.map((c, i) => set(c, f32x4.splat(f32.const(i)))),
    loop(
      ...chains.map((c) => set(c, fma(get('k'), get(c), get('m')))), // c = k + c·m
      inc('turns', i32.const(-1)),
      brIf(0, i32.gt_s(get('turns'), i32.const(0))),
    ),
    v128.store(get('p'), sum),
  )], { initial: 1, maximum: 1, shared: false });
}
