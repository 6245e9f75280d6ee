/**
 * Timing with performance.now(): warm every function up, then time several rounds of at least a
 * minimum duration each. The rounds are interleaved (round 1 of every function, then round 2, …) so
 * that a burst of load from a neighbour on this shared machine spreads over all cells instead of
 * sinking one of them. The report uses the best round (interference only ever slows a round down,
as Python's timeit docs argue for its minimum); the median and every round are kept in the JSON.
 */

export interface TimingOptions {
  /** Seconds spent warming up each function (at least 3 calls). */
  warmupSeconds: number;
  rounds: number;
  /** Each round repeats the call until this many seconds have passed. */
  roundSeconds: number;
}

/** ≥ 0.8 s of timed calls per function. */
export const FULL_TIMING: TimingOptions = { warmupSeconds: 0.2, rounds: 8, roundSeconds: 0.1 };
export const QUICK_TIMING: TimingOptions = { warmupSeconds: 0.05, rounds: 3, roundSeconds: 0.03 };

export interface Rate {
  /** Calls per second in each round. */
  rounds: number[];
  median: number;
  calls: number;
  seconds: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Calls per second of each function. Each must finish its work before returning. */
export function callsPerSecond(fns: ReadonlyArray<() => void>, opts: TimingOptions): Rate[] {
  for (const fn of fns) {
    const warmEnd = performance.now() + opts.warmupSeconds * 1000;
    for (let i = 0; i < 3 || performance.now() < warmEnd; i++) fn();
  }
  const rates: Rate[] = fns.map(() => ({ rounds: [], median: NaN, calls: 0, seconds: 0 }));
  const minMs = opts.roundSeconds * 1000;
  for (let r = 0; r < opts.rounds; r++) {
    fns.forEach((fn, i) => {
      const t0 = performance.now();
      let n = 0, t = t0;
      do {
        fn();
        n++;
        t = performance.now();
      } while (t - t0 < minMs);
      rates[i].rounds.push((n * 1000) / (t - t0));
      rates[i].calls += n;
      rates[i].seconds += (t - t0) / 1000;
    });
  }
  for (const rate of rates) rate.median = median(rate.rounds);
  return rates;
}
