/**
 * Training checkpoints: everything needed to continue a run bit-identically — weights, optimizer state,
 * the generator's state and fit's state (epoch, step, order of the pairs, running sums, history) — in one
 * model-format file. Weights keep their names (`base.dense1.kernel`), so a checkpoint also loads as a
 * model; optimizer slots are stored as `optimizer:<param>:<slot>`, the sample order as `fit:order` and a
 * callback's arrays (EarlyStopping's best weights) as `callback:<index>:<name>`.
 * Pure bytes in, bytes out; the examples write it atomically.
 */
import type { RngState } from '@tsnn/tensor';
import { rngStateProblem } from '@tsnn/tensor/internal';
import type { CallbackState } from '../training/callback.js';
import type { FitState } from '../training/state.js';
import { ModelFormatError, decodeModel, encodeBundle, parameterArrays, type DecodedModel, type Saveable } from './serialize.js';

/** Structurally the optimizers' state (layers never import @tsnn/optimizers). */
export interface OptimizerStateLike {
  kind: string;
  iterations: number;
  /** Absent in states saved before the learning rate could change. */
  learningRate?: number;
  slots: Record<string, Record<string, Float32Array>>;
}

export interface Checkpoint {
  /** The weights, as a model file would hold them. */
  model: DecodedModel;
  optimizer: OptimizerStateLike;
  rng: RngState;
  fit: FitState;
  meta: Record<string, unknown>;
}

const OPT = 'optimizer:';
const ORDER = 'fit:order';
const CALLBACK = 'callback:';

export function encodeCheckpoint(model: Saveable, optimizer: OptimizerStateLike, rng: RngState, fit: FitState, meta: Record<string, unknown> = {}): Uint8Array {
  const arrays = parameterArrays(model);
  for (const [param, slots] of Object.entries(optimizer.slots)) {
    for (const [slot, value] of Object.entries(slots)) arrays.push({ name: `${OPT}${param}:${slot}`, shape: [value.length], value });
  }
  if (fit.order) {
    if (fit.order.length >= 1 << 24) throw new ModelFormatError('checkpoint: more than 2^24 training pairs cannot be stored exactly');
    arrays.push({ name: ORDER, shape: [fit.order.length], value: Float32Array.from(fit.order) });
  }
  const callbacks = (fit.callbacks ?? []).map((c, i) => {
    if (!c) return null;
    for (const [name, value] of Object.entries(c.arrays ?? {})) arrays.push({ name: `${CALLBACK}${i}:${name}`, shape: [value.length], value });
    return { values: c.values, arrays: Object.keys(c.arrays ?? {}) };
  });
  const { order: _order, ...fitRest } = fit;
  const { kind, iterations, learningRate } = optimizer;
  return encodeBundle(model.config(), arrays, {
    ...meta,
    checkpoint: { optimizer: { kind, iterations, learningRate }, rng: { ...rng, spare: Number.isNaN(rng.spare) ? null : rng.spare }, fit: { ...fitRest, callbacks } },
  });
}

export function decodeCheckpoint(bytes: Uint8Array, what = 'checkpoint'): Checkpoint {
  const all = decodeModel(bytes, what);
  const info = all.manifest.meta?.checkpoint as
    | {
      optimizer: { kind: string; iterations: number; learningRate?: number };
      rng: { s: [number, number, number, number]; spare: number | null };
      fit: Omit<FitState, 'order' | 'callbacks'> & { callbacks?: ({ values: CallbackState['values']; arrays: string[] } | null)[] };
    }
    | undefined;
  if (!info || typeof info !== 'object') throw new ModelFormatError(`${what}: a model file, not a checkpoint (no training state in it)`);
  const slots: OptimizerStateLike['slots'] = {};
  const weights = new Map<string, Float32Array>();
  let order: Uint32Array | null = null;
  const callbackArrays = new Map<string, Float32Array>();
  for (const [name, value] of all.tensors) {
    if (name.startsWith(CALLBACK)) {
      callbackArrays.set(name, value);
    } else if (name.startsWith(OPT)) {
      const rest = name.slice(OPT.length);
      const cut = rest.lastIndexOf(':');
      if (cut <= 0) throw new ModelFormatError(`${what}: tensor ${name}: not an optimizer slot (optimizer:<param>:<slot>)`);
      (slots[rest.slice(0, cut)] ??= {})[rest.slice(cut + 1)] = value;
    } else if (name === ORDER) {
      order = Uint32Array.from(value);
      if (!value.every((v, i) => v === order![i])) throw new ModelFormatError(`${what}: fit:order: not a list of pair indices`);
    } else {
      weights.set(name, value);
    }
  }
  const why = trainingStateProblem(info, order);
  if (why) throw new ModelFormatError(`${what}: meta.checkpoint.${why}`);
  const model: DecodedModel = {
    manifest: { ...all.manifest, tensors: all.manifest.tensors.filter((t) => weights.has(t.name)) },
    tensors: weights,
  };
  const { checkpoint: _c, ...meta } = all.manifest.meta ?? {};
  const callbacks: (CallbackState | null)[] = (info.fit.callbacks ?? []).map((c, i) => {
    if (!c) return null;
    const arrays: Record<string, Float32Array> = {};
    for (const name of c.arrays ?? []) {
      const v = callbackArrays.get(`${CALLBACK}${i}:${name}`);
      if (!v) throw new ModelFormatError(`${what}: callback ${i}'s array '${name}' is missing`);
      arrays[name] = v;
    }
    return { values: c.values, arrays };
  });
  return {
    model,
    optimizer: { ...info.optimizer, slots },
    rng: { s: info.rng.s, spare: info.rng.spare ?? NaN },
    // JSON wrote NaN (a history key padded for the epochs before it first appeared) as null.
    fit: { ...info.fit, history: Object.fromEntries(Object.entries(info.fit.history).map(([k, v]) => [k, v.map((x) => x ?? NaN)])), order, callbacks },
    meta,
  };
}

