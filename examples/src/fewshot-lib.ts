/**
 * Classifiers on embeddings, pure functions over flat row-major Float32Arrays (e: [rows, dim]):
 * the nearest class centroid, k-shot classification through a pair-scoring function (a Siamese
 * model's compare), and 1-nearest-neighbour search with the gemm kernel.
 */
import { kernels, type Rng } from '@tsnn/tensor';

function checkRows(op: string, e: Float32Array, dim: number, rows: number): void {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`${op}: dim must be a positive integer, got ${dim}`);
  if (e.length !== rows * dim) throw new Error(`${op}: expected ${rows} × ${dim} = ${rows * dim} values, got ${e.length}`);
}

/** Rows of e: [rows, dim]; throws unless e holds whole rows. */
function rowsOf(op: string, e: Float32Array, dim: number): number {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`${op}: dim must be a positive integer, got ${dim}`);
  if (e.length % dim !== 0) throw new Error(`${op}: ${e.length} values are not whole rows of ${dim}`);
  return e.length / dim;
}

/** Fraction of predictions equal to the labels. */
export function accuracy(pred: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (pred.length !== labels.length) throw new Error(`accuracy: ${pred.length} predictions but ${labels.length} labels`);
  let hit = 0;
  for (let i = 0; i < pred.length; i++) hit += +(pred[i] === labels[i]);
  return hit / pred.length;
}

/** Mean and sample standard deviation (n − 1 in the denominator; 0 for a single value). */
export function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const ss = xs.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, std: xs.length > 1 ? Math.sqrt(ss / (xs.length - 1)) : 0 };
}

/** Mean embedding of each class: [classes, dim]. A class without examples has NaN coordinates. */
export function classCentroids(e: Float32Array, dim: number, labels: ArrayLike<number>, classes: number): Float32Array {
  checkRows('classCentroids', e, dim, labels.length);
  const sum = new Float64Array(classes * dim), count = new Float64Array(classes);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!(c >= 0 && c < classes)) throw new Error(`classCentroids: label ${c} at row ${i} is outside 0..${classes - 1}`);
    count[c]++;
    for (let j = 0; j < dim; j++) sum[c * dim + j] += e[i * dim + j];
  }
  return Float32Array.from(sum, (s, k) => s / count[Math.floor(k / dim)]);
}

/** For each row of e, the class whose centroid is nearest (squared Euclidean distance; ties → lower class). */
export function nearestCentroid(e: Float32Array, dim: number, centroids: Float32Array): Uint8Array {
  const rows = rowsOf('nearestCentroid', e, dim), classes = rowsOf('nearestCentroid (centroids)', centroids, dim);
  const pred = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = Infinity;
    for (let c = 0; c < classes; c++) {
      let d2 = 0;
      for (let j = 0; j < dim; j++) d2 += (e[i * dim + j] - centroids[c * dim + j]) ** 2;
      if (d2 < best) {
        best = d2;
        pred[i] = c;
      }
    }
  }
  return pred;
}

/**
 * k support examples per class, drawn without replacement: [classes · k] row indices, class c's at
 * c·k .. c·k + k − 1.
 */
export function drawSupport(labels: ArrayLike<number>, classes: number, k: number, rng: Rng): Uint32Array {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const out = new Uint32Array(classes * k);
  byClass.forEach((members, c) => {
    if (members.length < k) throw new Error(`drawSupport: class ${c} has ${members.length} examples, ${k} needed`);
    for (let s = 0; s < k; s++) {
      const j = s + rng.int(members.length - s); // partial Fisher–Yates
      [members[s], members[j]] = [members[j], members[s]];
      out[c * k + s] = members[s];
    }
  });
  return out;
}

/** Scores rows of a against rows of b, both [rows, dim]: [rows]. */
export type PairScore = (a: Float32Array, b: Float32Array, rows: number) => ArrayLike<number>;

/**
 * k-shot classification: every query is scored against every support example (support: [classes · k, dim],
 * grouped by class as drawSupport returns them); the predicted class has the best mean score over its k —
 * the highest for a similarity or probability, the lowest for a distance. Queries go through `score` in
 * blocks of `block` queries (block · classes · k pairs per call).
 */
export function kShotClassify(
  query: Float32Array, support: Float32Array, dim: number, classes: number, k: number,
  score: PairScore, better: 'higher' | 'lower', block = 256,
): Uint8Array {
  const rows = rowsOf('kShotClassify', query, dim), s = classes * k;
  checkRows('kShotClassify (support)', support, dim, s);
  const pred = new Uint8Array(rows);
  const sign = better === 'higher' ? 1 : -1;
  const a = new Float32Array(block * s * dim), b = new Float32Array(block * s * dim); // [block · s, dim]
  for (let q = 0; q < block; q++) b.set(support.subarray(0, s * dim), q * s * dim); // the supports, once per query slot
  for (let q0 = 0; q0 < rows; q0 += block) {
    const n = Math.min(block, rows - q0);
    for (let q = 0; q < n; q++) {
      for (let j = 0; j < s; j++) a.set(query.subarray((q0 + q) * dim, (q0 + q + 1) * dim), (q * s + j) * dim);
    }
    const p = score(a.subarray(0, n * s * dim), b.subarray(0, n * s * dim), n * s);
    for (let q = 0; q < n; q++) {
      let best = -Infinity;
      for (let c = 0; c < classes; c++) {
        let sum = 0;
        for (let j = 0; j < k; j++) sum += p[q * s + c * k + j];
        if (sign * sum > best) {
          best = sign * sum;
          pred[q0 + q] = c;
        }
      }
    }
  }
  return pred;
}

/** ‖rᵢ‖² for each row: [rows]. */
function rowNorms2(e: Float32Array, dim: number): Float32Array {
  const rows = e.length / dim, out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += e[i * dim + j] * e[i * dim + j];
    out[i] = s;
  }
  return out;
}

/**
 * For each query row, the index of the nearest reference row (Euclidean; ties → lower index), by
 * ‖q − r‖² = ‖q‖² + ‖r‖² − 2 q·r with q·rᵀ from the gemm kernel, `block` query rows at a time so the
 * distance block [block, refRows] bounds the memory. ‖q‖² is the same for every r, so it is left out.
 */
export function nearestNeighbour(query: Float32Array, ref: Float32Array, dim: number, block = 256): Uint32Array {
  const rows = rowsOf('nearestNeighbour', query, dim), refRows = rowsOf('nearestNeighbour (reference)', ref, dim);
  if (refRows < 1) throw new Error('nearestNeighbour: the reference set is empty');
  const r2 = rowNorms2(ref, dim); // [refRows]
  const dot = new Float32Array(block * refRows); // q·rᵀ: [block, refRows]
  const nn = new Uint32Array(rows);
  for (let q0 = 0; q0 < rows; q0 += block) {
    const n = Math.min(block, rows - q0);
    kernels().gemm(false, true, n, refRows, dim, query.subarray(q0 * dim, (q0 + n) * dim), ref, 0, dot);
    for (let q = 0; q < n; q++) {
      let best = Infinity, arg = 0;
      for (let j = 0, o = q * refRows; j < refRows; j++) {
        const d = r2[j] - 2 * dot[o + j];
        if (d < best) {
          best = d;
          arg = j;
        }
      }
      nn[q0 + q] = arg;
    }
  }
  return nn;
}
