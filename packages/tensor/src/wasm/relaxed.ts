/**
 * Whether this host runs relaxed-SIMD kernels: `WebAssembly.validate` on a one-function module that
 * uses f32x4.relaxed_madd. True on Node ≥ 22, Chromium ≥ 114, Firefox ≥ 145; false on Node 20.
 */
import { assemble, i32t } from './assembler.js';
import { Fn, madd, v128 } from './instructions.js';
import { webAssembly } from './webassembly.js';

/** The probe module: fma(p) stores a·b + c at byte address p + 48, for the f32x4s a, b, c at p, p + 16, p + 32. */
export function relaxedProbeBytes(): Uint8Array {
  const f = new Fn('fma', { p: i32t });
  const { get } = f;
  return assemble([f.def(
    v128.store(get('p'), madd('relaxed')(v128.load(get('p'), 32), v128.load(get('p')), v128.load(get('p'), 16)), 48),
  )], { initial: 1, maximum: 1, shared: false });
}

let supported: boolean | undefined;

/** Whether relaxed-SIMD kernels validate here. Memoised. */
export function relaxedSimdSupported(): boolean {
  if (supported === undefined) {
    const wa = webAssembly();
    try {
      supported = wa !== null && wa.validate(relaxedProbeBytes());
    } catch {
      supported = false;
    }
  }
  return supported;
}
