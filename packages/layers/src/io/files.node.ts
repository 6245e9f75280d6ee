/**
 * Node only (`@tsnn/layers/files.node`): a model to and from a file. Writes are atomic: the bytes go to a
 * temporary file in the same folder, are fsync'd, and the file is renamed over the target, so a crash
 * leaves the old file or the new one, never half of one. Errors name the operation and the file.
 */
import { TsnnError } from '@tsnn/tensor';
import type { ConfiguredModel } from '../models/from-config.js';
import { loadModel, saveModel } from './model-file.js';
import type { Saveable } from './serialize.js';

// The library compiles without Node's types: just what this module touches.
declare const process: { pid: number };
interface FileHandle {
  write(data: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}
interface FsPromises {
  open(path: string, flags: string): Promise<FileHandle>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, opts: { force: boolean }): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
}
const FS_PROMISES: string = 'node:fs/promises';
const fs = (): Promise<FsPromises> => import(FS_PROMISES) as Promise<FsPromises>;

let tmpCounter = 0;

/** Write `bytes` to `path` atomically (tmp file in the same folder, fsync, rename, fsync the folder). */
export async function writeFileAtomic(path: string, bytes: Uint8Array, op = 'writeFileAtomic'): Promise<void> {
  const { open, rename, rm } = await fs();
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dir = slash >= 0 ? path.slice(0, slash) || '/' : '.';
  const tmp = `${slash >= 0 ? path.slice(0, slash + 1) : ''}.${path.slice(slash + 1)}.${process.pid}.${tmpCounter++}.tmp`;
  const why = (e: unknown) => (e as { code?: string }).code ?? (e as Error).message;
  let handle: FileHandle;
  try {
    handle = await open(tmp, 'w');
  } catch (e) {
    throw new TsnnError(`${op}: cannot create ${tmp} to write ${path} (${why(e)})`);
  }
  try {
    let off = 0;
    while (off < bytes.length) off += (await handle.write(bytes, off, bytes.length - off, null)).bytesWritten;
    await handle.sync();
    await handle.close();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw new TsnnError(`${op}: cannot write ${path} (${why(e)})`);
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new TsnnError(`${op}: cannot rename ${tmp} to ${path} (${why(e)})`);
  }
  try {
    const d = await open(dir, 'r');
    await d.sync().finally(() => d.close());
  } catch {
    // Some platforms cannot fsync a folder; the rename is still atomic.
  }
}

/** Save the model (architecture + weights, .tsnn format) to `path`, atomically. */
export async function saveModelFile(path: string, model: Saveable, meta?: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(path, saveModel(model, meta), 'saveModelFile');
}

/** The built model saved in the .tsnn file at `path`. Errors name the file. */
export async function loadModelFile(path: string): Promise<ConfiguredModel> {
  const { readFile } = await fs();
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : code ?? (e as Error).message;
    throw new TsnnError(`loadModelFile: cannot read ${path} (${why})`);
  }
  return loadModel(bytes, path);
}
