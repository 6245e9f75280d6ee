/**
 * The training worker: the page's `pnpm example:siamese`, run off the main thread so the page stays
 * responsive. The same recipe and the same seeded generator as the CLI (examples/src/siamese-run.ts):
 * one Rng(seed) makes the training pairs, then the test pairs, then the weights, then drives shuffling and
 * dropout; RMSprop with Keras's defaults, the contrastive loss, batch 128, validation on the test pairs
 * every epoch. Pausing stops fit after the current step; resuming continues from the saved FitState, so a
 * paused run ends exactly where an uninterrupted one does.
 */
import { Rng, VERSION, backendName, kernelVariant, kernels, useBackend } from '@tsnn/tensor';
import { instantiateWasm, loadWasmRuntime, registerBackend } from '@tsnn/tensor/internal';
import {
  BinaryAccuracy, DISTANCE, LOSSES, PROBABILITY, Precision, Recall, contrastiveDistanceLoss, decodeModel, encodeModel, evaluate, fitAsync,
  initialFitState, pairArrays, predict,
  type FitState, type PairData, type Siamese,
} from '@tsnn/layers';
import { stopThreads, threadCount, useThreads } from '@tsnn/tensor/pool.web';
import { RMSprop } from '@tsnn/optimizers';
import type { IdxDataset } from '../src/idx-parse.js';
import { modelFrom, scoreKind, siameseMlp } from '../src/model.js';
import { imagePairData, makePairs, takePairs, type Pairs } from '../src/pairs.js';
import { epochLine } from '../src/progress.js';
import type { FromWorker, GridPair, RunSettings, TestFigures, ToWorker } from './protocol.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  crossOriginIsolated: boolean;
}
const scope = globalThis as unknown as WorkerScope;
const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

const BATCH = 128;
let data: { train: IdxDataset; test: IdxDataset } | null = null;

/** Everything one run holds. */
interface Run {
  settings: RunSettings;
  rng: Rng;
  model: Siamese;
  optimizer: RMSprop | null;
  state: FitState;
  trainData: PairData | null;
  testPairs: Pairs;
  testData: PairData;
  running: boolean;
  pauseRequested: boolean;
  /** A model file loaded from the file picker: Start trains from its weights (as the CLI's --weights). */
  loaded: { name: string; bytes: Uint8Array } | null;
}
let run: Run | null = null;
/** Set when the page asked for the wasm kernels over an unshared memory. */
let unshared = false;

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

function describeKernels(): string {
  const name = backendName();
  if (name !== 'wasm') return `${name} (TypeScript kernels)`;
  const shared = !unshared && loadWasmRuntime(kernelVariant())?.shared;
  const threads = threadCount();
  const variant = kernelVariant() === 'relaxed' ? 'relaxed kernels: fused multiply-add' : 'strict kernels';
  return `wasm (f32x4 SIMD, ${shared ? 'shared memory' : 'unshared memory: arguments copied in and out per call'}` +
    `${threads > 1 ? `, gemm on ${threads} threads` : ', 1 thread'}; ${variant})`;
}

/** What the page asked for by its URL (?memory, ?kernels), repeated in every ready message. */
const askedFor: string[] = [];

function ready(note = askedFor.join(' · ')): void {
  post({ type: 'ready', backend: backendName(), kernels: describeKernels(), threads: threadCount(), isolated: scope.crossOriginIsolated, note, hasData: data !== null });
}

/** Pairs from the seed, as the CLI makes them: training pairs first, then test pairs, from one generator. */
function pairsFor(seed: number, limit: number | null) {
  if (!data) throw new Error('MNIST is not loaded yet');
  const { train, test } = data;
  const numClasses = Math.max(train.numClasses, test.numClasses);
  const rng = new Rng(seed);
  let trainPairs = makePairs(train.labels, numClasses, rng);
  const testPairs = makePairs(test.labels, numClasses, rng);
  if (limit !== null) trainPairs = takePairs(trainPairs, Math.min(limit, trainPairs.y.length));
  return { rng, trainPairs, testPairs };
}

/** What the model's output means decides its loss and decision (a loaded model may have the distance head). */
function lossFor(model: Siamese) {
  const isDistance = scoreKind(model.config()) === 'distance';
  return { loss: isDistance ? contrastiveDistanceLoss : LOSSES.contrastive, decision: isDistance ? DISTANCE : PROBABILITY };
}

