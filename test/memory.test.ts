/**
 * Memory is given back with no dispose(): the wasm heap's own counters (not RSS, not the test runner's
 * heap) measured in child processes that run nothing else (see memory/*.ts).
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface Stats { liveBuffers: number; liveBytes: number; freeBytes: number; topBytes: number; memoryBytes: number; reclaimed: number }

/** Run a script of memory/ in a child (async: the test worker's event loop stays free); its stdout lines. */
function run(script: string, ...args: string[]): Promise<string[]> {
  const file = new URL(`./memory/${script}`, import.meta.url).pathname;
  const cwd = new URL('..', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--conditions=source', file, ...args], { cwd });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      if (status !== 0) reject(new Error(`${script} exited with ${status ?? signal}: ${stderr}`));
      else resolve(stdout.trim().split('\n'));
    });
  });
}

describe('wasm memory over long-lived processes', () => {
  it('3,000 models, optimizers and fit calls in one process: the wasm memory stops growing after the first rounds', async () => {
    const lines = (await run('sweep.ts', '3000', '250')).map((l) => JSON.parse(l) as Stats & { round: number });
    expect(lines).toHaveLength(12);
    const [first, ...rest] = lines;
    for (const s of rest) {
      expect(s.memoryBytes, `round ${s.round}`).toBe(first.memoryBytes); // grew once at most, in the first 250 rounds
      // Between rounds only one model, its optimizer and workspaces are referenced (≈ 30 buffers).
      expect(s.liveBuffers, `round ${s.round}`).toBeLessThan(100);
      expect(s.topBytes, `round ${s.round}`).toBeLessThanOrEqual(s.memoryBytes);
    }
    expect(rest.at(-1)!.reclaimed).toBeGreaterThan(100_000); // ≈ 50 buffers a round, given back
  });

  it('1,200 training steps on one model after a warm-up: the wasm heap, the JS heap and ArrayBuffer memory stay flat', async () => {
    type Point = { epoch: number; heap: Stats; jsHeapUsed: number; arrayBuffers: number };
    const [warm, mid, end] = JSON.parse((await run('long-run.ts'))[0]) as Point[];
    expect([warm.epoch, mid.epoch, end.epoch]).toEqual([32, 62, 92]); // 20 steps an epoch: two windows of 600 steps
    for (const p of [mid, end]) {
      expect(p.heap.memoryBytes).toBe(warm.heap.memoryBytes);
      expect(p.heap.liveBuffers).toBeLessThanOrEqual(warm.heap.liveBuffers);
      expect(p.heap.topBytes).toBeLessThanOrEqual(warm.heap.topBytes);
      // Keeping one [32, 16] activation (2 KB) a step outside the wasm heap would add 1.2 MB a window.
      expect(p.arrayBuffers - warm.arrayBuffers).toBeLessThan(64 * 1024);
    }
    // V8's own bookkeeping (compiled code, feedback) moves the JS heap between measurements: over 200 runs
    // of long-run.ts a window grew by −337 KB to +219 KB, and the smaller of the two windows by at most 47 KB.
    // A leak of ≥ 420 bytes a step (a retained closure and its tensors) grows both windows by ≥ 250 KB.
    const growth = [mid.jsHeapUsed - warm.jsHeapUsed, end.jsHeapUsed - mid.jsHeapUsed];
    expect(Math.min(...growth), `JS heap growth per 600-step window: ${growth.join(', ')} bytes`).toBeLessThan(250_000);
  });
});
