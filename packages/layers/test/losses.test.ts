/**
 * The classification and regression losses: Keras's documented values, the stable from-logits form, the
 * clip, and the errors for bad targets.
 */
import { describe, expect, it } from 'vitest';
import { Tensor, TsnnError, ShapeError, tensor } from '@tsnn/tensor';
import { categoricalCrossentropy, meanAbsoluteError, meanSquaredError, sparseCategoricalCrossentropy } from '@tsnn/layers';

// Keras's docstring examples (keras/losses.py, the class docstrings of CategoricalCrossentropy,
// SparseCategoricalCrossentropy, MeanSquaredError, MeanAbsoluteError; also
// https://www.tensorflow.org/api_docs/python/tf/keras/losses/categorical_crossentropy and
// .../sparse_categorical_crossentropy, whose per-sample values are [0.0513, 2.303]):
//   cce([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]) → 1.1769392
//   scce([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])                 → 1.1769392
//   mse([[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]])                   → 0.5
//   mae([[0., 1.], [0., 0.]], [[1., 1.], [1., 0.]])                   → 0.5
describe("Keras's documented values", () => {
  const yPred = () => tensor([2, 3], [0.05, 0.95, 0, 0.1, 0.8, 0.1]);

  it('categoricalCrossentropy: 1.1769392', () => {
    expect(categoricalCrossentropy([0, 1, 0, 0, 0, 1], yPred()).loss).toBeCloseTo(1.1769392, 6);
    expect(categoricalCrossentropy(tensor([2, 3], [0, 1, 0, 0, 0, 1]), yPred()).loss).toBeCloseTo(1.1769392, 6);
  });

  it('sparseCategoricalCrossentropy: 1.1769392, and per sample 0.0513 and 2.303', () => {
    expect(sparseCategoricalCrossentropy([1, 2], yPred()).loss).toBeCloseTo(1.1769392, 6);
    expect(sparseCategoricalCrossentropy([1], tensor([1, 3], [0.05, 0.95, 0])).loss).toBeCloseTo(0.0513, 4);
    expect(sparseCategoricalCrossentropy([2], tensor([1, 3], [0.1, 0.8, 0.1])).loss).toBeCloseTo(2.303, 3);
  });

  it('meanSquaredError: 0.5, meanAbsoluteError: 0.5', () => {
    const p = () => tensor([2, 2], [1, 1, 1, 0]);
    expect(meanSquaredError([0, 1, 0, 0], p()).loss).toBe(0.5);
    expect(meanAbsoluteError([0, 1, 0, 0], p()).loss).toBe(0.5);
    expect(meanSquaredError(tensor([2, 2], [0, 1, 0, 0]), p()).loss).toBe(0.5);
  });
});

