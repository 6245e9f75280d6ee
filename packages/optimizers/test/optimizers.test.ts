import { afterEach, describe, expect, it } from 'vitest';
import { Param, TsnnError, useBackend, type NamedParam } from '@tsnn/tensor';
import { Adam, RMSprop, SGD } from '@tsnn/optimizers';

function scalar(name: string, value: number): NamedParam {
  return { name, param: new Param([1], new Float32Array([value])) };
}

describe('RMSprop', () => {
  afterEach(() => void useBackend('wasm')); // the default where it loads
  it("reproduces Keras's docstring example: lr 0.1, θ = 10, loss θ²/2 → 9.683772 after one step", () => {
    const p = scalar('theta', 10);
    const opt = new RMSprop([p], { learningRate: 0.1 });
    p.param.grad[0] = p.param.value[0]; // d(θ²/2)/dθ = θ
    opt.step();
    expect(p.param.value[0]).toBeCloseTo(9.683772, 6);
  });

  it("Keras's defaults: lr 0.001, rho 0.9, epsilon 1e-7", () => {
    const opt = new RMSprop([scalar('w', 1)]);
    expect([opt.learningRate, opt.rho, opt.epsilon]).toEqual([0.001, 0.9, 1e-7]);
  });

  it.each(['js', 'wasm'] as const)('follows v ← ρv + (1−ρ)g², θ ← θ − lr·g/sqrt(v + ε) over several steps (%s)', (backend) => {
    useBackend(backend);
    const p = scalar('w', 1);
    // A large ε, so that where it sits matters: ε outside the root (PyTorch's form) is off by > 1e-3 here.
    const opt = new RMSprop([p], { learningRate: 0.01, epsilon: 0.1 });
    let theta = 1, v = 0;
    for (const g of [0.5, -2, 3, 0.25, 1e-4]) {
      p.param.grad[0] = g;
      opt.step();
      v = 0.9 * v + 0.1 * g * g;
      theta -= (0.01 * g) / Math.sqrt(v + 0.1);
      expect(p.param.value[0]).toBeCloseTo(theta, 6);
    }
  });

  it('step() never clears gradients', () => {
    const p = scalar('w', 1);
    p.param.grad[0] = 0.3;
    new RMSprop([p]).step();
    expect(p.param.grad[0]).toBeCloseTo(0.3, 7);
  });

  it('state can be read and restored: a resumed optimizer continues identically', () => {
    const run = (steps: number[], opt: RMSprop, p: NamedParam) => {
      for (const g of steps) { p.param.grad[0] = g; opt.step(); }
    };
    const a = scalar('w', 2), b = scalar('w', 2);
    const optA = new RMSprop([a]);
    run([1, -1, 0.5], optA, a);
    const saved = optA.getState();
    b.param.value.set(a.param.value);
    const optB = new RMSprop([b]);
    optB.setState(JSON.parse(JSON.stringify({ ...saved, slots: { w: { v: [...saved.slots.w.v] } } }), (k, v) => (k === 'v' ? new Float32Array(v) : v)));
    run([2, 0.1], optA, a);
    run([2, 0.1], optB, b);
    expect(b.param.value[0]).toBe(a.param.value[0]);
    expect(optB.iterations).toBe(5);
  });

  it('rejects bad hyperparameters and mismatched state with the allowed range', () => {
    const p = scalar('w', 1);
    expect(() => new RMSprop([p], { learningRate: 0 })).toThrow('RMSprop: learningRate must be > 0, got 0');
    expect(() => new RMSprop([p], { rho: 1 })).toThrow('RMSprop: rho must be in [0, 1), got 1');
    expect(() => new RMSprop([p], { learningRate: NaN })).toThrow('learningRate must be > 0');
    expect(() => new RMSprop([p, scalar('w', 2)])).toThrow("parameter name 'w' appears twice");
    const opt = new RMSprop([p]);
    expect(() => opt.setState({ kind: 'rmsprop', iterations: 0, slots: { w: { v: new Float32Array(3) } } })).toThrow('w.v has 3 values, expected 1');
    expect(() => opt.setState({ kind: 'sgd', iterations: 0, slots: {} })).toThrow("state is for 'sgd'");
  });
});

describe('SGD', () => {
  it('plain: θ ← θ − lr·g', () => {
    const p = scalar('w', 1);
    p.param.grad[0] = 2;
    new SGD([p], { learningRate: 0.1 }).step();
    expect(p.param.value[0]).toBeCloseTo(0.8, 7);
  });

  it('momentum, Keras formula: u ← μu − lr·g; θ ← θ + u', () => {
    const p = scalar('w', 1);
    const opt = new SGD([p], { learningRate: 0.1, momentum: 0.9 });
    p.param.grad[0] = 1;
    opt.step(); // u = -0.1, θ = 0.9
    opt.step(); // u = -0.19, θ = 0.71
    expect(p.param.value[0]).toBeCloseTo(0.71, 6);
  });

  it('minimises a quadratic', () => {
    const p = scalar('w', 5);
    const opt = new SGD([p], { learningRate: 0.1 });
    for (let i = 0; i < 200; i++) { p.param.grad[0] = 2 * (p.param.value[0] - 3); opt.step(); }
    expect(p.param.value[0]).toBeCloseTo(3, 5);
  });
});

