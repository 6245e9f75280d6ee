/**
 * fit for any model and data, shaped like Keras's: epochs of shuffled batches (every sample once per
 * epoch, ceil(n / batchSize) steps, the last one partial), the loss and metrics per epoch, validation in
 * inference mode after each epoch, callbacks, a Keras-keyed history. Same seed ⇒ bit-identical run; after
 * the first step a step allocates no new buffers (a Workspace). A run can stop after any step (shouldStop)
 * and continue from its FitState exactly as if it had not stopped.
 */
import { Rng, TsnnError, Workspace } from '@tsnn/tensor';
import { zeroGrads } from '../models/params.js';
import type { Model } from '../models/model.js';
import { nextTask, nowMs } from '../platform.js';
import { StuckWatch } from './stuck.js';
import type { LossFn } from '../losses/loss.js';
import { toMetrics, type Metric, type MetricName } from '../losses/metric.js';
import { Batches, checkPositiveInt, identityOrder, modelAndData } from './batches.js';
import type { Awaitable, Callback, Logs, Stepper, TrainingRun } from './callback.js';
import { subset, type Data, type DataInput } from './data.js';
import { evaluateWith } from './evaluate.js';
import { initialFitState, type FitState, type History } from './state.js';

export interface FitOptions {
  epochs: number;
  /** Default 32, as Keras. */
  batchSize?: number;
  loss: LossFn;
  optimizer: Stepper;
  /** The run's one generator: shuffling and dropout. */
  rng: Rng;
  /** Keras names ('accuracy', 'binary_accuracy', 'precision', 'recall', 'mae') or Metric objects. */
  metrics?: (MetricName | Metric)[];
  /** Evaluated after every epoch, in inference mode: the `val_…` keys. */
  validationData?: DataInput;
  /** Or: hold out this last fraction of the data (taken before any shuffling), as Keras's validation_split. */
  validationSplit?: number;
  /** Default: batchSize. */
  validationBatchSize?: number;
  /** Shuffle the training samples each epoch (Keras's default). */
  shuffle?: boolean;
  callbacks?: Callback[];
  /**
   * Where training stands. Pass the state of an interrupted run (with the model's weights, the optimizer's
   * and the generator's state restored) to continue it exactly; fit keeps it up to date. Default: a fresh start.
   */
  state?: FitState;
  /** Checked after every step; when it returns true, fit returns after that step (state says where). */
  shouldStop?: () => boolean;
  /** Called at the end of every epoch, after the callbacks, with the state at that clean resume point. */
  checkpoint?: (state: FitState) => Awaitable;
}

export interface FitResult {
  /** Keras's History.history: `loss`, the metrics, `val_…`, and keys callbacks add. */
  history: History;
  /** True when shouldStop interrupted training (continue it from `state`). */
  stopped: boolean;
  state: FitState;
}

const OPTIONS = ['epochs', 'batchSize', 'loss', 'optimizer', 'rng', 'metrics', 'validationData', 'validationSplit', 'validationBatchSize',
  'shuffle', 'callbacks', 'state', 'shouldStop', 'checkpoint', 'yieldMs'];

/** Train a model on data, Keras-style. */
export function fit(model: Model, data: DataInput, opts: FitOptions): FitResult {
  const steps = fitSteps(model, data, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (r.value) {
      r.value.catch(() => {}); // reported below, not as an unhandled rejection
      throw new TsnnError('fit: a callback returned a Promise; use fitAsync to wait for it');
    }
  }
}

/**
 * fit, but it hands control back to the event loop every `yieldMs` milliseconds (between two steps), so
 * timers, I/O and signal handlers (a Ctrl-C that sets shouldStop) run during training; it waits for the
 * Promises callbacks return.
 */
export async function fitAsync(model: Model, data: DataInput, opts: FitOptions & { yieldMs?: number }): Promise<FitResult> {
  const steps = fitSteps(model, data, opts);
  const yieldMs = opts.yieldMs ?? 50;
  let last = nowMs();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (r.value) {
      await r.value;
      last = nowMs();
    } else if (nowMs() - last >= yieldMs) {
      await nextTask();
      last = nowMs();
    }
  }
}

type Steps = Generator<Promise<void> | undefined, FitResult, void>;

/** Yields a hook's Promise (for fitAsync to wait on), or nothing. */
function* settle(r: Awaitable | unknown): Generator<Promise<void> | undefined, void, void> {
  if (r && typeof (r as Promise<void>).then === 'function') yield Promise.resolve(r as Promise<void>);
}

