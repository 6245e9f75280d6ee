/**
 * Callbacks that change the optimizer's learning rate (Keras 3's rules and defaults); both add the rate
 * at the epoch's end to the logs as `learning_rate`.
 */
import { TsnnError } from '@tsnn/tensor';
import type { Callback, CallbackState, Logs, TrainingRun } from '../callback.js';
import { checkMode, checkNumber, finiteOrNull, learningRateOf, monitored, runOf, type Mode } from './monitor.js';

/** At each epoch's start: lr ← schedule(epoch, lr) (epochs from 0). */
export class LearningRateScheduler implements Callback {
  private run: TrainingRun | null = null;

  constructor(readonly schedule: (epoch: number, learningRate: number) => number) {
    if (typeof schedule !== 'function') throw new TsnnError('LearningRateScheduler: expected a function (epoch, learningRate) => learningRate');
  }

  setRun(run: TrainingRun): void {
    this.run = run;
  }

  onEpochBegin(epoch: number): void {
    const run = runOf('LearningRateScheduler', this.run);
    const lr = this.schedule(epoch, learningRateOf('LearningRateScheduler', run));
    run.optimizer.learningRate = checkNumber('LearningRateScheduler', `the schedule's learning rate for epoch ${epoch}`, lr, (v) => v > 0, '> 0');
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    logs.learning_rate = learningRateOf('LearningRateScheduler', runOf('LearningRateScheduler', this.run));
  }
}

export interface ReduceLROnPlateauOptions {
  monitor?: string;
  factor?: number;
  patience?: number;
  mode?: Mode;
  minDelta?: number;
  cooldown?: number;
  minLr?: number;
}

/**
 * ReduceLROnPlateau (monitor 'val_loss', factor 0.1, patience 10, mode 'auto', minDelta 1e-4, cooldown 0,
 * minLr 0): after each epoch, a value better than the best by more than minDelta resets the wait; outside
 * the cooldown, patience epochs without one multiply the rate by factor (not below minLr) and start the
 * cooldown. As Keras, mode 'auto' means max when the key contains 'acc', else min.
 */
export class ReduceLROnPlateau implements Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly mode: Mode;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  wait = 0;
  cooldownCounter = 0;
  best = Infinity;
  private run: TrainingRun | null = null;

  constructor({ monitor = 'val_loss', factor = 0.1, patience = 10, mode = 'auto', minDelta = 1e-4, cooldown = 0, minLr = 0 }: ReduceLROnPlateauOptions = {}) {
    const op = 'ReduceLROnPlateau';
    this.monitor = monitor;
    this.factor = checkNumber(op, 'factor', factor, (v) => v < 1 && v > 0, 'in (0, 1)');
    this.patience = checkNumber(op, 'patience', patience, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
    this.mode = checkMode(op, mode);
    this.minDelta = checkNumber(op, 'minDelta', minDelta, () => true, 'a number');
    this.cooldown = checkNumber(op, 'cooldown', cooldown, (v) => Number.isInteger(v) && v >= 0, 'an integer ≥ 0');
    this.minLr = checkNumber(op, 'minLr', minLr, (v) => v >= 0, '≥ 0');
    this.reset();
  }

  private get maximize(): boolean {
    return this.mode === 'max' || (this.mode === 'auto' && this.monitor.includes('acc'));
  }

  private reset(): void {
    this.best = this.maximize ? -Infinity : Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  setRun(run: TrainingRun): void {
    this.run = run;
  }

  onTrainBegin(): void {
    this.reset();
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    const run = runOf('ReduceLROnPlateau', this.run);
    logs.learning_rate = learningRateOf('ReduceLROnPlateau', run);
    const current = monitored('ReduceLROnPlateau', this.monitor, logs);
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    const better = this.maximize ? current > this.best + this.minDelta : current < this.best - this.minDelta;
    if (better) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter === 0) {
      this.wait++;
      if (this.wait >= this.patience) {
        const old = learningRateOf('ReduceLROnPlateau', run);
        if (old > this.minLr) {
          run.optimizer.learningRate = Math.max(old * this.factor, this.minLr);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }

  getState(): CallbackState {
    return { values: { wait: this.wait, cooldownCounter: this.cooldownCounter, best: finiteOrNull(this.best) } };
  }

  setState({ values }: CallbackState): void {
    this.wait = Number(values.wait);
    this.cooldownCounter = Number(values.cooldownCounter);
    this.best = values.best === null ? (this.maximize ? -Infinity : Infinity) : Number(values.best);
  }
}
