/**
 * pnpm example:mnist on real MNIST, through the example's own code path: a short run learns the digits,
 * writes every file, its saved model reproduces the test figures exactly, and a run stopped and resumed
 * ends bit-identical to an uninterrupted one.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '@tsnn/tensor';
import { Dense, Sequential, decodeModel, encodeCheckpoint, initialFitState } from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';
import { parseMnistArgs } from '../src/mnist-cli.js';
import { runMnist } from '../src/mnist-run.js';
import { PNG_SIGNATURE } from '../src/png.js';
import type { Output } from '../src/progress.js';
import type { StopSignal } from '../src/run-common.js';
import { UsageError } from '../src/flags.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'tsnn-mnist-'));
function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { tty: false, lines, line: (s) => lines.push(s) };
}
const quiet: Output = { tty: false, line: () => {} };
const args = (a: string[]) => parseMnistArgs(a)!;

/** Stops after `steps` training steps (fit asks after every step). */
function stopAfter(steps: number): StopSignal {
  let asked = 0;
  return { get requested() { return ++asked >= steps; } };
}

const withoutSeconds = (dir: string) => {
  const h = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8'));
  delete h.seconds;
  return h;
};

describe('pnpm example:mnist on real MNIST', () => {
  it('one epoch on 6,000 training digits classifies the 10,000 test digits, writes every file, and the saved model reproduces the figures', async () => {
    const dir = tmp();
    const out = capture();
    const s = await runMnist(args(['--limit', '6000', '--epochs', '1', '--seed', '0', '--out', dir]), out);
    expect(s.epochs).toBe(1);
    expect(s.test.samples).toBe(10_000);
    expect(s.test.accuracy).toBeGreaterThan(0.8); // a broken model or loss stays near 0.1
    expect(s.test.loss).toBeLessThan(0.6);
    expect(out.lines.filter((l) => /^Epoch 1\/1 {2}47\/47 - [\d.]+s - [\d.]+ms\/step - accuracy: 0\.\d{4} - loss: 0\.\d{4} - val_accuracy: 0\.\d{4} - val_loss: 0\.\d{4}$/.test(l))).toHaveLength(1);

    // The confusion matrix counts every test digit once; its diagonal is the accuracy.
    const cells = s.confusion.flat();
    expect(s.confusion).toHaveLength(10);
    expect(cells.reduce((a, c) => a + c, 0)).toBe(10_000);
    const diagonal = s.confusion.reduce((a, row, t) => a + row[t], 0);
    expect(diagonal / 10_000).toBe(s.test.accuracy);
    expect(s.mistakes).toBe(10_000 - diagonal);
    expect(out.lines.join('\n')).toContain(`true\\pred${[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((p) => String(p).padStart(5)).join('')}   recall`);

    for (const f of ['history.json', 'history.svg', 'summary.json', 'model.tsnn', 'checkpoint.tsnn', 'mistakes.png']) expect(existsSync(join(dir, f)), f).toBe(true);
    const history = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8'));
    expect(Object.keys(history).sort()).toEqual(['accuracy', 'loss', 'seconds', 'val_accuracy', 'val_loss']);
    expect(history.val_accuracy[0]).toBeCloseTo(s.test.accuracy, 3); // validated on the test set, batch 128 vs 1024
    expect(readFileSync(join(dir, 'history.svg'), 'utf8')).toContain('>accuracy<');
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(s)));
    expect(readFileSync(join(dir, 'mistakes.png')).subarray(0, 8)).toEqual(Buffer.from(PNG_SIGNATURE));
    const config = decodeModel(readFileSync(join(dir, 'model.tsnn'))).manifest.config;
    expect((config.layers as { kind: string; units?: number; activation?: string; rate?: number }[]).map((l) => [l.kind, l.units ?? l.rate, l.activation ?? null]))
      .toEqual([['dense', 512, 'relu'], ['dropout', 0.2, null], ['dense', 512, 'relu'], ['dropout', 0.2, null], ['dense', 10, 'softmax']]);

    const evalDir = tmp();
    const e = await runMnist(args(['--weights', join(dir, 'model.tsnn'), '--eval-only', '--out', evalDir]), quiet);
    expect(e.epochs).toBe(0);
    expect(e.test).toEqual(s.test);
    expect(e.confusion).toEqual(s.confusion);
    expect(readFileSync(join(evalDir, 'eval-mistakes.png')).equals(readFileSync(join(dir, 'mistakes.png')))).toBe(true);
    expect(existsSync(join(evalDir, 'eval-summary.json'))).toBe(true);
    expect(existsSync(join(evalDir, 'model.tsnn'))).toBe(false);
  });

  it('stopped mid-epoch and resumed, the run ends bit-identical to an uninterrupted one', async () => {
    const RUN = ['--limit', '2000', '--epochs', '2', '--seed', '3']; // 16 steps an epoch
    const whole = tmp();
    const w = await runMnist(args([...RUN, '--out', whole]), quiet);
    const dir = tmp();
    const first = await runMnist(args([...RUN, '--out', dir]), quiet, stopAfter(21));
    expect(first.stopped).toEqual({ epoch: 1, step: 5, steps: 16 });
    expect(existsSync(join(dir, 'model.tsnn'))).toBe(false);
    const out = capture();
    const resumed = await runMnist(args(['--resume', dir]), out);
    expect(resumed.stopped).toBeUndefined();
    expect(resumed.epochs).toBe(2);
    expect(out.lines.filter((l) => l.startsWith('Epoch '))).toHaveLength(2); // epoch 1 replayed from the checkpoint, epoch 2 trained
    expect(readFileSync(join(dir, 'model.tsnn')).equals(readFileSync(join(whole, 'model.tsnn')))).toBe(true);
    expect(withoutSeconds(dir)).toEqual(withoutSeconds(whole));
    expect(resumed.test).toEqual(w.test);
  });

  it('flags: --resume keeps the run\'s model, --eval-only needs --weights, a checkpoint of another example is refused', async () => {
    for (const f of [['--weights', 'm.tsnn'], ['--eval-only'], ['--overwrite']]) {
      expect(() => parseMnistArgs(['--resume', '/tmp/x', ...f])).toThrow(`--resume continues the run in its folder from its checkpoint; ${f[0]} cannot be given with it`);
    }
    expect(parseMnistArgs(['--resume', '/tmp/x', '--seed', '1'])!.given).toEqual(['seed']); // compared with the checkpoint when the run starts
    expect(() => parseMnistArgs(['--seed', '4294967296'])).toThrow("--seed must be an integer from 0 to 4294967295, got '4294967296'");
    expect(() => parseMnistArgs(['--eval-only'])).toThrow('--eval-only needs --weights FILE');
    expect(() => parseMnistArgs(['--loss', 'bce'])).toThrow(UsageError);
    expect(parseMnistArgs(['--help'])).toBeNull();
    const o = args([]);
    expect([o.epochs, o.batchSize, o.seed, o.limit, o.threads]).toEqual([null, 128, 0, null, 1]);

    const dir = tmp(); // a checkpoint as the siamese example writes it: its settings, not this example's
    const model = new Sequential([new Dense(2)]);
    model.build(3, new Rng(0));
    const siamese = { seed: 0, loss: 'contrastive', head: 'subtract', limit: null, batchSize: 128, dataDir: null, epochs: 20 };
    writeFileSync(join(dir, 'checkpoint.tsnn'), encodeCheckpoint(model, new RMSprop(model.parameters()).getState(), new Rng(0).getState(), initialFitState(), { settings: siamese }));
    await expect(runMnist(args(['--resume', dir]), quiet)).rejects.toThrow(`${join(dir, 'checkpoint.tsnn')}: not a checkpoint of pnpm example:mnist`);
  });
});
