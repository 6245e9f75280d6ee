/**
 * A labelled 2-D scatter plot (points coloured by class, a legend, optional class-centroid labels) as a
 * standalone SVG and as an RGBA raster for PNG — one layout, two renderers, in the style of plot.ts.
 *
 * Both axes share one scale (a unit of distance is as long across as up), since distances are what an
 * embedding means. The range covers the 0.1 %–99.9 % quantiles of each coordinate plus a margin; points
 * beyond it are not drawn and the SVG says how many.
 */
import { escapeXml, niceStep, r as r1, text, type Axis } from './plot.js';
import { Raster, parseHex, type Rgb } from './raster.js';

/** Matplotlib's tab10 palette: ten colours that stay apart in print and for most colour-blind readers. */
export const TAB10 = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** tab20's light shades, for classes 10..19. */
const TAB20_LIGHT = ['#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5'];

/** Class c's colour: tab10, then tab20's light shades, then hues a golden angle apart (any number of classes). */
export function classColour(c: number): string {
  if (c < TAB10.length) return TAB10[c];
  if (c < 20) return TAB20_LIGHT[c - 10];
  const h = ((c - 20) * 137.508) % 360, l = 0.45, a = 0.6 * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)))).toString(16).padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

export interface ScatterOptions {
  title: string;
  /** Legend heading (default 'class'). */
  legendTitle?: string;
  /** Names of the classes, in label order (default '0', '1', …). */
  classNames?: string[];
  /** Per-class points to mark with the class name, e.g. a classifier's centroids: [classes, 2]. */
  centroids?: Float32Array;
  xLabel?: string;
  yLabel?: string;
}

export interface ScatterLayout {
  width: number;
  height: number;
  /** The plot frame in pixels. */
  left: number;
  top: number;
  right: number;
  bottom: number;
  x: Axis;
  y: Axis;
  /** Data → pixel. */
  sx(v: number): number;
  sy(v: number): number;
  /** Number of points outside the axes (not drawn). */
  outside: number;
  classes: number;
}

const WIDTH = 760;
const MARGIN = { left: 64, right: 120, bottom: 54 };
const DOT_R = 1.6;
const DOT_OPACITY = 0.45;

/** The q-quantile (0 ≤ q ≤ 1) of the finite values, by nearest rank on a sorted copy. */
export function quantile(values: Float32Array, q: number): number {
  const finite = values.filter(Number.isFinite).sort();
  if (finite.length === 0) return 0;
  return finite[Math.min(finite.length - 1, Math.max(0, Math.round(q * (finite.length - 1))))];
}

function checkPoints(xy: Float32Array, labels: ArrayLike<number>): number {
  if (xy.length !== 2 * labels.length) throw new Error(`scatter: ${xy.length / 2} points but ${labels.length} labels`);
  let classes = 0;
  for (let i = 0; i < labels.length; i++) classes = Math.max(classes, labels[i] + 1);
  return classes;
}

