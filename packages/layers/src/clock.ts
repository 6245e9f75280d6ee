// `performance` exists in Node ≥ 16 and every browser; the library compiles without DOM or Node types.
declare const performance: { now(): number };

/** Milliseconds from a monotonic clock. */
export function nowMs(): number {
  return performance.now();
}
