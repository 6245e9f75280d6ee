/**
 * File input and output for the examples. Writes are atomic (temporary file in the same folder, fsync,
 * rename), in groups: every file of a group is staged before any is renamed, so a failure (a full disk)
 * leaves all of them as they were. Every I/O error names the file and the operation. Reads of files the
 * user names take regular files only and check the size before reading.
 */
import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { History } from '@tsnn/layers';
import { historySvg } from './plot.js';

/** The system calls a write makes; a test replaces one to inject a fault (e.g. a write failing with ENOSPC). */
export interface FileOps {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, data: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
}

export const nodeFileOps: FileOps = { openSync, writeSync, fsyncSync, closeSync, renameSync };

/** One file of a group write: where, and what. */
export interface FileContent {
  path: string;
  data: Uint8Array | string;
}

/** The temporary file a write of `path` goes through (removed at start by the next run if this one dies). */
export function tempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/** "cannot write /out/history.json (write: ENOSPC, no space left on device)" from a failed system call. */
function ioError(path: string, op: string, e: unknown, what = 'write'): Error {
  const err = e as NodeJS.ErrnoException;
  const why = err.code ? `${err.code}, ${String(err.message).replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '')}` : err.message;
  return new Error(`cannot ${what} ${path} (${op}: ${why})`);
}

function stage(file: FileContent, ops: FileOps): string {
  const bytes = typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : file.data;
  const tmp = tempPath(file.path);
  let fd: number;
  try {
    fd = ops.openSync(tmp, 'w');
  } catch (e) {
    throw ioError(file.path, `open ${basename(tmp)}`, e);
  }
  let op = 'write';
  try {
    let off = 0;
    while (off < bytes.length) off += ops.writeSync(fd, bytes, off, bytes.length - off);
    op = 'fsync';
    ops.fsyncSync(fd);
    op = 'close';
    ops.closeSync(fd);
  } catch (e) {
    if (op !== 'close') {
      try {
        ops.closeSync(fd);
      } catch {
        // already failing: the first error is the one to report
      }
    }
    rmSync(tmp, { force: true });
    throw ioError(file.path, op, e);
  }
  return tmp;
}

/**
 * Write every file of the group so that a crash or an error leaves each either as it was or complete:
 * all are staged (written and fsynced to temporary files) before the first is renamed into place. If
 * staging fails, the temporary files are removed, no file is replaced, and the error names the file,
 * the operation and that nothing of the group was written.
 */
export function writeFilesAtomic(files: FileContent[], ops: FileOps = nodeFileOps): void {
  const staged: string[] = [];
  try {
    for (const f of files) staged.push(stage(f, ops));
  } catch (e) {
    for (const t of staged) rmSync(t, { force: true });
    const others = files.length > 1 ? `; none of ${files.map((f) => basename(f.path)).join(', ')} was replaced` : '; the file was not replaced';
    throw new Error(`${(e as Error).message}${others}`);
  }
  files.forEach((f, i) => {
    try {
      ops.renameSync(staged[i], f.path);
    } catch (e) {
      for (const t of staged.slice(i)) rmSync(t, { force: true });
      throw ioError(f.path, `rename from ${basename(staged[i])}`, e);
    }
  });
  for (const dir of new Set(files.map((f) => dirname(f.path)))) {
    try {
      const dfd = openSync(dir, 'r');
      fsyncSync(dfd);
      closeSync(dfd);
    } catch {
      // Some platforms cannot fsync a directory; the renames are still atomic.
    }
  }
}

/** Write `data` to `path` so that a crash leaves either the old file or the new one, never half of one. */
export function writeFileAtomic(path: string, data: Uint8Array | string, ops: FileOps = nodeFileOps): void {
  writeFilesAtomic([{ path, data }], ops);
}

/** The largest model or checkpoint file read (the example's are about 1 MB). */
export const MAX_INPUT_BYTES = 1 << 30;

const KINDS: [keyof import('node:fs').Stats, string][] = [
  ['isDirectory', 'is a directory, not a file'], ['isFIFO', 'is a FIFO (named pipe), not a regular file'],
  ['isCharacterDevice', 'is a character device, not a regular file'], ['isBlockDevice', 'is a block device, not a regular file'],
  ['isSocket', 'is a socket, not a regular file'],
];

/**
 * The bytes of a file the user named, or an error that names the flag, the path and the problem. Only a
 * regular file is read (opened non-blocking, so a FIFO cannot hang it), and only if its size is at most
 * `maxBytes`.
 */
export function readInput(path: string, flag: string, maxBytes = MAX_INPUT_BYTES): Uint8Array {
  const fail = (why: string): never => {
    throw new Error(`${flag} ${path}: cannot read it (${why})`);
  };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : `open: ${code ?? (e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      const kind = KINDS.find(([k]) => (st[k] as () => boolean).call(st));
      return fail(kind ? kind[1] : 'not a regular file');
    }
    if (st.size > maxBytes) return fail(`it is ${st.size} bytes, more than the ${maxBytes} a model file may have`);
    const bytes = Buffer.alloc(st.size);
    let off = 0;
    while (off < st.size) {
      let n: number;
      try {
        n = readSync(fd, bytes, off, st.size - off, off);
      } catch (e) {
        return fail(`read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
      if (n === 0) return fail(`it shrank to ${off} bytes while being read`);
      off += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/**
 * history.json (fit's history, e.g. loss, binary_accuracy, val_loss, val_binary_accuracy, and seconds per
 * epoch) and its plot, history.svg, of the loss and of `metric` (a history key: binary_accuracy, accuracy),
 * as a group for writeFilesAtomic.
 */
export function historyFiles(dir: string, history: History, seconds: number[], title: string, metric = 'binary_accuracy'): FileContent[] {
  const none = seconds.map(() => NaN);
  return [
    { path: join(dir, 'history.json'), data: JSON.stringify({ ...history, seconds }, null, 2) + '\n' },
    {
      path: join(dir, 'history.svg'),
      data: historySvg({
        loss: history.loss ?? none,
        val_loss: history.val_loss ?? none,
        binary_accuracy: history[metric] ?? none,
        val_binary_accuracy: history[`val_${metric}`] ?? none,
      }, { title, metric: metric.replace(/_/g, ' ') }),
    },
  ];
}
