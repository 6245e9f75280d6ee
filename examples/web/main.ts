/**
 * The page: loads MNIST, hands it to the training worker, and shows what the worker reports — the epoch
 * lines as the CLI prints them, a per-batch progress bar, the curves, a grid of scored test pairs — plus two
 * drawing pads scored by the model, and saving / loading model files. URL parameters preset the controls:
 * ?epochs=N&seed=N&limit=N&threads=N, ?kernels=strict|relaxed picks the wasm kernel variant, and ?memory=unshared runs the wasm kernels over an unshared memory (as a
 * browser that refuses shared memory would). `document.body.dataset.state` says where the page is (loading,
 * ready, training, paused, done, loaded, failed) for people and for the browser test.
 */
import type { EpochLogs } from '../src/progress.js';
import { mnistDigit } from '../src/digit.js';
import type { IdxDataset } from '../src/idx-parse.js';
import { drawCurves } from './chart.js';
import { loadMnistWeb } from './data.js';
import { DrawPad, paintDigit } from './draw.js';
import type { FromWorker, GridPair, RunSettings, TestFigures, ToWorker } from './protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  env: $('env'), dataStatus: $('data-status'), dataProgress: $<HTMLProgressElement>('data-progress'),
  epochs: $<HTMLInputElement>('epochs'), seed: $<HTMLInputElement>('seed'), limit: $<HTMLInputElement>('limit'),
  threads: $<HTMLSelectElement>('threads'), start: $<HTMLButtonElement>('start'), pause: $<HTMLButtonElement>('pause'),
  save: $<HTMLButtonElement>('save'), load: $<HTMLInputElement>('load'), error: $('error'),
  headline: $('headline'), batchProgress: $<HTMLProgressElement>('batch-progress'), batchText: $('batch-text'),
  log: $('log'), final: $('final'), curves: document.getElementById('curves') as unknown as SVGSVGElement,
  grid: $('grid'), gridCaption: $('grid-caption'), score: $('score'),
  previewA: $<HTMLCanvasElement>('preview-a'), previewB: $<HTMLCanvasElement>('preview-b'),
};

type State = 'loading' | 'ready' | 'training' | 'paused' | 'done' | 'loaded' | 'failed';
let state: State = 'loading';
let test: IdxDataset | null = null;
let history: EpochLogs[] = [];
let epochs = 20;
let hasModel = false;
let scoreId = 0;

function setState(s: State): void {
  state = s;
  document.body.dataset.state = s;
  const busy = s === 'training';
  ui.start.disabled = s === 'loading' || s === 'failed' || busy;
  ui.pause.disabled = !(s === 'training' || s === 'paused');
  ui.pause.textContent = s === 'paused' ? 'Resume' : 'Pause';
  ui.save.disabled = !hasModel || s === 'loading';
  ui.load.disabled = s === 'loading' || s === 'failed' || busy;
}

function showError(message: string | null): void {
  ui.error.hidden = message === null;
  ui.error.textContent = message === null ? '' : `error: ${message}`;
}

// Controls from the URL.
const params = new URLSearchParams(location.search);
for (const key of ['epochs', 'seed', 'limit'] as const) {
  const v = params.get(key);
  if (v !== null) ui[key].value = v;
}
const isolated = self.crossOriginIsolated;

