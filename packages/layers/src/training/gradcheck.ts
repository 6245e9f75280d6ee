/**
 * Gradient checking by central finite differences.
 *
 * For each checked entry θᵢ of each target, the numeric derivative is the Richardson extrapolation
 * (4·D(h/2) − D(h)) / 3 of the central differences D(h) = (L(θᵢ + h) − L(θᵢ − h)) / 2h, whose h² error
 * terms cancel. It is compared with the analytic gradient the caller computed beforehand. A target fails
 * when ‖a − n‖ exceeds rtol·max(‖a‖, ‖n‖) (1% by default, so a gradient off by 5% fails), or when a single
 * entry is off by more than atol + rtol·max(|a|, |n|).
 *
 * The noise floor is measured, not assumed. L is computed in float32, so as θ moves it jitters by a few
 * rounding steps σ around its true value; a central difference over ±h carries ≤ 2σ / 2h = σ/h of that,
 * D(h/2) twice as much, and the Richardson combination (4·D(h/2) − D(h))/3 up to (4·2σ/h + σ/h)/3 = 3σ/h.
 * σ is the largest |L(θᵢ + δ) − L(θ) − aᵢ·δ| seen when one entry of each target moves by 1–3 float32 ulps
 * (the true change aᵢ·δ taken out), and never below float32's relative precision 2⁻²⁴ of the size of L.
 * The floor is NOISE_SAFETY (2) times 3σ/h: an entry whose true gradient is 0 (a bias that cancels in
 * a − b) then passes, while a 5% error on a gradient well above the noise still fails.
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
   * The size of the terms summed into L (default |L| at θ): the noise σ is taken ≥ 2⁻²⁴ of it. Give it
   * when L is a sum of signed terms that may cancel, such as Σ rᵢ·yᵢ.
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
  /** The measured rounding noise σ of L, and the floor 2·3σ/h it gives an entry's difference. */
  noise: number;
  floor: number;
  /** One line per failure, for test output. */
  message: string;
}

/** How far above the measured noise the floor sits: the largest of a few samples underestimates the largest jitter. */
const NOISE_SAFETY = 2;
const F32_EPSILON = 2 ** -24;

/** The float32 spacing at |x| (for 0, at the smallest normal). */
function ulp(x: number): number {
  const a = Math.max(Math.abs(x), 2 ** -126);
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/**
 * σ: the largest deviation of L from its linear change when one entry of each target (its largest in
 * magnitude, where rounding is coarsest) moves by ±1, ±2, ±3 ulps; at least 2⁻²⁴ of the size of L.
 */
function measureNoise(loss: () => number, targets: GradCheckTarget[], lossScale?: number): number {
  const l0 = loss();
  let sigma = F32_EPSILON * (lossScale ?? Math.abs(l0));
  for (const t of targets) {
    let i = 0;
    for (let j = 1; j < t.value.length; j++) if (Math.abs(t.value[j]) > Math.abs(t.value[i])) i = j;
    if (t.value.length === 0) continue;
    const orig = t.value[i], u = ulp(orig);
    for (const k of [-3, -2, -1, 1, 2, 3]) {
      const moved = Math.fround(orig + k * u);
      t.value[i] = moved;
      const dev = Math.abs(loss() - l0 - t.grad[i] * (moved - orig));
      t.value[i] = orig;
      if (Number.isFinite(dev)) sigma = Math.max(sigma, dev);
    }
  }
  return sigma;
}

export function checkGradients(loss: () => number, targets: GradCheckTarget[], opts: GradCheckOptions = {}): GradCheckReport {
  const { eps = 1e-2, rtol = 1e-2, atolScale = 1e-2, maxEntries = Infinity, lossScale } = opts;
  const failures: GradCheckFailure[] = [];
  const relErrors: Record<string, number> = {};
  let checked = 0;
  const noise = measureNoise(loss, targets, lossScale);
  const floor = (NOISE_SAFETY * 3 * noise) / eps;

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
  return { ok: failures.length === 0, checked, failures, relErrors, noise, floor, message };
}
