/**
 * What a run does with its --out folder and its files, in process on tiny IDX data written by the test:
 * a folder holding a run is refused unless --resume or --overwrite; a live run's lock is respected and a
 * dead run's lock and temporary files are cleaned up; a full disk (an injected ENOSPC) names the file and
 * the operation and changes none of the files being written; --eval-only writes its own summary; a signal
 * during the final evaluation says what was kept. The same for pnpm example:mnist, SIGTERM included.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '@tsnn/layers';
import { parseEmbeddingArgs } from '../src/embedding-cli.js';
import { runEmbedding } from '../src/embedding-run.js';
import { Interrupted } from '../src/command.js';
import { parseFewShotArgs } from '../src/fewshot-cli.js';
import { runFewShot } from '../src/fewshot-run.js';
import { parseSiameseArgs } from '../src/cli.js';
import { nodeFileOps, type FileOps } from '../src/files.js';
import type { Output } from '../src/progress.js';
import { parseMnistArgs } from '../src/mnist-cli.js';
import { runMnist } from '../src/mnist-run.js';
import { LOCK_FILE } from '../src/run-dir.js';
import { runSiamese, type StopSignal } from '../src/siamese-run.js';
import { cycle, deadPid, startCli, tinyMnist, tmp } from './tiny-mnist.js';

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { tty: false, lines, line: (s) => lines.push(s) };
}
const quiet: Output = { tty: false, line: () => {} };

/** File ops whose write fails with ENOSPC for files whose name contains `victim` (as a full disk does). */
function diskFullFor(victim: string): FileOps {
  const names = new Map<number, string>();
  return {
    ...nodeFileOps,
    openSync: (path, flags) => {
      const fd = nodeFileOps.openSync(path, flags);
      names.set(fd, path);
      return fd;
    },
    writeSync: (fd, data, off, len) => {
      if (names.get(fd)?.includes(victim)) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
      return nodeFileOps.writeSync(fd, data, off, len);
    },
  };
}

const data = tinyMnist(cycle(60, 3), cycle(30, 3));
const RUN = ['--data-dir', data, '--epochs', '1', '--batch-size', '16'];
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));

