/**
 * The Keras Siamese MNIST example with tsnn: load MNIST, make pairs, train with RMSprop and the
 * contrastive loss, validate every epoch, report accuracy / precision / recall, write the outputs.
 * The CLI (siamese.ts) and the tests both call runSiamese.
 */
import { join } from 'node:path';
import { Rng, VERSION, backendName, kernelVariant } from '@tsnn/tensor';
import { threadCount } from '@tsnn/tensor/pool.node';
import {
  BinaryAccuracy, DISTANCE, LOSSES, PROBABILITY, Precision, Recall, contrastiveDistanceLoss, decodeModel, encodeCheckpoint,
  evaluate, fitAsync, initialFitState,
  type Decision, type LossFn, type PairData, type Siamese,
} from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';
import type { SettingFlag, SiameseOptions } from './cli.js';
import { historyFiles, nodeFileOps, readInput, writeFilesAtomic, type FileOps } from './files.js';
import { loadMnist, type IdxDataset } from './idx.js';
import { modelFrom, scoreKind, siameseMlp } from './model.js';
import { imagePairData, makePairs, takePairs } from './pairs.js';
import { EpochProgress, type Output } from './progress.js';
import {
  CHECKPOINT, EVAL_SUMMARY, MODEL, finalEvaluationStop, readRunCheckpoint, replayEpochs, resumedSettings, runSummaryHead, keepTrainingResult, withBackend, withRunFolder,
  type RunSummaryHead, type StopSignal,
} from './run-common.js';

export type { StopSignal } from './run-common.js';

export interface SplitFigures {
  pairs: number;
  loss: number;
  accuracy: number;
  precision: number;
  recall: number;
}

export interface SiameseSummary extends RunSummaryHead<Omit<SiameseOptions, 'out' | 'verbose' | 'epochs' | 'given' | 'overwrite'> & { epochs: number }> {
  train: SplitFigures | null;
  test: SplitFigures;
  /** The reference's compute_accuracy, mean(labels[predictions > 0.5]), on the test pairs: a precision. */
  referenceAccuracy: number;
}

/** The settings a checkpoint pins: a resumed run takes them from the file. */
type RunSettings = Pick<SiameseOptions, 'seed' | 'loss' | 'head' | 'limit' | 'batchSize' | 'dataDir'> & { epochs: number };

const SETTING_OF: Record<SettingFlag, keyof Omit<RunSettings, 'epochs'>> = {
  seed: 'seed', loss: 'loss', head: 'head', limit: 'limit', 'batch-size': 'batchSize', 'data-dir': 'dataDir',
};
/** Every file a training run writes into --out (--eval-only writes eval-summary.json only). */
const OUTPUTS = ['history.json', 'history.svg', 'summary.json', MODEL, CHECKPOINT];