function settings(): RunSettings {
  const int = (input: HTMLInputElement, what: string, min: number, max: number): number => {
    const v = Number(input.value);
    if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${what} must be an integer from ${min} to ${max}, got '${input.value}'`);
    return v;
  };
  return {
    epochs: int(ui.epochs, 'epochs', 1, 1000),
    seed: int(ui.seed, 'seed', 0, 2 ** 31 - 1),
    limit: ui.limit.value === '' ? null : int(ui.limit, 'training pairs', 1, 60000),
    threads: Number(ui.threads.value),
  };
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
if (params.get('memory') === 'unshared') send({ type: 'unshared-memory' });
const variant = params.get('kernels');
if (variant === 'strict' || variant === 'relaxed') send({ type: 'kernels', variant });
worker.onerror = (e) => {
  showError(`the training worker failed to start: ${e.message || 'see the console'}`);
  setState('failed');
};

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
const figuresText = (t: TestFigures) =>
  `test pairs, inference mode: binary accuracy ${pct(t.accuracy)} · precision ${pct(t.precision)} · recall ${pct(t.recall)} · loss ${t.loss.toFixed(4)}`;

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'ready':
      ui.env.textContent = `backend: ${m.kernels} · page ${m.isolated ? 'is cross-origin isolated' : 'is not cross-origin isolated, so 1 thread only (threads need COOP/COEP headers)'}` +
        `${m.note ? ` · ${m.note}` : ''}`;
      ui.env.dataset.backend = m.backend;
      ui.env.dataset.threads = String(m.threads);
      if (m.hasData && state === 'loading') setState('ready'); // the worker has the data and its final backend
      break;
    case 'started':
      history = [];
      epochs = m.epochs;
      ui.headline.textContent = m.headline;
      ui.log.textContent = '';
      ui.final.textContent = '';
      drawCurves(ui.curves, history, epochs);
      hasModel = true;
      setState('training');
      break;
    case 'batch': {
      ui.batchProgress.max = m.steps;
      ui.batchProgress.value = m.step;
      ui.batchText.textContent = `Epoch ${m.epoch}/${epochs}  ${m.step}/${m.steps} - ETA: ${m.etaSeconds.toFixed(0)}s - binary_accuracy: ${m.accuracy.toFixed(4)} - loss: ${m.loss.toFixed(4)}`;
      break;
    }
    case 'epoch':
      history.push(m.logs);
      ui.log.textContent += `${m.line}\n`;
      ui.log.scrollTop = ui.log.scrollHeight;
      drawCurves(ui.curves, history, epochs);
      rescore();
      break;
    case 'grid':
      drawGrid(m.pairs, m.kind);
      ui.gridCaption.textContent = `${m.correct} of ${m.total} test pairs right (${pct(m.correct / m.total)}); the first twelve right and wrong ones, with the model's ` +
        (m.kind === 'distance' ? 'distance ("same" when < 0.5)' : 'score, P(same) ("same" when > 0.5)');
      break;
    case 'paused':
      ui.batchText.textContent = m.step > 0 ? `Paused in epoch ${m.epoch + 1}/${epochs} after step ${m.step}/${m.steps}` : `Paused after epoch ${m.epoch}/${epochs}`;
      setState('paused');
      break;
    case 'done':
      ui.final.textContent = `${figuresText(m.test)} · ${m.seconds.toFixed(1)} s in all`;
      setState('done');
      break;
    case 'score':
      if (m.id === scoreId) showScore(m.p, m.kind);
      break;
    case 'saved': {
      const a = document.createElement('a');
      a.href = URL.createObjectURL(new Blob([m.bytes as BlobPart], { type: 'application/octet-stream' }));
      a.download = m.name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      break;
    }
    case 'loaded':
      hasModel = true;
      showError(null);
      history = [];
      drawCurves(ui.curves, history, epochs);
      ui.log.textContent = '';
      ui.batchText.textContent = '';
      ui.batchProgress.value = 0;
      ui.headline.textContent = `Loaded ${m.name}: ${m.description}. Start trains on from these weights (as the CLI's --weights).`;
      ui.final.textContent = figuresText(m.test);
      setState('loaded');
      rescore();
      break;
    case 'error':
      showError(m.message);
      if (state === 'training') setState(hasModel ? 'paused' : 'ready');
      else setState(state); // e.g. a model file that did not load: the page carries on as it was
      break;
  }
};

