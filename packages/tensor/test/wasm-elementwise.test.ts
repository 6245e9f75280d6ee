import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '@tsnn/tensor';
import { referenceKernels as ref } from '@tsnn/tensor/internal';
import { VARIANTS, expectClose, expectGuards, guarded, randomArray, rel, testVariant, wasm } from './wasm-helpers.js';

// Lengths around multiples of 4 exercise the vector loop and the 0–3 element tail.
const len = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 300 }));

/** Ops of the form op(in0, [in1,] out, n); `tol` is relative to the reference (0 = exact). */
const OPS = {
  relu: { inputs: 1, rtol: 0, atol: 0 },
  sigmoid: { inputs: 1, rtol: 1e-6, atol: 1e-7 },
  reluBackward: { inputs: 2, rtol: 0, atol: 0 },
  sigmoidBackward: { inputs: 2, rtol: 1e-6, atol: 1e-7 },
  sub: { inputs: 2, rtol: 0, atol: 0 },
  neg: { inputs: 1, rtol: 0, atol: 0 },
  mul: { inputs: 2, rtol: 0, atol: 0 },
} as const;
type OpName = keyof typeof OPS;
type Op = (...args: [...Float32Array[], number]) => void;

/**
 * Run `name` on the wasm kernels and on the reference, each with its own copies of the same inputs;
 * `alias` is −1 for a separate output, else the index of the input the output is (in place).
 */
function compare(name: OpName, n: number, seed: number, inside: boolean, alias: number): void {
  const { inputs, rtol, atol } = OPS[name];
  const rng = new Rng(seed);
  const scale = name === 'sigmoid' ? 40 : 3;
  const ins = Array.from({ length: inputs }, () => randomArray(n, rng, false, -scale, scale));
  if (name === 'reluBackward') ref.relu(ins[0], ins[0], n); // y is a relu output: zeros and positives
  // Every array is followed by guard floats: a kernel that writes past n fails (in wasm memory, the
  // guards sit right after the array, not in alignment padding).
  const wholes: Float32Array[] = [];
  const run = (k: typeof ref, copy: (x: Float32Array) => Float32Array) => {
    const args = ins.map(copy);
    const out = alias < 0 ? copy(new Float32Array(n)) : args[alias];
    (k[name] as unknown as Op)(...args, out, n);
    return { args, out };
  };
  const got = run(wasm(), (x) => {
    const g = guarded(x, inside);
    wholes.push(g.whole);
    return g.view;
  });
  const want = run(ref, (x) => x.slice());
  const what = `${name} n=${n} inside=${inside} alias=${alias}`;
  expectClose(what, got.out, want.out, rel(want.out, rtol, atol));
  got.args.forEach((x, i) => i !== alias && expectClose(`${what} input ${i}`, x, want.args[i], () => 0));
  for (const w of wholes) expectGuards(what, w, n);
}

