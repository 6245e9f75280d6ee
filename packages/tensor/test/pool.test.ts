import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, TsnnError, kernels, useBackend, type Kernels } from '@tsnn/tensor';
import { gemmReference, sparseMatrix } from '@tsnn/tensor/internal';
import { stopThreads, threadCount, useThreads } from '@tsnn/tensor/pool.node';
import { loadWasmRuntime } from '../src/wasm/index.js';
import { copyOf, expectClose, randomArray, wasm } from './wasm-helpers.js';

const EDGE = [1, 3, 4, 5, 8, 127, 129];
const dim = fc.oneof(fc.constantFrom(...EDGE), fc.integer({ min: 1, max: 140 }));
const GUARD = 7; // floats after c that must stay untouched

/**
 * The pooled gemm (kernels().gemm with 2 threads; minWork 1, so every shape with two or more row
 * panels is split) against the reference, and bit for bit against the single-threaded wasm gemm.
 */
function check(tA: boolean, tB: boolean, m: number, n: number, k: number, beta: 0 | 1, inside: boolean, seed: number): void {
  const rng = new Rng(seed);
  const a = randomArray(m * k, rng, inside), b = randomArray(k * n, rng, inside);
  const c0 = randomArray(m * n + GUARD, rng, false);
  const got = copyOf(c0, inside), single = copyOf(c0, inside), want = c0.slice();
  kernels().gemm(tA, tB, m, n, k, a, b, beta, got);
  wasm().gemm(tA, tB, m, n, k, a, b, beta, single);
  gemmReference(tA, tB, m, n, k, a, b, beta, want);
  const mag = new Float32Array(m * n);
  gemmReference(tA, tB, m, n, k, a.map(Math.abs), b.map(Math.abs), 0, mag);
  const what = `pooled gemm tA=${tA} tB=${tB} m=${m} n=${n} k=${k} beta=${beta} inside=${inside}`;
  expectClose(what, got, want, (i) => (i < m * n ? 1e-5 * (mag[i] + beta * Math.abs(c0[i])) + 1e-6 : 0));
  expectClose(`${what} (vs 1 thread)`, got, single, () => 0);
}

describe('useThreads(2): pooled wasm gemm', () => {
  let pooled: Kernels;
  beforeAll(async () => {
    useBackend('wasm');
    await useThreads(2, { minWork: 1 });
    pooled = kernels();
  });
  afterAll(() => stopThreads());

  it('replaces the active kernels with a wasm set whose gemm uses the pool', () => {
    expect(threadCount()).toBe(2);
    expect(pooled.name).toBe('wasm');
    expect(pooled).not.toBe(wasm());
    expect(pooled.relu).toBe(wasm().relu);
  });

  it('agrees with the reference and bit for bit with 1 thread on random shapes, all variants, assign and accumulate', () => {
    fc.assert(
      fc.property(dim, dim, dim, fc.boolean(), fc.boolean(), fc.constantFrom<0 | 1>(0, 1), fc.boolean(), fc.integer(),
        (m, n, k, tA, tB, beta, inside, seed) => check(tA, tB, m, n, k, beta, inside, seed)),
      { numRuns: 150 },
    );
  });

  it('handles every combination of the edge sizes for A·B, Aᵀ·B, A·Bᵀ and Aᵀ·Bᵀ', () => {
    const variants: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];
    let seed = 1;
    for (const [tA, tB] of variants) {
      for (const m of [1, 4, 5, 8, 9, 129]) for (const n of [1, 3, 8, 127]) for (const k of [1, 5, 129]) {
        check(tA, tB, m, n, k, (seed & 1) as 0 | 1, (seed & 2) !== 0, seed++);
      }
    }
  });

  it('runs the shapes of the Siamese MLP step, accumulating into gradients', () => {
    let seed = 100;
    for (const [tA, tB, m, n, k] of [[false, false, 128, 128, 784], [true, false, 784, 128, 128], [false, true, 128, 784, 128],
      [false, false, 128, 128, 128], [true, false, 128, 128, 128], [false, true, 128, 128, 128]] as const) {
      for (const beta of [0, 1] as const) check(tA, tB, m, n, k, beta, true, seed++);
    }
  });

  it('stays correct when a call grows the shared memory under the workers', () => {
    // Staging and packing a and b (3.2M floats each) from ordinary arrays needs over 48 MB of scratch.
    const bytes = () => loadWasmRuntime()!.memory.buffer.byteLength;
    const before = bytes();
    check(false, true, 16, 16, 200_000, 1, false, 7);
    expect(bytes()).toBeGreaterThan(Math.max(before, 48e6));
  });

  it('splits sparseGemm (x·b and xᵀ·b) bit-identically to 1 thread, on random shapes and densities', () => {
    fc.assert(
      fc.property(dim, dim, dim, fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom<0 | 1>(0, 1), fc.boolean(), fc.integer(),
        (rows, cols, n, density, beta, inside, seed) => {
          const rng = new Rng(seed);
          const x = new Float32Array(rows * cols).map(() => (rng.uniform() < density ? rng.uniformIn(-1, 1) : 0));
          const s = sparseMatrix(rows, cols, rows * cols, inside ? wasm().alloc : (len) => new Float32Array(len));
          expect(pooled.sparsify(x, s)).toBe(x.filter((v) => v !== 0).length);
          for (const transX of [false, true]) {
            const [m, k] = transX ? [cols, rows] : [rows, cols];
            const b = randomArray(k * n, rng, inside), c0 = randomArray(m * n + GUARD, rng, false);
            const got = copyOf(c0, inside), single = copyOf(c0, inside), dense = copyOf(c0, inside);
            pooled.sparseGemm(transX, s, n, b, beta, got);
            wasm().sparseGemm(transX, s, n, b, beta, single);
            wasm().gemm(transX, false, m, n, k, x, b, beta, dense);
            const what = `pooled sparseGemm transX=${transX} ${rows}×${cols} n=${n} density=${density} beta=${beta} inside=${inside}`;
            expectClose(`${what} (vs 1 thread)`, got, single, () => 0);
            expectClose(`${what} (vs dense gemm)`, got, dense, () => 0);
          }
        }),
      { numRuns: 60 },
    );
  });

  it('leaves c alone outside its m·n floats in wasm memory', () => {
    const before = wasm().alloc(8).fill(5), c = wasm().alloc(64 * 40), after = wasm().alloc(8).fill(7);
    kernels().gemm(false, false, 64, 40, 3, new Float32Array(64 * 3).fill(1), new Float32Array(3 * 40).fill(1), 0, c);
    expect(c.every((v) => v === 3)).toBe(true);
    expect([...before, ...after]).toEqual([...new Array(8).fill(5), ...new Array(8).fill(7)]);
  });
});

