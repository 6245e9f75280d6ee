/** The loss and binary-accuracy curves, train and validation per epoch, as SVG (Keras's plot(history), live). */
import type { EpochLogs } from '../src/progress.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 760, H = 260, PANEL = 360, PAD = { left: 46, right: 10, top: 22, bottom: 30 };

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

interface Series {
  name: 'train' | 'val';
  values: number[];
}

function panel(svg: SVGSVGElement, x0: number, title: string, epochs: number, series: Series[], lo: number, hi: number): void {
  const g = el('g', { transform: `translate(${x0},0)`, class: 'panel', 'data-panel': title }) as SVGGElement;
  const iw = PANEL - PAD.left - PAD.right, ih = H - PAD.top - PAD.bottom;
  const sx = (e: number) => PAD.left + (epochs > 1 ? ((e - 1) / (epochs - 1)) * iw : iw / 2);
  const sy = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo || 1)) * ih;
  g.append(el('text', { x: PAD.left, y: 14 }, title));
  g.append(el('line', { class: 'axis', x1: PAD.left, y1: PAD.top + ih, x2: PAD.left + iw, y2: PAD.top + ih }));
  g.append(el('line', { class: 'axis', x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: PAD.top + ih }));
  for (let t = 0; t <= 4; t++) {
    const v = lo + ((hi - lo) * t) / 4;
    g.append(el('text', { x: PAD.left - 4, y: sy(v) + 4, 'text-anchor': 'end' }, v.toFixed(hi - lo < 0.1 ? 3 : 2)));
  }
  const ticks = Math.min(epochs, 10);
  for (let t = 0; t < ticks; t++) {
    const e = 1 + Math.round((t * (epochs - 1)) / Math.max(1, ticks - 1));
    g.append(el('text', { x: sx(e), y: H - 12, 'text-anchor': 'middle' }, String(e)));
  }
  g.append(el('text', { x: PAD.left + iw / 2, y: H - 1, 'text-anchor': 'middle' }, 'epoch'));
  for (const s of series) {
    const pts = s.values.map((v, i) => `${sx(i + 1).toFixed(1)},${sy(v).toFixed(1)}`);
    if (pts.length > 1) g.append(el('polyline', { class: s.name, points: pts.join(' ') }));
    s.values.forEach((v, i) => g.append(el('circle', { class: `${s.name} point`, cx: sx(i + 1), cy: sy(v), r: 3, 'data-epoch': i + 1, 'data-value': v })));
  }
  // Legend.
  series.forEach((s, i) => {
    g.append(el('rect', { class: s.name, x: PANEL - 120 + i * 55, y: 6, width: 10, height: 10 }));
    g.append(el('text', { x: PANEL - 106 + i * 55, y: 15 }, s.name === 'train' ? 'train' : 'val'));
  });
  svg.append(g);
}

export function drawCurves(svg: SVGSVGElement, history: EpochLogs[], epochs: number): void {
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  const loss: Series[] = [{ name: 'train', values: history.map((h) => h.loss) }, { name: 'val', values: history.map((h) => h.val_loss ?? NaN) }];
  const acc: Series[] = [
    { name: 'train', values: history.map((h) => h.binary_accuracy) },
    { name: 'val', values: history.map((h) => h.val_binary_accuracy ?? NaN) },
  ];
  const all = (s: Series[]) => s.flatMap((x) => x.values).filter(Number.isFinite);
  const lossHi = Math.max(0.01, ...all(loss)) * 1.05;
  const accLo = Math.min(0.9, ...all(acc)) - 0.01;
  panel(svg, 0, 'loss (contrastive)', Math.max(epochs, 1), loss, 0, lossHi);
  panel(svg, PANEL + 40, 'binary accuracy', Math.max(epochs, 1), acc, Math.max(0, accLo), 1);
}