function figures(model: Siamese, testData: PairData, seed: number): TestFigures {
  const { loss, decision } = lossFor(model);
  const r = evaluate(model, testData, {
    batchSize: 128, loss, metrics: [new BinaryAccuracy(decision), new Precision(decision), new Recall(decision)],
  });
  return { loss: r.loss, accuracy: r.binary_accuracy, precision: r.precision, recall: r.recall };
}

/** The first 12 test pairs the model gets right and the first 12 it gets wrong, with their scores. */
function postGrid(r: Run): void {
  const kind = scoreKind(r.model.config());
  const p = predict(r.model, r.testData, { batchSize: 128 }).data;
  const right: GridPair[] = [], wrong: GridPair[] = [];
  let correct = 0;
  for (let i = 0; i < p.length; i++) {
    const y = r.testPairs.y[i];
    const same = kind === 'distance' ? p[i] < 0.5 : p[i] > 0.5;
    const ok = same === (y === 1);
    correct += +ok;
    const list = ok ? right : wrong;
    if (list.length < 12) list.push({ a: r.testPairs.a[i], b: r.testPairs.b[i], y, p: p[i] });
  }
  post({ type: 'grid', pairs: [...right, ...wrong], kind, correct, total: p.length });
}

function start(settings: RunSettings): void {
  if (run?.running) throw new Error('a run is in progress: pause it first');
  const loaded = run && !run.optimizer ? run.loaded : null; // a model loaded and not yet trained on
  const { rng, trainPairs, testPairs } = pairsFor(settings.seed, settings.limit);
  const { train, test } = data!;
  const trainData = imagePairData(train, trainPairs);
  const testData = imagePairData(test, testPairs);
  const features = train.rows * train.cols;
  // As the CLI: pairs, then the weights from the generator — fresh, or rebuilt from the loaded file.
  const model = loaded ? modelFrom(decodeModel(loaded.bytes, loaded.name), loaded.name, features, rng) : siameseMlp(features, rng, 'subtract');
  run = {
    settings, rng, model, optimizer: new RMSprop(model.parameters()), state: initialFitState(),
    trainData, testPairs, testData, running: false, pauseRequested: false, loaded: null,
  };
  const mean = (y: Uint8Array) => y.reduce((s, v) => s + v, 0) / y.length;
  const head = scoreKind(model.config()) === 'distance' ? 'Euclidean-distance head' : 'Subtract head';
  post({
    type: 'started', epochs: settings.epochs, steps: Math.ceil(trainData.size / BATCH),
    headline: `tsnn ${VERSION} · backend ${backendName()}${threadCount() > 1 ? ` × ${threadCount()} threads` : ''}, ${kernelVariant()} kernels · seed ${settings.seed} · ` +
      `${head}${loaded ? `, from the weights of ${loaded.name}` : ''} · ${trainData.size} train / ${testData.size} test pairs (${pct(mean(trainPairs.y))} / ${pct(mean(testPairs.y))} same) · ` +
      `${train.rows}×${train.cols} images, ${Math.max(train.numClasses, test.numClasses)} classes`,
  });
  void trainRun(run);
}

async function trainRun(r: Run): Promise<void> {
  if (!r.optimizer || !r.trainData) throw new Error('this model was loaded from a file: start a new run to train');
  r.running = true;
  r.pauseRequested = false;
  const steps = Math.ceil(r.trainData.size / BATCH);
  const t0 = performance.now();
  let lastPost = 0;
  try {
    const result = await fitAsync(r.model, r.trainData, {
      epochs: r.settings.epochs,
      batchSize: BATCH,
      loss: lossFor(r.model).loss,
      metrics: [new BinaryAccuracy(lossFor(r.model).decision)],
      optimizer: r.optimizer,
      rng: r.rng,
      validationData: r.testData,
      state: r.state,
      yieldMs: 100, // messages (pause, a drawn pair to score) are handled between steps at this interval
      shouldStop: () => r.pauseRequested,
      callbacks: [{
        onBatchEnd: (batch, logs) => {
          const step = batch + 1, t = performance.now();
          if (step < steps && t - lastPost < 100) return;
          lastPost = t;
          const elapsed = r.state.seconds;
          post({ type: 'batch', epoch: r.state.epoch + 1, step, steps, loss: logs.loss, accuracy: logs.binary_accuracy, etaSeconds: (elapsed / step) * (steps - step) });
        },
        onEpochEnd: (epoch, logs) => {
          const epochLogs = { ...logs, epoch: epoch + 1, seconds: r.state.epochSeconds[epoch] };
          post({ type: 'epoch', logs: epochLogs, line: epochLine(epochLogs, r.settings.epochs, steps) });
          postGrid(r);
        },
      }],
    });
    r.running = false;
    if (result.stopped) post({ type: 'paused', epoch: r.state.epoch, step: r.state.step, steps });
    else post({ type: 'done', test: figures(r.model, r.testData, r.settings.seed), seconds: (performance.now() - t0) / 1000 });
  } catch (e) {
    r.running = false;
    post({ type: 'error', message: (e as Error).message });
  }
}

