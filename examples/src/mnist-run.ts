/**
 * Keras's classic mnist_mlp with tsnn: Dense(512, relu) → Dropout(0.2) → Dense(512, relu) → Dropout(0.2)
 * → Dense(10, softmax) on the MNIST digits (pixels / 255), RMSprop with Keras's defaults, sparse
 * categorical cross-entropy, batch 128, 20 epochs, validated on the test set every epoch as Keras's
 * script does. The summary adds the confusion matrix and a picture of the test digits it gets wrong.
 * The CLI (mnist.ts) and the tests both call runMnist.
 */
import { join } from 'node:path';
import { Rng, VERSION, backendName, kernelVariant } from '@tsnn/tensor';
import { threadCount } from '@tsnn/tensor/pool.node';
import {
  Dense, Dropout, Sequential, decodeModel, encodeCheckpoint, evaluate, fitAsync, initialFitState, loadWeights, modelFromConfig,
  predict, sparseCategoricalCrossentropy, summary as modelSummary, type DecodedModel, type XY,
} from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';
import { confusionMatrix, formatConfusion, mistakeGrid } from './confusion.js';
import { historyFiles, nodeFileOps, readInput, writeFilesAtomic, type FileOps } from './files.js';
import { loadMnist } from './idx.js';
import type { MnistOptions, MnistSettingFlag } from './mnist-cli.js';
import { fromModelFile } from './model.js';
import { encodePng } from './png.js';
import { EpochProgress, type Output } from './progress.js';
import {
  CHECKPOINT, EVAL_SUMMARY, MODEL, finalEvaluationStop, readRunCheckpoint, replayEpochs, resumedSettings, runSummaryHead, keepTrainingResult, withBackend, withRunFolder,
  type RunSummaryHead, type StopSignal,
} from './run-common.js';

export interface MnistSummary extends RunSummaryHead<Omit<MnistOptions, 'out' | 'verbose' | 'epochs' | 'given' | 'overwrite'> & { epochs: number }> {
  /** The model in inference mode on the test images (Keras's model.evaluate(x_test, y_test)). */
  test: { samples: number; loss: number; accuracy: number };
  /** confusion[t][p]: test digits of class t predicted as p. */
  confusion: number[][];
  /** Test digits predicted wrongly (the first ones are drawn in mistakes.png). */
  mistakes: number;
}

/** The settings a checkpoint pins: a resumed run takes them from the file. */
interface RunSettings {
  example: 'mnist';
  seed: number;
  limit: number | null;
  batchSize: number;
  dataDir: string | null;
  epochs: number;
}

const SETTING_OF: Record<MnistSettingFlag, 'seed' | 'limit' | 'batchSize' | 'dataDir'> = {
  seed: 'seed', limit: 'limit', 'batch-size': 'batchSize', 'data-dir': 'dataDir',
};
const MISTAKES = 'mistakes.png';
/** What --eval-only draws instead of the training run's mistakes.png. */
const EVAL_MISTAKES = 'eval-mistakes.png';
/** Every file a training run writes into --out. */
const OUTPUTS = ['history.json', 'history.svg', 'summary.json', MODEL, CHECKPOINT, MISTAKES];
const TITLE = 'tsnn mnist_mlp on MNIST';

