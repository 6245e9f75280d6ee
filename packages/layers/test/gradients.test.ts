/**
 * The central property tests: every layer's and loss's analytic gradient, with respect to its inputs and
 * its parameters, matches central finite differences on random shapes and values.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { availableBackends, Rng, Tensor, useBackend } from '@tsnn/tensor';
import {
  Dense, Dropout, EuclideanDistance, ReLU, Sequential, Sigmoid, Softmax, Subtract, Tanh, binaryCrossentropy, categoricalCrossentropy, checkGradients,
  contrastiveDistanceLoss, contrastiveLoss, meanAbsoluteError, meanSquaredError, sparseCategoricalCrossentropy,
  type Activation, type GradCheckTarget, type Layer, type LossFn,
} from '@tsnn/layers';
import { awayFromZero, probe, randomTensor } from './helpers.js';

const small = fc.integer({ min: 1, max: 9 });

/** Checks dL/dx and every dL/dθ of one layer under the probe loss. The layer's forward must be a pure function of (x, seed). */
function checkLayer(layer: Layer, x: Tensor, seed: number, training = true) {
  const rng = new Rng(seed);
  const ctx = () => ({ training, rng: new Rng(seed ^ 0x5eed) });
  const call = layer.forward(x, ctx());
  const { r, loss, scale } = probe([...call.y.shape], rng);
  for (const { param } of layer.parameters()) param.zeroGrad();
  const dx = call.backward(r)!;
  const targets: GradCheckTarget[] = [{ name: 'x', value: x.data, grad: dx.data.slice() }];
  for (const { name, param } of layer.parameters()) targets.push({ name, value: param.value, grad: param.grad.slice() });
  return checkGradients(() => loss(layer.forward(x, ctx()).y), targets, { lossScale: scale(call.y) });
}

