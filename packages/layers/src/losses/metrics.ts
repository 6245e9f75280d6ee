/**
 * Binary classification metrics at a threshold (Keras's binary_accuracy uses p > 0.5).
 * Counts accumulate across batches, so an epoch's figures are exact, not averages of batch averages.
 */
export interface Decision {
  threshold: number;
  /** 'above': an output > threshold means positive (a probability); 'below': < threshold (a distance). */
  positive: 'above' | 'below';
}

export const PROBABILITY: Decision = { threshold: 0.5, positive: 'above' };
export const DISTANCE: Decision = { threshold: 0.5, positive: 'below' };

export class BinaryCounts {
  tp = 0;
  fp = 0;
  tn = 0;
  fn = 0;

  constructor(readonly decision: Decision = PROBABILITY) {}

  /** Count outputs p against labels y (1 = positive). */
  add(p: ArrayLike<number>, y: ArrayLike<number>, n = p.length): this {
    const { threshold } = this.decision, below = this.decision.positive === 'below';
    for (let i = 0; i < n; i++) {
      const pos = below ? p[i] < threshold : p[i] > threshold;
      const truth = y[i] === 1;
      if (pos && truth) this.tp++;
      else if (pos) this.fp++;
      else if (truth) this.fn++;
      else this.tn++;
    }
    return this;
  }

  /** Just the four counts (what a checkpoint stores). */
  toJSON(): { tp: number; fp: number; tn: number; fn: number } {
    return { tp: this.tp, fp: this.fp, tn: this.tn, fn: this.fn };
  }

  get total(): number {
    return this.tp + this.fp + this.tn + this.fn;
  }

  /** (tp + tn) / all. */
  get accuracy(): number {
    return this.total === 0 ? NaN : (this.tp + this.tn) / this.total;
  }

  /** tp / (tp + fp): of the pairs called "same", the fraction that are. 0 when nothing is called positive. */
  get precision(): number {
    return this.tp + this.fp === 0 ? 0 : this.tp / (this.tp + this.fp);
  }

  /** tp / (tp + fn): of the pairs that are "same", the fraction found. */
  get recall(): number {
    return this.tp + this.fn === 0 ? 0 : this.tp / (this.tp + this.fn);
  }
}

export function binaryAccuracy(p: ArrayLike<number>, y: ArrayLike<number>, threshold = 0.5): number {
  return new BinaryCounts({ threshold, positive: 'above' }).add(p, y).accuracy;
}

export function precision(p: ArrayLike<number>, y: ArrayLike<number>, threshold = 0.5): number {
  return new BinaryCounts({ threshold, positive: 'above' }).add(p, y).precision;
}

export function recall(p: ArrayLike<number>, y: ArrayLike<number>, threshold = 0.5): number {
  return new BinaryCounts({ threshold, positive: 'above' }).add(p, y).recall;
}
