import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '@tsnn/tensor';
import { makePairs } from '../src/pairs.js';
import { EpochProgress, epochLine, type Output } from '../src/progress.js';

describe('makePairs', () => {
  it('pairs every image once, with a partner of the drawn class, P(same) = 0.9 / (0.1·(C − 1) + 0.9)', () => {
    for (const classes of [2, 3, 10]) {
      const rng = new Rng(classes);
      const labels = new Uint8Array(30_000).map(() => rng.int(classes));
      const { a, b, y } = makePairs(labels, classes, new Rng(1));
      expect([...a.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4]);
      let same = 0;
      for (let i = 0; i < labels.length; i++) {
        expect(y[i]).toBe(+(labels[a[i]] === labels[b[i]]));
        same += y[i];
      }
      expect(same / labels.length).toBeCloseTo(0.9 / (0.1 * (classes - 1) + 0.9), 1);
    }
  });

  it('same seed ⇒ the same pairs; classes absent from the labels are never drawn', () => {
    fc.assert(fc.property(fc.integer(), (seed) => {
      const labels = new Uint8Array([0, 0, 2, 2, 2, 5]); // classes 1, 3, 4 absent
      const p = makePairs(labels, 6, new Rng(seed)), q = makePairs(labels, 6, new Rng(seed));
      expect([...p.b]).toEqual([...q.b]);
      for (const j of p.b) expect([0, 2, 5]).toContain(labels[j]);
    }));
  });
});

describe('progress output', () => {
  const logs = { epoch: 3, loss: 0.0598, binary_accuracy: 0.924, val_loss: 0.049, val_binary_accuracy: 0.9398, seconds: 4.1 };

  it("prints Keras's epoch line", () => {
    expect(epochLine(logs, 20, 469)).toBe(
      'Epoch 3/20  469/469 - 4.1s - 8.7ms/step - binary_accuracy: 0.9240 - loss: 0.0598 - val_binary_accuracy: 0.9398 - val_loss: 0.0490');
  });

  it('draws a live bar on a terminal and nothing but the epoch lines otherwise', () => {
    for (const tty of [true, false]) {
      const status: string[] = [], lines: string[] = [];
      const out: Output = { tty, line: (s) => lines.push(s), status: (s) => status.push(s) };
      let t = 0;
      const p = new EpochProgress(out, 20, () => (t += 150));
      p.startEpoch();
      for (let s = 1; s <= 469; s++) p.batch(3, s, 469, { loss: 0.06, binary_accuracy: 0.92 });
      p.endEpoch(logs, 469);
      expect(lines).toHaveLength(1);
      if (tty) {
        expect(status.length).toBeGreaterThan(100);
        expect(status.at(-1)).toMatch(/^Epoch 3\/20 {2}469\/469 \[={30}\] - ETA: 0s - binary_accuracy: 0\.9200 - loss: 0\.0600$/);
        expect(status[0]).toMatch(/^Epoch 3\/20 {2}1\/469 \[\.{30}\]/);
      } else {
        expect(status).toHaveLength(0);
      }
    }
  });
});
