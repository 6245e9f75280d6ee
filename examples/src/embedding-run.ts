/**
 * DrLIM on MNIST (Hadsell, Chopra & LeCun 2006, "Dimensionality Reduction by Learning an Invariant
 * Mapping"): a weight-shared MLP with a 2-unit linear output, trained on pairs with the contrastive loss
 * on the Euclidean distance (same digit ⇒ pulled together, different ⇒ pushed beyond margin 1). The
 * learnt map puts each digit in the plane; the picture is the test set there, and its figure is the
 * accuracy of the nearest class centroid (centroids = mean position of each digit's training images).
 * The CLI (embedding.ts) and the tests both call runEmbedding.
 */
import { join } from 'node:path';
import { Rng, VERSION, backendName, kernelVariant } from '@tsnn/tensor';
import { useBackendFromEnv } from '@tsnn/tensor/backend.node';
import {
  BinaryAccuracy, DISTANCE, EuclideanDistance, Sequential, Siamese, contrastiveDistanceLoss, encodeModel, evaluate, fit,
} from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';
import type { EmbeddingOptions } from './embedding-cli.js';
import { embedImages } from './embed.js';
import { accuracy, classCentroids, nearestCentroid } from './fewshot-lib.js';
import { historyFiles, nodeFileOps, writeFilesAtomic, type FileOps } from './files.js';
import { loadMnist } from './idx.js';
import { mlpBase } from './model.js';
import { imagePairData, makePairs, takePairs } from './pairs.js';
import { encodePng } from './png.js';
import { EpochProgress, type Output } from './progress.js';
import { claimRunDir } from './run-dir.js';
import { scatterRaster, scatterSvg } from './scatter.js';

export const EMBEDDING_BATCH_SIZE = 128;

/**
 *   base:  Dense(128, relu) → Dropout(0.1) → Dense(128, relu) → Dropout(0.1) → Dense(2)   (one instance, two inputs)
 *   merge: EuclideanDistance;  head: none — the output is the distance between the two points.
 */
export function drlimMlp(inFeatures: number, rng: Rng): Siamese {
  const model = new Siamese({ base: mlpBase(2, 'linear'), merge: new EuclideanDistance(), head: new Sequential([]) });
  model.build(inFeatures, rng);
  return model;
}

