/**
 * Gradient checking by central finite differences.
 *
 * For each checked entry θᵢ of each target, the numeric derivative is the Richardson extrapolation
 * (4·D(h/2) − D(h)) / 3 of the central differences D(h) = (L(θᵢ + h) − L(θᵢ − h)) / 2h, whose h² error
 * terms cancel. It is compared with the analytic gradient the caller computed beforehand. A target fails
 * when ‖a − n‖ exceeds rtol·max(‖a‖, ‖n‖) (1% by default, so a gradient off by 5% fails), or when a single
 * entry is off by more than atol + rtol·max(|a|, |n|).
 *
 * L must be smooth within ±h of θ: keep ReLU inputs and loss hinges away from their kinks (the tests do).
 */
export interface GradCheckTarget {
  name: string;
  /** The values L depends on (perturbed in place and restored). */
  value: Float32Array;
  /** The analytic dL/dvalue. */
  grad: ArrayLike<number>;
}

export interface GradCheckOptions {
  /** Finite-difference step (default 1e-2; Richardson extrapolation keeps the truncation error at O(h⁴)). */
  eps?: number;
  /** Relative tolerance (default 1e-2). */
  rtol?: number;
  /** Absolute tolerance per entry, as a fraction of the target's largest numeric gradient (default 1e-2). */
  atolScale?: number;
  /** Check at most this many entries per target, spread evenly (default: all). */
  maxEntries?: number;
  /**
   * The size of the terms summed into L (default |L| at θ). It sets the rounding-noise floor; give it when
   * L is a sum of signed terms that may cancel, such as Σ rᵢ·yᵢ.
   */
  lossScale?: number;
}

export interface GradCheckFailure {
  name: string;
  /** Entry index, or -1 for a whole-target (norm) failure. */
  index: number;
  analytic: number;
  numeric: number;
  relError: number;
}

export interface GradCheckReport {
  ok: boolean;
  checked: number;
  failures: GradCheckFailure[];
  /** Relative error ‖a − n‖ / max(‖a‖, ‖n‖) per target. */
  relErrors: Record<string, number>;
  /** One line per failure, for test output. */
  message: string;
}

export function checkGradients(loss: () => number, targets: GradCheckTarget[], opts: GradCheckOptions = {}): GradCheckReport {
  const { eps = 1e-2, rtol = 1e-2, atolScale = 1e-2, maxEntries = Infinity, lossScale } = opts;
  const failures: GradCheckFailure[] = [];
  const relErrors: Record<string, number> = {};
  let checked = 0;
  // L is computed from float32 values, so it carries rounding noise of some float32 ulps (~1e-6·|L|);
  // divided by the step, that is the smallest gradient difference the check can resolve.
  const floor = (1e-6 * (lossScale ?? Math.abs(loss()) + 1e-3)) / eps;

  /** D(h) at entry i, over the float32 steps actually taken. */
  const central = (v: Float32Array, i: number, h: number): number => {
    const orig = v[i];
    const hi = Math.fround(orig + h), lo = Math.fround(orig - h);
    v[i] = hi;
    const fPlus = loss();
    v[i] = lo;
    const fMinus = loss();
    v[i] = orig;
    return (fPlus - fMinus) / (hi - lo);
  };

  for (const t of targets) {
    const n = t.value.length;
    const stride = Math.max(1, Math.floor(n / Math.min(n, maxEntries)));
    const idx: number[] = [], num: number[] = [];
    for (let i = 0; i < n; i += stride) {
      idx.push(i);
      num.push((4 * central(t.value, i, eps / 2) - central(t.value, i, eps)) / 3);
    }
    checked += idx.length;
    const nMax = num.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const atol = atolScale * nMax + floor;
    let dd = 0, aa = 0, nn = 0;
    const entryFailures: GradCheckFailure[] = [];
    for (let j = 0; j < idx.length; j++) {
      const nj = num[j], aj = t.grad[idx[j]];
      dd += (aj - nj) ** 2;
      aa += aj ** 2;
      nn += nj ** 2;
      if (Math.abs(aj - nj) > atol + rtol * Math.max(Math.abs(aj), Math.abs(nj))) {
        entryFailures.push({ name: t.name, index: idx[j], analytic: aj, numeric: nj, relError: Math.abs(aj - nj) / Math.max(Math.abs(nj), 1e-12) });
      }
    }
    const norm = Math.max(Math.sqrt(aa), Math.sqrt(nn));
    relErrors[t.name] = Math.sqrt(dd) / Math.max(norm, 1e-12);
    if (Math.sqrt(dd) > rtol * norm + floor * Math.sqrt(idx.length)) {
      failures.push({ name: t.name, index: -1, analytic: Math.sqrt(aa), numeric: Math.sqrt(nn), relError: relErrors[t.name] });
    }
    failures.push(...entryFailures);
  }
  const message = failures.map((f) =>
    f.index < 0
      ? `${f.name}: relative error ${f.relError.toExponential(2)} (‖analytic‖ ${f.analytic.toExponential(3)}, ‖numeric‖ ${f.numeric.toExponential(3)})`
      : `${f.name}[${f.index}]: analytic ${f.analytic.toExponential(4)} vs numeric ${f.numeric.toExponential(4)}`,
  ).join('\n');
  return { ok: failures.length === 0, checked, failures, relErrors, message };
}
