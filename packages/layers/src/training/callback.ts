/**
 * Callbacks, as Keras has them: objects with any of onTrainBegin, onEpochBegin, onBatchEnd, onEpochEnd and
 * onTrainEnd. fit calls them in the order given; epochs and batches count from 0; onBatchEnd gets the
 * epoch's running figures, onEpochEnd the epoch's (with `val_…` keys when there is validation data),
 * onTrainEnd the last epoch's. A callback may add keys to the epoch logs (Keras's schedulers add
 * `learning_rate`); the history takes every key. Setting `run.stopTraining = true` ends training after the
 * current epoch (Keras's model.stop_training: checked after each batch and after each epoch).
 * A hook may return a Promise: fitAsync waits for it, fit refuses it.
 *
 * Resuming: a callback with state (best value, wait counter, …) gives getState/setState; fit keeps the
 * states in FitState.callbacks, and on a resumed run calls onTrainBegin and then setState with the saved
 * state. onEpochBegin is not called again for an epoch resumed in the middle.
 */
import type { Metric } from '../losses/metric.js';
import type { Model } from '../models/model.js';
import type { FitState } from './state.js';

export type Logs = Record<string, number>;
export type Awaitable = void | Promise<void>;

/** Anything with a step() over the model's parameters (an optimizer from @tsnn/optimizers). */
export interface Stepper {
  step(): void;
  /** Read and set by LearningRateScheduler and ReduceLROnPlateau. */
  learningRate?: number;
}

/** What callbacks see of the training run (Keras's callback.model and params). */
export interface TrainingRun {
  readonly model: Model;
  readonly optimizer: Stepper;
  /** The metrics fit computes (EarlyStopping's mode 'auto' reads their direction). */
  readonly metrics: readonly Metric[];
  readonly epochs: number;
  /** Steps per epoch: ceil(samples / batchSize). */
  readonly steps: number;
  readonly state: FitState;
  /** Set true to end training after this epoch. */
  stopTraining: boolean;
}

/** A callback's state in plain values, with arrays kept apart (a checkpoint stores them as tensors). */
export interface CallbackState {
  values: Record<string, number | string | boolean | null>;
  arrays?: Record<string, Float32Array>;
}

export interface Callback {
  /** Called by fit before training (Keras's set_model). */
  setRun?(run: TrainingRun): void;
  onTrainBegin?(logs: Logs): Awaitable;
  onEpochBegin?(epoch: number, logs: Logs): Awaitable;
  onBatchEnd?(batch: number, logs: Logs): Awaitable;
  onEpochEnd?(epoch: number, logs: Logs): Awaitable;
  onTrainEnd?(logs: Logs): Awaitable;
  getState?(): CallbackState;
  setState?(state: CallbackState): void;
}
