import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TsnnError } from '@tsnn/tensor';
import { MNIST_SIDE, mnistDigit } from '../src/digit.js';
import { loadIdxDataset, defaultMnistDir } from '../src/idx.js';

/** ink [h, w] enlarged by an integer factor (nearest neighbour) and placed at (top, left) on a larger canvas. */
function onCanvas(ink: ArrayLike<number>, w: number, h: number, factor: number, top: number, left: number, cw: number, ch: number): Float32Array {
  const out = new Float32Array(cw * ch);
  for (let y = 0; y < h * factor; y++) {
    for (let x = 0; x < w * factor; x++) out[(top + y) * cw + left + x] = ink[Math.floor(y / factor) * w + Math.floor(x / factor)];
  }
  return out;
}

function centreOfMass(img: Float32Array): [number, number] {
  let m = 0, my = 0, mx = 0;
  img.forEach((v, i) => {
    m += v;
    my += v * (Math.floor(i / MNIST_SIDE) + 0.5);
    mx += v * ((i % MNIST_SIDE) + 0.5);
  });
  return [my / m, mx / m];
}

/** Largest |a − b| over b shifted by up to one pixel each way, at the best shift. */
function bestShiftDiff(a: Float32Array, b: ArrayLike<number>): number {
  let best = Infinity;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      let worst = 0;
      for (let y = 0; y < MNIST_SIDE; y++) {
        for (let x = 0; x < MNIST_SIDE; x++) {
          const sy = y + dy, sx = x + dx;
          const bv = sy >= 0 && sy < MNIST_SIDE && sx >= 0 && sx < MNIST_SIDE ? b[sy * MNIST_SIDE + sx] : 0;
          worst = Math.max(worst, Math.abs(a[y * MNIST_SIDE + x] - bv));
        }
      }
      best = Math.min(best, worst);
    }
  }
  return best;
}

describe('mnistDigit (MNIST preprocessing of a drawn digit)', () => {
  it('turns real MNIST digits drawn 10× larger on a 280×280 canvas back into themselves (up to a 1-pixel shift)', () => {
    const d = defaultMnistDir();
    const test = loadIdxDataset(`${d}/t10k-images-idx3-ubyte`, `${d}/t10k-labels-idx1-ubyte`, 10);
    let checked = 0;
    for (let i = 0; checked < 50; i++) {
      const img = test.images.subarray(i * 784, (i + 1) * 784);
      const ink = Float32Array.from(img, (v) => v / 255);
      // MNIST's own box is 20 pixels on its longer side, its darkest pixel 255: skip the few that are not.
      let x0 = 28, x1 = 0, y0 = 28, y1 = 0, max = 0;
      ink.forEach((v, k) => {
        if (v > 0) [x0, x1, y0, y1] = [Math.min(x0, k % 28), Math.max(x1, (k % 28) + 1), Math.min(y0, Math.floor(k / 28)), Math.max(y1, Math.floor(k / 28) + 1)];
        max = Math.max(max, v);
      });
      if (Math.max(x1 - x0, y1 - y0) !== 20 || max !== 1) continue;
      const out = mnistDigit(onCanvas(ink, 28, 28, 10, 0, 0, 280, 280), 280, 280)!;
      expect(bestShiftDiff(out, ink), `test digit ${i}`).toBeLessThan(1e-6);
      checked++;
    }
  });

  it('fits the ink to a 20-pixel box with its centre of mass at (14, 14), values in [0, 1] with max 1', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 12 }), (seed, w, h) => {
      let s = seed;
      const ink = Float32Array.from({ length: w * h }, () => ((s = (s * 48271) % 0x7fffffff) % 3 === 0 ? 0 : (s % 255) / 255));
      ink[0] = 1; // some ink, in the box's first corner
      ink[w * h - 1] = 0.5; // and the last, so the box is the whole w × h
      const out = mnistDigit(onCanvas(ink, w, h, 7, 13, 5, 7 * w + 30, 7 * h + 40), 7 * w + 30, 7 * h + 40)!;
      expect(Math.max(...out)).toBe(1);
      expect(Math.min(...out)).toBeGreaterThanOrEqual(0);
      const rows = new Set<number>(), cols = new Set<number>();
      out.forEach((v, k) => v > 0 && (rows.add(Math.floor(k / 28)), cols.add(k % 28)));
      expect(Math.max(Math.max(...rows) - Math.min(...rows), Math.max(...cols) - Math.min(...cols)) + 1).toBe(20);
      const [cy, cx] = centreOfMass(out);
      expect(Math.abs(cy - 14)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(cx - 14)).toBeLessThanOrEqual(0.5);
    }));
  });

  it('gives the same digit wherever it is drawn and at whatever size', () => {
    const ink = [0, 1, 1, 0, 1, 0, 0.5, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0]; // [5, 4]
    const ref = mnistDigit(onCanvas(ink, 4, 5, 10, 0, 0, 200, 200), 200, 200)!;
    expect(mnistDigit(onCanvas(ink, 4, 5, 10, 120, 77, 200, 200), 200, 200)).toEqual(ref);
    expect(mnistDigit(onCanvas(ink, 4, 5, 20, 3, 9, 200, 200), 200, 200)).toEqual(ref);
    // Drawn smaller than the box (enlarged, not shrunk): still 20 pixels tall.
    const tiny = mnistDigit(onCanvas(ink, 4, 5, 1, 2, 2, 10, 10), 10, 10)!;
    const rows = new Set<number>();
    tiny.forEach((v, k) => v > 0 && rows.add(Math.floor(k / 28)));
    expect(rows.size).toBe(20);
  });

  it('returns null for a blank canvas and rejects an ink array of the wrong size', () => {
    expect(mnistDigit(new Float32Array(100), 10, 10)).toBeNull();
    expect(() => mnistDigit(new Float32Array(99), 10, 10)).toThrow(TsnnError);
    expect(() => mnistDigit(new Float32Array(99), 10, 10)).toThrow('ink has 99 values, expected width 10 × height 10');
  });
});
