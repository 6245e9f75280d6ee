/**
 * Training data: anything that can gather a batch of samples into float buffers. fit, evaluate and predict
 * take a Data object, or plain arrays they wrap into one:
 *   { x, y }      one input:  x a Float32Array [n, features], or a Uint8Array with `divideBy` (pixels: 255)
 *   { a, b, y }   two inputs (a pair per sample), the same forms
 * Labels y: [n] class ids or binary labels or scalar targets, or [n, k] one-hot rows or k targets per sample.
 * Bytes stay bytes in memory and are scaled per batch, straight into the batch buffer.
 */
import { TsnnError, kernels } from '@tsnn/tensor';
import { describeValue } from '../models/model.js';

export interface Data {
  /** Number of samples. */
  readonly size: number;
  /** Input tensors per sample: 1, or 2 for pairs. */
  readonly inputs: number;
  /** Features per input (784 for MNIST). */
  readonly features: number;
  /** Label values per sample: 1 (class id, binary label, scalar target), k (one-hot row, k targets), 0 (none). */
  readonly targetWidth: number;
  /** True when gathered values are finite by construction (e.g. scaled bytes): fit and predict skip the NaN scan. */
  readonly alwaysFinite?: boolean;
  /** Index of sample 0 in the data the user gave (a validation split is a view from there): error messages add it. */
  readonly offset?: number;
  /**
   * Write samples idx[start .. start+n) into xs[k] ([n, features], one buffer per input) and their labels
   * into y ([n, targetWidth]).
   */
  gather(idx: ArrayLike<number>, start: number, n: number, xs: readonly Float32Array[], y: Float32Array): void;
}

/** Two-input data (a pair per sample), as the Siamese model takes. */
export type PairData = Data;

/** Inputs as arrays: floats, or bytes with the divisor that scales them. */
export interface ArrayInputs {
  y?: ArrayLike<number>;
  /** With Uint8Array inputs: each byte becomes the float32 of byte / divideBy (255 for pixels). */
  divideBy?: number;
  /** Features per input; default: the model's input width. */
  features?: number;
}
export interface XY extends ArrayInputs {
  x: Float32Array | Uint8Array;
}
export interface ABY extends ArrayInputs {
  a: Float32Array | Uint8Array;
  b: Float32Array | Uint8Array;
}
/** What fit, evaluate and predict accept as data. */
export type DataInput = Data | XY | ABY;

function isData(d: object): d is Data {
  return typeof (d as Data).gather === 'function';
}

/** The Data for what the caller passed, checked: a TsnnError names what was expected. */
export function toData(op: string, input: unknown, features: number, what = 'data'): Data {
  if (input && typeof input === 'object') {
    const o = input as Record<string, unknown>;
    if (isData(o)) {
      for (const k of ['size', 'inputs', 'features', 'targetWidth'] as const) {
        if (!Number.isInteger(o[k]) || (o[k] as number) < (k === 'targetWidth' || k === 'size' ? 0 : 1)) {
          throw new TsnnError(`${op}: ${what} has a gather function but its ${k} is ${String(o[k])} (expected a non-negative integer)`);
        }
      }
      return o;
    }
    const f = o.features === undefined ? features : (o.features as number);
    if ('x' in o && !('a' in o)) return arrayData(op, what, [o.x], o.y as ArrayLike<number> | undefined, f, o.divideBy as number | undefined, ['x']);
    if ('a' in o && 'b' in o && !('x' in o)) {
      return arrayData(op, what, [o.a, o.b], o.y as ArrayLike<number> | undefined, f, o.divideBy as number | undefined, ['a', 'b']);
    }
  }
  throw new TsnnError(`${op}: expected ${what} as { x, y } (one input), { a, b, y } (pairs) or a Data object with gather(), got ${describeValue(input)}`);
}

/** Pair data from two float matrices a, b: [size, features] and labels y: [size]. */
export function pairArrays(a: Float32Array, b: Float32Array, y: ArrayLike<number>, features: number): PairData {
  return arrayData('pairArrays', 'data', [a, b], y, features, undefined, ['a', 'b']);
}

