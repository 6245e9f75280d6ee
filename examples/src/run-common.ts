/**
 * What the training examples (siamese, mnist) share around fit: the backend and thread setup, the stop
 * signal, reading a run's checkpoint, and replaying a resumed run's finished epochs.
 */
import type { KernelVariant } from '@tsnn/tensor';
import { useBackendFromEnv } from '@tsnn/tensor/backend.node';
import { stopThreads, useThreads } from '@tsnn/tensor/pool.node';
import { decodeCheckpoint, type Checkpoint, type FitState } from '@tsnn/layers';
import { readInput } from './files.js';
import { epochLine, epochOf, type Output } from './progress.js';

/** How a run is asked to stop early: the CLI sets `requested` on SIGINT; fit stops after the current step. */
export interface StopSignal {
  requested: boolean;
}

/** The checkpoint file a training run keeps in its --out folder. */
export const CHECKPOINT = 'checkpoint.tsnn';

/**
 * Choose the backend and kernel variant (the flags first, then $TSNN_BACKEND / $TSNN_KERNELS, else the best
 * available) and the threads, run, stop the threads.
 */
export async function withBackend<T>(opts: { backend: 'js' | 'wasm' | null; kernels: KernelVariant | null; threads: number }, run: () => Promise<T>): Promise<T> {
  useBackendFromEnv(opts.backend ?? undefined, opts.kernels ?? undefined);
  await useThreads(opts.threads); // a TsnnError for more than 1 thread on the js backend
  try {
    return await run();
  } finally {
    await stopThreads();
  }
}

/** A run's checkpoint, checked to hold `command`'s run settings (`isMine` tells them apart). */
export function readRunCheckpoint(path: string, command: string, isMine: (settings: Record<string, unknown>) => boolean): Checkpoint {
  const c = decodeCheckpoint(readInput(path, '--resume'), path);
  const settings = c.meta.settings as Record<string, unknown> | undefined;
  if (!settings || !isMine(settings)) throw new Error(`${path}: not a checkpoint of ${command} (no run settings of it in the file)`);
  return c;
}

/** A resumed run prints the lines of the epochs its checkpoint has already done, as the first run did. */
export function replayEpochs(out: Output, state: FitState, epochs: number, steps: number): void {
  for (let e = 0; e < state.epoch; e++) out.line(epochLine(epochOf(state.history, state.epochSeconds, e), epochs, steps));
}
