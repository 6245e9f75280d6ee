/**
 * Callbacks against hand-worked sequences (EarlyStopping, ReduceLROnPlateau, LearningRateScheduler,
 * ModelCheckpoint), and a run interrupted and resumed with callbacks in play ending bit-identical.
 * A scripted callback placed first writes the monitored value into the epoch logs, so the sequences are exact.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tsnn/tensor';
import {
  Dense, Dropout, EarlyStopping, LearningRateScheduler, ModelCheckpoint, ReduceLROnPlateau, Sequential, binaryCrossentropy, decodeCheckpoint,
  decodeModel, encodeCheckpoint, fit, fitAsync, loadWeights, type Callback, type FitOptions, type FitState,
} from '@tsnn/layers';
import { modelFileWriter } from '@tsnn/layers/file-writer.node';
import { RMSprop, SGD } from '@tsnn/optimizers';

function setup(seed = 0) {
  const rng = new Rng(seed);
  const model = new Sequential([new Dense(6, { activation: 'relu' }), new Dropout(0.2), new Dense(1, { activation: 'sigmoid' })]);
  model.build(2, rng);
  const n = 50;
  const dataRng = new Rng(1000); // the same data whatever the seed
  const x = new Float32Array(2 * n).map(() => dataRng.uniformIn(-1, 1));
  const y = new Float32Array(n).map((_, i) => +(x[2 * i] > x[2 * i + 1]));
  const val = { x: x.slice(0, 40), y: y.slice(0, 20) };
  return { rng, model, data: { x, y }, val };
}

/** Sets logs[key] to the scripted value of each epoch; snapshots the weights after each epoch. */
function script(key: string, values: number[], snapshots: number[][][] = []): Callback {
  let model: Sequential;
  return {
    setRun: (run) => void (model = run.model as Sequential),
    onEpochEnd: (epoch, logs) => {
      logs[key] = values[epoch];
      snapshots.push(model.parameters().map((p) => [...p.param.value]));
    },
  };
}

const base = (s: ReturnType<typeof setup>, extra: Partial<FitOptions> = {}): FitOptions => ({
  epochs: 12, batchSize: 16, loss: binaryCrossentropy, optimizer: new RMSprop(s.model.parameters()), rng: s.rng, validationData: s.val, ...extra,
});

describe('EarlyStopping (Keras 3 rules)', () => {
  it('patience 2, minDelta 0.1: stops after epoch 5 and puts back epoch 3\'s weights', () => {
    // epoch (from 1):   1    2     3     4    5
    // val_loss:         1.0  0.95  0.85  0.9  0.8
    // better by > 0.1?  yes  no    yes   no   no      wait: 0 1 0 1 2 → stop after epoch 5
    const s = setup();
    const snaps: number[][][] = [];
    const es = new EarlyStopping({ patience: 2, minDelta: 0.1, restoreBestWeights: true });
    const { history, state } = fit(s.model, s.data, base(s, { callbacks: [script('val_loss', [1, 0.95, 0.85, 0.9, 0.8, 0.1], snaps), es] }));
    expect(history.val_loss).toEqual([1, 0.95, 0.85, 0.9, 0.8]);
    expect(es.stoppedEpoch).toBe(4);
    expect(es.best).toBe(0.85);
    expect(es.bestEpoch).toBe(2);
    expect(state.stopTraining).toBe(true);
    expect(s.model.parameters().map((p) => [...p.param.value])).toEqual(snaps[2]);
    expect(snaps[4]).not.toEqual(snaps[2]);
  });

  it('defaults (patience 0, minDelta 0): stops at the first epoch that is not strictly better; without restoreBestWeights keeps the last weights', () => {
    const s = setup();
    const snaps: number[][][] = [];
    const { history } = fit(s.model, s.data, base(s, { callbacks: [script('val_loss', [3, 2, 2, 1], snaps), new EarlyStopping()] }));
    expect(history.val_loss).toEqual([3, 2, 2]);
    expect(s.model.parameters().map((p) => [...p.param.value])).toEqual(snaps[2]);
  });

  it("mode 'auto' follows the metric: accuracy must go up", () => {
    const s = setup();
    const { history } = fit(s.model, s.data, base(s, { metrics: ['accuracy'], callbacks: [script('val_accuracy', [0.5, 0.6, 0.7, 0.65, 0.8]), new EarlyStopping({ monitor: 'val_accuracy', patience: 1 })] }));
    expect(history.val_accuracy).toEqual([0.5, 0.6, 0.7, 0.65]);
    expect(() => fit(s.model, s.data, base(s, { callbacks: [new EarlyStopping({ monitor: 'val_f1' })] }))).toThrow("EarlyStopping: 'val_f1' is not in the epoch logs");
  });
});

