/**
 * The example command lines as a user meets them (child processes, tiny IDX data written by the test):
 * each wrong input is one line naming what and where, with its exit status, and no stack trace.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSiameseArgs } from '../src/cli.js';
import { parseEmbeddingArgs } from '../src/embedding-cli.js';
import { parseFewShotArgs } from '../src/fewshot-cli.js';
import type { Output } from '../src/progress.js';
import { runSiamese } from '../src/siamese-run.js';
import { cycle, mkfifo, runCli, tinyMnist, tmp } from './tiny-mnist.js';

const quiet: Output = { tty: false, line: () => {} };

const data = tinyMnist(cycle(60, 3), cycle(30, 3));
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at /);

describe('flags', () => {
  it('negative numbers and seeds beyond 32 bits get tsnn\'s message (exit 2), not Node\'s "ambiguous" nor a silent seed 0', async () => {
    const [neg, big] = await Promise.all([runCli('siamese', ['--seed', '-1']), runCli('embedding', ['--seed', '4294967296'])]);
    expect(neg.status).toBe(2);
    expect(neg.stderr).toContain("error: --seed must be an integer from 0 to 4294967295, got '-1'");
    expect(neg.stderr).not.toContain('ambiguous');
    expect(big.status).toBe(2);
    expect(big.stderr).toContain("error: --seed must be an integer from 0 to 4294967295, got '4294967296'");
    expect(() => parseEmbeddingArgs(['--epochs', '-3'])).toThrow("--epochs must be an integer ≥ 1, got '-3'");
    expect(() => parseFewShotArgs(['--draws', '-2'])).toThrow("--draws must be an integer ≥ 1, got '-2'");
    expect(() => parseSiameseArgs(['--seed=-0x1'])).toThrow("--seed must be an integer from 0 to 4294967295, got '-0x1'");
    expect(parseSiameseArgs(['--seed', '4294967295'])!.seed).toBe(4294967295);
  });

  it('--resume: a file instead of the folder, --epochs below what is done, and a setting that differs are each named; agreeing flags are accepted', async () => {
    const out = tmp('resume');
    await runSiamese(parseSiameseArgs(['--data-dir', data, '--epochs', '2', '--seed', '0', '--out', out])!, quiet);
    const checkpoint = join(out, 'checkpoint.tsnn');
    // One after the other: two runs on the same --out at once would meet its lock ('in use by another run').
    const file = await runCli('siamese', ['--resume', checkpoint]);
    const fewer = await runCli('siamese', ['--resume', out, '--epochs', '1']);
    const differs = await runCli('siamese', ['--resume', out, '--seed', '3', '--epochs', '3']);
    expect(file.status).toBe(1);
    expect(file.stderr).toContain(`error: --resume ${checkpoint}: not a folder; --resume wants the --out folder of the run to continue (the one holding checkpoint.tsnn): use --resume ${out}`);
    expect(file.stderr).not.toContain('cannot write there');
    expect(fewer.status).toBe(2);
    expect(fewer.stderr).toContain(`error: --epochs 1: the run being resumed has already trained 2 epochs (${checkpoint}); give --epochs 2 or more, or leave it out to finish its 2`);
    expect(fewer.stdout).not.toContain('Epoch 2/1');
    expect(differs.status).toBe(2);
    expect(differs.stderr).toContain(`error: --seed 3 differs from the run being resumed, which has 0 (${checkpoint})`);
    // The original command's flags with --resume added agree with the checkpoint: accepted.
    const lines: string[] = [];
    const agree = await runSiamese(parseSiameseArgs(['--resume', out, '--data-dir', data, '--seed', '0', '--epochs', '3'])!, { tty: false, line: (l) => lines.push(l) });
    expect(agree.epochs).toBe(3);
    expect(lines.some((l) => l.startsWith('Epoch 3/3'))).toBe(true);
  });
});

describe('data and files', () => {
  it('0 images: exit 1, one line naming the file, no NaN loss, nothing written', async () => {
    const empty = tinyMnist([], cycle(10, 2));
    const out = tmp('zero');
    const r = await runCli('siamese', ['--data-dir', empty, '--out', out]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`error: ${join(empty, 'train-images-idx3-ubyte')}: has 0 images (its header says so): nothing to train on`);
    expect(r.stdout).not.toMatch(/NaN|Infinity/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('--weights on a FIFO or /dev/zero is refused at once; a config error in a model file names the file', async () => {
    const dir = tmp('fifo');
    const fifo = join(dir, 'model.tsnn');
    await mkfifo(fifo);
    const out = tmp('cfg');
    await runSiamese(parseSiameseArgs(['--data-dir', data, '--epochs', '1', '--out', out])!, quiet);
    // A flipped byte in a config key ("merge" → "merhe"), same length, so the rest of the file stays valid.
    const model = readFileSync(join(out, 'model.tsnn'));
    const at = model.indexOf('"merge"');
    expect(at).toBeGreaterThan(0);
    model[at + 4] = 'h'.charCodeAt(0);
    const bad = join(out, 'flipped.tsnn');
    writeFileSync(bad, model);
    const [f, z, c] = await Promise.all([
      runCli('fewshot', ['--weights', fifo, '--data-dir', data, '--out', tmp('few')]),
      runCli('siamese', ['--weights', '/dev/zero', '--eval-only', '--data-dir', data, '--out', tmp('zero')]),
      runCli('fewshot', ['--weights', bad, '--data-dir', data, '--out', tmp('few')]),
    ]);
    expect(f.status).toBe(1);
    expect(f.stderr).toContain(`error: --weights ${fifo}: cannot read it (is a FIFO (named pipe), not a regular file)`);
    expect(z.stderr).toContain('error: --weights /dev/zero: cannot read it (is a character device, not a regular file)');
    expect(c.status).toBe(1);
    expect(c.stderr).toMatch(new RegExp(`error: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: .+`));
    for (const r of [f, z, c]) noStack(r.stderr);
  });
});
