/**
 * The fast activation kernels against the plain definitions in relu.ts and sigmoid.ts, on every backend;
 * Tanh and Softmax against their formulas.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, Tensor, availableBackends, kernels, useBackend } from '@tsnn/tensor';
import { Dense, Softmax, Tanh, activationFn, reluDefinition, sigmoidDefinition } from '@tsnn/layers';

function values(n: number, rng: Rng, scale: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.uniformIn(-scale, scale);
  x[0] = 0; x[1] = -0; x[2] = 40; x[3] = -40; x[4] = 1e-30; // edges: zeros, saturation, a tiny value
  return x;
}

describe.each(availableBackends())('activations [%s backend]', (backend) => {
  beforeAll(() => void useBackend(backend));
  const n = 257;

  for (const [name, def] of [['relu', reluDefinition], ['sigmoid', sigmoidDefinition]] as const) {
    it(`${name}: the kernels compute f and dy·f′ as defined in ${name}.ts`, () => {
      const rng = new Rng(7);
      const x = kernels().alloc(n), y = kernels().alloc(n), dy = kernels().alloc(n), dx = kernels().alloc(n);
      x.set(values(n, rng, 8));
      for (let i = 0; i < n; i++) dy[i] = rng.uniformIn(-1, 1);
      const f = activationFn(name);
      f.forward(x, y, 1, n);
      f.backward(y, dy, dx, 1, n);
      for (let i = 0; i < n; i++) {
        const want = Math.fround(def.f(x[i]));
        expect(Math.abs(y[i] - want), `f(${x[i]}) = ${y[i]}, defined ${want}`).toBeLessThanOrEqual(2 ** -23 * Math.abs(want));
        const dWant = Math.fround(dy[i] * def.dfFromY(y[i]));
        expect(Math.abs(dx[i] - dWant), `dx at y = ${y[i]}`).toBeLessThanOrEqual(2 ** -22 * Math.abs(dWant) + 1e-45);
      }
    });
  }

  it('Tanh: y = tanh(x), dx = dy·(1 − y²)', () => {
    const rng = new Rng(3);
    const x = new Tensor([3, 5], values(15, rng, 5));
    const call = new Tanh().forward(x, { training: false, rng });
    const dy = new Tensor([3, 5], values(15, rng, 1));
    const dx = call.backward(dy)!;
    for (let i = 0; i < 15; i++) {
      expect(call.y.data[i]).toBe(Math.fround(Math.tanh(x.data[i])));
      expect(dx.data[i]).toBe(Math.fround(dy.data[i] * (1 - call.y.data[i] * call.y.data[i])));
    }
  });

  it('Softmax: rows of probabilities summing to 1, finite for logits of ±1e4, equal to e^x / Σe^x', () => {
    const x = new Tensor([3, 3], new Float32Array([1e4, -1e4, 0, 1, 2, 3, -1e4, -1e4, -1e4]));
    const y = new Softmax().forward(x, { training: false, rng: new Rng(0) }).y;
    expect([...y.data.subarray(0, 3)]).toEqual([1, 0, 0]);
    const e = [1, 2, 3].map(Math.exp), s = e[0] + e[1] + e[2];
    for (let j = 0; j < 3; j++) expect(y.data[3 + j]).toBeCloseTo(e[j] / s, 7);
    for (let j = 0; j < 3; j++) expect(y.data[6 + j]).toBeCloseTo(1 / 3, 7);
  });

  it("Dense(softmax)'s output rows sum to 1 and match Softmax applied to Dense(linear)", () => {
    const rng = new Rng(11);
    const a = new Dense(4, { activation: 'softmax' }), b = new Dense(4);
    a.build(6, rng);
    b.build(6, rng);
    b.kernel!.value.set(a.kernel!.value);
    const x = new Tensor([5, 6], values(30, rng, 2));
    const ctx = { training: false, rng };
    const ya = a.forward(x, ctx).y, yb = new Softmax().forward(b.forward(x, ctx).y, ctx).y;
    expect([...ya.data]).toEqual([...yb.data]);
    for (let r = 0; r < 5; r++) expect(ya.data.subarray(4 * r, 4 * r + 4).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
  });
});
