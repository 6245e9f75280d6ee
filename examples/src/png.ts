/**
 * A dependency-free PNG encoder (RFC 2083 / the W3C PNG spec) for 8-bit RGBA pixels:
 *
 *   signature 89 50 4E 47 0D 0A 1A 0A, then chunks: IHDR, IDAT (zlib stream of the filtered rows), IEND.
 *   chunk = length (uint32 BE, of the data) · type (4 ASCII bytes) · data · CRC-32 of type + data (BE).
 *
 * Each row is stored after the filter (None, Sub, Up, Average or Paeth) whose output has the smallest sum
 * of |bytes as int8| — the usual heuristic (libpng's "minimum sum of absolute differences"). An image whose
 * alpha is 255 everywhere is written as RGB (colour type 2), otherwise as RGBA (colour type 6).
 */
import { deflateSync } from 'node:zlib';
import { crc32 } from '@tsnn/layers';

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** One chunk: length, type, data, CRC-32 over type and data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  if (!/^[A-Za-z]{4}$/.test(type)) throw new Error(`pngChunk: type must be 4 ASCII letters, got '${type}'`);
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, false);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)), false);
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Filter one row into out[1 ..] with filter type t (out[0] = t). row, prev: [stride] bytes; bpp bytes per
 * pixel; prev is all zeros for the first row. Returns Σ|out as int8|, the heuristic's cost.
 */
function filterRow(t: number, row: Uint8Array, prev: Uint8Array, bpp: number, out: Uint8Array): number {
  out[0] = t;
  let cost = 0;
  for (let i = 0; i < row.length; i++) {
    const a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
    const pred = t === 0 ? 0 : t === 1 ? a : t === 2 ? b : t === 3 ? (a + b) >> 1 : paeth(a, b, c);
    const v = (row[i] - pred) & 0xff;
    out[i + 1] = v;
    cost += v < 128 ? v : 256 - v;
  }
  return cost;
}

/** PNG bytes of a width × height image; rgba: [height, width, 4] bytes, row-major, top row first. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: width and height must be positive integers, got ${width} × ${height}`);
  }
  if (rgba.length !== width * height * 4) {
    throw new Error(`encodePng: ${width} × ${height} RGBA needs ${width * height * 4} bytes, got ${rgba.length}`);
  }
  let opaque = true;
  for (let i = 3; i < rgba.length && opaque; i += 4) opaque = rgba[i] === 255;
  const bpp = opaque ? 3 : 4;
  const stride = width * bpp;

  // filtered: [height, 1 + stride] — a filter-type byte, then the filtered row
  const filtered = new Uint8Array(height * (1 + stride));
  let prev = new Uint8Array(stride), row = new Uint8Array(stride);
  const trial = new Uint8Array(1 + stride), best = new Uint8Array(1 + stride);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let ch = 0; ch < bpp; ch++) row[x * bpp + ch] = rgba[(y * width + x) * 4 + ch];
    }
    let bestCost = Infinity;
    for (let t = 0; t < 5; t++) {
      const cost = filterRow(t, row, prev, bpp, trial);
      if (cost < bestCost) {
        bestCost = cost;
        best.set(trial);
      }
    }
    filtered.set(best, y * (1 + stride));
    [prev, row] = [row, prev];
  }

  const ihdr = new Uint8Array(13);
  const h = new DataView(ihdr.buffer);
  h.setUint32(0, width, false);
  h.setUint32(4, height, false);
  ihdr[8] = 8; // bit depth
  ihdr[9] = opaque ? 2 : 6; // colour type: truecolour (RGB) or truecolour with alpha (RGBA)
  // bytes 10, 11, 12: compression 0 (deflate), filter method 0 (adaptive), no interlace
  const parts = [PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(filtered, { level: 9 })), pngChunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