/** Where everything goes. `titleHeight`: the band above the plot (the SVG's title; small for the PNG). */
export function scatterLayout(xy: Float32Array, labels: ArrayLike<number>, titleHeight = 44): ScatterLayout {
  const classes = checkPoints(xy, labels);
  const n = labels.length;
  const height = titleHeight + 600;
  const left = MARGIN.left, top = titleHeight + 10, right = WIDTH - MARGIN.right, bottom = height - MARGIN.bottom;
  const xs = new Float32Array(n), ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = xy[2 * i];
    ys[i] = xy[2 * i + 1];
  }
  // Robust data range, padded by 5 %, then widened along one axis so both axes share one scale.
  const range = (v: Float32Array): [number, number] => {
    let lo = quantile(v, 0.001), hi = quantile(v, 0.999);
    if (!(hi > lo)) [lo, hi] = [lo - 1, hi + 1];
    const pad = 0.05 * (hi - lo);
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = range(xs), [y0, y1] = range(ys);
  const scale = Math.min((right - left) / (x1 - x0), (bottom - top) / (y1 - y0)); // pixels per unit
  const widen = (lo: number, hi: number, pixels: number): [number, number] => {
    const mid = (lo + hi) / 2, half = pixels / scale / 2;
    return [mid - half, mid + half];
  };
  const [xlo, xhi] = widen(x0, x1, right - left), [ylo, yhi] = widen(y0, y1, bottom - top);
  const step = niceStep(Math.max(xhi - xlo, yhi - ylo) / 7);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const axis = (lo: number, hi: number): Axis => {
    const ticks: number[] = [];
    for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) ticks.push(Math.abs(t) < step * 1e-9 ? 0 : t);
    return { lo, hi, ticks, decimals };
  };
  let outside = 0;
  for (let i = 0; i < n; i++) {
    if (!(xs[i] >= xlo && xs[i] <= xhi && ys[i] >= ylo && ys[i] <= yhi)) outside++;
  }
  return {
    width: WIDTH, height, left, top, right, bottom, x: axis(xlo, xhi), y: axis(ylo, yhi), outside, classes,
    sx: (v) => left + (v - xlo) * scale,
    sy: (v) => bottom - (v - ylo) * scale,
  };
}

const names = (opts: ScatterOptions, classes: number) => opts.classNames ?? Array.from({ length: classes }, (_, c) => String(c));
const inBox = (L: ScatterLayout, x: number, y: number) => x >= L.x.lo && x <= L.x.hi && y >= L.y.lo && y <= L.y.hi;

/** The scatter plot as a standalone SVG string. */
export function scatterSvg(xy: Float32Array, labels: ArrayLike<number>, opts: ScatterOptions): string {
  const L = scatterLayout(xy, labels);
  const { left, top, right, bottom } = L;
  const classNames = names(opts, L.classes);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}" font-family="Helvetica, Arial, sans-serif" font-size="12" fill="#222">`,
    `<rect width="${L.width}" height="${L.height}" fill="white"/>`,
    text(L.width / 2, 28, opts.title, 'text-anchor="middle" font-size="16" font-weight="bold"'),
  ];
  // Gridlines, ticks, tick labels, frame, axis labels.
  for (const t of L.x.ticks) {
    const x = r1(L.sx(t));
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#ececec"/>`);
    out.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#333"/>`);
    out.push(text(x, bottom + 19, t.toFixed(L.x.decimals), 'text-anchor="middle"'));
  }
  for (const t of L.y.ticks) {
    const y = r1(L.sy(t));
    out.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#ececec"/>`);
    out.push(`<line x1="${left - 5}" y1="${y}" x2="${left}" y2="${y}" stroke="#333"/>`);
    out.push(text(left - 8, y + 4, t.toFixed(L.y.decimals), 'text-anchor="end"'));
  }
  out.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#333"/>`);
  out.push(text((left + right) / 2, bottom + 42, opts.xLabel ?? 'dimension 1', 'text-anchor="middle" font-size="13"'));
  out.push(`<text transform="translate(18 ${r1((top + bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(opts.yLabel ?? 'dimension 2')}</text>`);

  // Points, one group per class (small, semi-transparent, so dense regions read darker).
  for (let c = 0; c < L.classes; c++) {
    out.push(`<g class="points" data-class="${escapeXml(classNames[c])}" fill="${classColour(c)}" fill-opacity="${DOT_OPACITY}">`);
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] !== c || !inBox(L, xy[2 * i], xy[2 * i + 1])) continue;
      out.push(`<circle cx="${r1(L.sx(xy[2 * i]))}" cy="${r1(L.sy(xy[2 * i + 1]))}" r="${DOT_R}"/>`);
    }
    out.push('</g>');
  }
  if (opts.centroids) {
    out.push('<g class="centroids" font-size="18" font-weight="bold" text-anchor="middle" stroke="white" stroke-width="4" paint-order="stroke">');
    for (let c = 0; c < L.classes; c++) {
      const cx = opts.centroids[2 * c], cy = opts.centroids[2 * c + 1];
      if (inBox(L, cx, cy)) out.push(text(L.sx(cx), L.sy(cy) + 6, classNames[c], `fill="${darker(classColour(c))}"`));
    }
    out.push('</g>');
  }

  // Legend: a column to the right of the frame.
  const lx = right + 24;
  out.push(text(lx, top + 14, opts.legendTitle ?? 'class', 'font-size="13" font-weight="bold"'));
  for (let c = 0; c < L.classes; c++) {
    const y = top + 40 + 24 * c;
    out.push(`<g class="legend-entry" data-class="${escapeXml(classNames[c])}"><circle cx="${lx + 6}" cy="${y}" r="6" fill="${classColour(c)}"/>${text(lx + 20, y + 5, classNames[c], 'font-size="14"')}</g>`);
  }
  if (L.outside > 0) {
    // At the foot of the legend column: `n of N points` / `lie beyond the` / `axes, not drawn`.
    const note = [`${L.outside} of ${labels.length} points`, 'lie beyond the', 'axes, not drawn'];
    note.forEach((s, i) => out.push(text(lx - 8, bottom - 4 - 13 * (note.length - 1 - i), s, 'class="note" font-size="10" fill="#666"')));
  }
  out.push('</svg>', '');
  return out.join('\n');
}