function figures(model: Siamese, data: PairData, loss: LossFn, decision: Decision): SplitFigures {
  const metrics = [new BinaryAccuracy(decision), new Precision(decision), new Recall(decision)];
  // Batches of 128, as in training: a batch of 1024 made the inference workspace (inputs and their nonzero
  // lists) grow the wasm memory past 16 MiB, +22 MB of peak RSS, for the same figures.
  const r = evaluate(model, data, { batchSize: 128, loss, metrics });
  return { pairs: data.size, loss: r.loss, accuracy: r.binary_accuracy, precision: r.precision, recall: r.recall };
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

/** `ops`: the file writer's system calls (a test injects a failing one). */
export async function runSiamese(opts: SiameseOptions, out: Output, stop: StopSignal = { requested: false }, ops: FileOps = nodeFileOps): Promise<SiameseSummary> {
  const t0 = performance.now();
  return withBackend(opts, () => withRunFolder(opts, [...OUTPUTS, EVAL_SUMMARY], out, (clearPrevious) => runOnBackend(opts, out, stop, t0, ops, clearPrevious)));
}

async function runOnBackend(opts: SiameseOptions, out: Output, stop: StopSignal, t0: number, ops: FileOps, clearPrevious: () => void): Promise<SiameseSummary> {
  const checkpointFile = opts.resume ? join(opts.resume, CHECKPOINT) : null;
  const resumed = checkpointFile ? readRunCheckpoint(checkpointFile, 'pnpm example:siamese', (s) => 'head' in s) : null;
  const given = opts.given.map((flag) => ({ flag, key: SETTING_OF[flag], value: opts[SETTING_OF[flag]] }));
  const settings: RunSettings = resumed
    ? resumedSettings<RunSettings>(resumed, checkpointFile!, given, opts.epochs)
    : { seed: opts.seed, loss: opts.loss, head: opts.head, limit: opts.limit, batchSize: opts.batchSize, dataDir: opts.dataDir, epochs: opts.epochs ?? 20 };

  const { train, test } = loadMnist(settings.dataDir ?? undefined);
  const numClasses = Math.max(train.numClasses, test.numClasses);
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new Error(`train images are ${train.rows}×${train.cols} but test images are ${test.rows}×${test.cols}`);
  }
  // One generator for the whole run: pairs, then weights, then shuffling and dropout.
  const rng = new Rng(settings.seed);
  let trainPairs = makePairs(train.labels, numClasses, rng);
  const testPairs = makePairs(test.labels, numClasses, rng);
  if (settings.limit !== null) trainPairs = takePairs(trainPairs, Math.min(settings.limit, trainPairs.y.length));
  const trainData = imagePairData(train, trainPairs);
  const testData = imagePairData(test, testPairs);
  const features = train.rows * train.cols;

  let model: Siamese;
  let meta: Record<string, unknown> = {};
  if (resumed) {
    model = modelFrom(resumed.model, checkpointFile!, features, rng);
  } else if (opts.weights) {
    const decoded = decodeModel(readInput(opts.weights, '--weights'), opts.weights);
    model = modelFrom(decoded, opts.weights, features, rng);
    meta = decoded.manifest.meta ?? {};
  } else {
    model = siameseMlp(features, rng, settings.head);
  }
  // What the output means, and so the loss, follows the model (not the flags: --weights brings its own).
  const isDistance = scoreKind(model.config()) === 'distance';
  const decision = isDistance ? DISTANCE : PROBABILITY;
  const loss = isDistance ? contrastiveDistanceLoss : LOSSES[opts.evalOnly && meta.loss === 'bce' ? 'bce' : settings.loss];
  out.line(`tsnn ${VERSION} · backend ${backendName()}${threadCount() > 1 ? ` × ${threadCount()} threads` : ''}, ${kernelVariant()} kernels · seed ${settings.seed} · ` +
    `${isDistance ? 'Euclidean-distance' : 'Subtract'} head · ${trainData.size} train / ${testData.size} test pairs ` +
    `(${pct(mean(trainPairs.y))} / ${pct(mean(testPairs.y))} same) · ${describe(train)}`);

  let state = initialFitState();
  let stopped: SiameseSummary['stopped'];
  if (!opts.evalOnly) {
    const optimizer = new RMSprop(model.parameters());
    if (resumed) {
      optimizer.setState(resumed.optimizer);
      rng.setState(resumed.rng);
      state = resumed.fit;
      out.line(`Resuming from ${checkpointFile}: epoch ${state.epoch}, step ${state.step} done, ${settings.epochs} epochs in all`);
      replayEpochs(out, state, settings.epochs, Math.ceil(trainData.size / settings.batchSize));
    }
    const steps = Math.ceil(trainData.size / settings.batchSize);
    clearPrevious(); // --overwrite: the inputs are good, the old run goes now
    const progress = new EpochProgress(out, settings.epochs);
    const checkpoint = () => ({ path: join(opts.out, CHECKPOINT), data: encodeCheckpoint(model, optimizer.getState(), rng.getState(), state, { settings, tsnn: VERSION }) });
    progress.startEpoch();
    const result = await fitAsync(model, trainData, {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      loss,
      metrics: [new BinaryAccuracy(decision)],
      optimizer,
      rng,
      validationData: testData,
      state,
      shouldStop: () => stop.requested,
      callbacks: [progress.callback(steps)],
      // Every epoch, so a crash keeps what was learned; all three or none (a full disk changes nothing).
      checkpoint: () => writeFilesAtomic([...historyFiles(opts.out, state.history, state.epochSeconds, 'tsnn Siamese MLP on MNIST pairs'), checkpoint()], ops),
    });
    stopped = keepTrainingResult(result.stopped, { command: 'siamese', out: opts.out, output: out, ops, state, steps, checkpoint, model, settings });
  }

  const summaryFile = opts.evalOnly ? EVAL_SUMMARY : 'summary.json';
  const checkStop = finalEvaluationStop(stop, { command: 'siamese', out: opts.out, evalOnly: opts.evalOnly, stopped: stopped !== undefined, unwritten: [summaryFile] });
  await checkStop();
  const trainFig = opts.evalOnly || stopped ? null : figures(model, trainData, loss, decision);
  await checkStop();
  const testFig = figures(model, testData, loss, decision);
  await checkStop();
  // The reference's compute_accuracy, mean(labels[predictions > 0.5]), is exactly the test precision.
  const referenceAccuracy = testFig.precision;

  out.line('');
  out.line(isDistance
    ? 'Final figures, inference mode (pairs predicted "same" when the distance is < 0.5):'
    : 'Final figures, inference mode, threshold 0.5 (pairs predicted "same" when the output is > 0.5):');
  out.line('                 accuracy  precision     recall');
  if (trainFig) out.line(`  train pairs   ${row(trainFig)}`);
  out.line(`  test pairs    ${row(testFig)}`);
  out.line(`The reference's printed "accuracy", mean(labels[predictions ${isDistance ? '< 0.5' : '> 0.5'}]), is the precision: ${pct(referenceAccuracy)} on the test pairs here, ` +
    `where the binary accuracy is ${pct(testFig.accuracy)}.`);

  const seconds = (performance.now() - t0) / 1000;
  const summary: SiameseSummary = {
    ...runSummaryHead(opts, settings, state, 'val_binary_accuracy', seconds),
    train: trainFig,
    test: testFig,
    referenceAccuracy,
    stopped,
  };
  writeFilesAtomic([{ path: join(opts.out, summaryFile), data: JSON.stringify(summary, null, 2) + '\n' }], ops);
  if (opts.evalOnly) out.line(`Wrote ${join(opts.out, EVAL_SUMMARY)}`);
  else if (!stopped) out.line(`Wrote ${OUTPUTS.map((f) => join(opts.out, f)).join(', ')}`);
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
