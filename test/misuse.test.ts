/**
 * Library misuse that used to corrupt silently or die with a bare RangeError/TypeError: each now gets a
 * TsnnError saying what was wrong (issue 11, point 8).
 */
import { describe, expect, it } from 'vitest';
import { Param, Rng, Tensor, TsnnError, Workspace } from '@tsnn/tensor';
import { Dense, Dropout, Sequential, Siamese, Subtract, binaryCrossentropy, contrastiveDistanceLoss, contrastiveLoss, evaluate, fit, fitAsync, pairArrays, predict } from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';
import { imagePairData, loadMnist, makePairs, siameseMlp, takePairs } from '@tsnn/examples';

function toyModel(seed: number): Siamese {
  const m = new Siamese({
    base: new Sequential([new Dense(8, { activation: 'relu' }), new Dropout(0.2), new Dense(4, { activation: 'relu' })]),
    merge: new Subtract(),
    head: new Sequential([new Dense(1, { activation: 'sigmoid' })]),
  });
  m.build(3, new Rng(seed));
  return m;
}

const batch = (rng: Rng, n: number) => new Tensor([n, 3], new Float32Array(3 * n).map(() => rng.uniformIn(-1, 1)));

describe("a call's backward runs once, while its saved values are there", () => {
  it('a second backward of the same call throws instead of doubling the gradients', () => {
    const model = toyModel(1), rng = new Rng(2), ws = new Workspace();
    const call = model.forward([batch(rng, 4), batch(rng, 4)], { training: true, rng, workspace: ws });
    const dy = contrastiveLoss([0, 1, 0, 1], call.y).dyPred;
    call.backward(dy);
    const once = model.parameters().map((p) => p.param.grad.slice());
    expect(() => call.backward(dy)).toThrow(TsnnError);
    expect(() => call.backward(dy)).toThrow('Siamese: backward already ran for this forward call');
    expect(model.parameters().map((p) => p.param.grad.slice())).toEqual(once); // nothing added
    // A single layer's call too.
    const dense = new Dense(2);
    dense.build(3, rng);
    const c = dense.forward(batch(rng, 2), { training: true, rng });
    c.backward(new Tensor([2, 2]));
    expect(() => c.backward(new Tensor([2, 2]))).toThrow('Dense(2): backward already ran');
  });

  it('a backward after a later step reset the workspace throws instead of using overwritten values', () => {
    const model = toyModel(1), rng = new Rng(2), ws = new Workspace();
    const ctx = { training: true, rng, workspace: ws };
    ws.reset();
    const first = model.forward([batch(rng, 4), batch(rng, 4)], ctx);
    const dy = contrastiveLoss([0, 1, 0, 1], first.y).dyPred.data.slice();
    ws.reset(); // the next step
    model.forward([batch(rng, 4), batch(rng, 4)], ctx);
    expect(() => first.backward(new Tensor([4, 1], dy))).toThrow('Siamese: backward after its workspace was reset for a later step');
  });

  it('two calls in the same step (no reset between) each run their backward', () => {
    const model = toyModel(1), rng = new Rng(2), ws = new Workspace();
    const ctx = { training: true, rng, workspace: ws };
    ws.reset();
    const a = model.forward([batch(rng, 4), batch(rng, 4)], ctx);
    const b = model.forward([batch(rng, 4), batch(rng, 4)], ctx);
    a.backward(contrastiveLoss([0, 1, 0, 1], a.y).dyPred);
    b.backward(contrastiveLoss([1, 1, 0, 0], b.y).dyPred);
  });
});

describe('labels are checked per loss', () => {
  const p = new Tensor([3, 1], Float32Array.of(0.2, 0.7, 0.4));
  it.each([
    ['contrastiveLoss', contrastiveLoss],
    ['contrastiveDistanceLoss', contrastiveDistanceLoss],
    ['binaryCrossentropy', binaryCrossentropy],
  ] as const)('%s takes 0 or 1 only, naming the label', (name, loss) => {
    expect(() => loss([0, 5, 1], p)).toThrow(TsnnError);
    expect(() => loss([0, 5, 1], p)).toThrow(`${name}: label 1 is 5, but this loss takes binary labels, 0 or 1`);
    expect(() => loss([0, 1, 0.5], p)).toThrow(`${name}: label 2 is 0.5`);
    expect(() => loss([0, 1, NaN], p)).toThrow(`${name}: label 2 is NaN`);
    expect(loss([0, 1, 1], p).loss).toBeGreaterThan(0);
  });

  it('fit with a NaN label reports the label, not a learning rate too high', () => {
    const model = toyModel(0);
    const y = new Float32Array(8).fill(1);
    y[5] = NaN;
    const data = pairArrays(new Float32Array(24).fill(0.5), new Float32Array(24), y, 3);
    const run = () => fit(model, data, { epochs: 1, batchSize: 8, loss: contrastiveLoss, optimizer: new RMSprop(model.parameters()), rng: new Rng(0), shuffle: false });
    expect(run).toThrow('contrastiveLoss: label 5 is NaN');
  });
});