describe('Adam', () => {
  afterEach(() => void useBackend('wasm')); // the default where it loads
  it("Keras's defaults; the first step moves θ by lr (m̂ / sqrt(v̂) = g / |g|)", () => {
    const p = scalar('theta', 10);
    const opt = new Adam([p], { learningRate: 0.1 });
    expect([new Adam([p]).learningRate, opt.beta1, opt.beta2, opt.epsilon]).toEqual([0.001, 0.9, 0.999, 1e-7]);
    p.param.grad[0] = p.param.value[0]; // loss θ²/2
    opt.step();
    expect(p.param.value[0]).toBeCloseTo(9.9, 6);
  });

  it.each(['js', 'wasm'] as const)('follows m, v, α_t = lr·sqrt(1 − β₂ᵗ)/(1 − β₁ᵗ), θ ← θ − α_t·m/(sqrt(v) + ε) over several steps (%s)', (backend) => {
    useBackend(backend);
    const p = scalar('w', 1);
    const opt = new Adam([p], { learningRate: 0.01, epsilon: 1e-3 }); // a large ε, so where it sits matters
    let theta = 1, m = 0, v = 0;
    [0.5, -2, 3, 0.25, 1e-4].forEach((g, i) => {
      p.param.grad[0] = g;
      opt.step();
      const t = i + 1;
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      theta -= ((0.01 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t)) * m / (Math.sqrt(v) + 1e-3);
      expect(p.param.value[0]).toBeCloseTo(theta, 6);
    });
    expect(opt.iterations).toBe(5);
  });

  it('minimises a quadratic, and never clears gradients', () => {
    const p = scalar('w', 5);
    const opt = new Adam([p], { learningRate: 0.05 });
    for (let i = 0; i < 2000; i++) { p.param.grad[0] = 2 * (p.param.value[0] - 3); opt.step(); }
    expect(p.param.value[0]).toBeCloseTo(3, 3);
    expect(p.param.grad[0]).toBeCloseTo(2 * (p.param.value[0] - 3), 6);
  });

  it('state can be read and restored: a resumed optimizer continues identically (the step count included)', () => {
    const run = (steps: number[], opt: Adam, p: NamedParam) => {
      for (const g of steps) { p.param.grad[0] = g; opt.step(); }
    };
    const a = scalar('w', 2), b = scalar('w', 2);
    const optA = new Adam([a], { learningRate: 0.01 });
    run([1, -1, 0.5], optA, a);
    const saved = optA.getState();
    b.param.value.set(a.param.value);
    const optB = new Adam([b], { learningRate: 0.01 });
    optB.setState({ ...saved, slots: { w: { m: saved.slots.w.m.slice(), v: saved.slots.w.v.slice() } } });
    run([2, 0.1], optA, a);
    run([2, 0.1], optB, b);
    expect(b.param.value[0]).toBe(a.param.value[0]);
    expect(optB.iterations).toBe(5);
    expect(() => optB.setState({ kind: 'adam', iterations: 0, slots: { w: { m: new Float32Array(1) } } })).toThrow('w.v has 0 values, expected 1');
  });

  it('rejects bad hyperparameters with the allowed range', () => {
    const p = scalar('w', 1);
    expect(() => new Adam([p], { learningRate: -1 })).toThrow('Adam: learningRate must be > 0, got -1');
    expect(() => new Adam([p], { beta1: 1 })).toThrow('Adam: beta1 must be in [0, 1), got 1');
    expect(() => new Adam([p], { beta2: -0.1 })).toThrow('Adam: beta2 must be in [0, 1), got -0.1');
    expect(() => new Adam([p], { epsilon: -1 })).toThrow('Adam: epsilon must be ≥ 0, got -1');
  });
});

describe('learning rate', () => {
  it('is settable, validated, and part of the saved state', () => {
    const p = new Param([1], new Float32Array([10]));
    const opt = new RMSprop([{ name: 'w', param: p }], { learningRate: 0.1 });
    expect(opt.learningRate).toBe(0.1);
    opt.learningRate = 0.05;
    expect(opt.getState().learningRate).toBe(0.05);
    expect(() => (opt.learningRate = -1)).toThrow('RMSprop: learningRate must be > 0, got -1');
    expect(() => (opt.learningRate = NaN)).toThrow(TsnnError);
    const other = new RMSprop([{ name: 'w', param: new Param([1]) }]);
    other.setState(opt.getState());
    expect(other.learningRate).toBe(0.05);
    // The step uses it: θ moves by lr·g/sqrt(v + ε) with the new rate.
    p.grad[0] = 10;
    opt.step();
    expect(p.value[0]).toBeCloseTo(10 - 0.05 * 10 / Math.sqrt(0.1 * 100 + 1e-7), 5);
  });
});
