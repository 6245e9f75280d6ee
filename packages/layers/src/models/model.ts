/**
 * The model protocol: what fit, evaluate, predict, summary and the model files need from a model.
 * Sequential (one input) and Siamese (two inputs) implement it; so can a user's own model.
 *
 *   forward(x, ctx)        → { y, backward }   x: a Tensor [batch, inFeatures], or an array of them
 *                                              (one per input: `inputs` says how many)
 *   backward(dy)           adds every parameter's dL/dθ for dL/dy into param.grad
 *
 * Like a layer, a model keeps nothing of a call on itself: the backward closure holds what that call saved.
 */
import { TsnnError, type NamedParam, type Rng, type Tensor } from '@tsnn/tensor';
import type { Context, LayerConfig } from '../layers/layer.js';

/** What a model's forward takes: one tensor, or one per input. */
export type ModelInputs = Tensor | readonly Tensor[];

/** One application of a model: its output and how to send a gradient back through it. */
export interface ModelCall {
  /** The output: [batch, outFeatures]. */
  y: Tensor;
  /**
   * Adds every parameter's gradient for dL/dy into its `grad`. `inputGrad = false` lets a model skip
   * computing dL/dx (fit never needs it); what it returns is the model's own business.
   */
  backward(dy: Tensor, inputGrad?: boolean): unknown;
}

export interface Model<I extends ModelInputs = ModelInputs> {
  readonly kind: string;
  /** How many input tensors forward takes: 1 (x is a Tensor) or more (x is an array of that length). */
  readonly inputs: number;
  /** Features per input once built (every input has the same width); null before build. */
  readonly inFeatures: number | null;
  /** Create every weight for inputs of `inFeatures` features; returns the output features. */
  build(inFeatures: number, rng: Rng): number;
  forward(x: I, ctx: Context): ModelCall;
  /** Every parameter once, with its stable path name (the save-file key). */
  parameters(): NamedParam[];
  /** A JSON description, enough to rebuild the model (see modelFromConfig). */
  config(): LayerConfig;
}

/** Throws a TsnnError naming what was expected unless `m` looks like a Model (for plain JavaScript callers). */
export function checkModel(op: string, m: unknown): asserts m is Model {
  const o = m as Partial<Model> | null;
  const missing = !o || typeof o !== 'object' ? ['an object'] :
    (['build', 'forward', 'parameters', 'config'] as const).filter((k) => typeof o[k] !== 'function');
  if (missing.length || !Number.isInteger(o!.inputs) || o!.inputs! < 1) {
    throw new TsnnError(`${op}: expected a model (Sequential, Siamese or an object with inputs, build, forward, parameters and config), ` +
      `got ${describeValue(m)}`);
  }
}

/** The built model's input width, or a TsnnError saying to build it. */
export function builtFeatures(op: string, m: Model): number {
  const f = m.inFeatures;
  if (f === null || f === undefined) throw new TsnnError(`${op}: the model is not built yet (call model.build(inFeatures, rng) first)`);
  return f;
}

/** `a Float32Array(12)`, `an object with keys x, y`, `null`, … (for error messages). */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}(${(v as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'object') {
    const name = v.constructor && v.constructor !== Object ? `a ${v.constructor.name}` : 'an object';
    return `${name} with keys ${Object.keys(v).join(', ') || '(none)'}`;
  }
  return `${typeof v} ${String(v)}`;
}
