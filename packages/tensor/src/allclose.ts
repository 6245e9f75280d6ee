/** Element-wise closeness, as numpy.allclose: |a − b| ≤ atol + rtol·|b|. Returns the first mismatch, if any. */
export interface Mismatch {
  index: number;
  a: number;
  b: number;
}

export function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): Mismatch | null {
  if (a.length !== b.length) return { index: -1, a: a.length, b: b.length };
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i] - b[i]) <= atol + rtol * Math.abs(b[i]);
    if (!ok) return { index: i, a: a[i], b: b[i] };
  }
  return null;
}

export function allclose(a: ArrayLike<number>, b: ArrayLike<number>, rtol = 1e-5, atol = 1e-6): boolean {
  return firstMismatch(a, b, rtol, atol) === null;
}
