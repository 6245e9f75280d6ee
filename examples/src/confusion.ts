/**
 * What a classifier got wrong: the confusion matrix (rows: true class, columns: predicted class), its text
 * table, and a picture of the misclassified images with their true and predicted labels.
 */
import { Raster, GLYPH_H, type Rgb } from './raster.js';

/** counts[t·classes + p] = how many samples of true class t were predicted as p. */
export function confusionMatrix(trueIds: ArrayLike<number>, predIds: ArrayLike<number>, classes: number): Uint32Array {
  if (trueIds.length !== predIds.length) {
    throw new Error(`confusionMatrix: ${trueIds.length} true labels but ${predIds.length} predictions`);
  }
  const counts = new Uint32Array(classes * classes);
  for (let i = 0; i < trueIds.length; i++) {
    const t = trueIds[i], p = predIds[i];
    if (!(Number.isInteger(t) && t >= 0 && t < classes)) throw new Error(`confusionMatrix: true label ${t} of sample ${i} is not a class id in [0, ${classes})`);
    if (!(Number.isInteger(p) && p >= 0 && p < classes)) throw new Error(`confusionMatrix: prediction ${p} of sample ${i} is not a class id in [0, ${classes})`);
    counts[t * classes + p]++;
  }
  return counts;
}

/**
 * The matrix as a fixed-width table, with each class's recall (diagonal ÷ row total) at the end of its row:
 *
 *   true\pred     0     1  …   recall
 *           0   973     0  …   99.29%
 */
export function formatConfusion(counts: Uint32Array, classes: number): string {
  let width = 5;
  for (const c of counts) width = Math.max(width, String(c).length + 1);
  const cell = (s: string | number) => String(s).padStart(width);
  const lines = ['true\\pred' + Array.from({ length: classes }, (_, p) => cell(p)).join('') + '   recall'];
  for (let t = 0; t < classes; t++) {
    const row = counts.subarray(t * classes, (t + 1) * classes);
    const total = row.reduce((s, c) => s + c, 0);
    const recall = total === 0 ? '     n/a' : `${((100 * row[t]) / total).toFixed(2).padStart(7)}%`;
    lines.push(String(t).padStart(9) + [...row].map(cell).join('') + ' ' + recall);
  }
  return lines.join('\n');
}

export interface MistakeGridOptions {
  /** Tiles per row of the picture (default 20). */
  perRow?: number;
  /** At most this many tiles (default 100); the first ones in sample order. */
  max?: number;
  /** Pixel scale of each image (default 2). */
  scale?: number;
}

const TRUE_COLOUR: Rgb = [20, 20, 20];
const PRED_COLOUR: Rgb = [200, 30, 30];

/**
 * The misclassified images as a grid of tiles: each grey-scale image (bytes, 0 = background, drawn dark
 * on white) with its true label in black and the predicted one in red beneath it.
 * images: [n, height·width] bytes; returns the raster and how many mistakes it shows.
 */
export function mistakeGrid(
  images: Uint8Array, height: number, width: number,
  trueIds: ArrayLike<number>, predIds: ArrayLike<number>,
  { perRow = 20, max = 100, scale = 2 }: MistakeGridOptions = {},
): { raster: Raster; shown: number; total: number } {
  const wrong: number[] = [];
  for (let i = 0; i < trueIds.length; i++) if (trueIds[i] !== predIds[i]) wrong.push(i);
  const shown = Math.min(wrong.length, max);
  const cols = Math.max(1, Math.min(perRow, shown));
  const rows = Math.max(1, Math.ceil(shown / cols));
  const pad = 4;
  const tileW = width * scale + pad, tileH = height * scale + GLYPH_H + 2 * pad;
  const raster = new Raster(cols * tileW + pad, rows * tileH + pad);
  for (let k = 0; k < shown; k++) {
    const i = wrong[k];
    const x0 = pad + (k % cols) * tileW, y0 = pad + Math.floor(k / cols) * tileH;
    const img = images.subarray(i * height * width, (i + 1) * height * width);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = 255 - img[y * width + x];
        raster.fillRect(x0 + x * scale, y0 + y * scale, scale, scale, [v, v, v]);
      }
    }
    const ty = y0 + height * scale + pad;
    raster.text(x0, ty, String(trueIds[i]), TRUE_COLOUR);
    raster.text(x0 + Raster.textWidth(String(trueIds[i])) + 4, ty, String(predIds[i]), PRED_COLOUR);
  }
  return { raster, shown, total: wrong.length };
}
