import { describe, expect, it } from 'vitest';
import { Rng, TsnnError } from '@tsnn/tensor';
import {
  Dense, Dropout, Sequential, Siamese, Subtract, contrastiveLoss, decodeCheckpoint, encodeCheckpoint, fit, initialFitState, loadWeights, pairArrays, predict,
  type LossFn, type PairData,
} from '@tsnn/layers';
import { Adam, RMSprop } from '@tsnn/optimizers';

function toyModel(seed: number): Siamese {
  const m = new Siamese({
    base: new Sequential([new Dense(8, { activation: 'relu' }), new Dropout(0.2), new Dense(4, { activation: 'relu' })]),
    merge: new Subtract(),
    head: new Sequential([new Dropout(0.1), new Dense(1, { activation: 'sigmoid' })]),
  });
  m.build(3, new Rng(seed));
  return m;
}

function toyData(n: number, seed: number): PairData {
  const rng = new Rng(seed);
  const a = new Float32Array(3 * n).map(() => rng.uniformIn(-1, 1));
  const b = new Float32Array(3 * n).map(() => rng.uniformIn(-1, 1));
  const y = new Float32Array(n).map((_, i) => +(a[3 * i] * b[3 * i] > 0));
  return pairArrays(a, b, y, 3);
}

describe('fit', () => {
  it.each([['RMSprop', RMSprop], ['Adam', Adam]] as const)('stopped after any step, checkpointed and resumed, finishes bit-identical to an uninterrupted run (%s)', (_, Opt) => {
    const data = toyData(100, 1), validation = toyData(40, 2);
    const run = (stopAt: number | null) => {
      let model = toyModel(3);
      let rng = new Rng(4);
      let opt = new Opt(model.parameters());
      let seen = 0;
      const opts = { epochs: 3, batchSize: 16, loss: contrastiveLoss, validationData: validation, metrics: ['binary_accuracy' as const] };
      const first = fit(model, data, { ...opts, optimizer: opt, rng, shouldStop: () => ++seen === stopAt });
      if (!first.stopped) return { history: first.history, weights: model.parameters().map((p) => [...p.param.value]) };
      // Checkpoint to bytes and back into fresh objects, as a new process would.
      const bytes = encodeCheckpoint(model, opt.getState(), rng.getState(), first.state);
      const ckpt = decodeCheckpoint(bytes);
      model = toyModel(99);
      loadWeights(model, ckpt.model);
      opt = new Opt(model.parameters());
      opt.setState(ckpt.optimizer);
      rng = new Rng(0);
      rng.setState(ckpt.rng);
      const state = ckpt.fit;
      const second = fit(model, data, { ...opts, optimizer: opt, rng, state });
      expect(second.stopped).toBe(false);
      return { history: second.history, weights: model.parameters().map((p) => [...p.param.value]) };
    };
    const whole = run(null);
    expect(whole.history.loss).toHaveLength(3);
    for (const stopAt of [1, 5, 7, 8, 16]) { // 7 steps an epoch: mid-epoch, last step of an epoch, first of the next
      const resumed = run(stopAt);
      expect(resumed.weights, `stopped after step ${stopAt}`).toEqual(whole.weights);
      expect(resumed.history).toEqual(whole.history);
    }
  });

  it('rejects a NaN or infinite input with its position', () => {
    const a = new Float32Array(3 * 10), b = new Float32Array(3 * 10);
    b[3 * 7 + 2] = NaN;
    const data = pairArrays(a, b, new Float32Array(10), 3);
    const model = toyModel(0);
    const opts = { epochs: 1, batchSize: 4, loss: contrastiveLoss, optimizer: new RMSprop(model.parameters()), rng: new Rng(0), shuffle: false };
    expect(() => fit(model, data, opts)).toThrow('fit: input b of pair 7 has NaN at feature 2');
    a[3 * 2] = Infinity;
    expect(() => predict(model, pairArrays(a, b, new Float32Array(10), 3))).toThrow('predict: input a of pair 2 has Infinity at feature 0');
  });

  it('stops at a non-finite loss, naming epoch, step and likely causes', () => {
    const data = toyData(64, 1);
    const model = toyModel(0);
    const boom: LossFn = (yTrue, yPred, o) => ({ ...contrastiveLoss(yTrue, yPred, o), loss: NaN });
    const opts = { epochs: 2, batchSize: 16, loss: boom, optimizer: new RMSprop(model.parameters()), rng: new Rng(0) };
    expect(() => fit(model, data, opts)).toThrow(TsnnError);
    expect(() => fit(model, data, opts)).toThrow(/loss is NaN at epoch 1, step 1\/4; likely causes: a learning rate too high/);
  });

  it('rejects invalid settings with the allowed range', () => {
    const model = toyModel(0);
    const base = { batchSize: 8, loss: contrastiveLoss, optimizer: new RMSprop(model.parameters()), rng: new Rng(0) };
    expect(() => fit(model, toyData(8, 0), { ...base, epochs: 0 })).toThrow('fit: epochs must be an integer ≥ 1, got 0');
    expect(() => fit(model, toyData(8, 0), { ...base, epochs: 1, batchSize: 0 })).toThrow('batchSize must be an integer ≥ 1');
    expect(() => fit(model, pairArrays(new Float32Array(4), new Float32Array(4), [0, 1], 2), { ...base, epochs: 1 })).toThrow('data has 2 features per input, the model expects 3');
    expect(() => fit(model, toyData(8, 0), { ...base, epochs: 1, state: { ...initialFitState(), order: new Uint32Array(5) } })).toThrow('orders 5 samples, the data has 8');
  });
});
