/**
 * A small RGBA canvas for pictures written as PNG without dependencies: filled rectangles, straight
 * axis-aligned lines, anti-aliased semi-transparent discs (source-over blending), and text in a built-in
 * 5×7 bitmap font that knows the digits 0–9, '.', '-', '%' and space — enough for tick labels and legends.
 */

export type Rgb = readonly [number, number, number];

/** '#rrggbb' → [r, g, b]. */
export function parseHex(colour: string): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!m) throw new Error(`parseHex: expected a colour like '#1f77b4', got '${colour}'`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

// 5 columns × 7 rows per glyph, '#' = ink.
const GLYPHS: Record<string, string> = {
  '0': '.###. #...# #..## #.#.# ##..# #...# .###.',
  '1': '..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.',
  '2': '.###. #...# ....# ...#. ..#.. .#... #####',
  '3': '##### ...#. ..#.. ...#. ....# #...# .###.',
  '4': '...#. ..##. .#.#. #..#. ##### ...#. ...#.',
  '5': '##### #.... ####. ....# ....# #...# .###.',
  '6': '..##. .#... #.... ####. #...# #...# .###.',
  '7': '##### ....# ...#. ..#.. .#... .#... .#...',
  '8': '.###. #...# #...# .###. #...# #...# .###.',
  '9': '.###. #...# #...# .#### ....# ...#. .##..',
  '.': '..... ..... ..... ..... ..... .##.. .##..',
  '-': '..... ..... ..... .###. ..... ..... .....',
  '%': '##... ##..# ...#. ..#.. .#... #..## ...##',
  ' ': '..... ..... ..... ..... ..... ..... .....',
};
export const GLYPH_W = 5;
export const GLYPH_H = 7;

export class Raster {
  /** [height, width, 4] bytes, top row first. */
  readonly rgba: Uint8Array;

  constructor(readonly width: number, readonly height: number, background: Rgb = [255, 255, 255]) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new Error(`Raster: width and height must be positive integers, got ${width} × ${height}`);
    }
    this.rgba = new Uint8Array(width * height * 4);
    this.fillRect(0, 0, width, height, background);
  }

  /** Blend colour c over pixel (x, y) with opacity a ∈ [0, 1]; pixels outside the canvas are ignored. */
  blend(x: number, y: number, c: Rgb, a: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || a <= 0) return;
    const i = (y * this.width + x) * 4, p = this.rgba;
    for (let ch = 0; ch < 3; ch++) p[i + ch] = Math.round(p[i + ch] + (c[ch] - p[i + ch]) * Math.min(a, 1));
    p[i + 3] = 255;
  }

  /** Opaque rectangle of whole pixels [x, x + w) × [y, y + h), clipped to the canvas. */
  fillRect(x: number, y: number, w: number, h: number, c: Rgb, a = 1): void {
    const x0 = Math.max(0, Math.round(x)), y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w)), y1 = Math.min(this.height, Math.round(y + h));
    for (let py = y0; py < y1; py++) for (let px = x0; px < x1; px++) this.blend(px, py, c, a);
  }

  /** 1-px horizontal line from x0 to x1 (inclusive) at row y. */
  hline(x0: number, x1: number, y: number, c: Rgb): void {
    this.fillRect(Math.min(x0, x1), y, Math.abs(x1 - x0) + 1, 1, c);
  }

  /** 1-px vertical line from y0 to y1 (inclusive) at column x. */
  vline(x: number, y0: number, y1: number, c: Rgb): void {
    this.fillRect(x, Math.min(y0, y1), 1, Math.abs(y1 - y0) + 1, c);
  }

  /** 1-px outline of the rectangle [x, x + w] × [y, y + h]. */
  strokeRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    this.hline(x, x + w, y, c);
    this.hline(x, x + w, y + h, c);
    this.vline(x, y, y + h, c);
    this.vline(x + w, y, y + h, c);
  }

  /**
   * A disc of radius r centred at (cx, cy) in pixel coordinates (pixel (x, y) covers [x, x+1) × [y, y+1)),
   * opacity a; the edge is anti-aliased by the pixel centre's distance to the circle.
   */
  disc(cx: number, cy: number, r: number, c: Rgb, a: number): void {
    const x0 = Math.floor(cx - r - 1), x1 = Math.ceil(cx + r + 1);
    const y0 = Math.floor(cy - r - 1), y1 = Math.ceil(cy + r + 1);
    for (let py = y0; py <= y1; py++) {
      for (let px = x0; px <= x1; px++) {
        const d = Math.hypot(px + 0.5 - cx, py + 0.5 - cy);
        const coverage = Math.min(1, Math.max(0, r + 0.5 - d));
        if (coverage > 0) this.blend(px, py, c, a * coverage);
      }
    }
  }

  /** Width in pixels of s drawn at `scale`. */
  static textWidth(s: string, scale = 1): number {
    return s.length === 0 ? 0 : (s.length * (GLYPH_W + 1) - 1) * scale;
  }

  /**
   * Text with its top-left corner at (x, y), each font pixel drawn as scale × scale; with `halo`, a
   * one-font-pixel outline of that colour first, so the text reads over data.
   */
  text(x: number, y: number, s: string, c: Rgb, scale = 1, halo?: Rgb): void {
    for (const ch of s) if (!(ch in GLYPHS)) throw new Error(`Raster.text: no glyph for '${ch}' (the built-in font has 0-9 . - % and space)`);
    const ink = (dx: number, dy: number, colour: Rgb) => {
      [...s].forEach((ch, k) => {
        const rows = GLYPHS[ch].split(' ');
        for (let gy = 0; gy < GLYPH_H; gy++) {
          for (let gx = 0; gx < GLYPH_W; gx++) {
            if (rows[gy][gx] !== '#') continue;
            this.fillRect(x + (k * (GLYPH_W + 1) + gx) * scale + dx, y + gy * scale + dy, scale, scale, colour);
          }
        }
      });
    };
    if (halo) for (const [dx, dy] of [[-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1]]) ink(dx * scale, dy * scale, halo);
    ink(0, 0, c);
  }
}