const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isAmount = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isFinite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const show = (v: unknown) => JSON.stringify(v) ?? 'nothing';

/**
 * The first problem with a checkpoint's training state, as `field: why`, or null: the optimizer's kind,
 * step count and learning rate, the generator state, and fit's state — epoch a count with at most that
 * many values per history key (exactly that many losses) and as many epoch times, step within the samples,
 * the order a permutation of 0..n−1 (present once an epoch has begun), the running loss sum finite, the
 * samples seen no more than the samples and 0 at an epoch boundary, metric counts finite.
 */
function trainingStateProblem(info: { optimizer?: unknown; rng?: unknown; fit?: unknown }, order: Uint32Array | null): string | null {
  const opt = info.optimizer as { kind?: unknown; iterations?: unknown; learningRate?: unknown } | undefined;
  if (typeof opt !== 'object' || opt === null) return 'optimizer: missing';
  if (typeof opt.kind !== 'string') return `optimizer.kind: must be a string, got ${show(opt.kind)}`;
  if (!isCount(opt.iterations)) return `optimizer.iterations: must be an integer ≥ 0, got ${show(opt.iterations)}`;
  if (opt.learningRate !== undefined && !(isAmount(opt.learningRate) && (opt.learningRate as number) > 0)) {
    return `optimizer.learningRate: must be a finite number > 0, got ${show(opt.learningRate)}`;
  }
  const rng = info.rng as { s?: unknown; spare?: unknown } | undefined;
  const rngWhy = rngStateProblem(rng && typeof rng === 'object' ? { ...rng, spare: rng.spare ?? NaN } : rng);
  if (rngWhy) return `rng: ${rngWhy}`;
  const f = info.fit as Record<string, unknown> | undefined;
  if (typeof f !== 'object' || f === null) return 'fit: missing';
  if (Array.isArray(f.history) || f.counts !== undefined) {
    return 'fit: training state in the layout of tsnn 0.1, which this version cannot resume; the weights still load as a model ' +
      '(loadModel, or the examples\' --weights): start a new run from them';
  }
  if (!isCount(f.epoch)) return `fit.epoch: must be an integer ≥ 0, got ${show(f.epoch)}`;
  const epoch = f.epoch as number;
  const history = f.history as Record<string, unknown> | undefined;
  if (typeof history !== 'object' || history === null) return `fit.history: must be an object of per-epoch values, got ${show(history)}`;
  for (const [key, values] of Object.entries(history)) {
    // JSON keeps NaN (a key first seen in a later epoch is padded with it) as null.
    if (!Array.isArray(values) || values.length > epoch || !values.every((v) => v === null || typeof v === 'number')) {
      return `fit.history.${key}: must be at most ${epoch} numbers (one per completed epoch), got ${show(values)}`;
    }
  }
  if (epoch > 0 && (history.loss as unknown[] | undefined)?.length !== epoch) {
    return `fit.history.loss: ${(history.loss as unknown[] | undefined)?.length ?? 0} values, but fit.epoch says ${epoch} epochs are done`;
  }
  if (!Array.isArray(f.epochSeconds) || f.epochSeconds.length !== epoch || !f.epochSeconds.every(isAmount)) {
    return `fit.epochSeconds: must be ${epoch} finite numbers ≥ 0 (one per completed epoch), got ${show(f.epochSeconds)}`;
  }
  const samples = order ? order.length : 0;
  if (!isCount(f.step) || (f.step as number) > samples) return `fit.step: must be the steps done in the epoch, an integer from 0 to at most the ${samples} samples, got ${show(f.step)}`;
  if ((f.step as number) > 0 && !order) return 'fit.step: a run in mid-epoch needs its sample order (fit:order), which is missing';
  if (order) {
    const seen = new Uint8Array(order.length);
    for (let i = 0; i < order.length; i++) {
      const v = order[i];
      if (v >= order.length || seen[v]) return `fit:order: not a permutation of 0..${order.length - 1} (${v} at position ${i})`;
      seen[v] = 1;
    }
  }
  if (!isFinite(f.lossSum)) return `fit.lossSum: must be a finite number, got ${show(f.lossSum)}`;
  if (!isAmount(f.seconds)) return `fit.seconds: must be a finite number ≥ 0, got ${show(f.seconds)}`;
  if (!isCount(f.seen) || (f.seen as number) > samples || (f.step === 0 && f.seen !== 0)) {
    return `fit.seen: must be the samples of the ${show(f.step)} steps done (at most ${samples}, 0 at an epoch's start), got ${show(f.seen)}`;
  }
  const metrics = f.metrics as Record<string, unknown> | undefined;
  if (typeof metrics !== 'object' || metrics === null) return `fit.metrics: must be an object of running counts, got ${show(metrics)}`;
  for (const [name, counts] of Object.entries(metrics)) {
    if (!Array.isArray(counts) || !counts.every(isFinite)) return `fit.metrics.${name}: must be a list of finite numbers, got ${show(counts)}`;
  }
  if (f.stopTraining !== undefined && typeof f.stopTraining !== 'boolean') return `fit.stopTraining: must be true or false, got ${show(f.stopTraining)}`;
  if (f.callbacks !== undefined && !Array.isArray(f.callbacks)) return `fit.callbacks: must be a list, got ${show(f.callbacks)}`;
  return null;
}
