/** What the built-in callbacks share: reading the monitored value, and which way is better. */
import { TsnnError } from '@tsnn/tensor';
import type { Logs, TrainingRun } from '../callback.js';

export type Mode = 'auto' | 'min' | 'max';

export function checkMode(op: string, mode: unknown): Mode {
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new TsnnError(`${op}: mode must be 'auto', 'min' or 'max', got ${String(mode)}`);
  return mode;
}

/**
 * 'min' or 'max' for a monitored key, as Keras resolves mode 'auto' from the metric's direction:
 * `loss` (and `val_loss`) go down, a metric goes its own way (accuracy up, mae down).
 */
export function resolveMode(op: string, mode: Mode, monitor: string, run: TrainingRun | null): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  const name = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  if (name === 'loss') return 'min';
  const metric = run?.metrics.find((m) => m.name === name);
  if (metric) return metric.direction === 'up' ? 'max' : 'min';
  throw new TsnnError(`${op}: cannot tell whether '${monitor}' should go up or down; give mode 'min' or 'max'`);
}

/** The monitored value from the epoch logs, or a TsnnError naming the keys there are (Keras only warns). */
export function monitored(op: string, monitor: string, logs: Logs): number {
  const v = logs[monitor];
  if (v === undefined) {
    throw new TsnnError(`${op}: '${monitor}' is not in the epoch logs (${Object.keys(logs).join(', ')})` +
      (monitor.startsWith('val_') ? '; give fit validationData or validationSplit, or monitor a training key' : ''));
  }
  return v;
}

export function runOf(op: string, run: TrainingRun | null): TrainingRun {
  if (!run) throw new TsnnError(`${op}: used outside fit (fit calls setRun before training)`);
  return run;
}

/** The optimizer's learning rate, or a TsnnError if it has none to set. */
export function learningRateOf(op: string, run: TrainingRun): number {
  const lr = run.optimizer.learningRate;
  if (typeof lr !== 'number') throw new TsnnError(`${op}: the optimizer has no learningRate to change`);
  return lr;
}

export function checkNumber(op: string, name: string, v: unknown, ok: (v: number) => boolean, range: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new TsnnError(`${op}: ${name} must be ${range}, got ${String(v)}`);
  return v;
}

/** A best value for a state: ±Infinity (no best yet) is stored as null, which JSON keeps. */
export const finiteOrNull = (v: number | null): number | null => (v === null || !Number.isFinite(v) ? null : v);