describe('learning-rate callbacks change the optimizer when Keras would', () => {
  it('ReduceLROnPlateau: factor 0.5, patience 2, cooldown 1, minLr 3e-4', () => {
    // val_loss:       1    1    1    .5    .5    .5    .5    .5    .5
    // lr that epoch:  1e-3 1e-3 1e-3 5e-4  5e-4  5e-4  3e-4  3e-4  3e-4   (reduced after epochs 3 and 6; then at minLr)
    const s = setup();
    const optimizer = new RMSprop(s.model.parameters());
    const cb = new ReduceLROnPlateau({ factor: 0.5, patience: 2, cooldown: 1, minLr: 3e-4 });
    const { history } = fit(s.model, s.data, base(s, { epochs: 9, optimizer, callbacks: [script('val_loss', [1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]), cb] }));
    expect(history.learning_rate).toEqual([1e-3, 1e-3, 1e-3, 5e-4, 5e-4, 5e-4, 3e-4, 3e-4, 3e-4]);
    expect(optimizer.learningRate).toBe(3e-4);
  });

  it('ReduceLROnPlateau defaults are Keras\'s: factor 0.1 after 10 epochs without an improvement of 1e-4', () => {
    const s = setup();
    const optimizer = new RMSprop(s.model.parameters());
    const flat = [1, ...Array(11).fill(1 - 5e-5)]; // never better by more than 1e-4
    const { history } = fit(s.model, s.data, base(s, { epochs: 12, optimizer, callbacks: [script('val_loss', flat), new ReduceLROnPlateau()] }));
    expect(history.learning_rate.slice(0, 11)).toEqual(Array(11).fill(1e-3));
    expect(history.learning_rate[11]).toBeCloseTo(1e-4, 12);
  });

  it('LearningRateScheduler sets the rate at each epoch start, and the steps use it', () => {
    const s = setup();
    const seen: number[] = [];
    const optimizer = new SGD(s.model.parameters(), { learningRate: 0.1 });
    const probe: Callback = { setRun: (r) => void (probe.onEpochBegin = () => void seen.push(r.optimizer.learningRate!)) };
    const { history } = fit(s.model, s.data, base(s, { epochs: 4, optimizer, callbacks: [new LearningRateScheduler((e, lr) => (e < 2 ? lr : lr / 2)), probe] }));
    expect(seen).toEqual([0.1, 0.1, 0.05, 0.025]);
    expect(history.learning_rate).toEqual([0.1, 0.1, 0.05, 0.025]);
    // The same run by hand, setting the rate between one-epoch fits, ends with the same weights.
    const t = setup();
    const opt2 = new SGD(t.model.parameters(), { learningRate: 0.1 });
    let state: FitState | undefined;
    for (const lr of [0.1, 0.1, 0.05, 0.025]) {
      opt2.learningRate = lr;
      state = fit(t.model, t.data, { ...base(t, { optimizer: opt2 }), epochs: (state?.epoch ?? 0) + 1, state }).state;
    }
    expect(t.model.parameters().map((p) => [...p.param.value])).toEqual(s.model.parameters().map((p) => [...p.param.value]));
    expect(() => (optimizer.learningRate = 0)).toThrow('SGD: learningRate must be > 0, got 0');
  });
});

