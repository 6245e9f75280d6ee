// IDX parsing for MNIST-style files (http://yann.lecun.com/exdb/mnist/): bytes in, checked dataset out.
// Layout, all big-endian: 0x00 0x00, type code (0x08 = unsigned byte), number of dims,
// one uint32 size per dim, then the data. No file I/O and no Node APIs, so the browser page
// (examples/web) parses with the same checks as the CLI; idx.ts adds reading files.

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