export interface EmbeddingSummary {
  tsnn: string;
  options: Omit<EmbeddingOptions, 'out' | 'verbose' | 'overwrite'>;
  backend: string;
  /** 'relaxed' (fused multiply-add) or 'strict' (the same bits on every machine). */
  kernels: string;
  epochs: number;
  seconds: number;
  secondsPerEpoch: number;
  /** Nearest-class-centroid accuracy in the plane, on the 10,000 test digits (centroids from training digits). */
  centroidAccuracy: number;
  /** The same classifier on the training digits. */
  trainCentroidAccuracy: number;
  /** Pair accuracy on the test pairs, "same" when the distance is < 0.5. */
  testPairAccuracy: number;
  testPairLoss: number;
  /** The class centroids in the plane: [classes][2]. */
  centroids: number[][];
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

/** Every file a run writes into --out (all at the end, together: a failed run changes none of them). */
const OUTPUTS = ['embedding.svg', 'embedding.png', 'history.json', 'history.svg', 'summary.json', 'model.tsnn'];

/** `ops`: the file writer's system calls (a test injects a failing one). */
export async function runEmbedding(opts: EmbeddingOptions, out: Output, ops: FileOps = nodeFileOps): Promise<EmbeddingSummary> {
  const t0 = performance.now();
  useBackendFromEnv(undefined, opts.kernels ?? undefined); // --kernels first, then $TSNN_KERNELS
  const dir = claimRunDir(opts.out, {
    flag: '--out', runFiles: ['model.tsnn', 'summary.json'], outputs: OUTPUTS, mode: 'new', overwrite: opts.overwrite, resumeHint: null,
  }, out.line);
  try {
    // --overwrite needs no clearing: every output is replaced at the end, in one group.
    return await embeddingRun(opts, out, ops, t0);
  } finally {
    dir.release();
  }
}

async function embeddingRun(opts: EmbeddingOptions, out: Output, ops: FileOps, t0: number): Promise<EmbeddingSummary> {
  const { train, test } = loadMnist(opts.dataDir ?? undefined);
  const classes = Math.max(train.numClasses, test.numClasses);
  if (train.rows * train.cols !== test.rows * test.cols) throw new Error(`train images are ${train.rows}×${train.cols} but test images are ${test.rows}×${test.cols}`);
  const rng = new Rng(opts.seed);
  let trainPairs = makePairs(train.labels, classes, rng);
  const testPairs = makePairs(test.labels, classes, rng);
  if (opts.limit !== null) trainPairs = takePairs(trainPairs, Math.min(opts.limit, trainPairs.y.length));
  const trainData = imagePairData(train, trainPairs), testData = imagePairData(test, testPairs);
  const model = drlimMlp(train.rows * train.cols, rng);
  out.line(`tsnn ${VERSION} · backend ${backendName()}, ${kernelVariant()} kernels · seed ${opts.seed} · DrLIM: ${train.rows * train.cols} → 128 → 128 → 2, Euclidean distance, ` +
    `contrastive loss (margin 1) · ${trainData.size} train / ${testData.size} test pairs · ${classes} classes`);

  // Train; "same" in the accuracies means distance < 0.5.
  const steps = Math.ceil(trainData.size / EMBEDDING_BATCH_SIZE);
  const progress = new EpochProgress(out, opts.epochs);
  progress.startEpoch();
  const { history, state } = fit(model, trainData, {
    epochs: opts.epochs,
    batchSize: EMBEDDING_BATCH_SIZE,
    loss: contrastiveDistanceLoss,
    metrics: [new BinaryAccuracy(DISTANCE)],
    optimizer: new RMSprop(model.parameters()),
    rng,
    validationData: testData,
    callbacks: [progress.callback(steps)],
  });
  const epochSeconds = state.epochSeconds;
  const trainSeconds = (performance.now() - t0) / 1000;
  const modelFile = { path: join(opts.out, 'model.tsnn'), data: encodeModel(model, { seed: opts.seed, epochs: opts.epochs, loss: 'contrastive-distance', tsnn: VERSION }) };

  // Every digit into the plane; centroids from the training digits, classified: the test digits.
  const testPair = evaluate(model, testData, { batchSize: 128, loss: contrastiveDistanceLoss, metrics: [new BinaryAccuracy(DISTANCE)] });
  const trainE = embedImages(model, train).e, testE = embedImages(model, test).e;
  const centroids = classCentroids(trainE, 2, train.labels, classes);
  const centroidAccuracy = accuracy(nearestCentroid(testE, 2, centroids), test.labels);
  const trainCentroidAccuracy = accuracy(nearestCentroid(trainE, 2, centroids), train.labels);

  const title = `DrLIM: MNIST test digits in 2-D · nearest-centroid accuracy ${pct(centroidAccuracy)}`;
  const svg = scatterSvg(testE, test.labels, {
    title, legendTitle: 'digit', centroids, xLabel: 'embedding dimension 1', yLabel: 'embedding dimension 2',
  });
  const img = scatterRaster(testE, test.labels, { centroids });

  out.line('');
  out.line(`Test pairs: loss ${testPair.loss.toFixed(4)}, accuracy ${pct(testPair.binary_accuracy)} ("same" when the distance is < 0.5)`);
  out.line(`Nearest class centroid in the plane (centroids from the ${train.count} training digits): ` +
    `${pct(centroidAccuracy)} on the ${test.count} test digits, ${pct(trainCentroidAccuracy)} on the training digits`);

  const seconds = (performance.now() - t0) / 1000;
  const { out: _out, verbose: _verbose, overwrite: _overwrite, ...options } = opts;
  const summary: EmbeddingSummary = {
    tsnn: VERSION,
    options,
    backend: backendName(),
    kernels: kernelVariant(),
    epochs: epochSeconds.length,
    seconds,
    secondsPerEpoch: epochSeconds.reduce((s, e) => s + e, 0) / epochSeconds.length,
    centroidAccuracy,
    trainCentroidAccuracy,
    testPairAccuracy: testPair.binary_accuracy,
    testPairLoss: testPair.loss,
    centroids: Array.from({ length: classes }, (_, c) => [centroids[2 * c], centroids[2 * c + 1]]),
  };
  writeFilesAtomic([
    { path: join(opts.out, 'embedding.svg'), data: svg },
    { path: join(opts.out, 'embedding.png'), data: encodePng(img.width, img.height, img.rgba) },
    ...historyFiles(opts.out, history, epochSeconds, 'DrLIM on MNIST pairs (accuracy: "same" when distance < 0.5)'),
    { path: join(opts.out, 'summary.json'), data: JSON.stringify(summary, null, 2) + '\n' },
    modelFile,
  ], ops);
  out.line(`Wrote ${OUTPUTS.map((f) => join(opts.out, f)).join(', ')} ` +
    `in ${seconds.toFixed(1)} s (training ${trainSeconds.toFixed(1)} s)`);
  return summary;
}