/** A darker shade of a colour, for labels drawn over its own points. */
function darker(hex: string): string {
  return '#' + parseHex(hex).map((v) => Math.round(v * 0.6).toString(16).padStart(2, '0')).join('');
}

/**
 * The same plot on an RGBA raster (for PNG). The built-in font has digits only, so there is no title or
 * axis names: tick labels, the legend (colour + class number) and the centroid labels are drawn.
 */
export function scatterRaster(xy: Float32Array, labels: ArrayLike<number>, opts: Pick<ScatterOptions, 'centroids'> = {}): Raster {
  const L = scatterLayout(xy, labels, 8);
  const { left, top, right, bottom } = L;
  const img = new Raster(L.width, L.height);
  const ink: Rgb = [51, 51, 51], grid: Rgb = [236, 236, 236];
  const px = (v: number) => Math.round(v);
  for (const t of L.x.ticks) {
    const x = px(L.sx(t));
    img.vline(x, top, bottom, grid);
    img.vline(x, bottom, bottom + 5, ink);
    const s = t.toFixed(L.x.decimals);
    img.text(x - Raster.textWidth(s, 2) / 2, bottom + 10, s, ink, 2);
  }
  for (const t of L.y.ticks) {
    const y = px(L.sy(t));
    img.hline(left, right, y, grid);
    img.hline(left - 5, left, y, ink);
    const s = t.toFixed(L.y.decimals);
    img.text(left - 9 - Raster.textWidth(s, 2), y - 7, s, ink, 2);
  }
  // Points in data order (MNIST's order is random), so no class is always painted on top.
  const colours = Array.from({ length: L.classes }, (_, c) => parseHex(classColour(c)));
  for (let i = 0; i < labels.length; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1];
    if (inBox(L, x, y)) img.disc(L.sx(x), L.sy(y), DOT_R, colours[labels[i]], DOT_OPACITY);
  }
  img.strokeRect(left, top, right - left, bottom - top, ink);
  if (opts.centroids) {
    for (let c = 0; c < L.classes; c++) {
      const cx = opts.centroids[2 * c], cy = opts.centroids[2 * c + 1];
      if (!inBox(L, cx, cy)) continue;
      const s = String(c), w = Raster.textWidth(s, 3);
      img.text(px(L.sx(cx) - w / 2), px(L.sy(cy) - 10), s, parseHex(darker(classColour(c))), 3, [255, 255, 255]);
    }
  }
  const lx = right + 24;
  for (let c = 0; c < L.classes; c++) {
    const y = top + 20 + 30 * c;
    img.disc(lx + 8, y + 7, 7, colours[c], 1);
    img.text(lx + 24, y, String(c), ink, 2);
  }
  return img;
}
