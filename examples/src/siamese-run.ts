/**
 * The Keras Siamese MNIST example with tsnn: load MNIST, make pairs, train with RMSprop and the
 * contrastive loss, validate every epoch, report accuracy / precision / recall, write the outputs.
 * The CLI (siamese.ts) and the tests both call runSiamese.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, VERSION, backendName, useBackend } from '@tsnn/tensor';
import { useBackendFromEnv } from '@tsnn/tensor/backend.node';
import { stopThreads, threadCount, useThreads } from '@tsnn/tensor/pool.node';
import {
  BinaryCounts, LOSSES, decodeModel, encodeModel, evaluate, fit, loadWeights, predict, siameseFromConfig, type EpochLogs, type PairData, type Siamese,
} from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';
import type { SiameseOptions } from './cli.js';
import { ensureWritableDir, writeFileAtomic } from './files.js';
import { loadMnist, type IdxDataset } from './idx.js';
import { siameseMlp } from './model.js';
import { imagePairData, makePairs, takePairs } from './pairs.js';
import { historySvg } from './plot.js';
import { EpochProgress, type Output } from './progress.js';

export interface SplitFigures {
  pairs: number;
  loss: number;
  accuracy: number;
  precision: number;
  recall: number;
}

export interface SiameseSummary {
  tsnn: string;
  seed: number;
  options: Omit<SiameseOptions, 'out' | 'verbose'>;
  backend: string;
  epochs: number;
  seconds: number;
  secondsPerEpoch: number | null;
  finalValAccuracy: number | null;
  bestValAccuracy: number | null;
  train: SplitFigures | null;
  test: SplitFigures;
  /** The reference's compute_accuracy, mean(labels[predictions > 0.5]), on the test pairs: a precision. */
  referenceAccuracy: number;
}

