/** Where a fit stands: everything besides weights, optimizer and generator needed to continue it bit-identically. */
import type { CallbackState } from './callback.js';

/** Keras's History.history: per key (`loss`, `accuracy`, `val_loss`, …) one value per epoch. */
export type History = Record<string, number[]>;

export interface FitState {
  /** Epochs completed. */
  epoch: number;
  /** Steps completed in the current epoch (0 at an epoch boundary). */
  step: number;
  /** The current epoch's order of the training samples (null before the first epoch). */
  order: Uint32Array | null;
  /** Σ batch loss × batch size over the current epoch's completed steps, and the samples they hold. */
  lossSum: number;
  seen: number;
  /** Each metric's running counts in the current epoch, by name. */
  metrics: Record<string, number[]>;
  /** Seconds spent in the current epoch so far. */
  seconds: number;
  history: History;
  /** Seconds each completed epoch took (not a Keras history key). */
  epochSeconds: number[];
  /** Each callback's own state (getState), in the order given; null for a callback without state. */
  callbacks: (CallbackState | null)[];
  /** A callback ended training (Keras's stop_training): fit on this state trains no further. */
  stopTraining: boolean;
}

export function initialFitState(): FitState {
  return { epoch: 0, step: 0, order: null, lossSum: 0, seen: 0, metrics: {}, seconds: 0, history: {}, epochSeconds: [], callbacks: [], stopTraining: false };
}