describe.each(VARIANTS)('wasm element-wise kernels against the reference (%s kernels)', (variant) => {
  beforeAll(() => testVariant(variant));
  for (const name of Object.keys(OPS) as OpName[]) {
    it(`${name} agrees, with a separate output and in place, in and out of wasm memory`, () => {
      fc.assert(fc.property(len, fc.integer(), fc.boolean(), fc.integer({ min: -1, max: OPS[name].inputs - 1 }),
        (n, seed, inside, alias) => compare(name, n, seed, inside, alias)), { numRuns: 80 });
    });
  }

  it('relu and sigmoid at special values', () => {
    const k = wasm();
    const x = Float32Array.of(-0, NaN, Infinity, -Infinity, -1000, -100, -88, -87, -20, -1e-8, 0, 1e-8, 20, 88, 100, 1000, 0.5);
    const n = x.length;
    for (const op of ['relu', 'sigmoid'] as const) {
      const got = new Float32Array(n), want = new Float32Array(n);
      k[op](x, got, n);
      ref[op](x, want, n);
      // Below x ≈ −87.3 the wasm sigmoid returns ~1.2e-38 where the reference gives a denormal or 0.
      expectClose(op, got, want, rel(want, 1e-6, 2e-38));
    }
    const y = new Float32Array(n);
    k.relu(x, y, n);
    expect(Object.is(y[0], 0)).toBe(true); // relu(−0) = +0, as the reference's x > 0 ? x : 0
  });

  it('neg flips the sign bit exactly as JavaScript does: −0 for +0, +0 for −0, ∓∞, NaN stays NaN (the vector body and the tail)', () => {
    const k = wasm();
    const x = Float32Array.of(0, -0, 1.5, -2, Infinity, -Infinity, NaN, 1e-45, -3.4e38);
    const got = new Float32Array(x.length);
    k.neg(x, got, x.length);
    x.forEach((v, i) => expect(Object.is(got[i], Math.fround(-v)), `neg(${v}) gave ${got[i]}`).toBe(true));
  });

  it('addBias and sumRows agree on random shapes', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 70 }), fc.integer(), fc.boolean(),
      (rows, cols, seed, inside) => {
        const rng = new Rng(seed);
        const y = randomArray(rows * cols, rng, inside), bias = randomArray(cols, rng, inside);
        const want = y.slice();
        wasm().addBias(y, bias, rows, cols);
        ref.addBias(want, bias, rows, cols);
        expectClose(`addBias ${rows}x${cols}`, y, want, () => 0);

        const db = randomArray(cols, rng, inside), dbWant = db.slice();
        const mag = new Float32Array(cols);
        ref.sumRows(want.map(Math.abs), mag, rows, cols);
        wasm().sumRows(want, db, rows, cols);
        ref.sumRows(want, dbWant, rows, cols);
        expectClose(`sumRows ${rows}x${cols}`, db, dbWant, (j) => 1e-5 * (mag[j] + Math.abs(dbWant[j])) + 1e-6);
      }), { numRuns: 80 });
  });

  it('rmsprop agrees with the reference', () => {
    fc.assert(fc.property(len, fc.integer(), fc.boolean(), fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
      fc.double({ min: 0.5, max: 0.999, noNaN: true }), fc.constantFrom(1e-7, 1e-3), (n, seed, inside, lr, rho, eps) => {
        const rng = new Rng(seed);
        const th = guarded(randomArray(n, rng, false), inside), g = randomArray(n, rng, inside), vg = guarded(randomArray(n, rng, false, 0, 1), inside);
        const theta = th.view, v = vg.view;
        const thetaWant = theta.slice(), vWant = v.slice(), gWant = g.slice();
        wasm().rmsprop(theta, g, v, n, lr, rho, eps);
        expectGuards('rmsprop θ', th.whole, n);
        expectGuards('rmsprop v', vg.whole, n);
        ref.rmsprop(thetaWant, gWant, vWant, n, lr, rho, eps);
        const what = `rmsprop n=${n} lr=${lr} rho=${rho} eps=${eps}`;
        expectClose(`${what} v`, v, vWant, rel(vWant, 1e-6, 1e-7));
        // θ is a difference; allow float32 rounding of both its terms.
        const step = (i: number) => Math.abs(lr * g[i] / Math.sqrt(vWant[i] + eps));
        expectClose(`${what} θ`, theta, thetaWant, (i) => 1e-6 * (Math.abs(thetaWant[i]) + step(i)) + 1e-7);
        expectClose(`${what} g`, g, gWant, () => 0);
      }), { numRuns: 80 });
  });

  it('adam agrees with the reference', () => {
    fc.assert(fc.property(len, fc.integer(), fc.boolean(), fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
      fc.double({ min: 0.5, max: 0.99, noNaN: true }), fc.double({ min: 0.9, max: 0.9999, noNaN: true }), fc.constantFrom(1e-7, 1e-3),
      (n, seed, inside, alpha, beta1, beta2, eps) => {
        const rng = new Rng(seed);
        const th = guarded(randomArray(n, rng, false), inside), g = randomArray(n, rng, inside);
        const mg = guarded(randomArray(n, rng, false), inside), vg = guarded(randomArray(n, rng, false, 0, 1), inside);
        const theta = th.view, m = mg.view, v = vg.view;
        const thetaWant = theta.slice(), mWant = m.slice(), vWant = v.slice();
        wasm().adam(theta, g, m, v, n, alpha, beta1, beta2, eps);
        for (const [what, x] of [['θ', th], ['m', mg], ['v', vg]] as const) expectGuards(`adam ${what}`, x.whole, n);
        ref.adam(thetaWant, g, mWant, vWant, n, alpha, beta1, beta2, eps);
        const what = `adam n=${n} alpha=${alpha} beta1=${beta1} beta2=${beta2} eps=${eps}`;
        expectClose(`${what} m`, m, mWant, rel(mWant, 1e-6, 1e-7));
        expectClose(`${what} v`, v, vWant, rel(vWant, 1e-6, 1e-7));
        const step = (i: number) => Math.abs(alpha * mWant[i] / (Math.sqrt(vWant[i]) + eps));
        expectClose(`${what} θ`, theta, thetaWant, (i) => 1e-6 * (Math.abs(thetaWant[i]) + step(i)) + 1e-7);
      }), { numRuns: 80 });
  });

  it("rmsprop matches Keras's docstring example", () => {
    // lr 0.1, θ = 10, loss θ²/2 so g = θ, ρ 0.9, ε 1e-7: θ = 9.683772 after one step.
    const theta = wasm().alloc(5).fill(10), g = Float32Array.from(theta), v = new Float32Array(5);
    wasm().rmsprop(theta, g, v, 5, 0.1, 0.9, 1e-7);
    for (const t of theta) expect(t).toBeCloseTo(9.683772, 5);
  });
});