describe('the --out folder of a run', () => {
  it('a new run refuses a folder holding a finished or a resumable run, naming --resume and --overwrite; --overwrite replaces it', async () => {
    const out = tmp('out');
    await runSiamese(parseSiameseArgs([...RUN, '--out', out])!, quiet);
    const before = snapshot(out);
    await expect(runSiamese(parseSiameseArgs([...RUN, '--seed', '1', '--out', out])!, quiet)).rejects.toThrow(
      `--out ${out} already holds a finished run (model.tsnn, checkpoint.tsnn): continue it with --resume ${out}, replace it with --overwrite, or choose another --out`);
    rmSync(join(out, 'model.tsnn'));
    await expect(runSiamese(parseSiameseArgs([...RUN, '--out', out])!, quiet)).rejects.toThrow(`--out ${out} already holds a resumable run (checkpoint.tsnn)`);
    delete before['model.tsnn'];
    expect(snapshot(out)).toEqual(before);

    const lines = capture();
    await runSiamese(parseSiameseArgs([...RUN, '--seed', '1', '--out', out, '--overwrite'])!, lines);
    expect(lines.lines).toContain(`--overwrite: removed the previous run's history.json, history.svg, summary.json, checkpoint.tsnn from ${out}`);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).seed).toBe(1);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  it('--overwrite keeps the old run when the new one fails before writing (here: a data folder without files)', async () => {
    const out = tmp('out');
    await runSiamese(parseSiameseArgs([...RUN, '--out', out])!, quiet);
    const before = snapshot(out);
    await expect(runSiamese(parseSiameseArgs(['--data-dir', tmp('empty'), '--out', out, '--overwrite'])!, quiet)).rejects.toThrow('file not found');
    expect(snapshot(out)).toEqual(before);
  });

  it('--eval-only writes eval-summary.json and leaves the training run\'s summary.json as it was', async () => {
    const out = tmp('out');
    await runSiamese(parseSiameseArgs([...RUN, '--out', out])!, quiet);
    const summary = readFileSync(join(out, 'summary.json'));
    const lines = capture();
    const again = await runSiamese(parseSiameseArgs(['--data-dir', data, '--eval-only', '--weights', join(out, 'model.tsnn'), '--out', out])!, lines);
    expect(readFileSync(join(out, 'summary.json')).equals(summary)).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'eval-summary.json'), 'utf8')).test).toEqual(again.test);
    expect(lines.lines).toContain(`Wrote ${join(out, 'eval-summary.json')}`);
  });

  it('a folder locked by a live run is refused; a dead run\'s lock is taken over, saying so; its temporary files are removed', async () => {
    const out = tmp('out');
    writeFileSync(join(out, LOCK_FILE), `${process.pid}\n`); // this test process: alive
    await expect(runSiamese(parseSiameseArgs([...RUN, '--out', out])!, quiet)).rejects.toThrow(
      `--out ${out} is in use by another run (PID ${process.pid}, lock file ${join(out, LOCK_FILE)}): wait for it to end or choose another --out`);
    expect(readFileSync(join(out, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);

    const dead = await deadPid();
    writeFileSync(join(out, LOCK_FILE), `${dead}\n`);
    writeFileSync(join(out, `.model.tsnn.${dead}.tmp`), 'half a model');
    writeFileSync(join(out, `.history.json.${process.ppid}.tmp`), 'a live process\'s'); // kept: its owner runs
    const lines = capture();
    await runSiamese(parseSiameseArgs([...RUN, '--out', out])!, lines);
    expect(lines.lines).toContain(`Took over the lock of a run that is no longer running (PID ${dead}): ${join(out, LOCK_FILE)}`);
    expect(lines.lines).toContain(`Removed 1 temporary file(s) left by runs that died: .model.tsnn.${dead}.tmp`);
    expect(readdirSync(out).sort()).toEqual([`.history.json.${process.ppid}.tmp`, 'checkpoint.tsnn', 'history.json', 'history.svg', 'model.tsnn', 'summary.json']);
  });

  it('embedding and fewshot refuse a folder holding their outputs too, and --overwrite replaces them', async () => {
    const out = tmp('emb');
    const args = ['--data-dir', data, '--epochs', '1', '--out', out];
    await runEmbedding(parseEmbeddingArgs(args)!, quiet);
    await expect(runEmbedding(parseEmbeddingArgs(args)!, quiet)).rejects.toThrow(
      `--out ${out} already holds a finished run (model.tsnn, summary.json): replace it with --overwrite, or choose another --out`);
    await runEmbedding(parseEmbeddingArgs([...args, '--overwrite'])!, quiet);

    const few = ['--weights', join(out, 'model.tsnn'), '--data-dir', data, '--draws', '1', '--out', out];
    await runFewShot(parseFewShotArgs(few)!, quiet);
    await expect(runFewShot(parseFewShotArgs(few)!, quiet)).rejects.toThrow(`--out ${out} already holds a finished run (fewshot.json): replace it with --overwrite`);
    await runFewShot(parseFewShotArgs([...few, '--overwrite'])!, quiet);
  });
});

describe('file errors', () => {
  it('a full disk at an epoch end names the file and the operation, and none of that epoch\'s files is replaced', async () => {
    const out = tmp('enospc');
    await runSiamese(parseSiameseArgs([...RUN, '--out', out])!, quiet);
    rmSync(join(out, 'model.tsnn'));
    const before = snapshot(out);
    // history.json and history.svg are staged first; the checkpoint's write fails.
    await expect(runSiamese(parseSiameseArgs(['--resume', out, '--epochs', '2'])!, quiet, undefined, diskFullFor('checkpoint'))).rejects.toThrow(
      `cannot write ${join(out, 'checkpoint.tsnn')} (write: ENOSPC, no space left on device); none of history.json, history.svg, checkpoint.tsnn was replaced`);
    expect(snapshot(out)).toEqual(before); // no temporary file left, no lock, history.json as it was
    // The run itself is intact: resumed on a working disk, it finishes.
    expect((await runSiamese(parseSiameseArgs(['--resume', out, '--epochs', '2'])!, quiet)).epochs).toBe(2);
  });

  it('embedding: a full disk while writing its outputs changes none of them', async () => {
    const out = tmp('enospc-emb');
    const args = ['--data-dir', data, '--epochs', '1', '--out', out];
    await runEmbedding(parseEmbeddingArgs(args)!, quiet);
    const before = snapshot(out);
    await expect(runEmbedding(parseEmbeddingArgs([...args, '--overwrite', '--seed', '3'])!, quiet, diskFullFor('summary'))).rejects.toThrow(
      `cannot write ${join(out, 'summary.json')} (write: ENOSPC, no space left on device); none of embedding.svg, embedding.png, history.json, history.svg, summary.json, model.tsnn was replaced`);
    expect(snapshot(out)).toEqual(before);
  });
});