/** The training loop, one step per `next()`. */
function* fitSteps(modelIn: Model, dataIn: DataInput, opts: FitOptions): Steps {
  if (!opts || typeof opts !== 'object') throw new TsnnError('fit: expected options { epochs, loss, optimizer, rng, … } as the third argument');
  for (const k of Object.keys(opts)) if (!OPTIONS.includes(k)) throw new TsnnError(`fit: unknown option '${k}' (expected ${OPTIONS.join(', ')})`);
  const { epochs, batchSize = 32, loss, optimizer, rng, shuffle = true } = opts;
  checkPositiveInt('fit', 'epochs', epochs);
  checkPositiveInt('fit', 'batchSize', batchSize);
  if (typeof loss !== 'function') throw new TsnnError('fit: options.loss must be a loss function (e.g. contrastiveLoss)');
  if (!optimizer || typeof optimizer.step !== 'function') throw new TsnnError('fit: options.optimizer must have a step() method (an optimizer from @tsnn/optimizers)');
  if (!(rng instanceof Rng)) throw new TsnnError('fit: options.rng must be a generator (new Rng(seed)): training draws the shuffles and dropout masks from it');
  const { model, data: all } = modelAndData('fit', modelIn, dataIn);
  if (all.targetWidth === 0) throw new TsnnError('fit: the data has no labels (y)');
  const { data, validation } = splitValidation(model, all, opts);
  const valBatch = opts.validationBatchSize ?? batchSize;
  checkPositiveInt('fit', 'validationBatchSize', valBatch);
  const metrics = toMetrics('fit', opts.metrics);
  const callbacks = checkCallbacks(opts.callbacks);
  const state = opts.state ?? initialFitState();
  if (state.order && state.order.length !== data.size) {
    throw new TsnnError(`fit: the saved state orders ${state.order.length} samples, the data has ${data.size}`);
  }
  const params = model.parameters();
  const ws = new Workspace();
  const batches = new Batches('fit', ws, data);
  const stuck = new StuckWatch(model);
  const steps = Math.ceil(data.size / batchSize);
  if (state.step >= steps && state.step > 0) {
    throw new TsnnError(`fit: the saved state is after step ${state.step} of an epoch, but an epoch of ${data.size} samples in batches of ${batchSize} has ${steps} steps`);
  }
  const run: TrainingRun = { model, optimizer, metrics, epochs, steps, state, stopTraining: state.stopTraining };
  const batchHooks = callbacks.filter((c) => c.onBatchEnd);

  for (const cb of callbacks) cb.setRun?.(run);
  for (const cb of callbacks) yield* settle(cb.onTrainBegin?.({}));
  restoreCallbacks(callbacks, state);
  let interrupted = false;
  let lastLogs: Logs = {};

  while (state.epoch < epochs && !run.stopTraining) {
    const t0 = nowMs() - state.seconds * 1000;
    for (const m of metrics) m.reset();
    const wholeEpoch = state.step === 0; // a resumed epoch's first steps ran before the watch started
    if (state.step === 0) {
      state.order ??= identityOrder(data.size);
      if (shuffle) rng.shuffle(state.order);
      state.lossSum = 0;
      state.seen = 0;
      for (const cb of callbacks) yield* settle(cb.onEpochBegin?.(state.epoch, {}));
    } else {
      for (const m of metrics) {
        const saved = state.metrics[m.name];
        if (!saved) throw new TsnnError(`fit: the saved state has no running counts for the metric '${m.name}'`);
        m.setState(saved);
      }
    }
    const order = state.order!;
    const ctx = { training: true, rng, workspace: ws };
    const lossOpts = { ws };
    while (state.step < steps) {
      const s = state.step;
      const start = s * batchSize;
      const n = Math.min(batchSize, data.size - start);
      const { x, y } = batches.read(order, start, n);
      zeroGrads(params);
      const call = model.forward(x, ctx);
      const { loss: l, dyPred } = loss(y, call.y, lossOpts);
      if (!Number.isFinite(l)) {
        throw new TsnnError(`fit: loss is ${l} at epoch ${state.epoch + 1}, step ${s + 1}/${steps}; ` +
          'likely causes: a learning rate too high, or inputs not scaled to a small range (e.g. pixels not divided by 255)');
      }
      call.backward(dyPred, false);
      stuck.afterStep(call.y.data, n);
      optimizer.step();
      for (const m of metrics) m.update(y, call.y);
      state.lossSum += l * n;
      state.seen += n;
      state.step = s + 1;
      state.seconds = (nowMs() - t0) / 1000;
      if (batchHooks.length) {
        const logs = epochLogs(state, metrics);
        for (const cb of batchHooks) yield* settle(cb.onBatchEnd!(s, logs));
      }
      if (opts.shouldStop?.()) {
        interrupted = true;
        break;
      }
      if (run.stopTraining) break;
      yield;
    }
    if (interrupted && state.step < steps) {
      state.metrics = Object.fromEntries(metrics.map((m) => [m.name, m.getState()]));
      state.callbacks = callbackStates(callbacks);
      break;
    }
    const logs = epochLogs(state, metrics);
    stuck.endEpoch('fit', state.epoch + 1, logs.loss, wholeEpoch);
    if (validation) {
      const v = evaluateWith('fit', model, validation, valBatch, loss, metrics);
      for (const [k, value] of Object.entries(v)) logs[`val_${k}`] = value;
    }
    // The epoch is done: the state moves on to the next one (the history follows after the callbacks).
    const epoch = state.epoch;
    state.epochSeconds.push((nowMs() - t0) / 1000);
    Object.assign(state, { epoch: epoch + 1, step: 0, lossSum: 0, seen: 0, metrics: {}, seconds: 0 });
    for (const cb of callbacks) yield* settle(cb.onEpochEnd?.(epoch, logs));
    record(state.history, logs, epoch); // after the callbacks, as Keras's History (last in its list): with what they added
    state.stopTraining = run.stopTraining;
    state.callbacks = callbackStates(callbacks);
    lastLogs = logs;
    if (opts.checkpoint) yield* settle(opts.checkpoint(state));
    if (interrupted) break;
  }
  if (!interrupted) {
    for (const cb of callbacks) yield* settle(cb.onTrainEnd?.(lastLogs));
  }
  return { history: state.history, stopped: interrupted, state };
}

