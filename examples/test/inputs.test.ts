/**
 * Inputs the examples read, on tiny IDX data written by the test: any number of classes (reported as the
 * labels say); empty sets and single-class data refused naming the file; model files read only when they
 * are regular files of a sane size; a gzip stream stopped as soon as it outgrows its IDX header.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseEmbeddingArgs } from '../src/embedding-cli.js';
import { runEmbedding } from '../src/embedding-run.js';
import { parseFewShotArgs } from '../src/fewshot-cli.js';
import { runFewShot } from '../src/fewshot-run.js';
import { parseSiameseArgs } from '../src/cli.js';
import { readInput } from '../src/files.js';
import { parseMnistArgs } from '../src/mnist-cli.js';
import { runMnist } from '../src/mnist-run.js';
import { IdxError, readIdxLabels } from '../src/idx.js';
import type { Output } from '../src/progress.js';
import { runSiamese } from '../src/siamese-run.js';
import { cycle, idxBytes, mkfifo, tinyMnist, tmp } from './tiny-mnist.js';

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { tty: false, lines, line: (s) => lines.push(s) };
}
const quiet: Output = { tty: false, line: () => {} };

describe('classes and empty data', () => {
  it('12 classes train, and the run reports 12; 3 classes report 3 (not MNIST\'s 10)', async () => {
    for (const classes of [12, 3]) {
      const lines = capture();
      const out = tmp('classes');
      await runSiamese(parseSiameseArgs(['--data-dir', tinyMnist(cycle(72, classes), cycle(36, classes)), '--epochs', '1', '--out', out])!, lines);
      expect(lines.lines[0]).toContain(`2×2 images, ${classes} classes`);
      expect(existsSync(join(out, 'model.tsnn'))).toBe(true);
    }
  });

  it('mnist classifies 12 classes (a 12-way softmax, a 12×12 confusion matrix) and reports 12', async () => {
    const lines = capture();
    const s = await runMnist(parseMnistArgs(['--data-dir', tinyMnist(cycle(72, 12), cycle(36, 12)), '--epochs', '1', '--out', tmp('mnist12')])!, lines);
    expect(lines.lines[0]).toContain('2×2 pixels, 12 classes');
    expect(s.confusion).toHaveLength(12);
    expect(s.confusion.flat().reduce((a, c) => a + c, 0)).toBe(36);
  });

  it('embedding places 12 classes (12 centroids, 12 colours); fewshot classifies 3-way', async () => {
    const out = tmp('emb12');
    const s = await runEmbedding(parseEmbeddingArgs(['--data-dir', tinyMnist(cycle(72, 12), cycle(36, 12)), '--epochs', '1', '--out', out])!, quiet);
    expect(s.centroids).toHaveLength(12);
    const data3 = tinyMnist(cycle(30, 3), cycle(15, 3));
    const model = tmp('m3');
    await runSiamese(parseSiameseArgs(['--data-dir', data3, '--epochs', '1', '--out', model])!, quiet);
    const lines = capture();
    await runFewShot(parseFewShotArgs(['--weights', join(model, 'model.tsnn'), '--data-dir', data3, '--draws', '1', '--out', tmp('few3')])!, lines);
    expect(lines.lines).toContain('3-way classification of 15 test digits (chance 33.33%):');
  });

  it('0 training or test images, or a single class, is a one-line error naming the file; nothing is written', async () => {
    const cases: [number[], number[], string, string][] = [
      [[], cycle(10, 2), 'train-images-idx3-ubyte', 'has 0 images (its header says so): nothing to train on'],
      [cycle(10, 2), [], 't10k-images-idx3-ubyte', 'has 0 images (its header says so): nothing to test on'],
      [cycle(10, 1), cycle(10, 2), 'train-labels-idx1-ubyte', 'every label is 0: the examples need at least 2 classes'],
    ];
    for (const [train, test, file, problem] of cases) {
      const data = tinyMnist(train, test);
      const pairs = ' (pairs of the same and of different classes)';
      const runs: [(out: string) => Promise<unknown>, string][] = [
        [(out) => runSiamese(parseSiameseArgs(['--data-dir', data, '--out', out])!, quiet), pairs],
        [(out) => runEmbedding(parseEmbeddingArgs(['--data-dir', data, '--out', out])!, quiet), pairs],
        [(out) => runMnist(parseMnistArgs(['--data-dir', data, '--out', out])!, quiet), ' (a classifier learns nothing from one)'],
      ];
      for (const [run, why] of runs) {
        const out = tmp('empty');
        const err = await run(out).catch((e: Error) => e);
        expect(err).toBeInstanceOf(IdxError);
        expect((err as IdxError).message).toBe(`${join(data, file)}: ${problem}${file.includes('labels') ? why : ''}`);
        expect(readdirSync(out)).toEqual([]);
      }
    }
  });

  it('fewshot: a class with fewer than 5 training digits is named with its count', async () => {
    const data = tinyMnist([...cycle(30, 3), 3, 3], cycle(8, 4));
    const model = tmp('m4');
    await runSiamese(parseSiameseArgs(['--data-dir', data, '--epochs', '1', '--out', model])!, quiet);
    await expect(runFewShot(parseFewShotArgs(['--weights', join(model, 'model.tsnn'), '--data-dir', data, '--out', tmp('few4')])!, quiet))
      .rejects.toThrow(`${join(data, 'train-labels-idx1-ubyte')}: class 3 has 2 training digits; 5-shot needs 5 of every class 0..3`);
  });
});

describe('reading a model or checkpoint file', () => {
  it('reads regular files only: a FIFO, a device or a folder is refused at once, naming the flag and the path', async () => {
    const dir = tmp('kinds');
    const fifo = join(dir, 'fifo');
    await mkfifo(fifo);
    expect(() => readInput(fifo, '--weights')).toThrow(`--weights ${fifo}: cannot read it (is a FIFO (named pipe), not a regular file)`);
    expect(() => readInput('/dev/zero', '--weights')).toThrow('--weights /dev/zero: cannot read it (is a character device, not a regular file)');
    expect(() => readInput(dir, '--resume')).toThrow(`--resume ${dir}: cannot read it (is a directory, not a file)`);
  });

  it('checks the size before reading', () => {
    const file = join(tmp('size'), 'big.tsnn');
    writeFileSync(file, new Uint8Array(2000));
    expect(() => readInput(file, '--weights', 1000)).toThrow(`--weights ${file}: cannot read it (it is 2000 bytes, more than the 1000 a model file may have)`);
    expect(readInput(file, '--weights', 2000)).toHaveLength(2000);
  });
});

describe('gzip-compressed IDX files', () => {
  it('stop decompressing as soon as the output outgrows what the header says', () => {
    const dir = tmp('bomb');
    mkdirSync(dir, { recursive: true });
    // A labels header for 10 labels, then 64 MB of zeros: about 64 KB compressed.
    const bomb = new Uint8Array(8 + 10 + 64 * 2 ** 20);
    bomb.set(idxBytes([10], new Uint8Array(10)));
    writeFileSync(join(dir, 'labels.gz'), gzipSync(bomb, { level: 9 }));
    const err = (() => {
      try {
        readIdxLabels(join(dir, 'labels'));
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(IdxError);
    expect(err!.message).toBe(`${join(dir, 'labels.gz')}: decompresses to more than the 18 bytes its header says: stopped there`);
  });

  it('read the same as the plain file when they are well-formed', () => {
    const dir = tmp('gz');
    const labels = idxBytes([300], Array.from({ length: 300 }, (_, i) => i % 7));
    writeFileSync(join(dir, 'l.gz'), gzipSync(labels));
    expect(Array.from(readIdxLabels(join(dir, 'l')).labels)).toEqual(Array.from(labels.subarray(8)));
  });
});
