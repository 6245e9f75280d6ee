import { describe, expect, it } from 'vitest';
import { PEAK_CHAINS, peakProbeBytes } from '../src/wasm/peak.js';
import { relaxedSimdSupported } from '../src/wasm/relaxed.js';
import { webAssembly } from '../src/wasm/webassembly.js';
import type { KernelVariant } from '../src/kernels/kernels.js';

/** Runs peak(16, turns) from the probe module and returns the four stored lanes. */
function run(variant: KernelVariant, turns: number): number[] {
  const wa = webAssembly()!;
  const memory = new wa.Memory({ initial: 1, maximum: 1, shared: false });
  const peak = new wa.Instance(new wa.Module(peakProbeBytes(variant)), { env: { memory } }).exports.peak as (p: number, t: number) => void;
  peak(16, turns);
  return [...new Float32Array(memory.buffer, 16, 4)];
}

/** What the probe computes, in float32: chain i starts at i and takes c = c·0.5 + 1 `turns` times; the chains are summed in order. */
function expected(turns: number): number {
  const f = Math.fround;
  let sum = 0;
  for (let i = 0; i < PEAK_CHAINS; i++) {
    let c = i;
    for (let t = 0; t < turns; t++) c = f(f(c * 0.5) + 1); // c·0.5 is exact, so fused or not gives these bits
    sum = i === 0 ? c : f(sum + c);
  }
  return sum;
}

describe('the arithmetic-peak probe (bench floor)', () => {
  const variants: KernelVariant[] = relaxedSimdSupported() ? ['strict', 'relaxed'] : ['strict'];
  for (const variant of variants) {
    it(`${variant}: runs every turn of every chain (the stored sum is the float32 recurrence's)`, () => {
      for (const turns of [1, 2, 3, 7, 40]) {
        const lanes = run(variant, turns);
        expect(lanes).toEqual([expected(turns), expected(turns), expected(turns), expected(turns)]);
      }
      expect(expected(3)).not.toBe(expected(2)); // the figures tell the turn counts apart
    });
  }
});