/** loss and metrics over the epoch so far. */
function epochLogs(state: FitState, metrics: Metric[]): Logs {
  const logs: Logs = { loss: state.lossSum / state.seen };
  for (const m of metrics) logs[m.name] = m.result();
  return logs;
}

/** Appends this epoch's value of every key (a key first seen late is padded with NaN). */
function record(history: History, logs: Logs, epoch: number): void {
  for (const [k, v] of Object.entries(logs)) {
    const values = (history[k] ??= []);
    while (values.length < epoch) values.push(NaN);
    if (values.length === epoch) values.push(v);
  }
}

function splitValidation(model: Model, all: Data, opts: FitOptions): { data: Data; validation: Data | null } {
  const split = opts.validationSplit;
  if (split === undefined) {
    return { data: all, validation: opts.validationData === undefined ? null : modelAndData('fit', model, opts.validationData, 'validationData').data };
  }
  if (opts.validationData !== undefined) throw new TsnnError('fit: give validationData or validationSplit, not both');
  if (!(typeof split === 'number' && split > 0 && split < 1)) throw new TsnnError(`fit: validationSplit must be a fraction in (0, 1), got ${String(split)}`);
  const at = Math.floor(all.size * (1 - split)); // Keras: the last fraction, before shuffling
  if (at === 0 || at === all.size) {
    throw new TsnnError(`fit: validationSplit ${split} of ${all.size} samples leaves ${at === 0 ? 'no training' : 'no validation'} samples`);
  }
  return { data: subset(all, 0, at), validation: subset(all, at, all.size) };
}

const HOOKS = ['setRun', 'onTrainBegin', 'onEpochBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd', 'getState', 'setState'] as const;

function checkCallbacks(list: unknown): Callback[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new TsnnError('fit: callbacks must be an array of callback objects');
  list.forEach((cb, i) => {
    if (!cb || typeof cb !== 'object') throw new TsnnError(`fit: callback ${i} is not an object`);
    for (const h of HOOKS) {
      if ((cb as Record<string, unknown>)[h] !== undefined && typeof (cb as Record<string, unknown>)[h] !== 'function') {
        throw new TsnnError(`fit: callback ${i}'s ${h} is not a function`);
      }
    }
  });
  return list as Callback[];
}

function callbackStates(callbacks: Callback[]): FitState['callbacks'] {
  return callbacks.map((cb) => cb.getState?.() ?? null);
}

/** A resumed run: each callback gets back the state it had (after its onTrainBegin reset it). */
function restoreCallbacks(callbacks: Callback[], state: FitState): void {
  const saved = state.callbacks ?? [];
  if (saved.length === 0) return;
  if (saved.length !== callbacks.length) {
    throw new TsnnError(`fit: the saved state holds ${saved.length} callbacks' states, but ${callbacks.length} callbacks are given (pass the same callbacks, in the same order)`);
  }
  callbacks.forEach((cb, i) => {
    const s = saved[i];
    if (s === null) return;
    if (!cb.setState) throw new TsnnError(`fit: the saved state has a state for callback ${i}, which has no setState`);
    cb.setState(s);
  });
}
