/** The messages between the page (main.ts) and the training worker (worker.ts). */
import type { EpochLogs } from '../src/progress.js';
import type { IdxDataset } from '../src/idx-parse.js';

export interface RunSettings {
  epochs: number;
  seed: number;
  /** Train on the first N training pairs only (null: all 60,000). */
  limit: number | null;
  /** Threads for the big matrix products (1: none; more needs a cross-origin isolated page). */
  threads: number;
}

export type ToWorker =
  | { type: 'data'; train: IdxDataset; test: IdxDataset }
  /** Run the wasm kernels over an unshared memory, as in a browser that refuses shared memory to the page. */
  | { type: 'unshared-memory' }
  /** Choose the wasm kernel variant (strict: the same bits everywhere; relaxed: fused multiply-add where the host has it). */
  | { type: 'kernels'; variant: 'strict' | 'relaxed' }
  | { type: 'start'; settings: RunSettings }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'score'; id: number; a: Float32Array; b: Float32Array }
  | { type: 'save' }
  | { type: 'load'; name: string; bytes: Uint8Array; seed: number };

/** One test pair for the grid: image indices into the test set, label (1 = same) and the model's score. */
export interface GridPair {
  a: number;
  b: number;
  y: number;
  p: number;
}

export interface TestFigures {
  accuracy: number;
  precision: number;
  recall: number;
  loss: number;
}

export type FromWorker =
  /** The worker's backend as it stands; `hasData`: MNIST has reached it (every earlier message handled). */
  | { type: 'ready'; backend: string; kernels: string; threads: number; isolated: boolean; note: string; hasData: boolean }
  | { type: 'started'; headline: string; epochs: number; steps: number }
  | { type: 'batch'; epoch: number; step: number; steps: number; loss: number; accuracy: number; etaSeconds: number }
  | { type: 'epoch'; logs: EpochLogs; line: string }
  | { type: 'grid'; pairs: GridPair[]; kind: 'probability' | 'distance'; correct: number; total: number }
  | { type: 'paused'; epoch: number; step: number; steps: number }
  | { type: 'done'; test: TestFigures; seconds: number }
  | { type: 'score'; id: number; p: number; kind: 'probability' | 'distance' }
  | { type: 'saved'; name: string; bytes: Uint8Array }
  | { type: 'loaded'; name: string; description: string; test: TestFigures }
  | { type: 'error'; message: string };
