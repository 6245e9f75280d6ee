/** The embedding classifiers on small hand-made embeddings with known answers, and 1-NN against brute force. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, availableBackends, backendName, useBackend } from '@tsnn/tensor';
import {
  accuracy, classCentroids, drawSupport, kShotClassify, meanStd, nearestCentroid, nearestNeighbour, type PairScore,
} from '../src/fewshot-lib.js';

/** Euclidean distance per row pair, for 1-D or 2-D points: [rows]. */
const distance = (dim: number): PairScore => (a, b, rows) =>
  Float32Array.from({ length: rows }, (_, r) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (a[r * dim + j] - b[r * dim + j]) ** 2;
    return Math.sqrt(s);
  });

describe('accuracy, meanStd', () => {
  it('count matches and give the sample standard deviation', () => {
    expect(accuracy([1, 2, 3, 4], [1, 0, 3, 0])).toBe(0.5);
    const { mean, std } = meanStd([1, 2, 3, 4]);
    expect(mean).toBe(2.5);
    expect(std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(meanStd([0.7])).toEqual({ mean: 0.7, std: 0 });
    expect(() => accuracy([1], [1, 2])).toThrow('1 predictions but 2 labels');
  });
});

describe('classCentroids and nearestCentroid', () => {
  // Three classes in the plane: 0 around (0, 0), 1 around (4, 0), 2 around (0, 4).
  const e = Float32Array.of(-1, 0, 1, 0, 4, 1, 4, -1, 0, 3, 0, 5, 2, 2);
  const labels = Uint8Array.of(0, 0, 1, 1, 2, 2, 0);

  it('averages each class', () => {
    expect([...classCentroids(e, 2, labels, 3)]).toEqual([2 / 3, 2 / 3, 4, 0, 0, 4].map(Math.fround));
    expect([...classCentroids(e, 2, labels, 4).subarray(6)]).toEqual([NaN, NaN]); // a class without examples
  });

  it('assigns each point to the nearest centroid', () => {
    const centroids = Float32Array.of(0, 0, 4, 0, 0, 4);
    const q = Float32Array.of(0.1, 0.2, 3, 0.5, -1, 3, 2.1, 1.9, 1.9, 2.1);
    expect([...nearestCentroid(q, 2, centroids)]).toEqual([0, 1, 2, 1, 2]);
    expect(() => nearestCentroid(Float32Array.of(1, 2, 3), 2, centroids)).toThrow('nearestCentroid: 3 values are not whole rows of 2');
  });
});

describe('drawSupport', () => {
  const labels = Uint8Array.from({ length: 60 }, (_, i) => (i * 7) % 3);

  it('draws k distinct examples of each class, grouped by class, reproducibly', () => {
    const s = drawSupport(labels, 3, 4, new Rng(1));
    expect(s).toHaveLength(12);
    for (let c = 0; c < 3; c++) {
      const mine = [...s.subarray(4 * c, 4 * c + 4)];
      expect(mine.every((i) => labels[i] === c)).toBe(true);
      expect(new Set(mine).size).toBe(4);
    }
    expect(drawSupport(labels, 3, 4, new Rng(1))).toEqual(s);
    expect(drawSupport(labels, 3, 4, new Rng(2))).not.toEqual(s);
  });

  it('says when a class has too few examples', () => {
    expect(() => drawSupport(Uint8Array.of(0, 0, 1), 2, 2, new Rng(0))).toThrow('class 1 has 1 examples, 2 needed');
  });
});

describe('kShotClassify', () => {
  // 1-D: class 0's supports at 0 and 10, class 1's at 4 and 4.
  const support = Float32Array.of(0, 10, 4, 4);

  it('takes the class with the best MEAN score, not the single best support', () => {
    // Query 1: nearest support is class 0's 0 (distance 1), but the mean distances are 5 and 3 → class 1.
    const query = Float32Array.of(1, 9, 4.5, -20, 12);
    expect([...kShotClassify(query, support, 1, 2, 2, distance(1), 'lower')]).toEqual([1, 0, 1, 1, 0]);
    // The same with a similarity (higher wins): −distance.
    const similarity: PairScore = (a, b, rows) => Float32Array.from(distance(1)(a, b, rows), (d) => -d);
    expect([...kShotClassify(query, support, 1, 2, 2, similarity, 'higher', 2)]).toEqual([1, 0, 1, 1, 0]);
  });

  it('sends every (query, support) pair through the scorer once, in blocks', () => {
    const seen: string[] = [];
    const spy: PairScore = (a, b, rows) => {
      for (let r = 0; r < rows; r++) seen.push(`${a[r]}|${b[r]}`);
      return new Float32Array(rows);
    };
    kShotClassify(Float32Array.of(7, 8, 9), support, 1, 2, 2, spy, 'higher', 2);
    expect(seen).toEqual([7, 8, 9].flatMap((q) => [0, 10, 4, 4].map((s) => `${q}|${s}`)));
  });

  it('1-shot in 2-D', () => {
    const s2 = Float32Array.of(0, 0, 5, 5, -5, 5);
    const q = Float32Array.of(4, 4, -3, 4, 1, -1);
    expect([...kShotClassify(q, s2, 2, 3, 1, distance(2), 'lower')]).toEqual([1, 2, 0]);
  });
});

function bruteForceNN(q: Float32Array, ref: Float32Array, dim: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < q.length / dim; i++) {
    let best = Infinity, arg = -1;
    for (let j = 0; j < ref.length / dim; j++) {
      let d = 0;
      for (let t = 0; t < dim; t++) d += (q[i * dim + t] - ref[j * dim + t]) ** 2;
      if (d < best) [best, arg] = [d, j];
    }
    out.push(arg);
  }
  return out;
}

describe.each(availableBackends())('nearestNeighbour (gemm) [%s backend]', (backend) => {
  const before = backendName();
  beforeAll(() => void useBackend(backend));
  afterAll(() => void useBackend(before));

  it('finds the known nearest reference rows', () => {
    const ref = Float32Array.of(0, 0, 10, 0, 0, 10, 10, 10);
    const q = Float32Array.of(1, 1, 9, 2, 2, 8, 11, 12, 5, 1);
    expect([...nearestNeighbour(q, ref, 2)]).toEqual([0, 1, 2, 3, 0]);
  });

  it('agrees with brute force on random data, whatever the block size (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 17 }), fc.integer(),
      (rows, refRows, dim, block, seed) => {
        // Small integer coordinates keep every distance exact in float32; equal distances may resolve to either
        // row, so the found row must be exactly as near as brute force's.
        const rng = new Rng(seed);
        const ref = Float32Array.from({ length: refRows * dim }, () => rng.int(9) - 4);
        const q = Float32Array.from({ length: rows * dim }, () => rng.int(9) - 4);
        const nn = nearestNeighbour(q, ref, dim, block);
        const want = bruteForceNN(q, ref, dim);
        const d2 = (i: number, j: number) => {
          let s = 0;
          for (let t = 0; t < dim; t++) s += (q[i * dim + t] - ref[j * dim + t]) ** 2;
          return s;
        };
        for (let i = 0; i < rows; i++) expect(d2(i, nn[i]), `query ${i}`).toBe(d2(i, want[i]));
      }));
  });

  it('rejects a ragged input and an empty reference set', () => {
    expect(() => nearestNeighbour(new Float32Array(3), new Float32Array(4), 2)).toThrow('nearestNeighbour: 3 values are not whole rows of 2');
    expect(() => nearestNeighbour(new Float32Array(2), new Float32Array(0), 2)).toThrow('the reference set is empty');
  });
});