/** Keras's mnist_mlp: Dense(512, relu) → Dropout(0.2) → Dense(512, relu) → Dropout(0.2) → Dense(classes, softmax). */
export function mnistMlp(inFeatures: number, classes: number, rng: Rng): Sequential {
  const model = new Sequential([
    new Dense(512, { activation: 'relu' }),
    new Dropout(0.2),
    new Dense(512, { activation: 'relu' }),
    new Dropout(0.2),
    new Dense(classes, { activation: 'softmax' }),
  ]);
  model.build(inFeatures, rng);
  return model;
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

/** `ops`: the file writer's system calls (a test injects a failing one). */
export async function runMnist(opts: MnistOptions, out: Output, stop: StopSignal = { requested: false }, ops: FileOps = nodeFileOps): Promise<MnistSummary> {
  const t0 = performance.now();
  const outputs = [...OUTPUTS, EVAL_SUMMARY, EVAL_MISTAKES];
  return withBackend(opts, () => withRunFolder(opts, outputs, out, (clearPrevious) => runOnBackend(opts, out, stop, t0, ops, clearPrevious)));
}

async function runOnBackend(opts: MnistOptions, out: Output, stop: StopSignal, t0: number, ops: FileOps, clearPrevious: () => void): Promise<MnistSummary> {
  const checkpointFile = opts.resume ? join(opts.resume, CHECKPOINT) : null;
  const resumed = checkpointFile ? readRunCheckpoint(checkpointFile, 'pnpm example:mnist', (s) => s.example === 'mnist') : null;
  const given = opts.given.map((flag) => ({ flag, key: SETTING_OF[flag], value: opts[SETTING_OF[flag]] }));
  const settings: RunSettings = resumed
    ? resumedSettings<RunSettings>(resumed, checkpointFile!, given, opts.epochs)
    : { example: 'mnist', seed: opts.seed, limit: opts.limit, batchSize: opts.batchSize, dataDir: opts.dataDir, epochs: opts.epochs ?? 20 };

  const { train, test } = loadMnist(settings.dataDir ?? undefined, 'a classifier learns nothing from one');
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new Error(`train images are ${train.rows}×${train.cols} but test images are ${test.rows}×${test.cols}`);
  }
  const features = train.rows * train.cols;
  const classes = Math.max(train.numClasses, test.numClasses);
  const n = settings.limit === null ? train.count : Math.min(settings.limit, train.count);
  // Pixels stay bytes; fit scales each batch by 1/255 as it gathers it.
  const trainData: XY = { x: train.images.subarray(0, n * features), y: train.labels.subarray(0, n), divideBy: 255 };
  const testData: XY = { x: test.images, y: test.labels, divideBy: 255 };

  // One generator for the whole run: weights, then shuffling and dropout.
  const rng = new Rng(settings.seed);
  const model = resumed
    ? modelFrom(resumed.model, checkpointFile!, features, classes, rng)
    : opts.weights
      ? modelFrom(decodeModel(readInput(opts.weights, '--weights'), opts.weights), opts.weights, features, classes, rng)
      : mnistMlp(features, classes, rng);
  const loss = sparseCategoricalCrossentropy;
  out.line(`tsnn ${VERSION} · backend ${backendName()}${threadCount() > 1 ? ` × ${threadCount()} threads` : ''}, ${kernelVariant()} kernels · seed ${settings.seed} · ` +
    `${n} train / ${test.count} test images · ${train.rows}×${train.cols} pixels, ${classes} classes`);
  if (!resumed) out.line(modelSummary(model));

  let state = initialFitState();
  let stopped: MnistSummary['stopped'];
  if (!opts.evalOnly) {
    const optimizer = new RMSprop(model.parameters()); // Keras's defaults: learning rate 0.001, rho 0.9, epsilon 1e-7
    const steps = Math.ceil(n / settings.batchSize);
    if (resumed) {
      optimizer.setState(resumed.optimizer);
      rng.setState(resumed.rng);
      state = resumed.fit;
      out.line(`Resuming from ${checkpointFile}: epoch ${state.epoch}, step ${state.step} done, ${settings.epochs} epochs in all`);
      replayEpochs(out, state, settings.epochs, steps);
    }
    clearPrevious(); // --overwrite: the inputs are good, the old run goes now
    const progress = new EpochProgress(out, settings.epochs);
    const checkpoint = () => ({ path: join(opts.out, CHECKPOINT), data: encodeCheckpoint(model, optimizer.getState(), rng.getState(), state, { settings, tsnn: VERSION }) });
    progress.startEpoch();
    const result = await fitAsync(model, trainData, {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      loss,
      metrics: ['accuracy'],
      optimizer,
      rng,
      validationData: testData,
      state,
      shouldStop: () => stop.requested,
      callbacks: [progress.callback(steps)],
      // Every epoch, so a crash keeps what was learned; all three or none (a full disk changes nothing).
      checkpoint: () => writeFilesAtomic([...historyFiles(opts.out, state.history, state.epochSeconds, TITLE, 'accuracy'), checkpoint()], ops),
    });
    stopped = keepTrainingResult(result.stopped, { command: 'mnist', out: opts.out, output: out, ops, state, steps, checkpoint, model, settings });
  }

  // Keras's model.evaluate(x_test, y_test), then the predictions digit by digit.
  const summaryFile = opts.evalOnly ? EVAL_SUMMARY : 'summary.json';
  const mistakesFile = opts.evalOnly ? EVAL_MISTAKES : MISTAKES;
  const checkStop = finalEvaluationStop(stop, { command: 'mnist', out: opts.out, evalOnly: opts.evalOnly, stopped: stopped !== undefined, unwritten: [summaryFile, mistakesFile] });
  await checkStop();
  const testFig = evaluate(model, testData, { batchSize: 128, loss, metrics: ['accuracy'] });
  await checkStop();
  const probabilities = predict(model, testData, { batchSize: 128 });
  await checkStop();
  const predicted = argmaxRows(probabilities.data, test.count, probabilities.shape[1]);
  const counts = confusionMatrix(test.labels, predicted, classes);
  const grid = mistakeGrid(test.images, test.rows, test.cols, test.labels, predicted);

  out.line('');
  out.line(`Test loss: ${testFig.loss.toFixed(4)}`);
  out.line(`Test accuracy: ${testFig.accuracy.toFixed(4)} (${pct(testFig.accuracy)}; Keras's mnist_mlp reports 98.40%)`);
  out.line('');
  out.line('Confusion matrix on the test digits (rows: true digit, columns: predicted digit):');
  out.line(formatConfusion(counts, classes));
  out.line(`${grid.total} test digits wrong; the first ${grid.shown} are in ${join(opts.out, mistakesFile)} (true label in black, predicted in red)`);

  const result: MnistSummary = {
    ...runSummaryHead(opts, settings, state, 'val_accuracy', (performance.now() - t0) / 1000),
    test: { samples: test.count, loss: testFig.loss, accuracy: testFig.accuracy },
    confusion: Array.from({ length: classes }, (_, t) => [...counts.subarray(t * classes, (t + 1) * classes)]),
    mistakes: grid.total,
    stopped,
  };
  writeFilesAtomic([
    { path: join(opts.out, mistakesFile), data: encodePng(grid.raster.width, grid.raster.height, grid.raster.rgba) },
    { path: join(opts.out, summaryFile), data: JSON.stringify(result, null, 2) + '\n' },
  ], ops);
  const written = opts.evalOnly ? [summaryFile, mistakesFile] : stopped ? [summaryFile, MISTAKES, CHECKPOINT] : OUTPUTS;
  out.line(`Wrote ${written.map((f) => join(opts.out, f)).join(', ')}`);
  return result;
}

/** A Sequential shaped as the file says, with its weights, checked against the data's features and classes. */
function modelFrom(decoded: DecodedModel, file: string, features: number, classes: number, rng: Rng): Sequential {
  const model = fromModelFile(file, () => modelFromConfig(decoded.manifest.config, rng));
  if (!(model instanceof Sequential)) throw new Error(`${file}: a ${model.kind} model, not a classifier of single images (a sequential model)`);
  if (model.inFeatures !== features) throw new Error(`${file}: the model takes ${model.inFeatures} features, the images have ${features}`);
  if (model.outFeatures !== classes) throw new Error(`${file}: the model outputs ${model.outFeatures} values, the data has ${classes} classes`);
  fromModelFile(file, () => loadWeights(model, decoded, file));
  return model;
}

/** The predicted class of each of n rows of k scores: the index of the largest (the first on a tie). */
function argmaxRows(scores: Float32Array, n: number, k: number): Uint8Array {
  const ids = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (scores[r * k + c] > scores[r * k + best]) best = c;
    ids[r] = best;
  }
  return ids;
}
