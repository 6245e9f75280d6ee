/**
 * The gemms of one training step of the model's Dense layers, timed on any engine.
 * For a Dense layer with x: [batch, in], W: [in, out], dz: [batch, out]:
 *   A·B   forward   y  = x·W     C[batch, out] = A[batch, in] · B[in, out]
 *   Aᵀ·B  backward  dW = xᵀ·dz   C[in, out]    = A[batch, in]ᵀ · B[batch, out]   (accumulated: beta 1, as Dense does)
 *   A·Bᵀ  backward  dx = dz·Wᵀ   C[batch, in]  = A[batch, out] · B[in, out]ᵀ
 * All three cost 2·batch·in·out flops.
 */
import { Rng } from '@tsnn/tensor';
import type { MatmulCell } from './systems.js';
import { callsPerSecond, type TimingOptions } from './timing.js';

export interface GemmCase {
  shape: string;
  variant: string;
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  /** 1 = accumulate into C (what Dense does for dW); engines that cannot accumulate ignore it. */
  beta: 0 | 1;
  /** Stored shapes: A is [k, m] when transA, B is [n, k] when transB. */
  aShape: [number, number];
  bShape: [number, number];
}

/** The Dense layers of the model: 784 → 128 (the first) and 128 → 128 (the other two). */
export const LAYER_SHAPES: ReadonlyArray<{ batch: number; inF: number; out: number }> = [
  { batch: 128, inF: 784, out: 128 },
  { batch: 128, inF: 128, out: 128 },
];

export function gemmCases(): GemmCase[] {
  const cases: GemmCase[] = [];
  for (const { batch, inF, out } of LAYER_SHAPES) {
    const shape = `${batch}×${inF}×${out}`;
    cases.push(
      { shape, variant: 'A·B', transA: false, transB: false, m: batch, n: out, k: inF, beta: 0, aShape: [batch, inF], bShape: [inF, out] },
      { shape, variant: 'Aᵀ·B', transA: true, transB: false, m: inF, n: out, k: batch, beta: 1, aShape: [batch, inF], bShape: [batch, out] },
      { shape, variant: 'A·Bᵀ', transA: false, transB: true, m: batch, n: inF, k: out, beta: 0, aShape: [batch, out], bShape: [inF, out] },
    );
  }
  return cases;
}

/** One engine's way of running a gemm case on given inputs. */
export interface PreparedGemm {
  /** One product, finished (results readable) on return. */
  run(): void;
  /** Σ C of one product into a zeroed C. */
  checksum(): number;
  dispose(): void;
}

export type GemmEngine = (c: GemmCase, a: Float32Array, b: Float32Array) => PreparedGemm;

export function sum(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}

/** Deterministic inputs in [−1, 1), the same for every engine. */
function inputs(c: GemmCase): { a: Float32Array; b: Float32Array } {
  const rng = new Rng(20240601);
  const fill = (n: number) => {
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = rng.uniformIn(-1, 1);
    return x;
  };
  return { a: fill(c.aShape[0] * c.aShape[1]), b: fill(c.bShape[0] * c.bShape[1]) };
}

export function benchMatmul(engine: GemmEngine, timing: TimingOptions, log: (s: string) => void): MatmulCell[] {
  const cases = gemmCases();
  const prepared = cases.map((c) => {
    const { a, b } = inputs(c);
    return engine(c, a, b);
  });
  const checksums = prepared.map((g) => g.checksum());
  const rates = callsPerSecond(prepared.map((g) => g.run), timing);
  for (const g of prepared) g.dispose();
  return cases.map((c, i) => {
    const flop = 2 * c.m * c.n * c.k;
    const rate = rates[i];
    const cell: MatmulCell = {
      shape: c.shape, variant: c.variant, m: c.m, n: c.n, k: c.k,
      gflops: (Math.max(...rate.rounds) * flop) / 1e9,
      medianGflops: (rate.median * flop) / 1e9,
      rounds: rate.rounds.map((r) => (r * flop) / 1e9),
      calls: rate.calls,
      seconds: rate.seconds,
      checksum: checksums[i],
    };
    log(`  matmul ${c.shape} ${c.variant.padEnd(4)} best ${cell.gflops.toFixed(2).padStart(6)} GFLOP/s, median ${cell.medianGflops.toFixed(2).padStart(6)}, ` +
      `worst ${Math.min(...cell.rounds).toFixed(2).padStart(6)}  (${rate.calls} calls in ${rate.seconds.toFixed(2)} s)`);
    return cell;
  });
}
