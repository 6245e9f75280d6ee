import { afterAll, describe, expect, it } from 'vitest';
import { Rng, TsnnError, availableKernelVariants, backendName, kernelVariant, kernels, relaxedSimdSupported, useBackend } from '@tsnn/tensor';
import { useBackendFromEnv } from '@tsnn/tensor/backend.node';

const relaxedHere = Number(process.versions.node.split('.')[0]) >= 22;

describe(`kernel variants (Node ${process.versions.node}: relaxed ${relaxedHere ? 'supported' : 'not supported'})`, () => {
  const before = kernels();
  afterAll(() => void useBackend(before.name, { kernels: before.variant }));

  it('the default is relaxed where relaxed SIMD validates, else strict', () => {
    expect(relaxedSimdSupported()).toBe(relaxedHere);
    expect(availableKernelVariants()).toEqual(relaxedHere ? ['strict', 'relaxed'] : ['strict']);
    expect(useBackend('wasm').variant).toBe(relaxedHere ? 'relaxed' : 'strict');
    expect(kernelVariant()).toBe(relaxedHere ? 'relaxed' : 'strict');
  });

  it("useBackend('wasm', { kernels: 'strict' }) gives strict kernels everywhere; js is strict", () => {
    expect(useBackend('wasm', { kernels: 'strict' }).variant).toBe('strict');
    expect([backendName(), kernelVariant()]).toEqual(['wasm', 'strict']);
    expect(useBackend('js').variant).toBe('strict');
    expect(useBackend('js', { kernels: 'strict' }).variant).toBe('strict');
  });

  it('relaxed where unsupported, or on js, or an unknown variant, is a clear TsnnError', () => {
    expect(() => useBackend('js', { kernels: 'relaxed' })).toThrow(/'js' has strict kernels only/);
    expect(() => useBackend('wasm', { kernels: 'fast' as never })).toThrow(TsnnError);
    if (relaxedHere) {
      expect(useBackend('wasm', { kernels: 'relaxed' }).variant).toBe('relaxed');
    } else {
      expect(() => useBackend('wasm', { kernels: 'relaxed' })).toThrow(/relaxed-SIMD kernels are not available here/);
    }
  });

  it('strict and relaxed are separate kernel sets that both compute the product', () => {
    const strict = useBackend('wasm', { kernels: 'strict' });
    const rng = new Rng(3);
    const a = Float32Array.from({ length: 12 * 40 }, () => rng.uniformIn(-1, 1));
    const b = Float32Array.from({ length: 40 * 9 }, () => rng.uniformIn(-1, 1));
    const cs = new Float32Array(12 * 9);
    strict.gemm(false, false, 12, 9, 40, a, b, 0, cs);
    if (!relaxedHere) return;
    const relaxed = useBackend('wasm', { kernels: 'relaxed' });
    expect(relaxed).not.toBe(strict);
    const cr = new Float32Array(12 * 9);
    relaxed.gemm(false, false, 12, 9, 40, a, b, 0, cr);
    for (let i = 0; i < cs.length; i++) expect(cr[i]).toBeCloseTo(cs[i], 4);
  });

  it('TSNN_BACKEND / TSNN_KERNELS through useBackendFromEnv', () => {
    expect(useBackendFromEnv('wasm', 'strict').variant).toBe('strict');
    expect(useBackendFromEnv(undefined, 'strict')).toBe(useBackend('wasm', { kernels: 'strict' }));
    expect(useBackendFromEnv('js', '').name).toBe('js');
    expect(() => useBackendFromEnv('wasm', 'fma')).toThrow(/TSNN_KERNELS must be 'strict' or 'relaxed', got 'fma'/);
    expect(() => useBackendFromEnv('js', 'relaxed')).toThrow(TsnnError);
    if (relaxedHere) expect(useBackendFromEnv(undefined, 'relaxed').variant).toBe('relaxed');
    else expect(() => useBackendFromEnv(undefined, 'relaxed')).toThrow(/not available here/);
  });
});