describe('empty data is an error, not a NaN loss or a silent success', () => {
  const empty = () => pairArrays(new Float32Array(0), new Float32Array(0), new Float32Array(0), 3);
  const opts = (model: Siamese) => ({ epochs: 1, loss: contrastiveLoss, optimizer: new RMSprop(model.parameters()), rng: new Rng(0) });
  it('fit on 0 pairs, or with 0 validation pairs; evaluate on 0 pairs', () => {
    const model = toyModel(0);
    expect(() => fit(model, empty(), opts(model))).toThrow(TsnnError);
    expect(() => fit(model, empty(), opts(model))).toThrow('fit: the data has no samples (0 rows), so there is nothing to train on');
    const some = pairArrays(new Float32Array(12).fill(0.5), new Float32Array(12), Float32Array.of(0, 1, 0, 1), 3);
    expect(() => fit(model, some, { ...opts(model), validationData: empty() })).toThrow('fit: the validationData has no samples (0 rows), so there is nothing to evaluate');
    expect(() => evaluate(model, empty(), { loss: contrastiveLoss })).toThrow('evaluate: the data has no samples (0 rows), so there is nothing to evaluate');
  });

  it('predict on 0 samples gives an empty tensor (no error: nothing is averaged)', () => {
    expect(predict(toyModel(0), empty()).size).toBe(0);
  });
});

describe('every deliberate error is a TsnnError', () => {
  it('Dense(1e9) on 784 inputs: a TsnnError naming the kernel, not a RangeError', () => {
    const dense = new Dense(1e9);
    expect(() => dense.build(784, new Rng(0))).toThrow(TsnnError);
    expect(() => dense.build(784, new Rng(0))).toThrow('Param [784, 1000000000]: cannot allocate');
    expect(() => new Param([1e6, 1e6])).toThrow(TsnnError);
  });

  it('Rng: bad seeds, ranges and states', () => {
    expect(() => new Rng(1.5)).toThrow(TsnnError);
    expect(() => new Rng(0).int(0)).toThrow(TsnnError);
    const rng = new Rng(0);
    expect(() => rng.setState({ s: [1, 2, 3, -1], spare: NaN })).toThrow(TsnnError);
    expect(() => rng.setState({ s: [1, 2, 3] as unknown as [number, number, number, number], spare: NaN })).toThrow('Rng.setState: s must be 4 words');
    expect(() => rng.setState({ s: [1, 2, 3, 4], spare: Infinity })).toThrow('spare must be a finite number or NaN');
  });
});

describe('a run that can no longer learn is reported, with the likely cause', () => {
  // On MNIST, fitAsync (the same loop as fit, yielding to the event loop) keeps the test worker responsive.
  it('the reference model at learning rate 1e6 on 256 MNIST pairs: fit throws after epoch 2 (the first step of epoch 1 is still from the initial weights)', async () => {
    const { train } = loadMnist();
    const rng = new Rng(0);
    const data = imagePairData(train, takePairs(makePairs(train.labels, 10, rng), 256));
    const model = siameseMlp(784, rng);
    const optimizer = new RMSprop(model.parameters(), { learningRate: 1e6 });
    const epochs: number[] = [];
    const run = fitAsync(model, data, { epochs: 20, batchSize: 128, loss: contrastiveLoss, optimizer, rng, callbacks: [{ onEpochEnd: (epoch: number) => void epochs.push(epoch + 1) }] });
    await expect(run).rejects.toThrow(TsnnError);
    await expect(run).rejects.toThrow(/^fit: training is stuck at loss 0\.\d{4} in epoch 2: the final sigmoid output exactly 0 or 1 for every sample .*the largest weight is \d\.\de\+\d+\. Likely causes: a learning rate too high/);
    expect(epochs).toEqual([1]); // not 20 epochs at a loss that cannot improve
  });

  it('dead ReLUs: a layer whose units output 0 for every sample is named', () => {
    const model = toyModel(0);
    model.base.parameters().find((p) => p.name === 'dense2.bias')!.param.value.fill(-100); // every unit below 0
    const rng = new Rng(1);
    const data = pairArrays(new Float32Array(3 * 64).map(() => rng.uniformIn(-1, 1)), new Float32Array(3 * 64).map(() => rng.uniformIn(-1, 1)),
      new Float32Array(64).map((_, i) => i % 2), 3);
    expect(() => fit(model, data, { epochs: 5, batchSize: 16, loss: contrastiveLoss, optimizer: new RMSprop(model.parameters()), rng }))
      .toThrow(/^fit: training is stuck at loss 0\.\d{4} in epoch 1: no gradient reached base\.dense2 for any sample \(its ReLU units all output 0.*dead ReLUs/);
  });

  it('a healthy run at the default learning rate is not flagged', async () => {
    const { train } = loadMnist();
    const rng = new Rng(0);
    const data = imagePairData(train, takePairs(makePairs(train.labels, 10, rng), 256));
    const model = siameseMlp(784, rng);
    const r = await fitAsync(model, data, { epochs: 3, batchSize: 128, loss: contrastiveLoss, optimizer: new RMSprop(model.parameters()), rng });
    expect(r.history.loss).toHaveLength(3);
  });
});