describe('ModelCheckpoint', () => {
  it('saveBestOnly writes the model file after the epochs that improve, with those weights', () => {
    const s = setup();
    const snaps: number[][][] = [];
    const written: { epoch: number; bytes: Uint8Array }[] = [];
    const mc = new ModelCheckpoint((bytes, _logs, epoch) => void written.push({ epoch, bytes }), { saveBestOnly: true });
    fit(s.model, s.data, base(s, { epochs: 5, callbacks: [script('val_loss', [3, 2, 2.5, 1, 1], snaps), mc] }));
    expect(written.map((w) => w.epoch)).toEqual([0, 1, 3]);
    const copy = setup(9).model;
    loadWeights(copy, decodeModel(written[2].bytes));
    expect(copy.parameters().map((p) => [...p.param.value])).toEqual(snaps[3]);
  });

  it('the Node writer names files from the epoch and logs and writes them atomically (no temporary file left)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsnn-mc-'));
    try {
      const s = setup();
      const mc = new ModelCheckpoint(modelFileWriter(join(dir, 'm-{epoch}-{val_loss}.tsnn')));
      await fitAsync(s.model, s.data, base(s, { epochs: 2, callbacks: [script('val_loss', [0.5, 0.25]), mc] }));
      expect(readdirSync(dir).sort()).toEqual(['m-1-0.5000.tsnn', 'm-2-0.2500.tsnn']);
      const last = decodeModel(readFileSync(join(dir, 'm-2-0.2500.tsnn')));
      expect(last.tensors.get('dense1.kernel')).toEqual(s.model.parameters()[0].param.value);
      const promising = new ModelCheckpoint(async () => {});
      expect(() => fit(s.model, s.data, base(s, { epochs: 1, callbacks: [promising] }))).toThrow('fit: a callback returned a Promise; use fitAsync');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('resume with callbacks', () => {
  it('a run interrupted after any step, checkpointed and resumed with fresh callbacks, ends bit-identical', () => {
    const callbacks = () => [
      new ReduceLROnPlateau({ patience: 1, factor: 0.5, minDelta: 0.02 }),
      new EarlyStopping({ monitor: 'loss', patience: 2, minDelta: 0.01, restoreBestWeights: true }),
    ];
    const run = (stopAt: number | null) => {
      let s = setup(3);
      let optimizer = new RMSprop(s.model.parameters(), { learningRate: 0.05 });
      let cbs = callbacks();
      let steps = 0;
      const first = fit(s.model, s.data, { ...base(s, { optimizer, callbacks: cbs }), epochs: 10, shouldStop: () => ++steps === stopAt });
      if (!first.stopped) return { history: first.history, weights: s.model.parameters().map((p) => [...p.param.value]), lr: optimizer.learningRate };
      const bytes = encodeCheckpoint(s.model, optimizer.getState(), s.rng.getState(), first.state);
      const ckpt = decodeCheckpoint(bytes);
      s = setup(99); // fresh objects, as a new process would make
      loadWeights(s.model, ckpt.model);
      optimizer = new RMSprop(s.model.parameters());
      optimizer.setState(ckpt.optimizer);
      s.rng.setState(ckpt.rng);
      cbs = callbacks();
      const second = fit(s.model, s.data, { ...base(s, { optimizer, callbacks: cbs }), epochs: 10, state: ckpt.fit });
      expect(second.stopped).toBe(false);
      return { history: second.history, weights: s.model.parameters().map((p) => [...p.param.value]), lr: optimizer.learningRate };
    };
    const whole = run(null);
    expect(new Set(whole.history.learning_rate).size, 'the rate was reduced at least once').toBeGreaterThan(1);
    for (const stopAt of [2, 4, 8, 13, 20]) { // 4 steps an epoch
      const resumed = run(stopAt);
      expect(resumed.history, `stopped after step ${stopAt}`).toEqual(whole.history);
      expect(resumed.weights).toEqual(whole.weights);
      expect(resumed.lr).toBe(whole.lr);
    }
  });
});
