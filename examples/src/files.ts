/** File output for the examples: atomic writes (temporary file in the same folder, fsync, rename). */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { History } from '@tsnn/layers';
import { historySvg } from './plot.js';

/** Write `data` to `path` so that a crash leaves either the old file or the new one, never half of one. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  try {
    const dfd = openSync(dirname(path), 'r');
    fsyncSync(dfd);
    closeSync(dfd);
  } catch {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  }
}

/** Create `dir` if needed and prove it is writable, before any long work starts. */
export function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.write-test.${process.pid}`);
    writeFileAtomic(probe, 'ok');
    rmSync(probe);
  } catch (e) {
    throw new Error(`--out ${dir}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The bytes of a file the user named, or an error that names the flag, the path and the problem. */
export function readInput(path: string, flag: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : code ?? (e as Error).message;
    throw new Error(`${flag} ${path}: cannot read it (${why})`);
  }
}

/**
 * history.json (fit's history, e.g. loss, binary_accuracy, val_loss, val_binary_accuracy, and seconds per
 * epoch) and its plot, history.svg, of the loss and of `metric` (a history key: binary_accuracy, accuracy).
 */
export function writeHistory(dir: string, history: History, seconds: number[], title: string, metric = 'binary_accuracy'): void {
  const none = seconds.map(() => NaN);
  writeFileAtomic(join(dir, 'history.json'), JSON.stringify({ ...history, seconds }, null, 2) + '\n');
  writeFileAtomic(join(dir, 'history.svg'), historySvg({
    loss: history.loss ?? none,
    val_loss: history.val_loss ?? none,
    binary_accuracy: history[metric] ?? none,
    val_binary_accuracy: history[`val_${metric}`] ?? none,
  }, { title, metric: metric.replace(/_/g, ' ') }));
}
