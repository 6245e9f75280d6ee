/**
 * A hand-drawn digit made to look like an MNIST one (LeCun et al.'s recipe): the ink's bounding box is
 * scaled, aspect ratio kept, so its longer side is 20 pixels (area-averaged, so thin strokes become grey
 * as MNIST's anti-aliasing made them), then placed in a 28×28 field so that its centre of mass sits at
 * the field's centre, and scaled so the darkest pixel is 1. Pure: the browser page (examples/web) feeds it
 * a canvas's ink, the tests feed it arrays.
 */
import { TsnnError } from '@tsnn/tensor';

export const MNIST_SIDE = 28;
export const MNIST_BOX = 20;

/**
 * ink: [height, width], values ≥ 0 (0 = paper). Returns [28, 28] in [0, 1], or null when there is no ink.
 */
export function mnistDigit(ink: ArrayLike<number>, width: number, height: number): Float32Array | null {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || ink.length !== width * height) {
    throw new TsnnError(`mnistDigit: ink has ${ink.length} values, expected width ${width} × height ${height}`);
  }
  // Bounding box of the ink: rows [y0, y1), columns [x0, x1).
  let x0 = width, x1 = 0, y0 = height, y1 = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > 0) {
        if (x < x0) x0 = x;
        if (x >= x1) x1 = x + 1;
        if (y < y0) y0 = y;
        if (y >= y1) y1 = y + 1;
      }
    }
  }
  if (x1 === 0) return null;
  const boxW = x1 - x0, boxH = y1 - y0;
  const s = MNIST_BOX / Math.max(boxW, boxH); // target pixels per source pixel
  const tw = Math.max(1, Math.round(boxW * s)), th = Math.max(1, Math.round(boxH * s));
  // Area averaging: target pixel (i, j) covers source [x0 + j/s, x0 + (j+1)/s) × [y0 + i/s, …).
  const small = new Float32Array(th * tw); // [th, tw]
  for (let i = 0; i < th; i++) {
    const sy0 = y0 + i / s, sy1 = Math.min(y1, y0 + (i + 1) / s);
    for (let j = 0; j < tw; j++) {
      const sx0 = x0 + j / s, sx1 = Math.min(x1, x0 + (j + 1) / s);
      let sum = 0, area = 0;
      for (let y = Math.floor(sy0); y < sy1; y++) {
        const wy = Math.min(sy1, y + 1) - Math.max(sy0, y);
        for (let x = Math.floor(sx0); x < sx1; x++) {
          const w = wy * (Math.min(sx1, x + 1) - Math.max(sx0, x));
          sum += w * ink[y * width + x];
          area += w;
        }
      }
      small[i * tw + j] = area > 0 ? sum / area : 0;
    }
  }
  // Centre of mass of the small image (pixel centres at i + 0.5), moved to the field's centre (14, 14).
  let mass = 0, my = 0, mx = 0, max = 0;
  for (let i = 0; i < th; i++) {
    for (let j = 0; j < tw; j++) {
      const v = small[i * tw + j];
      mass += v;
      my += v * (i + 0.5);
      mx += v * (j + 0.5);
      if (v > max) max = v;
    }
  }
  if (mass === 0 || max === 0) return null;
  const oy = Math.round(MNIST_SIDE / 2 - my / mass), ox = Math.round(MNIST_SIDE / 2 - mx / mass);
  const out = new Float32Array(MNIST_SIDE * MNIST_SIDE); // [28, 28]
  for (let i = 0; i < th; i++) {
    const y = i + oy;
    if (y < 0 || y >= MNIST_SIDE) continue;
    for (let j = 0; j < tw; j++) {
      const x = j + ox;
      if (x >= 0 && x < MNIST_SIDE) out[y * MNIST_SIDE + x] = Math.min(1, small[i * tw + j] / max);
    }
  }
  return out;
}
