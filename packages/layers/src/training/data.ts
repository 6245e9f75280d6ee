/** Pair data for Siamese training: anything that can gather a batch of pairs into float buffers. */
import { TsnnError } from '@tsnn/tensor';

export interface PairData {
  /** Number of pairs. */
  readonly size: number;
  /** Features per input (784 for MNIST). */
  readonly features: number;
  /** Labels, 1 = same pair, 0 = different: [size]. */
  readonly labels: ArrayLike<number>;
  /** True when gathered values are finite by construction (e.g. scaled bytes): fit and predict skip the NaN scan. */
  readonly alwaysFinite?: boolean;
  /**
   * Write pairs idx[start .. start+n) into xa, xb ([n, features]) and their labels into y ([n]).
   * Implementations may gather from bytes and scale on the fly (see the MNIST example).
   */
  gather(idx: ArrayLike<number>, start: number, n: number, xa: Float32Array, xb: Float32Array, y: Float32Array): void;
}

/** Pair data from two float matrices a, b: [size, features] and labels y: [size]. */
export function pairArrays(a: Float32Array, b: Float32Array, y: ArrayLike<number>, features: number): PairData {
  const size = y.length;
  if (a.length !== size * features || b.length !== size * features) {
    throw new TsnnError(`pairArrays: expected a and b of ${size} × ${features} = ${size * features} values, got ${a.length} and ${b.length}`);
  }
  return {
    size,
    features,
    labels: y,
    gather(idx, start, n, xa, xb, yb) {
      for (let r = 0; r < n; r++) {
        const i = idx[start + r];
        xa.set(a.subarray(i * features, (i + 1) * features), r * features);
        xb.set(b.subarray(i * features, (i + 1) * features), r * features);
        yb[r] = y[i];
      }
    },
  };
}
