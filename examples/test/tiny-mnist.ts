/** Tiny MNIST-style data folders for tests: IDX files written by the test, a few 2×2 "digits". */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

/** IDX bytes: 0 0 0x08 ndim, uint32 BE dims, data. */
export function idxBytes(dims: number[], data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, 0x08, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

export const tmp = (name: string) => mkdtempSync(join(tmpdir(), `tsnn-${name}-`));

/**
 * A data folder with the four files; image i of a set is 2×2 with pixels that depend on its label and i
 * (so classes differ). `train` and `test` are the label lists.
 */
export function tinyMnist(train: number[], test: number[], dir = join(tmp('tiny-data'), 'data')): string {
  mkdirSync(dir, { recursive: true });
  const write = (prefix: string, labels: number[]) => {
    const px = labels.flatMap((c, i) => [(c * 37) % 256, (c * 91 + 40) % 256, (i * 13) % 256, 255 - ((c * 53) % 256)]);
    writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), idxBytes([labels.length, 2, 2], px));
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), idxBytes([labels.length], labels));
  };
  write('train', train);
  write('t10k', test);
  return dir;
}

/** n labels cycling through `classes` classes. */
export const cycle = (n: number, classes: number) => Array.from({ length: n }, (_, i) => i % classes);

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Start an example CLI (`siamese`, `embedding`, `fewshot`, `mnist`) as the user would; `done` resolves when it exits. */
export function startCli(name: string, args: string[]): { child: ReturnType<typeof spawn>; done: Promise<CliResult> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(__dirname, `../src/${name}.ts`), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], cwd: join(__dirname, '..'),
  });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, done: new Promise((resolve) => child.on('exit', (status, signal) => resolve({ status, signal, stdout, stderr }))) };
}

/** Run an example CLI as the user would; resolves when it exits. */
export function runCli(name: string, args: string[]): Promise<CliResult> {
  return startCli(name, args).done;
}

/** Run `cmd` as a child process (asynchronously: a synchronous spawn would block vitest's worker); resolves with it. */
export function spawnDone(cmd: string, args: string[]): Promise<{ pid: number; status: number | null }> {
  const child = spawn(cmd, args, { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (status) => resolve({ pid: child.pid!, status }));
  });
}

/** The PID of a process that has exited. */
export const deadPid = async () => (await spawnDone(process.execPath, ['-e', ''])).pid;

/** Make a FIFO (named pipe) at `path`. */
export async function mkfifo(path: string): Promise<void> {
  const r = await spawnDone('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path} exited with ${r.status}`);
}
