/**
 * Checkpoint and resume on real MNIST, through the example's own code path and its command line:
 * a run stopped at any point and resumed ends bit-identical to an uninterrupted one; Ctrl-C writes a
 * checkpoint and exits 130; SIGKILL at any moment leaves the last complete checkpoint loadable.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '@tsnn/layers';
import { parseSiameseArgs } from '../src/cli.js';
import { runSiamese, type StopSignal } from '../src/siamese-run.js';
import type { Output } from '../src/progress.js';

const quiet: Output = { tty: false, line: () => {} };
const RUN = ['--limit', '2000', '--epochs', '3', '--seed', '5']; // 16 steps an epoch
const tmp = () => mkdtempSync(join(tmpdir(), 'tsnn-ckpt-'));
const cliPath = join(__dirname, '../src/siamese.ts');
const cliArgs = (args: string[]) => ['--import', 'tsx', '--conditions=source', cliPath, ...args];

/** Stops after `steps` training steps (fit asks after every step). */
function stopAfter(steps: number): StopSignal {
  let asked = 0;
  return { get requested() { return ++asked >= steps; } };
}

async function uninterrupted(): Promise<string> {
  const out = tmp();
  await runSiamese(parseSiameseArgs([...RUN, '--out', out])!, quiet);
  return out;
}

const withoutSeconds = (dir: string) => {
  const h = JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8'));
  delete h.seconds;
  return h;
};

describe('checkpoint and resume (pnpm example:siamese)', () => {
  it('stopped mid-epoch or at an epoch boundary and resumed, the run ends bit-identical', async () => {
    const whole = await uninterrupted();
    for (const steps of [5, 16, 23]) {
      const out = tmp();
      const first = await runSiamese(parseSiameseArgs([...RUN, '--out', out])!, quiet, stopAfter(steps));
      expect(first.stopped).toEqual({ epoch: Math.floor(steps / 16), step: steps % 16, steps: 16 });
      expect(existsSync(join(out, 'model.tsnn'))).toBe(false);
      const resumed = await runSiamese(parseSiameseArgs(['--resume', out])!, quiet);
      expect(resumed.stopped).toBeUndefined();
      expect(resumed.epochs).toBe(3);
      expect(readFileSync(join(out, 'model.tsnn')).equals(readFileSync(join(whole, 'model.tsnn'))), `stopped after ${steps} steps`).toBe(true);
      expect(withoutSeconds(out)).toEqual(withoutSeconds(whole));
    }
  });

  it('--epochs with --resume extends a finished run, not shortens it; settings may be repeated, not changed', async () => {
    const out = tmp();
    await runSiamese(parseSiameseArgs([...RUN, '--epochs', '1', '--out', out])!, quiet);
    const more = await runSiamese(parseSiameseArgs(['--resume', out, '--epochs', '3'])!, quiet);
    expect(more.epochs).toBe(3);
    expect(readFileSync(join(out, 'model.tsnn')).equals(readFileSync(join(await uninterrupted(), 'model.tsnn')))).toBe(true);
    await expect(runSiamese(parseSiameseArgs(['--resume', out, '--seed', '2'])!, quiet)).rejects.toThrow(
      `--seed 2 differs from the run being resumed, which has 5 (${join(out, 'checkpoint.tsnn')}): --resume continues that run with its own settings`);
    await expect(runSiamese(parseSiameseArgs(['--resume', out, '--epochs', '2'])!, quiet)).rejects.toThrow(
      `--epochs 2: the run being resumed has already trained 3 epochs (${join(out, 'checkpoint.tsnn')}); give --epochs 3 or more, or leave it out to finish its 3`);
    // The flags of the original command, repeated with --resume, agree with the checkpoint: accepted.
    const same = await runSiamese(parseSiameseArgs(['--resume', out, ...RUN])!, quiet);
    expect(same.epochs).toBe(3);
  });

  it('a corrupted or missing checkpoint is a clear error, and nothing is overwritten', async () => {
    const out = tmp();
    await runSiamese(parseSiameseArgs([...RUN, '--epochs', '1', '--out', out])!, quiet);
    const file = join(out, 'checkpoint.tsnn');
    const bytes = readFileSync(file);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(file, bytes);
    const before = readFileSync(join(out, 'model.tsnn'));
    const r = await start(['--resume', out, '--epochs', '2']).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: .*checkpoint\.tsnn: checksum mismatch/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(readFileSync(join(out, 'model.tsnn')).equals(before)).toBe(true);
    const missing = await start(['--resume', tmp()]).done;
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error: --resume .*checkpoint\.tsnn: cannot read it \(no such file\)/);
  });
});

/** Start the CLI; resolves when it exits. */
function start(args: string[]) {
  const child = spawn(process.execPath, cliArgs(args), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('signals, for real, with a child process', () => {
  const LONG = ['--limit', '2000', '--epochs', '6', '--seed', '7'];

  it('Ctrl-C (SIGINT) finishes the step, writes a checkpoint, prints how to resume and exits 130', async () => {
    const out = tmp();
    const run = start([...LONG, '--out', out]);
    await waitFor(() => existsSync(join(out, 'checkpoint.tsnn')), 'the first checkpoint');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stdout).toContain(`Resume with: pnpm example:siamese --resume ${out}`);
    const c = decodeCheckpoint(readFileSync(join(out, 'checkpoint.tsnn')));
    expect(c.fit.epoch * 16 + c.fit.step).toBeGreaterThan(0);
  });

  it('SIGTERM does what Ctrl-C does (step finished, checkpoint, how to resume) and exits 143; the lock is released', async () => {
    const out = tmp();
    const run = start([...LONG, '--out', out]);
    await waitFor(() => existsSync(join(out, 'checkpoint.tsnn')), 'the first checkpoint');
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toContain('Terminated (SIGTERM): stopping at the next safe point');
    expect(r.stdout).toMatch(new RegExp(`Stopped after epoch \\d+ step \\d+/16; checkpoint written\\. Resume with: pnpm example:siamese --resume ${out}`));
    expect(existsSync(join(out, '.tsnn.lock'))).toBe(false);
    const c = decodeCheckpoint(readFileSync(join(out, 'checkpoint.tsnn')));
    expect(c.fit.epoch * 16 + c.fit.step).toBeGreaterThan(16); // past the first epoch-end checkpoint: the stop wrote its own
  });

  it('SIGKILL at any moment leaves the last complete checkpoint loadable, and resuming still ends bit-identical', async () => {
    const whole = tmp();
    expect((await start([...LONG, '--out', whole]).done).code).toBe(0);
    const out = tmp();
    let args = [...LONG, '--out', out];
    for (const delay of [0, 130, 260, 45]) {
      const run = start(args);
      await waitFor(() => existsSync(join(out, 'checkpoint.tsnn')), 'a checkpoint');
      await sleep(delay); // mid-epoch, or mid-save
      run.child.kill('SIGKILL');
      expect((await run.done).signal).toBe('SIGKILL');
      const c = decodeCheckpoint(readFileSync(join(out, 'checkpoint.tsnn')), 'after SIGKILL');
      expect(c.fit.step).toBe(0); // epoch-end checkpoints only: the partial epoch is redone
      args = ['--resume', out];
    }
    const last = await start(args).done;
    expect(last.code, last.stderr).toBe(0);
    expect(readFileSync(join(out, 'model.tsnn')).equals(readFileSync(join(whole, 'model.tsnn')))).toBe(true);
  });
});
