/**
 * The example on real MNIST, through the same code path as `pnpm example:siamese`: a short run must
 * reach a validation accuracy a broken model cannot, write its outputs, and reproduce its test figures
 * from the saved weights.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSiameseArgs, type SiameseOptions } from '../src/cli.js';
import { runSiamese } from '../src/siamese-run.js';
import type { Output } from '../src/progress.js';
import { runCli } from './tiny-mnist.js';

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { tty: false, lines, line: (s) => lines.push(s) };
}

function options(extra: string[]): SiameseOptions {
  return parseSiameseArgs(['--out', mkdtempSync(join(tmpdir(), 'tsnn-siamese-')), ...extra])!;
}

describe('pnpm example:siamese on real MNIST', () => {
  it('two epochs on the full training pairs reach > 90% validation accuracy, and the saved model reproduces the test figures', async () => {
    const opts = options(['--epochs', '2', '--seed', '1']);
    const out = capture();
    const summary = await runSiamese(opts, out);
    expect(summary.epochs).toBe(2);
    expect(summary.finalValAccuracy).toBeGreaterThan(0.9);
    expect(summary.test.accuracy).toBe(summary.finalValAccuracy);
    expect(summary.train!.pairs).toBe(60000);
    expect(summary.test.pairs).toBe(10000);
    // The Keras-shaped epoch lines, in plain mode (not a terminal).
    expect(out.lines.filter((l) => /^Epoch \d\/2 {2}469\/469 - [\d.]+s - [\d.]+ms\/step - binary_accuracy: 0\.\d{4} - loss: 0\.\d{4} - val_binary_accuracy: 0\.\d{4} - val_loss: 0\.\d{4}$/.test(l))).toHaveLength(2);
    expect(out.lines.some((l) => l.includes('is the precision'))).toBe(true);

    for (const f of ['history.json', 'history.svg', 'summary.json', 'model.tsnn']) expect(existsSync(join(opts.out, f)), f).toBe(true);
    const history = JSON.parse(readFileSync(join(opts.out, 'history.json'), 'utf8'));
    expect(history.val_binary_accuracy).toHaveLength(2);
    expect(history.val_binary_accuracy[1]).toBe(summary.finalValAccuracy);

    const evalOpts = options(['--eval-only', '--weights', join(opts.out, 'model.tsnn'), '--seed', '1']);
    const again = await runSiamese(evalOpts, capture());
    expect(again.epochs).toBe(0);
    expect(again.test).toEqual(summary.test);
  });

  it('--head euclidean (Hadsell et al.): one epoch already separates same from different pairs by distance', async () => {
    const out = capture();
    const summary = await runSiamese(options(['--head', 'euclidean', '--epochs', '1', '--limit', '20000']), out);
    expect(summary.finalValAccuracy).toBeGreaterThan(0.8); // measured 0.845; chance (every pair "different") is 0.5
    expect(out.lines.some((l) => l.includes('Euclidean-distance head'))).toBe(true);
    expect(out.lines.some((l) => l.includes('"same" when the distance is < 0.5'))).toBe(true);
  });

  it('same seed ⇒ the same run, bit for bit; another seed ⇒ another run', async () => {
    const run = async (seed: string) => (await runSiamese(options(['--epochs', '1', '--limit', '3000', '--seed', seed]), capture())).test;
    const a = await run('3');
    expect(await run('3')).toEqual(a);
    expect((await run('4')).loss).not.toBe(a.loss);
  });
});

describe('the command line', () => {
  const cli = (args: string[]) => runCli('siamese', args);

  it('a wrong or malformed flag prints the usage and exits with status 2', async () => {
    for (const args of [['--epochs', 'ten'], ['--bogus'], ['--loss', 'mse'], ['--eval-only'], ['--epochs', '0']]) {
      const r = await cli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('Usage: pnpm example:siamese');
    }
  });

  it('--help prints the usage and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--data-dir DIR');
  });

  it('an --out folder that cannot be written is a clear error before any training', async () => {
    const r = await cli(['--out', '/etc/hostname/sub']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error: --out /etc/hostname/sub: cannot write there (ENOTDIR)');
    expect(r.stdout).not.toContain('Epoch');
  });

  it('a --weights path that is a folder or missing is a clear error naming it', async () => {
    expect((await cli(['--weights', tmpdir(), '--eval-only'])).stderr).toContain(`error: --weights ${tmpdir()}: cannot read it (is a directory, not a file)`);
    expect((await cli(['--weights', '/no/such/model.tsnn', '--eval-only'])).stderr).toContain('error: --weights /no/such/model.tsnn: cannot read it (no such file)');
  });

  it('a bad data folder is a one-line error, exit status 1, no stack trace', async () => {
    const r = await cli(['--data-dir', '/nonexistent-dir', '--out', mkdtempSync(join(tmpdir(), 'tsnn-cli-'))]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: .*nonexistent-dir.*train-images-idx3-ubyte/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
