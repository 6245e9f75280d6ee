import { describe, expect, it } from 'vitest';
import { checkBalanced } from './svg.js';
import { Raster, parseHex } from '../src/raster.js';
import { TAB10, classColour, quantile, scatterLayout, scatterRaster, scatterSvg } from '../src/scatter.js';

/** n points per class, class c around (cos, sin) of angle 2πc/10, deterministic jitter: [10n, 2]. */
function rings(n: number): { xy: Float32Array; labels: Uint8Array } {
  const xy = new Float32Array(20 * n), labels = new Uint8Array(10 * n);
  for (let i = 0; i < 10 * n; i++) {
    const c = i % 10, t = (2 * Math.PI * c) / 10;
    labels[i] = c;
    xy[2 * i] = 3 * Math.cos(t) + 0.3 * Math.sin(i * 12.9898);
    xy[2 * i + 1] = 3 * Math.sin(t) + 0.3 * Math.cos(i * 78.233);
  }
  return { xy, labels };
}

describe('scatterSvg', () => {
  const { xy, labels } = rings(50);
  const centroids = new Float32Array(20).map((_, k) => (k % 2 === 0 ? 3 * Math.cos((Math.PI * (k >> 1)) / 5) : 3 * Math.sin((Math.PI * (k >> 1)) / 5)));
  const svg = scatterSvg(xy, labels, { title: 'Digits <in> 2-D & more', legendTitle: 'digit', centroids });

  it('is well-formed SVG with an escaped title', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(checkBalanced(svg)[0]).toBe('svg');
    expect(svg).toContain('Digits &lt;in&gt; 2-D &amp; more');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('has a legend with the 10 classes in their colours, and every point drawn in its class colour', () => {
    const entries = [...svg.matchAll(/<g class="legend-entry" data-class="(\d)"><circle [^>]*fill="(#[0-9a-f]{6})"\/><text[^>]*>(\d)<\/text><\/g>/g)];
    expect(entries.map((m) => m[1])).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(entries.map((m) => m[2])).toEqual(TAB10);
    expect(entries.map((m) => m[3])).toEqual(entries.map((m) => m[1]));
    const groups = [...svg.matchAll(/<g class="points" data-class="(\d)" fill="(#[0-9a-f]{6})" fill-opacity="[\d.]+">([^]*?)<\/g>/g)];
    expect(groups).toHaveLength(10);
    for (const [, c, colour, body] of groups) {
      expect(colour).toBe(TAB10[Number(c)]);
      expect(body.match(/<circle /g)).toHaveLength(50);
    }
    expect(svg.match(/<g class="centroids"[^]*?<\/g>/)![0].match(/<text /g)).toHaveLength(10);
  });

  it('draws the points inside the frame and leaves far outliers out, saying how many', () => {
    const L = scatterLayout(xy, labels);
    for (const m of svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="1.6"\/>/g)) {
      expect(Number(m[1])).toBeGreaterThanOrEqual(L.left);
      expect(Number(m[1])).toBeLessThanOrEqual(L.right);
      expect(Number(m[2])).toBeGreaterThanOrEqual(L.top);
      expect(Number(m[2])).toBeLessThanOrEqual(L.bottom);
    }
    expect(svg).not.toContain('class="note"');
    // Beyond the 99.9 % quantile (so among more than 1000 points): a far outlier is left out.
    const many = rings(200);
    many.xy[0] = 1e6;
    const note = [...scatterSvg(many.xy, many.labels, { title: 't' }).matchAll(/<text [^>]*class="note"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(note.join(' ')).toBe('1 of 2000 points lie beyond the axes, not drawn');
  });

  it('uses one scale on both axes (a unit is as long across as up)', () => {
    const L = scatterLayout(xy, labels);
    expect(L.sx(1) - L.sx(0)).toBeCloseTo(L.sy(0) - L.sy(1), 9);
    expect(L.x.ticks).toEqual([-2, 0, 2]);
    expect(L.y.ticks).toContain(0);
  });

  it('rejects mismatched points and labels', () => {
    expect(() => scatterSvg(new Float32Array(6), new Uint8Array(2), { title: '' })).toThrow('3 points but 2 labels');
  });

  it('draws any number of classes, each in its own colour (tab10, then tab20 light shades, then more hues)', () => {
    const n = 40;
    const svg = scatterSvg(Float32Array.from({ length: 2 * n }, (_, i) => i), Uint8Array.from({ length: n }, (_, i) => i), { title: '' });
    const fills = [...svg.matchAll(/<g class="points" data-class="(\d+)" fill="(#[0-9a-f]{6})"/g)].map((m) => m[2]);
    expect(fills).toHaveLength(n);
    expect(new Set(fills).size).toBe(n);
    expect(fills.slice(0, 10)).toEqual(TAB10);
    expect(fills.map((f) => f === classColour(fills.indexOf(f)))).not.toContain(false);
  });
});

describe('scatterRaster and Raster', () => {
  it('paints points in their class colour, blended over white at the dot opacity', () => {
    const { xy, labels } = rings(20);
    const img = scatterRaster(xy, labels);
    const L = scatterLayout(xy, labels, 8);
    expect([img.width, img.height]).toEqual([L.width, L.height]);
    expect([...img.rgba.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
    // One class-3 point alone: the pixel under its centre is TAB10[3] at opacity 0.45 over white.
    const one = scatterRaster(Float32Array.of(0.13, -0.37), Uint8Array.of(3));
    const L1 = scatterLayout(Float32Array.of(0.13, -0.37), Uint8Array.of(3), 8);
    const at = (Math.floor(L1.sy(-0.37)) * one.width + Math.floor(L1.sx(0.13))) * 4;
    expect([...one.rgba.subarray(at, at + 3)]).toEqual(parseHex(TAB10[3]).map((v) => Math.round(255 + (v - 255) * 0.45)));
  });

  it('blends a disc with the given opacity at its centre and leaves far pixels alone', () => {
    const img = new Raster(9, 9);
    img.disc(4.5, 4.5, 2, [0, 0, 0], 0.5);
    expect([...img.rgba.subarray((4 * 9 + 4) * 4, (4 * 9 + 4) * 4 + 4)]).toEqual([128, 128, 128, 255]);
    expect([...img.rgba.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
  });

  it('draws digits in the bitmap font and refuses letters', () => {
    const img = new Raster(20, 9);
    img.text(1, 1, '1', [0, 0, 0]);
    // '1': the column x = 1 + 2 is inked on rows 1..7.
    for (let y = 1; y <= 7; y++) expect(img.rgba[(y * 20 + 3) * 4]).toBe(0);
    expect(Raster.textWidth('10', 2)).toBe(22);
    expect(() => img.text(0, 0, 'a', [0, 0, 0])).toThrow("no glyph for 'a'");
  });

  it('quantile picks by nearest rank and ignores non-finite values', () => {
    expect(quantile(Float32Array.of(5, 1, NaN, 3), 0)).toBe(1);
    expect(quantile(Float32Array.of(5, 1, NaN, 3), 1)).toBe(5);
    expect(quantile(Float32Array.of(5, 1, 3), 0.5)).toBe(3);
  });
});