// Buttons.
ui.start.onclick = () => {
  try {
    showError(null);
    send({ type: 'start', settings: settings() });
  } catch (e) {
    showError((e as Error).message);
  }
};
ui.pause.onclick = () => {
  if (state === 'paused') {
    send({ type: 'resume' });
    setState('training');
  } else {
    send({ type: 'pause' }); // the worker answers 'paused' after the current step
  }
};
ui.save.onclick = () => send({ type: 'save' });
ui.load.onchange = async () => {
  const file = ui.load.files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  ui.load.value = '';
  try {
    send({ type: 'load', name: file.name, bytes, seed: settings().seed }, [bytes.buffer]);
  } catch (e) {
    showError((e as Error).message);
  }
};

// Drawing pads.
const pads = [new DrawPad($<HTMLCanvasElement>('pad-a'), () => rescore()), new DrawPad($<HTMLCanvasElement>('pad-b'), () => rescore())];
const previews = [ui.previewA, ui.previewB];
$('clear-a').onclick = () => (pads[0].clear(), rescore());
$('clear-b').onclick = () => (pads[1].clear(), rescore());

function rescore(): void {
  const digits = pads.map((p) => (p.hasInk ? mnistDigit(p.ink(), p.canvas.width, p.canvas.height) : null));
  digits.forEach((d, i) => paintDigit(previews[i], d ?? new Float32Array(784)));
  scoreId++;
  delete ui.score.dataset.score;
  if (!digits[0] || !digits[1]) {
    ui.score.textContent = 'draw a digit in each box';
    return;
  }
  if (!hasModel) {
    ui.score.textContent = 'train or load a model to score the pair';
    return;
  }
  send({ type: 'score', id: scoreId, a: digits[0], b: digits[1] });
}

function showScore(p: number, kind: 'probability' | 'distance'): void {
  ui.score.dataset.score = String(p);
  const same = kind === 'distance' ? p < 0.5 : p > 0.5;
  ui.score.textContent = kind === 'distance' ? `distance ${p.toFixed(3)} → ${same ? 'same' : 'different'}` : `P(same) = ${p.toFixed(3)} → ${same ? 'same digit' : 'different digits'}`;
}

function drawGrid(pairs: GridPair[], kind: 'probability' | 'distance'): void {
  if (!test) return;
  const img = (i: number) => test!.images.subarray(i * 784, (i + 1) * 784);
  ui.grid.replaceChildren(...pairs.map((q) => {
    const same = kind === 'distance' ? q.p < 0.5 : q.p > 0.5;
    const right = same === (q.y === 1);
    const card = document.createElement('div');
    card.className = `pair ${right ? 'right' : 'wrong'}`;
    for (const i of [q.a, q.b]) {
      const c = document.createElement('canvas');
      c.width = c.height = 28;
      paintDigit(c, img(i), 255);
      card.append(c);
    }
    const label = document.createElement('div');
    label.textContent = `${q.p.toFixed(3)} · ${q.y ? 'same' : 'diff'} ${right ? '✓' : '✗'}`;
    card.append(label);
    return card;
  }));
}

// Threads: offered only where they can work.
if (isolated) {
  const max = Math.min(8, navigator.hardwareConcurrency || 2);
  for (let n = 2; n <= max; n++) ui.threads.append(new Option(String(n), String(n)));
  const t = params.get('threads');
  if (t) ui.threads.value = t;
} else {
  ui.threads.title = 'threads need a cross-origin isolated page (run pnpm example:web without --no-isolation)';
}

// Load MNIST, then hand it to the worker.
setState('loading');
drawCurves(ui.curves, history, epochs);
try {
  const t0 = performance.now();
  const mnist = await loadMnistWeb((done, total) => {
    if (total === 0) return;
    ui.dataProgress.max = total;
    ui.dataProgress.value = done;
    ui.dataStatus.textContent = `Loading MNIST… ${(done / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB (gzip'd)`;
  });
  test = mnist.test;
  send({ type: 'data', train: mnist.train, test: mnist.test });
  ui.dataStatus.textContent = `MNIST: ${mnist.train.count} training and ${mnist.test.count} test digits, ${mnist.train.rows}×${mnist.train.cols}, ` +
    `loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`;
} catch (e) {
  showError((e as Error).message);
  setState('failed');
}
