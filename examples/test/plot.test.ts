import { describe, expect, it } from 'vitest';
import { checkBalanced } from './svg.js';
import { type History, epochAxis, escapeXml, historySvg, valueAxis } from '../src/plot.js';

function makeHistory(epochs: number): History {
  const h: History = { loss: [], val_loss: [], binary_accuracy: [], val_binary_accuracy: [] };
  for (let e = 0; e < epochs; e++) {
    h.loss.push(0.7 * Math.exp(-e / 5) + 0.05);
    h.val_loss.push(0.72 * Math.exp(-e / 6) + 0.08);
    h.binary_accuracy.push(1 - 0.5 * Math.exp(-e / 4));
    h.val_binary_accuracy.push(0.97 - 0.45 * Math.exp(-e / 5));
  }
  return h;
}

/** Points of each series polyline, keyed by data-series ("train loss", ...). */
function seriesPoints(svg: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of svg.matchAll(/<g class="series" data-series="([^"]+)">\n<polyline [^>]*points="([^"]*)"/g)) {
    out.set(m[1], m[2].split(' ').filter(Boolean));
  }
  return out;
}

const SERIES = ['train loss', 'validation loss', 'train binary accuracy', 'validation binary accuracy'];

describe('historySvg', () => {
  for (const epochs of [1, 2, 20, 150]) {
    it(`renders ${epochs} epoch(s): balanced tags, labels, one point per epoch per series`, () => {
      const svg = historySvg(makeHistory(epochs));
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
      checkBalanced(svg);
      for (const label of ['>train<', '>validation<', '>epoch<', '>loss<', '>binary accuracy<']) {
        expect(svg).toContain(label);
      }
      const points = seriesPoints(svg);
      expect([...points.keys()]).toEqual(SERIES);
      for (const pts of points.values()) {
        expect(pts).toHaveLength(epochs);
        for (const p of pts) expect(p).toMatch(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/);
      }
      expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    });
  }

  it('handles equal min and max (flat curves)', () => {
    const flat: History = { loss: [0.5, 0.5, 0.5], val_loss: [0.5, 0.5, 0.5], binary_accuracy: [1, 1, 1], val_binary_accuracy: [1, 1, 1] };
    const svg = historySvg(flat);
    checkBalanced(svg);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('leaves NaN values out of the curves instead of breaking the SVG', () => {
    const h = makeHistory(5);
    h.loss[3] = Number.NaN;
    const svg = historySvg(h);
    checkBalanced(svg);
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(seriesPoints(svg).get('train loss')).toHaveLength(4);
  });

  it('escapes the title', () => {
    const svg = historySvg(makeHistory(3), { title: 'a <b> & "c"' });
    expect(svg).toContain('>a &lt;b&gt; &amp; &quot;c&quot;<');
    checkBalanced(svg);
  });
});

describe('axes', () => {
  it('picks round value ticks covering the data', () => {
    expect(valueAxis([0.06, 0.78]).ticks.map((t) => +t.toFixed(6))).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(valueAxis([0.5, 0.5]).lo).toBeLessThan(0.5);
    expect(valueAxis([]).ticks.length).toBeGreaterThan(1);
    expect(valueAxis([0.06, 0.78]).decimals).toBe(1);
  });

  it('picks whole-number epoch ticks starting at 1', () => {
    expect(epochAxis(1).ticks).toEqual([1]);
    expect(epochAxis(5).ticks).toEqual([1, 2, 3, 4, 5]);
    expect(epochAxis(20).ticks).toEqual([1, 5, 10, 15, 20]);
  });

  it('escapes XML special characters', () => {
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&#39;');
  });
});
