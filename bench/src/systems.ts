/**
 * The systems under test, in the order they run, and what a worker reports back. tsnn-wasm runs the kernels
 * tsnn picks by default (relaxed SIMD, i.e. fused multiply-add, where the runtime has it: Node ≥ 22; strict on
 * Node 20); tsnn-wasm-strict asks for the strict ones (`useBackend('wasm', { kernels: 'strict' })`), so on
 * Node ≥ 22 the two rows are strict vs relaxed, and on Node 20 they run the same kernels. tsnn-wasm-dense is
 * tsnn-wasm with the sparse-input path off (`useSparseInputs(0)`): every product a dense gemm, as in tsnn 0.1.
 */
export const SYSTEMS = ['tsnn-js', 'tsnn-wasm', 'tsnn-wasm-strict', 'tsnn-wasm-dense', 'tfjs-wasm', 'tfjs-cpu'] as const;
export type SystemName = (typeof SYSTEMS)[number];

export const isTsnn = (s: SystemName): boolean => s.startsWith('tsnn-');

export function parseSystems(list: string): SystemName[] {
  const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const n of names) {
    if (!(SYSTEMS as readonly string[]).includes(n)) throw new Error(`--only: unknown system '${n}' (expected some of ${SYSTEMS.join(', ')})`);
  }
  // Keep the canonical order whatever order they were given in.
  return SYSTEMS.filter((s) => names.includes(s));
}

/** One matmul shape/variant, timed on one system. */
export interface MatmulCell {
  /** e.g. '128×784×128' (batch × in × out of the Dense layer it comes from). */
  shape: string;
  /** 'A·B' (forward), 'Aᵀ·B' (dW = xᵀ·dz), 'A·Bᵀ' (dx = dz·Wᵀ). */
  variant: string;
  /** The gemm actually run: C[m, n] = op(A)[m, k] · op(B)[k, n]. */
  m: number;
  n: number;
  k: number;
  /** Best timing round: interference on a shared machine only ever slows a round down. */
  gflops: number;
  /** Median over the timing rounds. */
  medianGflops: number;
  /** Every round's GFLOP/s, for judging the noise. */
  rounds: number[];
  calls: number;
  seconds: number;
  /** Σ C after one call on zeroed C: the same deterministic inputs everywhere, so these should agree. */
  checksum: number;
}

export interface ValidationFigures {
  /** Test pairs evaluated (10,000 in a full run). */
  pairs: number;
  seconds: number;
  /** seconds scaled to 10,000 pairs (equal to seconds when pairs = 10,000). */
  secondsPer10k: number;
  loss: number;
  accuracy: number;
}

export interface TrainFigures {
  batchSize: number;
  warmupSteps: number;
  steps: number;
  /** Wall time of the measured steps (after warm-up). */
  seconds: number;
  pairsPerSec: number;
  medianStepMs: number;
  /** 60,000 / pairsPerSec: one epoch of training pairs, validation excluded. */
  trainSecondsPerEpoch: number;
  /** trainSecondsPerEpoch + validation.secondsPer10k. */
  secondsPerEpochWithVal: number;
  /** Loss of the first batch, and the running mean over all steps (warm-up included). */
  firstLoss: number;
  meanLoss: number;
  validation: ValidationFigures;
}

export interface SystemResult {
  system: SystemName;
  /** What actually ran, e.g. 'tsnn 0.1.0 wasm' or 'tfjs 4.22.0 wasm (SIMD, 1 thread)'. */
  engine: string;
  matmul: MatmulCell[];
  train: TrainFigures | null;
  /** process.resourceUsage().maxRSS at the end of the worker, in KB. */
  maxRssKB: number;
  notes: string[];
}

export interface RunFailure {
  system: SystemName;
  error: string;
}
