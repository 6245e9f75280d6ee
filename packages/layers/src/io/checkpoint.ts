/**
 * Training checkpoints: everything needed to continue a run bit-identically — weights, optimizer state,
 * the generator's state and fit's state (epoch, step, order of the pairs, running sums, history) — in one
 * model-format file. Weights keep their names (`base.dense1.kernel`), so a checkpoint also loads as a
 * model; optimizer slots are stored as `optimizer:<param>:<slot>`, the sample order as `fit:order` and a
 * callback's arrays (EarlyStopping's best weights) as `callback:<index>:<name>`.
 * Pure bytes in, bytes out; the examples write it atomically.
 */
import type { RngState } from '@tsnn/tensor';
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
  if (!info || !info.optimizer || !info.rng || !info.fit) throw new ModelFormatError(`${what}: a model file, not a checkpoint (no training state in it)`);
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
      (slots[rest.slice(0, cut)] ??= {})[rest.slice(cut + 1)] = value;
    } else if (name === ORDER) {
      order = Uint32Array.from(value);
    } else {
      weights.set(name, value);
    }
  }
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
    fit: { ...info.fit, order, callbacks },
    meta,
  };
}
