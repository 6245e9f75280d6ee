import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, glorotLimit, glorotUniform } from '@tsnn/tensor';

describe('Rng', () => {
  it('same seed, same stream; different seed, different stream', () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const xs = Array.from({ length: 20 }, () => a.uint32());
    expect(Array.from({ length: 20 }, () => b.uint32())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.uint32())).not.toEqual(xs);
  });

  it('uniform is in [0, 1) with mean 1/2 and variance 1/12', () => {
    const r = new Rng(1);
    const n = 200_000;
    let s = 0, s2 = 0, lo = 1, hi = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      s += u; s2 += u * u; lo = Math.min(lo, u); hi = Math.max(hi, u);
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 3);
  });

  it('normal has mean 0 and variance 1', () => {
    const r = new Rng(2);
    const n = 200_000;
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = r.normal();
      s += z; s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
  });

  it('int(n) covers [0, n) evenly', () => {
    const r = new Rng(3);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[r.int(10)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    expect(() => r.int(0)).toThrow('Rng.int: n must be an integer');
  });

  it('state can be saved and restored mid-stream, including the spare normal', () => {
    const r = new Rng(7);
    r.normal();
    const state = r.getState();
    const next = [r.normal(), r.uniform(), r.normal()];
    const r2 = new Rng(0);
    r2.setState(JSON.parse(JSON.stringify({ ...state, spare: state.spare })));
    expect([r2.normal(), r2.uniform(), r2.normal()]).toEqual(next);
  });

  it('any state round-trips through getState/setState (state words are uint32)', () => {
    fc.assert(fc.property(fc.integer(), fc.integer({ min: 0, max: 50 }), (seed, skip) => {
      const r = new Rng(seed);
      for (let i = 0; i < skip; i++) r.uint32();
      const copy = new Rng(0);
      copy.setState(r.getState());
      expect(Array.from({ length: 5 }, () => copy.uint32())).toEqual(Array.from({ length: 5 }, () => r.uint32()));
    }));
  });

  it('shuffle is a permutation', () => {
    const xs = new Uint32Array(100).map((_, i) => i);
    new Rng(5).shuffle(xs);
    expect([...xs].sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
    expect([...xs]).not.toEqual([...Array(100).keys()]);
  });
});

describe('glorotUniform', () => {
  it('has Keras limit sqrt(6 / (fanIn + fanOut))', () => {
    expect(glorotLimit(784, 128)).toBeCloseTo(0.0811107105653813, 12);
    expect(glorotLimit(128, 16)).toBeCloseTo(Math.sqrt(6 / 144), 12);
  });

  it('fills U(-l, l): bounded, centred, variance l²/3', () => {
    const w = glorotUniform(new Float32Array(784 * 128), 784, 128, new Rng(0));
    const l = glorotLimit(784, 128);
    let s = 0, s2 = 0, max = 0;
    for (const v of w) { s += v; s2 += v * v; max = Math.max(max, Math.abs(v)); }
    expect(max).toBeLessThanOrEqual(l);
    expect(max).toBeGreaterThan(0.99 * l);
    expect(Math.abs(s / w.length)).toBeLessThan(0.002);
    expect(s2 / w.length).toBeCloseTo((l * l) / 3, 4);
  });
});

describe('Rng.fillMask', () => {
  it('refuses a count beyond the output (the wasm kernel would write past it into other buffers) or not a whole number', () => {
    const rng = new Rng(1), out = new Float32Array(4);
    for (const n of [5, -1, 1.5, NaN]) {
      expect(() => rng.fillMask(out, n, 0.1, 1)).toThrow(`Rng.fillMask: n must be an integer from 0 to out.length (4), got ${n}`);
    }
    const before = new Rng(1);
    expect(rng.uint32()).toBe(before.uint32()); // a refused call draws nothing
  });

  it('draws exactly what n calls of uniform() would, and leaves the generator in the same state', () => {
    fc.assert(fc.property(fc.integer(), fc.integer({ min: 0, max: 300 }), fc.double({ min: 0, max: 0.99, noNaN: true }), (seed, n, rate) => {
      const a = new Rng(seed), b = new Rng(seed);
      const mask = new Float32Array(n);
      a.fillMask(mask, n, rate, 1 / (1 - rate));
      for (let i = 0; i < n; i++) expect(mask[i]).toBe(Math.fround(+(b.uniform() >= rate) / (1 - rate)));
      expect(a.uint32()).toBe(b.uint32());
    }));
  });
});