describe.each(availableBackends())('gradient checks (fast-check, central differences) [%s backend]', (backend) => {
  beforeAll(() => void useBackend(backend));

  it('Dense, each activation, with respect to x, kernel and bias', () => {
    fc.assert(fc.property(small, small, small, fc.constantFrom<Activation>('linear', 'relu', 'sigmoid', 'tanh', 'softmax'), fc.integer(), (batch, inF, units, activation, seed) => {
      const rng = new Rng(seed);
      const dense = new Dense(units, { activation });
      dense.build(inF, rng);
      const x = randomTensor([batch, inF], rng);
      // Keep ReLU away from its kink: reject draws with a pre-activation within 0.05 of zero.
      const linear = new Dense(units);
      linear.kernel = dense.kernel;
      linear.bias = dense.bias;
      const z = linear.forward(x, { training: false, rng }).y; // z = x·W + b, shared weights
      fc.pre(activation !== 'relu' || z.data.every((v) => Math.abs(v) > 0.05));
      const report = checkLayer(dense, x, seed);
      expect(report.ok, report.message).toBe(true);
      expect(report.checked).toBe(batch * inF + inF * units + units);
    }), { numRuns: 60 });
  });

  it('ReLU, Sigmoid, Tanh and Softmax with respect to x', () => {
    fc.assert(fc.property(small, small, fc.integer(), (rows, cols, seed) => {
      const rng = new Rng(seed);
      for (const layer of [new ReLU(), new Sigmoid(), new Tanh(), new Softmax()]) {
        const x = awayFromZero([rows, cols], rng, 0.05);
        for (let i = 0; i < x.size; i++) x.data[i] *= 4;
        const report = checkLayer(layer, x, seed);
        expect(report.ok, `${layer.kind}: ${report.message}`).toBe(true);
      }
    }));
  });

  it('Dropout in training (fixed mask per seed) and inference', () => {
    fc.assert(fc.property(small, small, fc.double({ min: 0, max: 0.9, noNaN: true }), fc.integer(), fc.boolean(), (rows, cols, rate, seed, training) => {
      const x = randomTensor([rows, cols], new Rng(seed));
      const report = checkLayer(new Dropout(rate), x, seed, training);
      expect(report.ok, report.message).toBe(true);
    }));
  });

  it('Subtract with respect to both inputs', () => {
    fc.assert(fc.property(small, small, fc.integer(), (rows, cols, seed) => {
      const rng = new Rng(seed);
      const a = randomTensor([rows, cols], rng), b = randomTensor([rows, cols], rng);
      const sub = new Subtract();
      const ctx = { training: true, rng };
      const call = sub.forward(a, b, ctx);
      const { r, loss, scale } = probe([rows, cols], rng);
      const [da, db] = call.backward(r);
      const report = checkGradients(() => loss(sub.forward(a, b, ctx).y), [
        { name: 'a', value: a.data, grad: da.data.slice() },
        { name: 'b', value: b.data, grad: db.data.slice() },
      ], { lossScale: scale(call.y) });
      expect(report.ok, report.message).toBe(true);
    }));
  });

  it('EuclideanDistance with respect to both inputs', () => {
    fc.assert(fc.property(small, small, fc.integer(), (rows, cols, seed) => {
      const rng = new Rng(seed);
      const a = randomTensor([rows, cols], rng), b = randomTensor([rows, cols], rng);
      const dist = new EuclideanDistance();
      const ctx = { training: true, rng };
      const call = dist.forward(a, b, ctx);
      fc.pre(call.y.data.every((d) => d > 0.05)); // away from the clamp at sqrt(ε)
      const { r, loss, scale } = probe([rows, 1], rng);
      const [da, db] = call.backward(r);
      const report = checkGradients(() => loss(dist.forward(a, b, ctx).y), [
        { name: 'a', value: a.data, grad: da.data.slice() },
        { name: 'b', value: b.data, grad: db.data.slice() },
      ], { lossScale: scale(call.y) });
      expect(report.ok, report.message).toBe(true);
    }));
  });

  it('EuclideanDistance stays finite when the two embeddings coincide', () => {
    const a = randomTensor([3, 4], new Rng(1));
    const call = new EuclideanDistance().forward(a, a, { training: false, rng: new Rng(0) });
    expect([...call.y.data].every((d) => Math.abs(d - Math.sqrt(1e-7)) < 1e-9)).toBe(true);
    const [da, db] = call.backward(new Tensor([3, 1], new Float32Array([1, -2, 3])));
    expect([...da.data, ...db.data].every((g) => g === 0)).toBe(true);
  });

  it('Sequential of Dense, Dropout and ReLU', () => {
    fc.assert(fc.property(small, small, small, fc.integer(), (batch, inF, hidden, seed) => {
      const rng = new Rng(seed);
      const model = new Sequential([new Dense(hidden, { activation: 'sigmoid' }), new Dropout(0.3), new Dense(hidden), new Sigmoid(), new Dense(2)]);
      model.build(inF, rng);
      const report = checkLayer(model, randomTensor([batch, inF], rng), seed);
      expect(report.ok, report.message).toBe(true);
    }), { numRuns: 40 });
  });

  // Losses with respect to their inputs, drawn away from each loss's kink (the hinge at margin 1, the clip).
  const lossCases: { name: string; loss: LossFn; draw: (rng: Rng) => number; eps?: number }[] = [
    { name: 'contrastive loss with respect to predictions', loss: contrastiveLoss, draw: (rng) => (rng.uniform() < 0.5 ? rng.uniformIn(-0.5, 0.95) : rng.uniformIn(1.05, 2)) },
    { name: 'contrastive distance loss with respect to distances', loss: contrastiveDistanceLoss, draw: (rng) => (rng.uniform() < 0.5 ? rng.uniformIn(0, 0.95) : rng.uniformIn(1.05, 2)) },
    // The loss is computed in doubles from p, so a small step is free of rounding noise; 1/p curves steeply.
    { name: 'binary cross-entropy with respect to predictions (inside the clip)', loss: binaryCrossentropy, draw: (rng) => rng.uniformIn(0.05, 0.95), eps: 1e-3 },
  ];
  for (const c of lossCases) {
    it(c.name, () => {
      fc.assert(fc.property(fc.integer({ min: 1, max: 20 }), fc.integer(), (batch, seed) => {
        const rng = new Rng(seed);
        const p = new Tensor([batch, 1]);
        const y = new Float32Array(batch);
        for (let i = 0; i < batch; i++) {
          y[i] = rng.int(2);
          p.data[i] = c.draw(rng);
        }
        const { dyPred } = c.loss(y, p);
        const report = checkGradients(() => c.loss(y, p).loss, [{ name: 'p', value: p.data, grad: dyPred.data.slice() }], { eps: c.eps });
        expect(report.ok, report.message).toBe(true);
      }));
    });
  }

  // Losses over [batch, classes] predictions (or any shape, for the regression losses), with respect to yPred.
  // Each case draws targets and predictions away from the loss's kinks: the clip at [1e-7, 1 − 1e-7] (every
  // probability ≥ 0.05 of an unnormalised row) and |yPred − yTrue| = 0 for the absolute error.
  type Draw = (rng: Rng, batch: number, classes: number) => { yTrue: ArrayLike<number>; yPred: Tensor };
  const positiveRows = (rng: Rng, batch: number, classes: number) => {
    const p = new Tensor([batch, classes]);
    for (let i = 0; i < p.size; i++) p.data[i] = rng.uniformIn(0.05, 1); // rows need not sum to 1: Keras normalises
    return p;
  };
  const logits = (rng: Rng, batch: number, classes: number) => {
    const z = new Tensor([batch, classes]);
    for (let i = 0; i < z.size; i++) z.data[i] = rng.uniformIn(-3, 3);
    return z;
  };
  const ids = (rng: Rng, batch: number, classes: number) => Float32Array.from({ length: batch }, () => rng.int(classes));
  const oneHot = (rng: Rng, batch: number, classes: number) => {
    const t = new Float32Array(batch * classes);
    for (let r = 0; r < batch; r++) t[r * classes + rng.int(classes)] = 1;
    return t;
  };
  const softRows = (rng: Rng, batch: number, classes: number) => {
    const t = new Float32Array(batch * classes).map(() => rng.uniform());
    for (let r = 0; r < batch; r++) {
      let s = 0;
      for (let j = 0; j < classes; j++) s += t[r * classes + j];
      for (let j = 0; j < classes; j++) t[r * classes + j] /= s;
    }
    return t;
  };
  const rowCases: { name: string; loss: LossFn; draw: Draw; eps?: number }[] = [
    { name: 'sparse categorical cross-entropy on probabilities', loss: sparseCategoricalCrossentropy, draw: (rng, b, c) => ({ yTrue: ids(rng, b, c), yPred: positiveRows(rng, b, c) }), eps: 1e-3 },
    { name: 'sparse categorical cross-entropy from logits', loss: (t, p, o) => sparseCategoricalCrossentropy(t, p, { ...o, fromLogits: true }), draw: (rng, b, c) => ({ yTrue: ids(rng, b, c), yPred: logits(rng, b, c) }) },
    { name: 'categorical cross-entropy on probabilities, one-hot targets', loss: categoricalCrossentropy, draw: (rng, b, c) => ({ yTrue: oneHot(rng, b, c), yPred: positiveRows(rng, b, c) }), eps: 1e-3 },
    { name: 'categorical cross-entropy on probabilities, soft targets', loss: categoricalCrossentropy, draw: (rng, b, c) => ({ yTrue: softRows(rng, b, c), yPred: positiveRows(rng, b, c) }), eps: 1e-3 },
    { name: 'categorical cross-entropy from logits, soft targets', loss: (t, p, o) => categoricalCrossentropy(t, p, { ...o, fromLogits: true }), draw: (rng, b, c) => ({ yTrue: softRows(rng, b, c), yPred: logits(rng, b, c) }) },
    { name: 'mean squared error', loss: meanSquaredError, draw: (rng, b, c) => ({ yTrue: randomTensor([b, c], rng).data, yPred: randomTensor([b, c], rng) }) },
    {
      name: 'mean absolute error (away from yPred = yTrue)', loss: meanAbsoluteError, draw: (rng, b, c) => {
        const t = randomTensor([b, c], rng);
        const p = new Tensor([b, c], t.data.map((v) => v + (rng.uniform() < 0.5 ? -1 : 1) * rng.uniformIn(0.05, 1)));
        return { yTrue: t.data, yPred: p };
      },
    },
  ];
  for (const c of rowCases) {
    it(c.name, () => {
      fc.assert(fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 2, max: 6 }), fc.integer(), (batch, classes, seed) => {
        const rng = new Rng(seed);
        const { yTrue, yPred } = c.draw(rng, batch, classes);
        const { loss, dyPred } = c.loss(yTrue, yPred);
        expect(Number.isFinite(loss)).toBe(true);
        const report = checkGradients(() => c.loss(yTrue, yPred).loss, [{ name: 'yPred', value: yPred.data, grad: dyPred.data.slice() }], { eps: c.eps });
        expect(report.ok, report.message).toBe(true);
      }));
    });
  }

  it('Dense(softmax) + categorical cross-entropy equals Dense(linear) + the fused from-logits form', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), small, fc.integer({ min: 2, max: 6 }), fc.integer(), (batch, inF, classes, seed) => {
      const rng = new Rng(seed);
      const probs = new Dense(classes, { activation: 'softmax' });
      probs.build(inF, rng);
      const logitsLayer = new Dense(classes);
      logitsLayer.build(inF, rng);
      logitsLayer.kernel!.value.set(probs.kernel!.value);
      logitsLayer.bias!.value.set(probs.bias!.value);
      const x = randomTensor([batch, inF], rng), y = ids(rng, batch, classes);
      const ctx = { training: false, rng };
      const a = probs.forward(x, ctx), b = logitsLayer.forward(x, ctx);
      const la = sparseCategoricalCrossentropy(y, a.y), lb = sparseCategoricalCrossentropy(y, b.y, { fromLogits: true });
      expect(la.loss).toBeCloseTo(lb.loss, 5);
      const dxa = a.backward(la.dyPred)!, dxb = b.backward(lb.dyPred)!;
      for (let i = 0; i < dxa.size; i++) expect(dxa.data[i]).toBeCloseTo(dxb.data[i], 5);
      for (let i = 0; i < probs.kernel!.size; i++) expect(probs.kernel!.grad[i]).toBeCloseTo(logitsLayer.kernel!.grad[i], 5);
    }));
  });
});