describe('a signal during the final evaluation', () => {
  it('says what was kept (the model, the history), writes no summary, and carries the signal\'s exit status', async () => {
    const out = tmp('eval-stop');
    // The request arrives once training has written model.tsnn: fit never sees it, the evaluation does.
    const stop: StopSignal = { get requested() { return existsSync(join(out, 'model.tsnn')); }, signal: 'SIGTERM' };
    const run = runSiamese(parseSiameseArgs([...RUN, '--out', out])!, quiet, stop);
    await expect(run).rejects.toThrow(Interrupted);
    const e = (await run.catch((x: unknown) => x)) as Interrupted;
    expect(e.status).toBe(143);
    expect(e.message).toBe(`Stopped during the final evaluation: training is complete and kept in ${join(out, 'model.tsnn')} and ${join(out, 'history.json')}; ` +
      `summary.json was not written. Get the figures with: pnpm example:siamese --eval-only --weights ${join(out, 'model.tsnn')} --out ${out}`);
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });
});

describe('pnpm example:mnist shares the --out folder rules (run-common.ts)', () => {
  const MNIST = ['--data-dir', data, '--epochs', '1', '--batch-size', '16'];
  const mnist = (args: string[], out: Output = quiet, stop?: StopSignal, ops?: FileOps) => runMnist(parseMnistArgs(args)!, out, stop, ops);

  it('refuses a folder holding a finished or resumable run, naming --resume and --overwrite; --overwrite replaces it', async () => {
    const out = tmp('mnist-out');
    await mnist([...MNIST, '--out', out]);
    const before = snapshot(out);
    await expect(mnist([...MNIST, '--seed', '1', '--out', out])).rejects.toThrow(
      `--out ${out} already holds a finished run (model.tsnn, checkpoint.tsnn): continue it with --resume ${out}, replace it with --overwrite, or choose another --out`);
    expect(snapshot(out)).toEqual(before);
    rmSync(join(out, 'model.tsnn'));
    await expect(mnist([...MNIST, '--out', out])).rejects.toThrow(`--out ${out} already holds a resumable run (checkpoint.tsnn)`);

    const lines = capture();
    await mnist([...MNIST, '--seed', '1', '--out', out, '--overwrite'], lines);
    expect(lines.lines).toContain(`--overwrite: removed the previous run's history.json, history.svg, summary.json, checkpoint.tsnn, mistakes.png from ${out}`);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).seed).toBe(1);
    expect(readdirSync(out).sort()).toEqual(['checkpoint.tsnn', 'history.json', 'history.svg', 'mistakes.png', 'model.tsnn', 'summary.json']);
  });

  it('a live run\'s lock is respected; a dead run\'s lock is taken over, saying so, and its temporary files removed', async () => {
    const out = tmp('mnist-lock');
    writeFileSync(join(out, LOCK_FILE), `${process.pid}\n`);
    await expect(mnist([...MNIST, '--out', out])).rejects.toThrow(
      `--out ${out} is in use by another run (PID ${process.pid}, lock file ${join(out, LOCK_FILE)}): wait for it to end or choose another --out`);
    const dead = await deadPid();
    writeFileSync(join(out, LOCK_FILE), `${dead}\n`);
    writeFileSync(join(out, `.checkpoint.tsnn.${dead}.tmp`), 'half a checkpoint');
    const lines = capture();
    await mnist([...MNIST, '--out', out], lines);
    expect(lines.lines).toContain(`Took over the lock of a run that is no longer running (PID ${dead}): ${join(out, LOCK_FILE)}`);
    expect(lines.lines).toContain(`Removed 1 temporary file(s) left by runs that died: .checkpoint.tsnn.${dead}.tmp`);
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
  });

  it('--eval-only writes eval-summary.json and eval-mistakes.png, leaving the training run\'s files as they were', async () => {
    const out = tmp('mnist-eval');
    await mnist([...MNIST, '--out', out]);
    const before = snapshot(out);
    const again = await mnist(['--data-dir', data, '--eval-only', '--weights', join(out, 'model.tsnn'), '--out', out]);
    const after = snapshot(out);
    expect(JSON.parse(readFileSync(join(out, 'eval-summary.json'), 'utf8')).test).toEqual(again.test);
    expect(after['eval-mistakes.png']).toBe(before['mistakes.png']); // the same model draws the same mistakes
    delete after['eval-summary.json'];
    delete after['eval-mistakes.png'];
    expect(after).toEqual(before);
  });

  it('--resume: a setting that differs is refused naming both values, --epochs below what is done too; agreeing flags are accepted', async () => {
    const out = tmp('mnist-resume');
    await mnist([...MNIST, '--epochs', '2', '--out', out]);
    const file = join(out, 'checkpoint.tsnn');
    await expect(mnist(['--resume', out, '--seed', '3', '--epochs', '3'])).rejects.toThrow(
      `--seed 3 differs from the run being resumed, which has 0 (${file}): --resume continues that run with its own settings`);
    await expect(mnist(['--resume', out, '--batch-size', '32', '--epochs', '3'])).rejects.toThrow(`--batch-size 32 differs from the run being resumed, which has 16 (${file})`);
    await expect(mnist(['--resume', out, '--epochs', '1'])).rejects.toThrow(
      `--epochs 1: the run being resumed has already trained 2 epochs (${file}); give --epochs 2 or more, or leave it out to finish its 2`);
    const more = await mnist(['--resume', out, ...MNIST, '--epochs', '3']);
    expect(more.epochs).toBe(3);
  });

  it('a full disk at an epoch end names the file and the operation, and none of that epoch\'s files is replaced', async () => {
    const out = tmp('mnist-enospc');
    await mnist([...MNIST, '--out', out]);
    rmSync(join(out, 'model.tsnn'));
    const before = snapshot(out);
    await expect(mnist(['--resume', out, '--epochs', '2'], quiet, undefined, diskFullFor('checkpoint'))).rejects.toThrow(
      `cannot write ${join(out, 'checkpoint.tsnn')} (write: ENOSPC, no space left on device); none of history.json, history.svg, checkpoint.tsnn was replaced`);
    expect(snapshot(out)).toEqual(before);
  });

  it('a signal during the final evaluation says what was kept and writes neither summary.json nor mistakes.png', async () => {
    const out = tmp('mnist-eval-stop');
    const stop: StopSignal = { get requested() { return existsSync(join(out, 'model.tsnn')); }, signal: 'SIGINT' };
    const e = (await mnist([...MNIST, '--out', out], quiet, stop).catch((x: unknown) => x)) as Interrupted;
    expect(e).toBeInstanceOf(Interrupted);
    expect(e.status).toBe(130);
    expect(e.message).toBe(`Stopped during the final evaluation: training is complete and kept in ${join(out, 'model.tsnn')} and ${join(out, 'history.json')}; ` +
      `summary.json, mistakes.png were not written. Get the figures with: pnpm example:mnist --eval-only --weights ${join(out, 'model.tsnn')} --out ${out}`);
    expect(readdirSync(out).sort()).toEqual(['checkpoint.tsnn', 'history.json', 'history.svg', 'model.tsnn']);
  });

  it('SIGTERM, for real: the step is finished, a checkpoint written, how to resume printed, exit 143, the lock released', async () => {
    const out = tmp('mnist-sigterm');
    const run = startCli('mnist', ['--data-dir', data, '--epochs', '100000', '--batch-size', '16', '--out', out]);
    const t0 = Date.now();
    while (!existsSync(join(out, 'checkpoint.tsnn'))) {
      if (Date.now() - t0 > 60_000) throw new Error('timed out waiting for the first checkpoint');
      await new Promise((r) => setTimeout(r, 20));
    }
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.status, r.stderr).toBe(143);
    expect(r.stderr).toContain('Terminated (SIGTERM): stopping at the next safe point');
    expect(r.stdout).toMatch(new RegExp(`Stopped after epoch \\d+ step \\d+/4; checkpoint written\\. Resume with: pnpm example:mnist --resume ${out}`));
    expect(existsSync(join(out, LOCK_FILE))).toBe(false);
    const c = decodeCheckpoint(readFileSync(join(out, 'checkpoint.tsnn')));
    expect(c.fit.epoch * 4 + c.fit.step).toBeGreaterThan(0);
  });
});
