/**
 * Dropout masks from `Rng`'s generator (sfc32, see rng.ts), the reference for every backend's
 * `Kernels.fillMask`: out[i] = value where the i-th draw's uniform t / 2³² is ≥ threshold, else 0
 * (as +(u ≥ threshold) · value, rounded to float32), for i < n; state: the four 32-bit words a, b, c, d,
 * advanced past the n draws. The same draws, in the same order, as n calls of Rng.uniform().
 */
export function drawMask(state: Uint32Array, out: Float32Array, n: number, threshold: number, value: number): void {
  let a = state[0], b = state[1], c = state[2], d = state[3];
  for (let i = 0; i < n; i++) {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = (b ^ (b >>> 9)) >>> 0;
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    out[i] = +(t / 4294967296 >= threshold) * value;
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
}
