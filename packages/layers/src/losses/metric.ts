/**
 * Metrics as fit and evaluate use them, with Keras's names (the history keys): a metric counts batch after
 * batch and gives the figure over everything counted, so an epoch's figure is exact, not a mean of batch
 * means. Arguments in Keras's order: (yTrue, yPred).
 *
 *   accuracy         Keras's 'accuracy': argmax(yPred) = class id (one label per sample, several outputs),
 *                    argmax(yPred) = argmax(yTrue) (one-hot rows), or binary accuracy (one output)
 *   binary_accuracy  output > 0.5 (or the decision given) vs label 1
 *   precision        tp / (tp + fp) at that decision;  recall  tp / (tp + fn)
 *   mae              mean |yTrue − yPred| over every value
 */
import { TsnnError, type Tensor } from '@tsnn/tensor';
import { BinaryCounts, PROBABILITY, type Decision } from './metrics.js';

export interface Metric {
  /** The history key (validation figures get `val_` in front). */
  readonly name: string;
  /** Which way is better: EarlyStopping's mode 'auto' follows it. */
  readonly direction: 'up' | 'down';
  reset(): void;
  /** Count a batch: yTrue [n, width] (flat), yPred [n, outputs]. */
  update(yTrue: ArrayLike<number>, yPred: Tensor): void;
  /** The figure over everything counted since reset. */
  result(): number;
  /** The running counts, to resume an epoch exactly (plain numbers). */
  getState(): number[];
  setState(state: number[]): void;
}

function checkState(name: string, s: unknown, n: number): number[] {
  if (!Array.isArray(s) || s.length !== n || !s.every((v) => typeof v === 'number')) {
    throw new TsnnError(`${name}.setState: expected ${n} numbers, got ${JSON.stringify(s)}`);
  }
  return s;
}

/** A figure that is one running sum over another (hits / samples, |errors| / values): NaN before any count. */
abstract class MeanMetric implements Metric {
  abstract readonly name: string;
  abstract readonly direction: 'up' | 'down';
  protected sum = 0;
  protected count = 0;
  abstract update(yTrue: ArrayLike<number>, yPred: Tensor): void;

  reset(): void {
    this.sum = this.count = 0;
  }

  result(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }

  getState(): number[] {
    return [this.sum, this.count];
  }

  setState(s: number[]): void {
    [this.sum, this.count] = checkState(this.name, s, 2);
  }
}

/** Keras's 'accuracy': which comparison follows from the widths of yTrue and yPred. Counts hits over samples. */
export class Accuracy extends MeanMetric {
  readonly name = 'accuracy';
  readonly direction = 'up';

  update(yTrue: ArrayLike<number>, yPred: Tensor): void {
    const n = yPred.shape[0], k = yPred.size / n, w = yTrue.length / n, p = yPred.data;
    if (w !== 1 && w !== k) throw new TsnnError(`accuracy: ${yTrue.length} labels for predictions [${n}, ${k}] (expected ${n} class ids or ${n} rows of ${k})`);
    for (let r = 0; r < n; r++) {
      let hit: boolean;
      if (k === 1) hit = (p[r] > 0.5) === (yTrue[r] > 0.5);
      else {
        const predicted = argmax(p, r * k, k);
        hit = w === 1 ? predicted === yTrue[r] : predicted === argmax(yTrue, r * k, k);
      }
      this.sum += +hit;
    }
    this.count += n;
  }
}

/** The first index of the largest of v[from .. from+k). */
function argmax(v: ArrayLike<number>, from: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (v[from + j] > v[from + best]) best = j;
  return best;
}

/** binary_accuracy, precision or recall over a confusion count at a decision (default: a probability > 0.5). */
class Binary implements Metric {
  readonly direction = 'up';
  counts: BinaryCounts;

  constructor(readonly name: 'binary_accuracy' | 'precision' | 'recall', decision: Decision) {
    this.counts = new BinaryCounts(decision);
  }

  reset(): void {
    Object.assign(this.counts, { tp: 0, fp: 0, tn: 0, fn: 0 });
  }

  update(yTrue: ArrayLike<number>, yPred: Tensor): void {
    if (yPred.size !== yTrue.length) throw new TsnnError(`${this.name}: ${yTrue.length} labels for ${yPred.size} outputs (one output per label expected)`);
    this.counts.add(yPred.data, yTrue, yPred.size);
  }

  result(): number {
    const c = this.counts;
    return this.name === 'binary_accuracy' ? c.accuracy : this.name === 'precision' ? c.precision : c.recall;
  }

  getState(): number[] {
    const { tp, fp, tn, fn } = this.counts;
    return [tp, fp, tn, fn];
  }

  setState(s: number[]): void {
    const [tp, fp, tn, fn] = checkState(this.name, s, 4);
    Object.assign(this.counts, { tp, fp, tn, fn });
  }
}

export class BinaryAccuracy extends Binary {
  constructor(decision: Decision = PROBABILITY) {
    super('binary_accuracy', decision);
  }
}
export class Precision extends Binary {
  constructor(decision: Decision = PROBABILITY) {
    super('precision', decision);
  }
}
export class Recall extends Binary {
  constructor(decision: Decision = PROBABILITY) {
    super('recall', decision);
  }
}

/** mae: Σ|yTrue − yPred| / count over every value. */
export class MeanAbsoluteError extends MeanMetric {
  readonly name = 'mae';
  readonly direction = 'down';

  update(yTrue: ArrayLike<number>, yPred: Tensor): void {
    if (yPred.size !== yTrue.length) throw new TsnnError(`mae: ${yTrue.length} targets for predictions of ${yPred.size} values`);
    const p = yPred.data;
    for (let i = 0; i < p.length; i++) this.sum += Math.abs(yTrue[i] - p[i]);
    this.count += p.length;
  }
}

export const METRICS = {
  accuracy: () => new Accuracy(),
  binary_accuracy: () => new BinaryAccuracy(),
  precision: () => new Precision(),
  recall: () => new Recall(),
  mae: () => new MeanAbsoluteError(),
} as const;
export type MetricName = keyof typeof METRICS;

/** Metric objects for names or objects, checked: a TsnnError names an unknown metric or a duplicate key. */
export function toMetrics(op: string, list: unknown): Metric[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new TsnnError(`${op}: metrics must be an array of names (${Object.keys(METRICS).join(', ')}) or Metric objects`);
  const out = list.map((m): Metric => {
    if (typeof m === 'string') {
      const make = (METRICS as Record<string, () => Metric>)[m];
      if (!make) throw new TsnnError(`${op}: unknown metric '${m}', expected one of ${Object.keys(METRICS).join(', ')} or a Metric object`);
      return make();
    }
    const o = m as Partial<Metric> | null;
    if (!o || typeof o.name !== 'string' || typeof o.update !== 'function' || typeof o.result !== 'function' || typeof o.reset !== 'function') {
      throw new TsnnError(`${op}: a metric must be a name or an object with name, update, result, reset, getState and setState`);
    }
    return o as Metric;
  });
  const names = new Set<string>();
  for (const m of out) {
    if (names.has(m.name) || m.name === 'loss') throw new TsnnError(`${op}: two metrics report as '${m.name}'`);
    names.add(m.name);
  }
  return out;
}
