/**
 * The PNG encoder, checked by an independent decoder written here: signature, chunk layout, every CRC
 * (against node:zlib's crc32), IHDR fields, and pixels recovered exactly after inflateSync and unfiltering.
 */
import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PNG_SIGNATURE, encodePng, pngChunk } from '../src/png.js';

interface Decoded {
  chunks: string[];
  width: number;
  height: number;
  colourType: number;
  filters: number[];
  rgba: Uint8Array;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** A strict little PNG reader for 8-bit RGB / RGBA, non-interlaced: throws on any defect. */
function decodePng(png: Uint8Array): Decoded {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: string[] = [];
  const idat: Uint8Array[] = [];
  let ihdr: Uint8Array | null = null;
  let at = 8;
  while (at < png.length) {
    const len = view.getUint32(at, false);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + len);
    expect(view.getUint32(at + 8 + len, false), `CRC of ${type}`).toBe(zlibCrc32(png.subarray(at + 4, at + 8 + len)));
    chunks.push(type);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  expect(at).toBe(png.length);
  expect(chunks[0]).toBe('IHDR');
  expect(chunks[chunks.length - 1]).toBe('IEND');
  const h = new DataView(ihdr!.buffer, ihdr!.byteOffset, 13);
  const width = h.getUint32(0, false), height = h.getUint32(4, false);
  expect(ihdr!.length).toBe(13);
  expect([ihdr![8], ihdr![10], ihdr![11], ihdr![12]]).toEqual([8, 0, 0, 0]); // depth 8, deflate, adaptive filter, no interlace
  const colourType = ihdr![9];
  expect([2, 6]).toContain(colourType);
  const bpp = colourType === 6 ? 4 : 3, stride = width * bpp;
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe(height * (1 + stride));
  const rgba = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  const filters: number[] = [];
  for (let y = 0; y < height; y++) {
    const f = raw[y * (1 + stride)];
    filters.push(f);
    const row = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][f];
      expect(pred, `filter type ${f}`).toBeDefined();
      row[i] = (raw[y * (1 + stride) + 1 + i] + pred) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      for (let ch = 0; ch < 4; ch++) rgba[(y * width + x) * 4 + ch] = ch < bpp ? row[x * bpp + ch] : 255;
    }
    prev = row;
  }
  return { chunks, width, height, colourType, filters, rgba };
}

describe('encodePng', () => {
  it('writes the signature, IHDR, IDAT and IEND with valid CRCs, and the pixels decode back exactly', () => {
    const w = 7, h = 5, rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) rgba.set([(i * 37) & 255, (i * 11) & 255, 255 - i, i % 3 === 0 ? 128 : 255], 4 * i);
    const png = encodePng(w, h, rgba);
    expect([...png.subarray(0, 8)]).toEqual([...PNG_SIGNATURE]);
    const d = decodePng(png);
    expect(d.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([d.width, d.height, d.colourType]).toEqual([w, h, 6]);
    expect(d.rgba).toEqual(rgba);
  });

  it('writes an opaque image as RGB (colour type 2)', () => {
    const rgba = new Uint8Array(3 * 2 * 4).fill(255);
    rgba.set([10, 20, 30], 4);
    const d = decodePng(encodePng(3, 2, rgba));
    expect(d.colourType).toBe(2);
    expect(d.rgba).toEqual(rgba);
  });

  it('picks a predicting filter for smooth rows (a horizontal ramp is cheapest with Sub, a repeated row with Up)', () => {
    const w = 64, h = 4, rgba = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgba.set([4 * x, 4 * x, 4 * x, 255], 4 * (y * w + x));
    const d = decodePng(encodePng(w, h, rgba));
    expect(d.filters[0]).toBe(1); // first row: Up has nothing to predict from, Sub sees the ramp
    expect(d.filters.slice(1).every((f) => f !== 0)).toBe(true);
    expect(d.rgba).toEqual(rgba);
  });

  it('round-trips any small image (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.boolean(), fc.integer(), (w, h, opaque, seed) => {
      const rgba = new Uint8Array(w * h * 4);
      let s = seed >>> 0;
      for (let i = 0; i < rgba.length; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        rgba[i] = opaque && i % 4 === 3 ? 255 : s >>> 24;
      }
      expect(decodePng(encodePng(w, h, rgba)).rgba).toEqual(rgba);
    }));
  });

  it('rejects a buffer of the wrong size and a bad chunk type', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow('2 × 2 RGBA needs 16 bytes, got 15');
    expect(() => encodePng(0, 2, new Uint8Array(0))).toThrow('positive integers');
    expect(() => pngChunk('ID4T', new Uint8Array(0))).toThrow('4 ASCII letters');
  });
});
