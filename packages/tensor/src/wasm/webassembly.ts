/**
 * The few WebAssembly JS-API members this backend uses, typed locally. The tensor package compiles
 * without DOM or Node types, so the global is not declared; reading it through `globalThis` also
 * covers hosts that have no WebAssembly at all (and declares nothing that could clash with
 * @types/node or lib.dom in a consumer's program).
 */

export interface WasmMemory {
  /** For a shared memory: a SharedArrayBuffer, a new (longer) one after each grow. */
  readonly buffer: ArrayBufferLike;
  /** Grow by this many 64 KiB pages; returns the old size in pages; throws past the maximum. */
  grow(deltaPages: number): number;
}

export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => {
    readonly exports: Record<string, unknown>;
  };
}

/** The host's WebAssembly namespace, or null without one. */
export function webAssembly(): WasmApi | null {
  const g = globalThis as { WebAssembly?: WasmApi };
  return g.WebAssembly ?? null;
}

export const PAGE_BYTES = 65536;
