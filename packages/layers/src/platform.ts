// What the library uses from its host. These exist in Node ≥ 16 and every browser; the library compiles
// with neither DOM nor Node types, so it declares just what it touches.
declare const performance: { now(): number };
declare const TextEncoder: { new (): { encode(s: string): Uint8Array } };
declare const TextDecoder: { new (label: string, opts: { fatal: boolean }): { decode(b: Uint8Array): string } };
declare function setTimeout(callback: () => void, ms: number): unknown;

/** Milliseconds from a monotonic clock. */
export function nowMs(): number {
  return performance.now();
}

export function utf8Encode(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Throws on invalid UTF-8. */
export function utf8Decode(b: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(b);
}

/** Resolves on a later turn of the event loop (a macrotask), after pending timers, I/O and signals. */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
