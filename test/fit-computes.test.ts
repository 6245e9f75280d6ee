/**
 * fit is tested by what it computes: the order samples are visited in, that every sample is gathered once
 * per epoch, the epoch loss as the size-weighted mean of the batch losses, validation over the whole set in
 * inference mode, the validation split, and that a plain Sequential learns a task.
 */
import { describe, expect, it } from 'vitest';
import { Rng, Tensor, TsnnError } from '@tsnn/tensor';
import {
  Dense, Dropout, Sequential, Siamese, Subtract, binaryCrossentropy, contrastiveLoss, evaluate, fit, pairArrays, predict, siameseFromConfig,
  type Data, type LossFn,
} from '@tsnn/layers';
import { Adam, RMSprop } from '@tsnn/optimizers';

const F = 3;

function classifier(seed: number, dropout = 0.2): Sequential {
  const m = new Sequential([new Dense(8, { activation: 'relu' }), new Dropout(dropout), new Dense(1, { activation: 'sigmoid' })]);
  m.build(F, new Rng(seed));
  return m;
}

function points(n: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * F).map(() => rng.uniformIn(-1, 1));
  const y = new Float32Array(n).map((_, i) => +(x[F * i] + x[F * i + 1] > 0));
  return { x, y };
}

/** Data over { x, y } that records every batch of indices it is asked for. */
function recorded(n: number, seed: number): Data & { visits: number[][] } {
  const { x, y } = points(n, seed);
  const visits: number[][] = [];
  return {
    size: n, inputs: 1, features: F, targetWidth: 1, visits,
    gather(idx, start, count, [xb], yb) {
      const batch: number[] = [];
      for (let r = 0; r < count; r++) {
        const i = idx[start + r];
        batch.push(i);
        xb.set(x.subarray(i * F, (i + 1) * F), r * F);
        yb[r] = y[i];
      }
      visits.push(batch);
    },
  };
}

const opts = (model: Sequential, extra: object = {}) => ({ epochs: 2, batchSize: 8, loss: binaryCrossentropy, optimizer: new RMSprop(model.parameters()), rng: new Rng(1), ...extra });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('fit visits the data as Keras does', () => {
  it('every sample exactly once per epoch, in ceil(n / batch) steps with a partial last one; shuffle: false in index order', () => {
    const data = recorded(37, 0);
    const model = classifier(0);
    fit(model, data, opts(model, { shuffle: false }));
    expect(data.visits.map((b) => b.length)).toEqual([8, 8, 8, 8, 5, 8, 8, 8, 8, 5]);
    expect(data.visits.slice(0, 5).flat()).toEqual(range(37));
    expect(data.visits.slice(5).flat()).toEqual(range(37));
  });

  it('shuffle: true visits a new order every epoch, each a permutation', () => {
    const data = recorded(37, 0);
    const model = classifier(0);
    fit(model, data, opts(model, { epochs: 3 }));
    expect(data.visits).toHaveLength(15);
    const epochs = [0, 1, 2].map((e) => data.visits.slice(5 * e, 5 * e + 5).flat());
    for (const order of epochs) {
      expect([...order].sort((a, b) => a - b)).toEqual(range(37));
      expect(order).not.toEqual(range(37));
    }
    expect(epochs[1]).not.toEqual(epochs[0]);
    expect(epochs[2]).not.toEqual(epochs[1]);
  });

  it('validationSplit holds out the last fraction before shuffling (Keras), and trains on the rest only', () => {
    const data = recorded(40, 0);
    const model = classifier(0);
    const { history } = fit(model, data, opts(model, { epochs: 1, validationSplit: 0.25 }));
    const train = data.visits.slice(0, 4).flat(), val = data.visits.slice(4).flat();
    expect([...train].sort((a, b) => a - b)).toEqual(range(30));
    expect(val).toEqual(range(10).map((i) => 30 + i)); // validation in index order
    const { x, y } = points(40, 0);
    expect(history.val_loss[0]).toBe(evaluate(model, { x: x.subarray(30 * F), y: y.subarray(30) }, { batchSize: 8, loss: binaryCrossentropy }).loss);
    expect(() => fit(model, data, opts(model, { validationSplit: 0.99 }))).toThrow('fit: validationSplit 0.99 of 40 samples leaves no training samples');
    expect(() => fit(model, data, opts(model, { validationSplit: 1 }))).toThrow('validationSplit must be a fraction in (0, 1)');
  });
});