describe('useThreads / stopThreads', () => {
  it('rejects a bad thread count and a non-wasm backend', async () => {
    await expect(useThreads(0)).rejects.toThrow(TsnnError);
    await expect(useThreads(1.5)).rejects.toThrow(/integer ≥ 1, got 1.5/);
    useBackend('js');
    await expect(useThreads(2)).rejects.toThrow(/'js' is active/);
    useBackend('wasm');
  });

  it('stops: the plain wasm kernels are back, and a kernel set captured earlier still works on 1 thread', async () => {
    await useThreads(2, { minWork: 1 });
    const captured = kernels();
    await stopThreads();
    expect(threadCount()).toBe(1);
    expect(kernels()).toBe(wasm());
    const c = new Float32Array(64 * 64);
    captured.gemm(false, false, 64, 64, 1, new Float32Array(64).fill(2), new Float32Array(64).fill(3), 0, c);
    expect(c.every((v) => v === 6)).toBe(true);
    await stopThreads(); // a second stop is a no-op
    await useThreads(1); // 1 thread: no pool
    expect(kernels()).toBe(wasm());
  });

  it('lets the process exit, whether the pool was stopped or forgotten', async () => {
    // node:child_process, typed locally: the tensor package compiles without @types/node. An async spawn,
    // not spawnSync, so the test worker's event loop stays free while the children run.
    interface Child { stderr: { on(e: 'data', f: (b: { toString(): string }) => void): void }; on(e: 'close', f: (status: number | null, signal: string | null) => void): void }
    type Spawn = (cmd: string, args: string[], o: object) => Child;
    const name: string = 'node:child_process';
    const { spawn } = (await import(name)) as { spawn: Spawn };
    const fixture = new URL('./fixtures/pool-exit.ts', import.meta.url).pathname;
    const cwd = new URL('..', import.meta.url).pathname;
    const exe = (globalThis as unknown as { process: { execPath: string } }).process.execPath;
    for (const mode of ['stop', 'forget']) {
      const r = await new Promise<{ status: number | null; signal: string | null; stderr: string }>((resolve) => {
        const child = spawn(exe, ['--import', 'tsx', '--conditions=source', fixture, mode], { cwd, timeout: 60_000 });
        let stderr = '';
        child.stderr.on('data', (b) => (stderr += b.toString()));
        child.on('close', (status, signal) => resolve({ status, signal, stderr }));
      });
      expect({ mode, status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ mode, status: 0, signal: null, stderr: '' });
    }
  });
});
