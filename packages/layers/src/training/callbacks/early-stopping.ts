/**
 * EarlyStopping, Keras 3's rules and defaults (monitor 'val_loss', minDelta 0, patience 0, mode 'auto',
 * restoreBestWeights false). After each epoch: a value better than the best by more than minDelta
 * (min: current + minDelta < best; max: current − minDelta > best; the first is always) becomes the
 * best and resets the wait; otherwise the wait grows, and once it reaches patience (after the first
 * epoch) training stops — with the best epoch's weights put back if restoreBestWeights.
 */
import type { Callback, CallbackState, Logs, TrainingRun } from '../callback.js';
import { checkMode, checkNumber, monitored, resolveMode, runOf, type Mode } from './monitor.js';

export interface EarlyStoppingOptions {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: Mode;
  restoreBestWeights?: boolean;
}

export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: Mode;
  readonly restoreBestWeights: boolean;
  wait = 0;
  best: number | null = null;
  bestEpoch = 0;
  /** The epoch (from 0) training stopped after; 0 while it has not. */
  stoppedEpoch = 0;
  private bestWeights: Float32Array[] | null = null;
  private run: TrainingRun | null = null;

  constructor({ monitor = 'val_loss', minDelta = 0, patience = 0, mode = 'auto', restoreBestWeights = false }: EarlyStoppingOptions = {}) {
    this.monitor = monitor;
    this.minDelta = Math.abs(checkNumber('EarlyStopping', 'minDelta', minDelta, () => true, 'a number'));
    this.patience = checkNumber('EarlyStopping', 'patience', patience, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
    this.mode = checkMode('EarlyStopping', mode);
    this.restoreBestWeights = Boolean(restoreBestWeights);
  }

  setRun(run: TrainingRun): void {
    this.run = run;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.best = null;
    this.bestEpoch = 0;
    this.stoppedEpoch = 0;
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const run = runOf('EarlyStopping', this.run);
    const current = monitored('EarlyStopping', this.monitor, logs);
    const mode = resolveMode('EarlyStopping', this.mode, this.monitor, run);
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = this.weights();
    this.wait++;
    if (this.improves(current, mode)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.weights();
      this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      run.stopTraining = true;
      if (this.restoreBestWeights && this.bestWeights) {
        run.model.parameters().forEach(({ param }, i) => param.value.set(this.bestWeights![i]));
      }
    }
  }

  private improves(current: number, mode: 'min' | 'max'): boolean {
    if (this.best === null) return true;
    return mode === 'min' ? current + this.minDelta < this.best : current - this.minDelta > this.best;
  }

  private weights(): Float32Array[] {
    return runOf('EarlyStopping', this.run).model.parameters().map(({ param }) => param.value.slice());
  }

  getState(): CallbackState {
    const arrays: Record<string, Float32Array> = {};
    this.bestWeights?.forEach((w, i) => (arrays[`w${i}`] = w));
    return { values: { wait: this.wait, best: this.best, bestEpoch: this.bestEpoch, stoppedEpoch: this.stoppedEpoch }, arrays };
  }

  setState({ values, arrays = {} }: CallbackState): void {
    this.wait = Number(values.wait);
    this.best = values.best === null ? null : Number(values.best);
    this.bestEpoch = Number(values.bestEpoch);
    this.stoppedEpoch = Number(values.stoppedEpoch);
    const w = Object.keys(arrays).length ? Object.keys(arrays).map((_, i) => arrays[`w${i}`]) : null;
    this.bestWeights = w;
  }
}
