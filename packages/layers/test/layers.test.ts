import { describe, expect, it } from 'vitest';
import { Rng, ShapeError, Tensor, TsnnError, Workspace, availableBackends, firstMismatch, tensor, useBackend } from '@tsnn/tensor';
import {
  BinaryCounts, Dense, Dropout, Sequential, Siamese, Subtract, binaryAccuracy, binaryCrossentropy, contrastiveLoss, precision, recall,
} from '@tsnn/layers';
import { randomTensor } from './helpers.js';

describe('Dropout', () => {
  it('keeps about 1 − rate of the values, scaled by 1/(1 − rate): expectation preserved', () => {
    const x = new Tensor([100, 1000]).data.fill(1);
    const t = new Tensor([100, 1000], x);
    for (const rate of [0.1, 0.5]) {
      const y = new Dropout(rate).forward(t, { training: true, rng: new Rng(1) }).y.data;
      let kept = 0, sum = 0;
      for (const v of y) { kept += +(v !== 0); sum += v; }
      expect(kept / y.length).toBeCloseTo(1 - rate, 2);
      expect(sum / y.length).toBeCloseTo(1, 1);
      for (const v of y) if (v !== 0) expect(v).toBeCloseTo(1 / (1 - rate), 6);
    }
  });

  it('is the identity in inference', () => {
    const x = randomTensor([4, 5], new Rng(0));
    const call = new Dropout(0.5).forward(x, { training: false, rng: new Rng(0) });
    expect([...call.y.data]).toEqual([...x.data]);
  });

  it('same seed ⇒ bit-identical masks; another seed ⇒ a different mask', () => {
    const x = randomTensor([8, 8], new Rng(0));
    const run = (seed: number) => [...new Dropout(0.3).forward(x, { training: true, rng: new Rng(seed) }).y.data];
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('rejects a rate outside [0, 1)', () => {
    expect(() => new Dropout(1)).toThrow('Dropout: rate must be in [0, 1), got 1');
    expect(() => new Dropout(-0.1)).toThrow(TsnnError);
  });
});

describe('Dense', () => {
  it('computes x·W + b with a [in, units] kernel', () => {
    const d = new Dense(2);
    d.build(3, new Rng(0));
    d.kernel!.value.set([1, 2, 3, 4, 5, 6]); // [[1, 2], [3, 4], [5, 6]]
    d.bias!.value.set([0.5, -1]);
    const y = d.forward(tensor([1, 3], [1, 1, 1]), { training: false, rng: new Rng(0) }).y;
    expect([...y.data]).toEqual([9.5, 11]);
  });

  it('names the layer and both shapes on a bad input', () => {
    const d = new Dense(128);
    d.build(784, new Rng(0));
    expect(() => d.forward(new Tensor([32, 783]), { training: false, rng: new Rng(0) })).toThrow(ShapeError);
    expect(() => d.forward(new Tensor([32, 783]), { training: false, rng: new Rng(0) })).toThrow('Dense(128) got input [32, 783], expected [*, 784]');
  });

  it('says to build first', () => {
    expect(() => new Dense(4).forward(new Tensor([1, 2]), { training: false, rng: new Rng(0) })).toThrow('build the model first');
    expect(() => new Dense(0)).toThrow('units must be a positive integer');
  });

  it('glorot-uniform kernel and zero bias, reproducible from the seed', () => {
    const a = new Dense(16), b = new Dense(16);
    a.build(128, new Rng(3));
    b.build(128, new Rng(3));
    expect([...a.kernel!.value]).toEqual([...b.kernel!.value]);
    expect(a.bias!.value.every((v) => v === 0)).toBe(true);
    const limit = Math.sqrt(6 / 144);
    expect(a.kernel!.value.every((v) => Math.abs(v) <= limit)).toBe(true);
  });
});

describe('Subtract', () => {
  it('a − b, backward gives dy and −dy', () => {
    const ctx = { training: false, rng: new Rng(0) };
    const call = new Subtract().forward(tensor([1, 2], [5, 1]), tensor([1, 2], [2, 3]), ctx);
    expect([...call.y.data]).toEqual([3, -2]);
    const [da, db] = call.backward(tensor([1, 2], [1, -4]));
    expect([...da.data]).toEqual([1, -4]);
    expect([...db.data]).toEqual([-1, 4]);
    expect(() => new Subtract().forward(new Tensor([2, 3]), new Tensor([2, 4]), ctx)).toThrow('Subtract: inputs differ in shape, a [2, 3] and b [2, 4]');
  });
});

describe('losses', () => {
  it('contrastive loss matches the formula on hand-computed values', () => {
    // y = 0: p²; y = 1: max(1 − p, 0)²
    const p = tensor([4, 1], [0.5, 0.2, 1.5, 0.9]);
    const { loss, dyPred: dp } = contrastiveLoss([0, 1, 1, 0], p);
    expect(loss).toBeCloseTo((0.25 + 0.64 + 0 + 0.81) / 4, 6);
    expect(dp.data[0]).toBeCloseTo((2 * 0.5) / 4, 6);
    expect(dp.data[1]).toBeCloseTo((-2 * 0.8) / 4, 6);
    expect(dp.data[2]).toBe(0);
  });

  it('binary cross-entropy matches −mean(y log p + (1 − y) log(1 − p)), clipped at 1e-7', () => {
    const { loss } = binaryCrossentropy([1, 0], tensor([2, 1], [0.9, 0.2]));
    expect(loss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 6);
    const clipped = binaryCrossentropy([1, 0], tensor([2, 1], [0, 1]));
    expect(clipped.loss).toBeCloseTo(-Math.log(1e-7), 4);
    expect(clipped.dyPred.data.every((v) => v === 0)).toBe(true); // the clip has no slope
  });

  it('reject mismatched labels', () => {
    expect(() => contrastiveLoss([1, 0], new Tensor([3, 1]))).toThrow('contrastiveLoss: predictions [3, 1] and 2 labels do not match');
  });
});

describe('metrics', () => {
  it('accuracy, precision and recall at 0.5 (strictly greater counts as positive, like Keras)', () => {
    const p = [0.9, 0.6, 0.4, 0.2, 0.5, 0.7];
    const y = [1, 0, 1, 0, 1, 1];
    // predicted positive: 0.9 (tp), 0.6 (fp), 0.7 (tp); negatives: 0.4 (fn), 0.2 (tn), 0.5 (fn)
    expect(binaryAccuracy(p, y)).toBeCloseTo(3 / 6, 12);
    expect(precision(p, y)).toBeCloseTo(2 / 3, 12);
    expect(recall(p, y)).toBeCloseTo(2 / 4, 12);
    const c = new BinaryCounts().add(p, y);
    expect([c.tp, c.fp, c.tn, c.fn]).toEqual([2, 1, 1, 2]);
  });
});

describe('models', () => {
  const build = (seed: number) => {
    const m = new Siamese({
      base: new Sequential([new Dense(8, { activation: 'relu' }), new Dropout(0.1), new Dense(8, { activation: 'relu' })]),
      merge: new Subtract(),
      head: new Sequential([new Dropout(0.1), new Dense(4, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]),
    });
    m.build(6, new Rng(seed));
    return m;
  };

  it('same seed ⇒ bit-identical training outputs and gradients, with and without a workspace', () => {
    const run = (ws?: Workspace) => {
      const m = build(1);
      const rng = new Rng(2);
      const xa = randomTensor([5, 6], new Rng(3)), xb = randomTensor([5, 6], new Rng(4));
      const call = m.forward([xa, xb], { training: true, rng, workspace: ws });
      call.backward(contrastiveLoss([1, 0, 1, 0, 1], call.y, { ws }).dyPred);
      return [...call.y.data, ...m.parameters().flatMap((p) => [...p.param.grad])];
    };
    const first = run();
    expect(run()).toEqual(first);
    expect(run(new Workspace())).toEqual(first);
  });

  it('the js and wasm backends agree on a training step within float32 tolerance', () => {
    const step = (backend: 'js' | 'wasm') => {
      useBackend(backend);
      const m = build(7);
      const ws = new Workspace();
      const xa = randomTensor([33, 6], new Rng(3)), xb = randomTensor([33, 6], new Rng(4));
      const call = m.forward([xa, xb], { training: true, rng: new Rng(2), workspace: ws });
      call.backward(contrastiveLoss(new Float32Array(33).map((_, i) => i % 2), call.y, { ws }).dyPred);
      return [...call.y.data, ...m.parameters().flatMap((p) => [...p.param.grad])];
    };
    const backends = availableBackends();
    const results = backends.map(step);
    for (let i = 1; i < results.length; i++) {
      expect(firstMismatch(results[i], results[0], 1e-4, 1e-6), `${backends[i]} vs ${backends[0]}`).toBeNull();
    }
  });

  it('a workspace hands back the same buffers every step', () => {
    const ws = new Workspace();
    const m = build(1);
    const xa = randomTensor([5, 6], new Rng(3));
    ws.reset();
    const y1 = m.forward([xa, xa], { training: true, rng: new Rng(0), workspace: ws }).y;
    const floats = ws.floats;
    ws.reset();
    const y2 = m.forward([xa, xa], { training: true, rng: new Rng(0), workspace: ws }).y;
    expect(y2).toBe(y1);
    expect(ws.floats).toBe(floats);
  });

  it('config describes the architecture', () => {
    expect(build(0).config()).toMatchObject({
      kind: 'siamese',
      base: { kind: 'sequential', inFeatures: 6, layers: [{ kind: 'dense', units: 8, activation: 'relu' }, { kind: 'dropout', rate: 0.1 }, { kind: 'dense', units: 8 }] },
      merge: { kind: 'subtract' },
    });
  });
});

describe('Siamese embed and compare', () => {
  it('compare(embed(a), embed(b)) is the model output for the pair', () => {
    const m = new Siamese({
      base: new Sequential([new Dense(8, { activation: 'relu' }), new Dropout(0.5), new Dense(4)]),
      merge: new Subtract(),
      head: new Sequential([new Dropout(0.5), new Dense(1, { activation: 'sigmoid' })]),
    });
    m.build(6, new Rng(0));
    const rng = new Rng(1);
    const xa = randomTensor([5, 6], rng), xb = randomTensor([5, 6], rng);
    const direct = m.forward([xa, xb], { training: false, rng }).y;
    expect([...m.compare(m.embed(xa), m.embed(xb)).data]).toEqual([...direct.data]);
    expect(m.embed(xa).shape).toEqual([5, 4]);
  });
});