function figures(model: Siamese, data: PairData, opts: SiameseOptions, rng: Rng): SplitFigures {
  const { loss, counts } = evaluate(model, data, { batchSize: 1024, loss: LOSSES[opts.loss], rng });
  return { pairs: data.size, loss, accuracy: counts.accuracy, precision: counts.precision, recall: counts.recall };
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

export async function runSiamese(opts: SiameseOptions, out: Output): Promise<SiameseSummary> {
  const t0 = performance.now();
  if (opts.backend) useBackend(opts.backend);
  else useBackendFromEnv();
  await useThreads(opts.threads); // a TsnnError for more than 1 thread on the js backend
  try {
    return runOnBackend(opts, out, t0);
  } finally {
    await stopThreads();
  }
}

function runOnBackend(opts: SiameseOptions, out: Output, t0: number): SiameseSummary {
  ensureWritableDir(opts.out);

  const { train, test } = loadMnist(opts.dataDir ?? undefined);
  const numClasses = Math.max(train.numClasses, test.numClasses);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new Error(`train images are ${train.rows}×${train.cols} but test images are ${test.rows}×${test.cols}`);
  }
  const rng = new Rng(opts.seed);
  let trainPairs = makePairs(train.labels, numClasses, rng);
  const testPairs = makePairs(test.labels, numClasses, rng);
  if (opts.limit !== null) trainPairs = takePairs(trainPairs, Math.min(opts.limit, trainPairs.y.length));
  const trainData = imagePairData(train, trainPairs);
  const testData = imagePairData(test, testPairs);
  const features = train.rows * train.cols;

  let model: Siamese;
  if (opts.weights) {
    const decoded = decodeModel(readFileSync(opts.weights), opts.weights);
    model = siameseFromConfig(decoded.manifest.config, rng);
    if (model.inFeatures !== features) throw new Error(`${opts.weights}: the model takes ${model.inFeatures} features, the data has ${features}`);
    loadWeights(model, decoded, opts.weights);
  } else {
    model = siameseMlp(features, rng);
  }
  out.line(`tsnn ${VERSION} · backend ${backendName()}${threadCount() > 1 ? ` × ${threadCount()} threads` : ''} · seed ${opts.seed} · ${trainData.size} train / ${testData.size} test pairs ` +
    `(${pct(mean(trainPairs.y))} / ${pct(mean(testPairs.y))} same) · ${describe(train)}`);

  const history: EpochLogs[] = [];
  if (!opts.evalOnly) {
    const optimizer = new RMSprop(model.parameters());
    const steps = Math.ceil(trainData.size / opts.batchSize);
    const progress = new EpochProgress(out, opts.epochs);
    let epoch = 1;
    progress.startEpoch();
    fit(model, trainData, {
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      loss: LOSSES[opts.loss],
      optimizer,
      rng,
      validation: testData,
      onBatchEnd: (step, total, logs) => progress.batch(epoch, step, total, logs),
      onEpochEnd: (logs) => {
        progress.endEpoch(logs, steps);
        history.push(logs);
        writeHistory(opts.out, history); // after every epoch, so a crash keeps what was learned
        epoch = logs.epoch + 1;
        progress.startEpoch();
      },
    });
    writeFileAtomic(join(opts.out, 'model.tsnn'), encodeModel(model, { seed: opts.seed, epochs: opts.epochs, loss: opts.loss, tsnn: VERSION }));
  }

  const evalRng = new Rng(opts.seed);
  const trainFig = opts.evalOnly ? null : figures(model, trainData, opts, evalRng);
  const testFig = figures(model, testData, opts, evalRng);
  const { p, y } = predict(model, testData, { batchSize: 1024, rng: evalRng });
  const referenceAccuracy = new BinaryCounts().add(p, y).precision;

  out.line('');
  out.line('Final figures, inference mode, threshold 0.5 (pairs predicted "same" when the output is > 0.5):');
  out.line('                 accuracy  precision     recall');
  if (trainFig) out.line(`  train pairs   ${row(trainFig)}`);
  out.line(`  test pairs    ${row(testFig)}`);
  out.line(`The reference's printed "accuracy", mean(labels[predictions > 0.5]), is the precision: ${pct(referenceAccuracy)} on the test pairs here, ` +
    `where the binary accuracy is ${pct(testFig.accuracy)}.`);

  const seconds = (performance.now() - t0) / 1000;
  const vals = history.map((h) => h.val_binary_accuracy!);
  const { out: _out, verbose: _verbose, ...optionsForSummary } = opts;
  const summary: SiameseSummary = {
    tsnn: VERSION,
    seed: opts.seed,
    options: optionsForSummary,
    backend: backendName(),
    epochs: history.length,
    seconds,
    secondsPerEpoch: history.length ? history.reduce((s, h) => s + h.seconds, 0) / history.length : null,
    finalValAccuracy: vals.length ? vals[vals.length - 1] : null,
    bestValAccuracy: vals.length ? Math.max(...vals) : null,
    train: trainFig,
    test: testFig,
    referenceAccuracy,
  };
  writeFileAtomic(join(opts.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  if (!opts.evalOnly) out.line(`Wrote ${['history.json', 'history.svg', 'summary.json', 'model.tsnn'].map((f) => join(opts.out, f)).join(', ')}`);
  return summary;
}

function row(f: SplitFigures): string {
  return [f.accuracy, f.precision, f.recall].map((v) => pct(v).padStart(9)).join('  ');
}

function mean(y: Uint8Array): number {
  let s = 0;
  for (const v of y) s += v;
  return s / y.length;
}

function describe(d: IdxDataset): string {
  return `${d.rows}×${d.cols} images, ${d.numClasses} classes`;
}

function writeHistory(dir: string, history: EpochLogs[]): void {
  const h = {
    loss: history.map((e) => e.loss),
    binary_accuracy: history.map((e) => e.binary_accuracy),
    val_loss: history.map((e) => e.val_loss ?? NaN),
    val_binary_accuracy: history.map((e) => e.val_binary_accuracy ?? NaN),
    seconds: history.map((e) => e.seconds),
  };
  writeFileAtomic(join(dir, 'history.json'), JSON.stringify(h, null, 2) + '\n');
  writeFileAtomic(join(dir, 'history.svg'), historySvg(h, { title: 'tsnn Siamese MLP on MNIST pairs' }));
}
