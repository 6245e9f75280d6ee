import { describe, expect, it } from 'vitest';
import { TsnnError } from '@tsnn/tensor';
import { threadCount, useThreads } from '@tsnn/tensor/pool.web';
import { workerSource } from '../src/pool-worker.js';

// The Web Worker pool itself runs in a browser: `pnpm test:web` trains on 2 threads in Chromium and checks the
// result is bit-identical to one thread. Here, what can be checked without a browser.
describe('@tsnn/tensor/pool.web', () => {
  it('refuses where there are no Web Workers (Node) or the page is not cross-origin isolated, and says why', async () => {
    await expect(useThreads(2)).rejects.toThrow(new TsnnError('useThreads: this host has no Web Workers'));
    const g = globalThis as { Worker?: unknown; crossOriginIsolated?: boolean };
    g.Worker = class {};
    try {
      await expect(useThreads(2)).rejects.toThrow(/needs a cross-origin isolated page/);
    } finally {
      delete g.Worker;
    }
    expect(threadCount()).toBe(1);
    await useThreads(1); // one thread: nothing to start, fine anywhere
    expect(threadCount()).toBe(1);
  });

  it('gives its workers the same loop as Node, started by their first message instead of workerData', () => {
    const web = workerSource('web'), node = workerSource('node');
    expect(() => new Function(web)).not.toThrow(); // parses as a classic worker script
    expect(web).toContain('self.onmessage = (e) => {');
    expect(web).not.toContain('require(');
    const loop = web.slice(0, web.indexOf('self.onmessage'));
    expect(loop).toContain('function workerLoop(');
    expect(node.slice(0, node.indexOf('const { workerData'))).toBe(loop);
  });
});
