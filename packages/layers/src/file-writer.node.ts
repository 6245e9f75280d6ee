/**
 * Node only (import `@tsnn/layers/file-writer.node`): writers for ModelCheckpoint that put bytes in a file
 * atomically — a temporary file in the same folder, fsync, then rename over the target — so a crash or a
 * kill mid-write leaves the previous file whole, never a torn one.
 *
 *   new ModelCheckpoint(modelFileWriter('out/best-{epoch}.tsnn'), { saveBestOnly: true })
 */
import { TsnnError } from '@tsnn/tensor';
import type { Logs } from './training/callback.js';

interface Fs {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, data: Uint8Array): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, opts: { force: boolean }): void;
}
const FS = 'node:fs';
const fs = (await import(FS)) as Fs;
declare const process: { pid: number };

/** Writes bytes to `path` atomically (same-folder temporary file, fsync, rename). */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      let done = 0;
      while (done < bytes.length) done += fs.writeSync(fd, bytes.subarray(done));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new TsnnError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/**
 * A ModelCheckpoint writer to `path`, where `{epoch}` becomes the epoch number (from 1) and `{key}` a
 * logged value with 4 decimals (e.g. `model-{epoch}-{val_loss}.tsnn`).
 */
export function modelFileWriter(path: string): (bytes: Uint8Array, logs: Logs, epoch: number) => void {
  if (typeof path !== 'string' || path === '') throw new TsnnError('modelFileWriter: expected a file path');
  return (bytes, logs, epoch) => {
    const name = path.replace(/\{(\w+)\}/g, (m, key: string) => {
      if (key === 'epoch') return String(epoch + 1);
      return logs[key] === undefined ? m : logs[key].toFixed(4);
    });
    writeFileAtomic(name, bytes);
  };
}
