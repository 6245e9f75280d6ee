/**
 * Few-shot MNIST with a trained Siamese model: each test digit is compared through the network with k
 * labelled support digits per class, drawn from the training set, and takes the class whose supports it
 * matches best on average (k = 1 and 5, several seeded draws, mean ± standard deviation). Everything is
 * embedded once with `model.embed`; pairs are scored with `model.compare` (merge + head only). Also: the
 * accuracy of the 1-nearest neighbour in the embedding space among all training digits.
 * The CLI (fewshot.ts) and the tests both call runFewShot.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, Tensor, VERSION, backendName, kernelVariant } from '@tsnn/tensor';
import { useBackendFromEnv } from '@tsnn/tensor/backend.node';
import { decodeModel, type LayerConfig, type Siamese } from '@tsnn/layers';
import { scoreKind, siameseFromFile, type ScoreKind } from './model.js';
import { SHOTS, type FewShotOptions } from './fewshot-cli.js';
import { embedImages } from './embed.js';
import { accuracy, drawSupport, kShotClassify, meanStd, nearestNeighbour, type PairScore } from './fewshot-lib.js';
import { nodeFileOps, readInput, writeFileAtomic, type FileOps } from './files.js';
import { IdxError, loadMnist, mnistFiles, defaultMnistDir, type IdxDataset } from './idx.js';
import type { Output } from './progress.js';
import { claimRunDir } from './run-dir.js';

export interface ShotFigures {
  k: number;
  /** Accuracy of each draw. */
  draws: number[];
  mean: number;
  /** Sample standard deviation over the draws. */
  std: number;
  seconds: number;
}

