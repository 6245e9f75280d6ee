// Training-history chart as a standalone SVG string: what Keras users get from plot(history).
// Two panels side by side (loss, binary accuracy), each with train and validation curves.
// Non-finite values (a NaN loss) are left out of the curves and the axis ranges.

export interface History {
  loss: number[];
  val_loss: number[];
  binary_accuracy: number[];
  val_binary_accuracy: number[];
}

export interface HistorySvgOptions {
  title?: string;
  /** The right panel's heading (default 'binary accuracy'): what the accuracy curves measure. */
  metric?: string;
}

export interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
  decimals: number; // for tick labels
}

const PANEL_W = 480;
const PANEL_H = 360;
const TITLE_H = 40;
const INSET = 8;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 56 };
const SERIES = [
  { label: 'train', colour: '#1f77b4', marker: 'circle', dash: '' },
  { label: 'validation', colour: '#e6550d', marker: 'square', dash: '6 4' },
] as const;

/** Escapes text for use in SVG element content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** 1, 2 or 5 times a power of ten, the smallest such number ≥ raw. */
export function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/** ~5 round ticks spanning the finite values; equal min and max are padded apart. */
export function valueAxis(values: number[]): Axis {
  const finite = values.filter(Number.isFinite);
  let min = finite.length > 0 ? Math.min(...finite) : 0;
  let max = finite.length > 0 ? Math.max(...finite) : 1;
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  const step = niceStep((max - min) / 5);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let i = 0; lo + i * step <= hi + step * 1e-6; i++) ticks.push(lo + i * step);
  return { lo, hi, ticks, decimals: Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) };
}

/** Epochs are numbered from 1; ticks are whole numbers, one per epoch when there are few. */
export function epochAxis(epochs: number): Axis {
  if (epochs <= 1) return { lo: 0, hi: 2, ticks: [1], decimals: 0 };
  const step = Math.max(1, niceStep((epochs - 1) / 8));
  const ticks = [1];
  for (let t = step; t <= epochs; t += step) if (t - 1 >= step / 2) ticks.push(t);
  return { lo: 1, hi: epochs, ticks, decimals: 0 };
}

/** An SVG text element at (x, y), coordinates rounded to 0.1. */
export function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${r(x)}" y="${r(y)}" ${attrs}>${escapeXml(s)}</text>`;
}

/** A coordinate rounded to 0.1 (short SVG). */
export const r = (v: number) => Math.round(v * 10) / 10;

function marker(shape: 'circle' | 'square', x: number, y: number, size: number, colour: string): string {
  if (shape === 'circle') return `<circle cx="${r(x)}" cy="${r(y)}" r="${size}" fill="${colour}"/>`;
  return `<rect x="${r(x - size)}" y="${r(y - size)}" width="${2 * size}" height="${2 * size}" fill="${colour}"/>`;
}

function panel(x0: number, y0: number, name: string, curves: [number[], number[]], epochs: number): string {
  const left = x0 + MARGIN.left;
  const right = x0 + PANEL_W - MARGIN.right;
  const top = y0 + MARGIN.top;
  const bottom = y0 + PANEL_H - MARGIN.bottom;
  const xa = epochAxis(epochs);
  const ya = valueAxis([...curves[0], ...curves[1]]);
  // Data sit INSET px inside the frame so markers at the extremes are not cut by it.
  const sx = (e: number) => left + INSET + ((e - xa.lo) / (xa.hi - xa.lo)) * (right - left - 2 * INSET);
  const sy = (v: number) => bottom - INSET - ((v - ya.lo) / (ya.hi - ya.lo)) * (bottom - top - 2 * INSET);
  const out = [`<g class="panel" data-panel="${escapeXml(name)}">`];
  out.push(text(left, y0 + 22, name, 'font-size="15" font-weight="bold"'));

  // Gridlines, tick marks and tick labels.
  for (const t of ya.ticks) {
    const y = r(sy(t));
    out.push(`<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#e3e3e3"/>`);
    out.push(`<line x1="${left - 5}" y1="${y}" x2="${left}" y2="${y}" stroke="#333"/>`);
    out.push(text(left - 8, y + 4, t.toFixed(ya.decimals), 'text-anchor="end"'));
  }
  for (const t of xa.ticks) {
    const x = r(sx(t));
    out.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${bottom}" stroke="#e3e3e3"/>`);
    out.push(`<line x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 5}" stroke="#333"/>`);
    out.push(text(x, bottom + 19, String(t), 'text-anchor="middle"'));
  }
  out.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#333"/>`);
  out.push(text((left + right) / 2, bottom + 42, 'epoch', 'text-anchor="middle" font-size="13"'));
  const mid = r((top + bottom) / 2);
  out.push(`<text transform="translate(${x0 + 20} ${mid}) rotate(-90)" text-anchor="middle" font-size="13">${escapeXml(name)}</text>`);

  // Curves: one polyline per series with a marker on every finite point.
  const size = epochs > 40 ? 2 : 3.5;
  SERIES.forEach((s, k) => {
    const pts = curves[k].map((v, i) => [sx(i + 1), sy(v)] as const).filter((_, i) => Number.isFinite(curves[k][i]));
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    out.push(`<g class="series" data-series="${s.label} ${escapeXml(name)}">`);
    out.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="2"${dash} points="${pts.map(([x, y]) => `${r(x)},${r(y)}`).join(' ')}"/>`);
    for (const [x, y] of pts) out.push(marker(s.marker, x, y, size, s.colour));
    out.push('</g>');
  });

  // Legend in the panel header, right-aligned, so it never covers the data.
  let lx = right - 190;
  for (const s of SERIES) {
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    out.push(`<line x1="${lx}" y1="${y0 + 18}" x2="${lx + 28}" y2="${y0 + 18}" stroke="${s.colour}" stroke-width="2"${dash}/>`);
    out.push(marker(s.marker, lx + 14, y0 + 18, 3.5, s.colour));
    out.push(text(lx + 34, y0 + 22, s.label));
    lx += 80;
  }
  out.push('</g>');
  return out.join('\n');
}

/** A standalone SVG (loss panel and accuracy panel) for a Keras-style history. */
export function historySvg(history: History, opts: HistorySvgOptions = {}): string {
  const epochs = Math.max(
    history.loss.length, history.val_loss.length, history.binary_accuracy.length, history.val_binary_accuracy.length,
  );
  const width = 2 * PANEL_W;
  const height = TITLE_H + PANEL_H;
  const title = opts.title ?? `Training history (${epochs} epoch${epochs === 1 ? '' : 's'})`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12" fill="#222">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    text(width / 2, 27, title, 'text-anchor="middle" font-size="18" font-weight="bold"'),
    panel(0, TITLE_H, 'loss', [history.loss, history.val_loss], epochs),
    panel(PANEL_W, TITLE_H, opts.metric ?? 'binary accuracy', [history.binary_accuracy, history.val_binary_accuracy], epochs),
    '</svg>',
    '',
  ].join('\n');
}