function score(id: number, a: Float32Array, b: Float32Array): void {
  if (!run) throw new Error('no model yet: train one or load a .tsnn file');
  const p = predict(run.model, pairArrays(a, b, new Float32Array(1), a.length)).data;
  post({ type: 'score', id, p: p[0], kind: scoreKind(run.model.config()) });
}

function save(): void {
  if (!run) throw new Error('no model to save yet: train one or load a .tsnn file');
  const { epochs, seed, limit } = run.settings;
  // The same metadata as the CLI's model.tsnn.
  const bytes = encodeModel(run.model, { seed, loss: 'contrastive', head: 'subtract', limit, batchSize: BATCH, dataDir: null, epochs, tsnn: VERSION });
  post({ type: 'saved', name: `tsnn-siamese-seed${seed}-epoch${run.state.epoch}.tsnn`, bytes }, [bytes.buffer]);
}

/** A model file from the file picker, with the CLI's checks (--weights): format, checksum, architecture, features. */
function load(name: string, bytes: Uint8Array, seed: number): void {
  if (run?.running) throw new Error('a run is in progress: pause it before loading a model');
  if (!data) throw new Error('MNIST is not loaded yet');
  const { testPairs } = pairsFor(seed, null);
  const rng = new Rng(seed);
  const decoded = decodeModel(bytes, name);
  const model = modelFrom(decoded, name, data.test.rows * data.test.cols, rng);
  const testData = imagePairData(data.test, testPairs);
  const meta = decoded.manifest.meta ?? {};
  run = {
    settings: { epochs: Number(meta.epochs ?? 0), seed, limit: null, threads: threadCount() }, rng, model, optimizer: null,
    state: initialFitState(), trainData: null, testPairs, testData, running: false, pauseRequested: false,
    loaded: { name, bytes },
  };
  const kind = scoreKind(model.config());
  const description = `${model.parameters().length} tensors, ${kind === 'distance' ? 'Euclidean-distance' : 'Subtract'} head` +
    `${meta.tsnn ? `, saved by tsnn ${String(meta.tsnn)}` : ''}${meta.seed !== undefined ? `, trained with seed ${String(meta.seed)}` : ''}`;
  post({ type: 'loaded', name, description, test: figures(model, testData, seed) });
  postGrid(run);
}

scope.onmessage = (e) => {
  const m = e.data;
  void (async () => {
    try {
      switch (m.type) {
        case 'data':
          data = { train: m.train, test: m.test };
          return ready(); // after the kernels and memory the page asked for: the page is ready on this one
        case 'start':
          if (m.settings.threads !== threadCount()) {
            if (unshared && m.settings.threads > 1) throw new Error('threads need the shared memory, and this page asked for an unshared one');
            // The gemm pool on Web Workers (the pool's caller waits with Atomics.wait: fine here, in a worker).
            if (m.settings.threads === 1) await stopThreads();
            else await useThreads(m.settings.threads);
            ready();
          }
          return start(m.settings);
        case 'unshared-memory': {
          const rt = instantiateWasm(false);
          if (!rt) throw new Error('the wasm kernels cannot run over an unshared memory here');
          registerBackend('wasm', () => rt.kernels);
          useBackend('wasm');
          unshared = true;
          askedFor.push('unshared memory asked for (?memory=unshared)');
          return ready();
        }
        case 'kernels':
          useBackend('wasm', { kernels: m.variant });
          askedFor.push(`${m.variant} kernels asked for (?kernels=${m.variant})`);
          return ready();
        case 'pause':
          if (run?.running) run.pauseRequested = true;
          return;
        case 'resume':
          if (run && !run.running) return void trainRun(run);
          return;
        case 'score':
          return score(m.id, m.a, m.b);
        case 'save':
          return save();
        case 'load':
          return load(m.name, m.bytes, m.seed);
      }
    } catch (err) {
      post({ type: 'error', message: (err as Error).message });
    }
  })();
};

// Report what runs here before anything else happens.
useBackend(kernels().name);
ready();
