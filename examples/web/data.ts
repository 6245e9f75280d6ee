/**
 * MNIST in the page: the server's gzip'd IDX files, fetched with a progress count of the compressed
 * bytes, decompressed with DecompressionStream and parsed with the CLI's checks (idx-parse.ts).
 */
import { IdxError, MNIST_CLASSES, pairIdx, parseIdxImages, parseIdxLabels, type IdxDataset } from '../src/idx-parse.js';

/** Called with the compressed bytes received so far and the total of all four files. */
export type Progress = (done: number, total: number) => void;

const FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];

/** The response for url, its length (from the header) and a reader of its decompressed bytes that counts what arrives. */
async function openGz(url: string, counted: (bytes: number) => void) {
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new IdxError(url, `HTTP ${res.status} ${res.statusText}`);
  const counter = new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
    transform(chunk, controller) {
      counted(chunk.byteLength);
      controller.enqueue(chunk);
    },
  });
  return { url, total: Number(res.headers.get('content-length') ?? 0), body: res.body.pipeThrough(counter).pipeThrough(new DecompressionStream('gzip')) };
}

async function readAll(url: string, body: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.byteLength;
    }
  } catch (e) {
    throw new IdxError(url, `not a valid gzip stream (${(e as Error).message})`);
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return bytes;
}

/** MNIST train (60000) and test (10000) sets from `/mnist/*.gz`. */
export async function loadMnistWeb(progress: Progress): Promise<{ train: IdxDataset; test: IdxDataset }> {
  let done = 0, total = 0;
  // All four requests first, so the progress bar knows the total from the start.
  const opened = await Promise.all(FILES.map((f) => openGz(`/mnist/${f}.gz`, (n) => progress((done += n), total))));
  total = opened.reduce((s, o) => s + o.total, 0);
  const files = await Promise.all(opened.map((o) => readAll(o.url, o.body)));
  const [trainImages, trainLabels, testImages, testLabels] = files;
  const named = (i: number) => `/mnist/${FILES[i]}.gz`;
  return {
    train: pairIdx(parseIdxImages(trainImages, named(0)), parseIdxLabels(trainLabels, named(1), MNIST_CLASSES), named(0), named(1)),
    test: pairIdx(parseIdxImages(testImages, named(2)), parseIdxLabels(testLabels, named(3), MNIST_CLASSES), named(2), named(3)),
  };
}