export interface FewShotSummary {
  tsnn: string;
  weights: string;
  merge: string;
  score: ScoreKind;
  embedDim: number;
  options: Omit<FewShotOptions, 'out' | 'verbose' | 'overwrite'>;
  backend: string;
  /** 'relaxed' (fused multiply-add) or 'strict' (the same bits on every machine). */
  kernels: string;
  testDigits: number;
  shots: ShotFigures[];
  nearestNeighbour: { accuracy: number; reference: number; seconds: number };
  seconds: number;
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

function loadModel(file: string): { model: Siamese; config: LayerConfig } {
  if (!existsSync(file)) {
    throw new Error(`no model file at ${file}. Train one first: \`pnpm example:siamese\` writes examples/out/siamese/model.tsnn ` +
      '(about a minute), or pass --weights FILE (e.g. examples/out/embedding/model.tsnn from `pnpm example:embedding`)');
  }
  const decoded = decodeModel(readInput(file, '--weights'), file);
  return { model: siameseFromFile(decoded, file, new Rng(0)), config: decoded.manifest.config };
}

/** model.compare over flat rows [rows, dim], checking that it gives one number per pair. */
function compareScore(model: Siamese, dim: number): PairScore {
  return (a, b, rows) => {
    const y = model.compare(new Tensor([rows, dim], a), new Tensor([rows, dim], b));
    if (y.size !== rows) throw new Error(`the model gives ${y.size / rows} outputs per pair; few-shot scoring needs 1`);
    return y.data;
  };
}

/** The first n digits of a dataset (views, no copy). */
function firstDigits(d: IdxDataset, n: number): IdxDataset {
  if (n >= d.count) return d;
  return { ...d, count: n, images: d.images.subarray(0, n * d.rows * d.cols), labels: d.labels.subarray(0, n) };
}

/** `ops`: the file writer's system calls (a test injects a failing one). */
export async function runFewShot(opts: FewShotOptions, out: Output, ops: FileOps = nodeFileOps): Promise<FewShotSummary> {
  const t0 = performance.now();
  useBackendFromEnv(undefined, opts.kernels ?? undefined); // --kernels first, then $TSNN_KERNELS
  const { model, config } = loadModel(opts.weights);
  const dir = claimRunDir(opts.out, {
    flag: '--out', runFiles: ['fewshot.json'], outputs: ['fewshot.json'], mode: 'new', overwrite: opts.overwrite, resumeHint: null,
  }, out.line);
  try {
    return await fewShotRun(opts, out, ops, t0, model, config);
  } finally {
    dir.release();
  }
}

/** Every class needs k support digits among the training digits. */
function checkSupports(train: IdxDataset, classes: number, file: string): void {
  const count = new Array<number>(classes).fill(0);
  for (const c of train.labels) count[c]++;
  const k = Math.max(...SHOTS), c = count.findIndex((n) => n < k);
  if (c >= 0) throw new IdxError(file, `class ${c} has ${count[c]} training digits; ${k}-shot needs ${k} of every class 0..${classes - 1}`);
}

async function fewShotRun(opts: FewShotOptions, out: Output, ops: FileOps, t0: number, model: Siamese, config: LayerConfig): Promise<FewShotSummary> {
  const data = loadMnist(opts.dataDir ?? undefined);
  const train = data.train, test = firstDigits(data.test, opts.limit ?? data.test.count);
  const classes = train.numClasses;
  checkSupports(train, classes, mnistFiles(opts.dataDir ?? defaultMnistDir()).trainLabels);
  const kind = scoreKind(config), merge = String((config.merge as LayerConfig).kind);

  const rng = new Rng(opts.seed);
  const trainE = embedImages(model, train), testE = embedImages(model, test);
  const dim = trainE.dim;
  out.line(`tsnn ${VERSION} · backend ${backendName()}, ${kernelVariant()} kernels · ${opts.weights}: merge ${merge}, ` +
    `output read as a ${kind} (${kind === 'distance' ? 'lowest' : 'highest'} mean wins) · ${dim}-d embedding · ` +
    `${test.count} test digits, supports from ${train.count} training digits · ${opts.draws} draws, seed ${opts.seed}`);

  // k-shot: all k = 1 draws, then all k = 5 draws, from one generator.
  const score = compareScore(model, dim);
  const support = new Float32Array(classes * Math.max(...SHOTS) * dim);
  const shots: ShotFigures[] = SHOTS.map((k) => {
    const t = performance.now();
    const draws: number[] = [];
    for (let d = 0; d < opts.draws; d++) {
      const idx = drawSupport(train.labels, classes, k, rng);
      idx.forEach((i, s) => support.set(trainE.e.subarray(i * dim, (i + 1) * dim), s * dim));
      const pred = kShotClassify(testE.e, support.subarray(0, idx.length * dim), dim, classes, k, score, kind === 'distance' ? 'lower' : 'higher');
      draws.push(accuracy(pred, test.labels));
    }
    return { k, draws, ...meanStd(draws), seconds: (performance.now() - t) / 1000 };
  });

  // 1-nearest neighbour among all training digits, in the embedding space.
  const t1 = performance.now();
  const nn = nearestNeighbour(testE.e, trainE.e, dim);
  const nnAccuracy = accuracy(Array.from(nn, (j) => train.labels[j]), test.labels);
  const nnSeconds = (performance.now() - t1) / 1000;

  out.line('');
  out.line(`${classes}-way classification of ${test.count} test digits (chance ${pct(1 / classes)}):`);
  out.line('  method                                              accuracy');
  for (const s of shots) {
    const what = `${s.k}-shot: mean ${kind} vs ${s.k * classes} supports (${s.k}/class)`;
    out.line(`  ${what.padEnd(50)}  ${pct(s.mean).padStart(6)} ± ${pct(s.std)}  (${opts.draws} draws, ${s.seconds.toFixed(1)} s)`);
  }
  out.line(`  ${`1-NN in the ${dim}-d embedding (${train.count} train)`.padEnd(50)}  ${pct(nnAccuracy).padStart(6)}  (${nnSeconds.toFixed(1)} s)`);

  const { out: _out, verbose: _verbose, overwrite: _overwrite, ...options } = opts;
  const summary: FewShotSummary = {
    tsnn: VERSION,
    weights: opts.weights,
    merge,
    score: kind,
    embedDim: dim,
    options,
    backend: backendName(),
    kernels: kernelVariant(),
    testDigits: test.count,
    shots,
    nearestNeighbour: { accuracy: nnAccuracy, reference: train.count, seconds: nnSeconds },
    seconds: (performance.now() - t0) / 1000,
  };
  writeFileAtomic(join(opts.out, 'fewshot.json'), JSON.stringify(summary, null, 2) + '\n', ops);
  out.line(`Wrote ${join(opts.out, 'fewshot.json')} in ${summary.seconds.toFixed(1)} s`);
  return summary;
}
