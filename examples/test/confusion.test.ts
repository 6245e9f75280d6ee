import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confusionMatrix, formatConfusion, mistakeGrid } from '../src/confusion.js';

describe('confusionMatrix', () => {
  it('counts each (true, predicted) pair in its cell', () => {
    const m = confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3);
    expect([...m]).toEqual([1, 1, 0, /**/ 0, 1, 0, /**/ 1, 0, 2]);
  });

  it('sums to the sample count, rows to each class total, diagonal to the correct count (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 12 }).chain((k) =>
      fc.array(fc.tuple(fc.nat(k - 1), fc.nat(k - 1)), { maxLength: 200 }).map((pairs) => ({ k, pairs }))), ({ k, pairs }) => {
      const t = pairs.map((p) => p[0]), p = pairs.map((q) => q[1]);
      const m = confusionMatrix(t, p, k);
      expect(m.reduce((s, c) => s + c, 0)).toBe(pairs.length);
      for (let c = 0; c < k; c++) {
        expect(m.subarray(c * k, (c + 1) * k).reduce((s, x) => s + x, 0)).toBe(t.filter((v) => v === c).length);
      }
      let diag = 0;
      for (let c = 0; c < k; c++) diag += m[c * k + c];
      expect(diag).toBe(pairs.filter(([a, b]) => a === b).length);
    }));
  });

  it('names the sample whose label is not a class id', () => {
    expect(() => confusionMatrix([0, 3], [0, 0], 3)).toThrow('true label 3 of sample 1 is not a class id in [0, 3)');
    expect(() => confusionMatrix([0, 1], [0, 1.5], 3)).toThrow('prediction 1.5 of sample 1');
    expect(() => confusionMatrix([0], [0, 1], 3)).toThrow('1 true labels but 2 predictions');
  });

  it('formats a table with each class recall', () => {
    const text = formatConfusion(confusionMatrix([0, 0, 0, 0, 1], [0, 0, 0, 1, 1], 2), 2);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^true\\pred\s+0\s+1\s+recall$/);
    expect(lines[1]).toMatch(/^\s+0\s+3\s+1\s+75\.00%$/);
    expect(lines[2]).toMatch(/^\s+1\s+0\s+1\s+100\.00%$/);
  });
});

describe('mistakeGrid', () => {
  // Two 2×2 images: sample 0 right, sample 1 wrong (all ink), sample 2 wrong (one dark pixel).
  const images = Uint8Array.from([0, 0, 0, 0, /**/ 255, 255, 255, 255, /**/ 255, 0, 0, 0]);
  const pixel = (r: { width: number; rgba: Uint8Array }, x: number, y: number) => r.rgba[(y * r.width + x) * 4];

  it('shows only the misclassified images, in order, dark ink on white', () => {
    const { raster, shown, total } = mistakeGrid(images, 2, 2, [1, 2, 3], [1, 4, 5], { scale: 1 });
    expect([shown, total]).toEqual([2, 2]);
    // The first tile is sample 1 (all ink ⇒ black); the second is sample 2 (only its top-left pixel inked).
    const pad = 4, tileW = 2 + pad;
    expect([pixel(raster, pad, pad), pixel(raster, pad + 1, pad + 1)]).toEqual([0, 0]);
    expect([pixel(raster, pad + tileW, pad), pixel(raster, pad + tileW + 1, pad)]).toEqual([0, 255]);
  });

  it('respects max and draws a blank picture when nothing is wrong', () => {
    expect(mistakeGrid(images, 2, 2, [1, 2, 3], [1, 4, 5], { max: 1 }).shown).toBe(1);
    const none = mistakeGrid(images, 2, 2, [1, 2, 3], [1, 2, 3]);
    expect([none.shown, none.total]).toEqual([0, 0]);
    expect(none.raster.rgba.every((v) => v === 255)).toBe(true);
  });
});