describe('cross-entropy', () => {
  it('from logits: ±1e4 gives finite loss and the gradient (softmax(z) − onehot) / batch', () => {
    const z = tensor([2, 3], [1e4, -1e4, 0, -1e4, 1e4, 1e4]);
    const sparse = sparseCategoricalCrossentropy([1, 2], z, { fromLogits: true });
    const cat = categoricalCrossentropy([0, 1, 0, 0, 0, 1], z, { fromLogits: true });
    // Row 0: class 1 has logit −1e4 against a max of 1e4: loss 2e4. Row 1: classes 1 and 2 tie: loss log 2.
    expect(sparse.loss).toBeCloseTo((2e4 + Math.LN2) / 2, 6);
    expect(cat.loss).toBe(sparse.loss);
    const expected = [(1 - 0) / 2, (0 - 1) / 2, 0, 0, 0.25, -0.25]; // softmax rows [1, 0, 0] and [0, ½, ½]
    expect([...sparse.dyPred.data]).toEqual(expected.map((v) => Math.fround(v)));
    expect([...cat.dyPred.data]).toEqual([...sparse.dyPred.data]);
  });

  it('from logits: the same loss as log-softmax computed directly, for moderate logits', () => {
    const z = [0.5, -1.25, 2];
    const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
    expect(sparseCategoricalCrossentropy([0], tensor([1, 3], z), { fromLogits: true }).loss).toBeCloseTo(lse - 0.5, 6);
  });

  it('probabilities are clipped to [1e-7, 1 − 1e-7] as Keras does, with no slope outside', () => {
    const r = sparseCategoricalCrossentropy([0, 1], tensor([2, 2], [0, 1, 1, 0]));
    expect(r.loss).toBeCloseTo(-Math.log(1e-7), 5);
    expect(Number.isFinite(r.loss)).toBe(true);
    // The true class's probability is clipped: no gradient through it (g = 0). The other entry's q = 1 is
    // clipped too, so the whole row's gradient is 0.
    expect([...r.dyPred.data].every((g) => g === 0)).toBe(true);
  });

  it('a row of probabilities that does not sum to 1 is normalised first (Keras: output / sum(output))', () => {
    const a = sparseCategoricalCrossentropy([1], tensor([1, 2], [0.2, 0.6]));
    expect(a.loss).toBeCloseTo(-Math.log(0.75), 6);
  });

  it('class ids out of range or not integers: a TsnnError naming the sample', () => {
    const p = () => tensor([3, 2], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(() => sparseCategoricalCrossentropy([0, 2, 1], p())).toThrow(TsnnError);
    expect(() => sparseCategoricalCrossentropy([0, 2, 1], p())).toThrow('sparseCategoricalCrossentropy: sample 1 has class id 2, expected an integer in [0, 2)');
    expect(() => sparseCategoricalCrossentropy([0, 1, 0.5], p())).toThrow('sample 2 has class id 0.5');
    expect(() => sparseCategoricalCrossentropy([-1, 1, 0], p(), { fromLogits: true })).toThrow('sample 0 has class id -1');
    expect(() => sparseCategoricalCrossentropy([0, 1, NaN], p())).toThrow('sample 2 has class id NaN');
    expect(() => sparseCategoricalCrossentropy([0, 1], p())).toThrow(ShapeError);
  });

  it('shape mismatches and rows that cannot be probabilities are named', () => {
    expect(() => categoricalCrossentropy([1, 0, 0], tensor([2, 2], [0.5, 0.5, 0.5, 0.5]))).toThrow('categoricalCrossentropy: targets (3 values) and predictions [2, 2] do not match');
    expect(() => categoricalCrossentropy(new Tensor([4, 1]), new Tensor([2, 2]))).toThrow('targets [4, 1] and predictions [2, 2]');
    expect(() => sparseCategoricalCrossentropy([0], new Tensor([2]))).toThrow('predictions are [2], expected [batch, classes]');
    expect(() => sparseCategoricalCrossentropy([0], tensor([1, 2], [0, 0]))).toThrow('row 0 of the predictions sums to 0, expected probabilities (for logits pass fromLogits: true)');
  });
});

describe('regression losses', () => {
  it('gradients: 2(p − t)/n and sign(p − t)/n', () => {
    const p = tensor([2, 2], [1, 1, 1, 0]);
    expect([...meanSquaredError([0, 1, 0, 0], p).dyPred.data]).toEqual([0.5, 0, 0.5, 0]);
    expect([...meanAbsoluteError([0, 1, 0.5, 2], p).dyPred.data]).toEqual([0.25, 0, 0.25, -0.25]);
  });

  it('targets [batch] against predictions [batch, 1] are accepted; other mismatches are not', () => {
    expect(meanSquaredError(tensor([2], [1, 2]), tensor([2, 1], [1, 4])).loss).toBe(2);
    expect(() => meanSquaredError([1, 2, 3], new Tensor([2, 1]))).toThrow('meanSquaredError: targets (3 values) and predictions [2, 1] do not match');
    expect(() => meanAbsoluteError(new Tensor([1, 2]), new Tensor([2, 1]))).toThrow('meanAbsoluteError: targets [1, 2] and predictions [2, 1] do not match');
  });
});
