/**
 * ModelCheckpoint: after each epoch, the model file's bytes (architecture and weights, encodeModel) go to a
 * writer the caller gives, so the library touches no file system (a Node writer that writes atomically:
 * `modelFileWriter` from `@tsnn/layers/file-writer.node`). With saveBestOnly, only when the monitored value
 * beats the best so far (Keras 3's rule, no minDelta).
 */
import { TsnnError } from '@tsnn/tensor';
import { encodeModel } from '../../io/serialize.js';
import type { Awaitable, Callback, CallbackState, Logs, TrainingRun } from '../callback.js';
import { checkMode, finiteOrNull, monitored, resolveMode, runOf, type Mode } from './monitor.js';

export type ModelWriter = (bytes: Uint8Array, logs: Logs, epoch: number) => Awaitable;

export interface ModelCheckpointOptions {
  monitor?: string;
  saveBestOnly?: boolean;
  mode?: Mode;
}

export class ModelCheckpoint implements Callback {
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly mode: Mode;
  best: number | null = null;
  private run: TrainingRun | null = null;

  constructor(readonly write: ModelWriter, { monitor = 'val_loss', saveBestOnly = false, mode = 'auto' }: ModelCheckpointOptions = {}) {
    if (typeof write !== 'function') throw new TsnnError('ModelCheckpoint: expected a writer function (bytes, logs, epoch) => void | Promise<void>');
    this.monitor = monitor;
    this.saveBestOnly = Boolean(saveBestOnly);
    this.mode = checkMode('ModelCheckpoint', mode);
  }

  setRun(run: TrainingRun): void {
    this.run = run;
  }

  onEpochEnd(epoch: number, logs: Logs): Awaitable {
    const run = runOf('ModelCheckpoint', this.run);
    if (this.saveBestOnly) {
      const current = monitored('ModelCheckpoint', this.monitor, logs);
      const mode = resolveMode('ModelCheckpoint', this.mode, this.monitor, run);
      const better = this.best === null || (mode === 'min' ? current < this.best : current > this.best);
      if (!better) return;
      this.best = current;
    }
    return this.write(encodeModel(run.model, { epoch: epoch + 1, logs: { ...logs } }), logs, epoch);
  }

  getState(): CallbackState {
    return { values: { best: finiteOrNull(this.best) } };
  }

  setState({ values }: CallbackState): void {
    this.best = values.best === null ? null : Number(values.best);
  }
}