function arrayData(op: string, what: string, xs: unknown[], y: ArrayLike<number> | undefined, features: number, divideBy: number | undefined, names: string[]): Data {
  if (!Number.isInteger(features) || features < 1) throw new TsnnError(`${op}: features must be a positive integer, got ${features}`);
  const bytes = xs[0] instanceof Uint8Array;
  xs.forEach((x, k) => {
    if (!(x instanceof Float32Array) && !(x instanceof Uint8Array)) {
      throw new TsnnError(`${op}: ${what}.${names[k]} must be a Float32Array [n, ${features}] or a Uint8Array with divideBy, got ${describeValue(x)}`);
    }
    if ((x instanceof Uint8Array) !== bytes) throw new TsnnError(`${op}: ${what}.${names.join(' and ')} must be of one type (both floats or both bytes)`);
  });
  if (bytes && !(typeof divideBy === 'number' && divideBy > 0 && Number.isFinite(divideBy))) {
    throw new TsnnError(`${op}: ${what}.${names[0]} is bytes, so divideBy (e.g. 255) must be a positive number, got ${String(divideBy)}`);
  }
  if (!bytes && divideBy !== undefined) throw new TsnnError(`${op}: divideBy applies to Uint8Array inputs, but ${what}.${names[0]} is a Float32Array`);
  const arrays = xs as (Float32Array | Uint8Array)[];
  const size = arrays[0].length / features;
  arrays.forEach((x, k) => {
    if (x.length !== size * features || !Number.isInteger(size)) {
      throw new TsnnError(`${op}: ${what}.${names[k]} has ${x.length} values, not a whole number of rows of ${features} features` +
        (k > 0 ? ` matching ${what}.${names[0]} (${arrays[0].length})` : ''));
    }
  });
  let targetWidth = 0;
  if (y !== undefined && y !== null) {
    if (typeof y !== 'object' || typeof y.length !== 'number') throw new TsnnError(`${op}: ${what}.y must be an array of labels, got ${describeValue(y)}`);
    targetWidth = size === 0 ? 1 : y.length / size;
    if (!Number.isInteger(targetWidth) || targetWidth < 1) {
      throw new TsnnError(`${op}: ${what}.y has ${y.length} values for ${size} samples (expected ${size} labels, or ${size} rows of k values)`);
    }
  }
  const w = targetWidth, d = features;
  let staged = new Uint8Array(0); // one input of a batch as bytes: [n, d]
  return {
    size,
    inputs: arrays.length,
    features,
    targetWidth,
    alwaysFinite: bytes, // bytes / divideBy
    gather(idx, start, n, out, yb) {
      for (let k = 0; k < arrays.length; k++) {
        const x = arrays[k], dst = out[k];
        if (bytes) {
          if (staged.length < n * d) staged = new Uint8Array(n * d);
          for (let r = 0; r < n; r++) {
            const i = idx[start + r];
            staged.set((x as Uint8Array).subarray(i * d, (i + 1) * d), r * d);
          }
          kernels().bytesToFloat(staged, dst, n * d, divideBy!);
        } else {
          for (let r = 0; r < n; r++) {
            const i = idx[start + r];
            dst.set((x as Float32Array).subarray(i * d, (i + 1) * d), r * d);
          }
        }
      }
      if (y) {
        for (let r = 0; r < n; r++) {
          const i = idx[start + r];
          for (let j = 0; j < w; j++) yb[r * w + j] = y[i * w + j];
        }
      }
    },
  };
}

/** Samples [begin, end) of data, as data (Keras's validation split: the last fraction, before shuffling). */
export function subset(data: Data, begin: number, end: number): Data {
  let idx = new Uint32Array(0); // the batch's indices into data: [n]
  return {
    size: end - begin,
    inputs: data.inputs,
    features: data.features,
    targetWidth: data.targetWidth,
    alwaysFinite: data.alwaysFinite,
    offset: (data.offset ?? 0) + begin,
    gather(order, start, n, xs, y) {
      if (idx.length < n) idx = new Uint32Array(n);
      for (let r = 0; r < n; r++) idx[r] = order[start + r] + begin;
      data.gather(idx, 0, n, xs, y);
    },
  };
}
