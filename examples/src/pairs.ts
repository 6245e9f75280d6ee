/**
 * Pairs of digits as in the reference's create_pairs: every image i is paired once with a partner whose
 * class is drawn with probability ∝ 0.1 + 0.8·[c = yᵢ] (P(same) = 0.5 for 10 classes) and whose image is
 * uniform within that class. Label 1 = same class.
 */
import { TsnnError, kernels, type Rng } from '@tsnn/tensor';
import type { PairData } from '@tsnn/layers';
import type { IdxDataset } from './idx-parse.js';

export interface Pairs {
  /** Image indices of the first and second member of each pair: [n]. */
  a: Uint32Array;
  b: Uint32Array;
  /** 1 = same class, 0 = different: [n]. */
  y: Uint8Array;
}

export function makePairs(labels: Uint8Array, numClasses: number, rng: Rng): Pairs {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((c, i) => byClass[c].push(i));
  const present = byClass.map((m, c) => (m.length > 0 ? c : -1)).filter((c) => c >= 0);
  const n = labels.length;
  const a = new Uint32Array(n), b = new Uint32Array(n), y = new Uint8Array(n);
  // Every present class has weight 0.1, the image's own class 0.9.
  const total = 0.1 * present.length + 0.8;
  for (let i = 0; i < n; i++) {
    const yi = labels[i];
    let u = rng.uniform() * total, k = 0;
    for (; k < present.length - 1; k++) {
      const w = present[k] === yi ? 0.9 : 0.1;
      if (u < w) break;
      u -= w;
    }
    const c = present[k];
    const members = byClass[c];
    a[i] = i;
    b[i] = members[rng.int(members.length)];
    y[i] = +(c === yi);
  }
  return { a, b, y };
}

/** The first n pairs. */
export function takePairs(p: Pairs, n: number): Pairs {
  if (!Number.isInteger(n) || n < 1) throw new TsnnError(`takePairs: n must be a positive integer, got ${n}`);
  return { a: p.a.subarray(0, n), b: p.b.subarray(0, n), y: p.y.subarray(0, n) };
}

/** Where the bytes `imagePairData` reads ahead go, so the compiler cannot drop the reads. */
let lineSink = 0;

/**
 * Pair data that gathers byte images into the batch buffers, scaled to [0, 1]: each side's pixel rows are
 * copied into one byte buffer, which the backend's bytesToFloat kernel divides by 255 (16 bytes at a time
 * in WASM; the float32 of pixel / 255 on every backend).
 */
export function imagePairData(data: IdxDataset, pairs: Pairs): PairData {
  const d = data.rows * data.cols;
  const img = data.images;
  let pixels = new Uint8Array(0); // one side of a batch: [n, d]
  const side = (images: Uint32Array, idx: ArrayLike<number>, start: number, n: number, x: Float32Array) => {
    // The rows sit at random places in the images (tens of MB), so each is a cache miss. Reading a byte
    // of every 64-byte line of every row first puts many of those misses in flight at once (the reads
    // do not depend on each other); the copies then find the rows in cache. In a training run of the
    // example (Node 20): 154 → 86 µs a step for the copies of both sides.
    let touched = 0;
    for (let r = 0; r < n; r++) {
      const s = images[idx[start + r]] * d;
      for (let p = s; p < s + d; p += 64) touched += img[p];
      touched += img[s + d - 1];
    }
    lineSink ^= touched;
    for (let r = 0; r < n; r++) {
      const s = images[idx[start + r]] * d;
      pixels.set(img.subarray(s, s + d), r * d);
    }
    kernels().bytesToFloat(pixels, x, n * d, 255);
  };
  return {
    size: pairs.y.length,
    inputs: 2,
    features: d,
    targetWidth: 1,
    alwaysFinite: true, // bytes / 255
    gather(idx, start, n, [xa, xb], y) {
      if (pixels.length < n * d) pixels = new Uint8Array(n * d);
      side(pairs.a, idx, start, n, xa);
      side(pairs.b, idx, start, n, xb);
      for (let r = 0; r < n; r++) y[r] = pairs.y[idx[start + r]];
    },
  };
}
