/**
 * `pnpm example:embedding` on real MNIST, through the same code path as the CLI: a short DrLIM run must put
 * the digits in the plane well enough that the nearest class centroid beats what an untrained map gets
 * (measured: 0.21–0.29 over seeds 0–2, chance 0.10; two epochs on 20,000 pairs reach 0.74 (seed 0) and 0.78 (seed 1)), and write
 * a valid PNG, a scatter SVG, the summary and a model that `pnpm example:fewshot` reads as a distance.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '@tsnn/layers';
import { parseEmbeddingArgs } from '../src/embedding-cli.js';
import { runEmbedding } from '../src/embedding-run.js';
import { parseFewShotArgs } from '../src/fewshot-cli.js';
import { runFewShot } from '../src/fewshot-run.js';
import type { Output } from '../src/progress.js';
import { runCli } from './tiny-mnist.js';

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { tty: false, lines, line: (s) => lines.push(s) };
}

describe('pnpm example:embedding on real MNIST', () => {
  it('two epochs on 20,000 pairs: nearest-centroid accuracy > 0.6, a readable picture, and a model fewshot reads as a distance', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tsnn-embedding-'));
    const opts = parseEmbeddingArgs(['--limit', '20000', '--epochs', '2', '--seed', '1', '--out', out])!;
    const lines = capture();
    const summary = await runEmbedding(opts, lines);
    expect(summary.epochs).toBe(2);
    expect(summary.centroidAccuracy).toBeGreaterThan(0.6);
    expect(summary.testPairAccuracy).toBeGreaterThan(0.75);
    expect(summary.centroids).toHaveLength(10);
    expect(lines.lines.filter((l) => /^Epoch \d\/2 {2}157\/157 /.test(l))).toHaveLength(2);

    for (const f of ['embedding.svg', 'embedding.png', 'history.json', 'history.svg', 'summary.json', 'model.tsnn']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).centroidAccuracy).toBe(summary.centroidAccuracy);
    const svg = readFileSync(join(out, 'embedding.svg'), 'utf8');
    expect(svg).toContain(`nearest-centroid accuracy ${(100 * summary.centroidAccuracy).toFixed(2)}%`);
    expect(svg.match(/<g class="legend-entry"/g)).toHaveLength(10);
    const png = readFileSync(join(out, 'embedding.png'));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect(png.length).toBeLessThan(250_000);
    const { manifest } = decodeModel(readFileSync(join(out, 'model.tsnn')));
    expect(manifest.config.merge).toEqual({ kind: 'euclidean' });

    // The same model few-shot: the output is a distance, so the lowest mean distance wins.
    const fs = await runFewShot(parseFewShotArgs(['--weights', join(out, 'model.tsnn'), '--draws', '2', '--limit', '2000', '--out', out])!, capture());
    expect(fs.score).toBe('distance');
    expect(fs.embedDim).toBe(2);
    expect(fs.shots[0].mean).toBeGreaterThan(0.5);
  });
});

describe('the embedding command line', () => {
  const cli = (args: string[]) => runCli('embedding', args);

  it('a wrong or malformed flag prints the usage and exits with status 2; --help exits 0', async () => {
    for (const args of [['--epochs', 'ten'], ['--bogus'], ['--epochs', '0'], ['--out', ''], ['extra']]) {
      const r = await cli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('Usage: pnpm example:embedding');
    }
    const help = await cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--limit N');
  });

  it('parses the defaults', async () => {
    const o = parseEmbeddingArgs([])!;
    expect([o.epochs, o.seed, o.limit, o.dataDir]).toEqual([10, 0, null, null]);
    expect(o.out.endsWith('examples/out/embedding')).toBe(true);
  });
});