describe('fit reports what it computed', () => {
  it('loss is the batch-size-weighted mean of the batch losses; val_loss is the loss over the whole validation set', () => {
    const model = classifier(3, 0);
    const batches: { loss: number; n: number }[] = [];
    const logged: LossFn = (yTrue, yPred, o) => {
      const r = binaryCrossentropy(yTrue, yPred, o);
      batches.push({ loss: r.loss, n: yPred.shape[0] });
      return r;
    };
    const val = points(21, 9);
    const { history } = fit(model, points(37, 0), { ...opts(model), epochs: 1, loss: logged, validationData: val, validationBatchSize: 8 });
    const train = batches.slice(0, 5); // then three validation batches: 8, 8, 5
    expect(train.map((b) => b.n)).toEqual([8, 8, 8, 8, 5]);
    expect(batches.slice(5).map((b) => b.n)).toEqual([8, 8, 5]);
    let sum = 0;
    for (const b of train) sum += b.loss * b.n;
    expect(history.loss[0]).toBe(sum / 37);
    // The mean of the batch means differs here, so a loop that averaged per batch would fail the line above.
    expect(Math.abs(train.reduce((s, b) => s + b.loss, 0) / 5 - sum / 37)).toBeGreaterThan(1e-6);
    const whole = binaryCrossentropy(val.y, predict(model, val)).loss; // one batch of all 21
    expect(history.val_loss[0]).toBeCloseTo(whole, 6);
  });

  it('validation runs in inference mode: it draws nothing from the generator and sees no dropout', () => {
    const run = (withValidation: boolean) => {
      const model = classifier(4, 0.5);
      const rng = new Rng(5);
      const val = points(30, 2);
      const { history } = fit(model, points(40, 1), { ...opts(model), rng, ...(withValidation ? { validationData: val } : {}) });
      return { history, rng: rng.getState(), weights: model.parameters().map((p) => [...p.param.value]), model, val };
    };
    const a = run(true), b = run(false);
    expect(a.rng).toEqual(b.rng);
    expect(a.weights).toEqual(b.weights);
    expect(a.history.val_loss[1]).toBe(evaluate(a.model, a.val, { batchSize: 8, loss: binaryCrossentropy }).loss);
  });

  it('predict and evaluate need no generator and give the inference output, whatever was drawn before', () => {
    const model = classifier(6, 0.5);
    const { x, y } = points(25, 3);
    const p1 = predict(model, { x });
    new Rng(1).uniform();
    const p2 = predict(model, { x }, { batchSize: 7 });
    expect([...p2.data]).toEqual([...p1.data]);
    const direct = model.forward(new Tensor([25, F], x), { training: false }).y;
    expect([...p1.data]).toEqual([...direct.data]);
    const dropped = model.forward(new Tensor([25, F], x), { training: true, rng: new Rng(0) }).y;
    expect([...dropped.data]).not.toEqual([...direct.data]);
    const e = evaluate(model, { x, y }, { loss: binaryCrossentropy, metrics: ['accuracy'] });
    expect(e.accuracy).toBe(y.reduce((s, v, i) => s + +((p1.data[i] > 0.5) === (v > 0.5)), 0) / 25);
  });

  it('bytes with divideBy train exactly as the floats byte / 255 do', () => {
    const rng = new Rng(7);
    const bytes = new Uint8Array(30 * F).map(() => rng.int(256));
    const y = new Float32Array(30).map((_, i) => +(bytes[F * i] > 127));
    const floats = Float32Array.from(bytes, (b) => b / 255);
    const run = (data: object) => {
      const model = classifier(8);
      fit(model, data as { x: Float32Array }, opts(model));
      return model.parameters().map((p) => [...p.param.value]);
    };
    expect(run({ x: bytes, y, divideBy: 255 })).toEqual(run({ x: floats, y }));
  });

  it('a Sequential classifier learns a small task (Adam, binary cross-entropy): accuracy > 95% on held-out points', () => {
    const rng = new Rng(11);
    const n = 1200;
    const x = new Float32Array(2 * n).map(() => rng.uniformIn(-1, 1));
    const y = new Uint8Array(n).map((_, i) => +(x[2 * i] ** 2 + x[2 * i + 1] ** 2 < 0.5)); // inside a circle
    const model = new Sequential([new Dense(32, { activation: 'relu' }), new Dense(32, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]);
    model.build(2, rng);
    const { history } = fit(model, { x, y }, {
      epochs: 40, batchSize: 32, loss: binaryCrossentropy, optimizer: new Adam(model.parameters(), { learningRate: 0.01 }), rng,
      metrics: ['accuracy'], validationSplit: 0.25,
    });
    expect(Object.keys(history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(history.val_accuracy.at(-1)).toBeGreaterThan(0.95);
    expect(history.loss.at(-1)).toBeLessThan(history.loss[0] / 3);
  });
});

describe('wrong kinds of model, data and options from plain JavaScript', () => {
  const pairs = pairArrays(new Float32Array(4 * F), new Float32Array(4 * F), [0, 1, 0, 1], F);
  const siamese = () => {
    const m = new Siamese({ base: new Sequential([new Dense(4)]), merge: new Subtract(), head: new Sequential([new Dense(1, { activation: 'sigmoid' })]) });
    m.build(F, new Rng(0));
    return m;
  };
  const any = (v: unknown) => v as never;

  it('a TsnnError naming what was expected', () => {
    const seq = classifier(0);
    const o = opts(seq);
    expect(() => fit(seq, pairs, o)).toThrow(TsnnError);
    expect(() => fit(seq, pairs, o)).toThrow('fit: the model takes one input ({ x, y }), but the data has pairs ({ a, b, y })');
    expect(() => fit(siamese(), points(4, 0), { ...o, optimizer: new RMSprop(siamese().parameters()), loss: contrastiveLoss })).toThrow('the model takes pairs ({ a, b, y }), but the data has one input');
    expect(() => fit(any({}), points(4, 0), o)).toThrow('fit: expected a model (Sequential, Siamese or an object with inputs, build, forward, parameters and config), got an object with keys (none)');
    expect(() => fit(seq, any([1, 2, 3]), o)).toThrow('fit: expected data as { x, y } (one input), { a, b, y } (pairs) or a Data object with gather(), got an array of 3');
    expect(() => fit(seq, { x: any([1, 2, 3]), y: [1] }, o)).toThrow('fit: data.x must be a Float32Array [n, 3] or a Uint8Array with divideBy, got an array of 3');
    expect(() => fit(seq, { x: new Uint8Array(6), y: [1, 0] }, o)).toThrow('so divideBy (e.g. 255) must be a positive number, got undefined');
    expect(() => fit(seq, { x: new Float32Array(6), y: [1, 0, 1] }, o)).toThrow('data.y has 3 values for 2 samples');
    expect(() => fit(seq, { x: new Float32Array(7) }, o)).toThrow('data.x has 7 values, not a whole number of rows of 3 features');
    expect(() => fit(seq, { x: new Float32Array(6) }, o)).toThrow('fit: the data has no labels (y)');
    expect(() => fit(seq, points(4, 0), any({ ...o, validation: points(4, 1) }))).toThrow("fit: unknown option 'validation'");
    expect(() => fit(seq, points(4, 0), any({ ...o, rng: undefined }))).toThrow('fit: options.rng must be a generator');
    expect(() => fit(seq, points(4, 0), any({ ...o, metrics: ['acc'] }))).toThrow("fit: unknown metric 'acc', expected one of accuracy, binary_accuracy, precision, recall, mae");
    expect(() => fit(new Sequential([new Dense(1)]), points(4, 0), o)).toThrow('fit: the model is not built yet');
    expect(() => evaluate(seq, points(4, 0), any({}))).toThrow('evaluate: options.loss must be a loss function');
    expect(() => predict(seq, any({ x: new Float32Array(6), rng: 1 }), any({ rng: new Rng(0) }))).toThrow("predict: unknown option 'rng'");
    expect(() => siameseFromConfig(siamese().config(), any(undefined))).toThrow('siameseFromConfig: expected a generator (new Rng(seed)) as the second argument');
    expect(() => new Sequential(any([new Dense(2), {}]))).toThrow('Sequential: layer 1 is not a layer');
  });
});
