import { describe, expect, it } from 'vitest';
import { Rng, TsnnError, tensor } from '@tsnn/tensor';
import { Accuracy, BinaryAccuracy, DISTANCE, Dense, MeanAbsoluteError, Precision, Recall, Sequential, Siamese, Subtract, modelFromConfig } from '@tsnn/layers';

describe('metrics (Keras names, counted over batches)', () => {
  const p3 = tensor([4, 3], [0.1, 0.7, 0.2, 0.5, 0.3, 0.2, 0.2, 0.2, 0.6, 0.3, 0.3, 0.4]); // argmax 1, 0, 2, 2

  it("accuracy: argmax against class ids, against one-hot rows, and binary for one output", () => {
    const ids = new Accuracy();
    ids.update([1, 0, 1, 2], p3);
    expect(ids.result()).toBe(3 / 4);
    const onehot = new Accuracy();
    onehot.update([0, 1, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0], p3); // classes 1, 1, 2, 0
    expect(onehot.result()).toBe(2 / 4);
    const binary = new Accuracy();
    binary.update([1, 0, 0], tensor([3, 1], [0.9, 0.5, 0.51]));
    expect(binary.result()).toBe(2 / 3); // 0.5 is not above 0.5; 0.51 is
    expect(() => new Accuracy().update([1, 0], p3)).toThrow(TsnnError);
  });

  it('counts add up across batches, and the state resumes them', () => {
    const a = new Accuracy();
    a.update([1, 0], tensor([2, 3], [0, 1, 0, 0, 0, 1]));
    a.update([2, 2, 0], tensor([3, 3], [0, 0, 1, 1, 0, 0, 1, 0, 0]));
    expect(a.result()).toBe(3 / 5); // not the mean of the batch means (1/2 and 2/3)
    const b = new Accuracy();
    b.setState(a.getState());
    expect(b.result()).toBe(3 / 5);
  });

  it('binary_accuracy, precision and recall at a decision; mae over every value', () => {
    const p = tensor([5, 1], [0.9, 0.6, 0.2, 0.4, 0.7]), y = [1, 0, 0, 1, 1];
    const metrics = [new BinaryAccuracy(), new Precision(), new Recall()];
    for (const m of metrics) m.update(y, p);
    expect(metrics.map((m) => m.result())).toEqual([3 / 5, 2 / 3, 2 / 3]);
    const d = new BinaryAccuracy(DISTANCE); // a distance below 0.5 is "same"
    d.update(y, p);
    expect(d.result()).toBe(2 / 5);
    const mae = new MeanAbsoluteError();
    mae.update([1, 2, 3, 4], tensor([2, 2], [1.5, 2, 2, 4]));
    expect(mae.result()).toBe(1.5 / 4);
    expect(mae.direction).toBe('down');
  });
});

describe('modelFromConfig: one convention, a model comes back built', () => {
  it('Sequential and Siamese configs give built models with the same shapes', () => {
    const seq = new Sequential([new Dense(4, { activation: 'relu' }), new Dense(2)]);
    seq.build(3, new Rng(0));
    const copy = modelFromConfig(seq.config(), new Rng(1));
    expect(copy.inFeatures).toBe(3);
    expect(copy.parameters().map((p) => p.param.shape)).toEqual(seq.parameters().map((p) => p.param.shape));
    const sia = new Siamese({ base: new Sequential([new Dense(4)]), merge: new Subtract(), head: new Sequential([new Dense(1)]) });
    sia.build(5, new Rng(0));
    const s2 = modelFromConfig(sia.config(), new Rng(2));
    expect(s2).toBeInstanceOf(Siamese);
    expect(s2.inFeatures).toBe(5);
    expect(() => modelFromConfig(seq.config(), undefined as never)).toThrow('modelFromConfig: expected a generator');
  });
});
