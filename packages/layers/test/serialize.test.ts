import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, sizeOf } from '@tsnn/tensor';
import {
  Dense, Dropout, ModelFormatError, Sequential, Siamese, Subtract, decodeModel, encodeModel, loadWeights, siameseFromConfig,
} from '@tsnn/layers';
import { randomTensor } from './helpers.js';

function model(hidden: number, seed: number): Siamese {
  const m = new Siamese({
    base: new Sequential([new Dense(hidden, { activation: 'relu' }), new Dropout(0.1), new Dense(hidden, { activation: 'relu' })]),
    merge: new Subtract(),
    head: new Sequential([new Dropout(0.1), new Dense(4, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]),
  });
  m.build(5, new Rng(seed));
  return m;
}

describe('model files', () => {
  it('round trip: rebuilt from the file, the model gives bit-identical predictions', () => {
    const m = model(6, 1);
    const bytes = encodeModel(m, { note: 'test' });
    const decoded = decodeModel(bytes);
    const copy = siameseFromConfig(decoded.manifest.config, new Rng(99));
    loadWeights(copy, decoded);
    const xa = randomTensor([7, 5], new Rng(2)), xb = randomTensor([7, 5], new Rng(3));
    const ctx = { training: false, rng: new Rng(0) };
    expect([...copy.forward([xa, xb], ctx).y.data]).toEqual([...m.forward([xa, xb], ctx).y.data]);
    expect(decoded.manifest.meta).toEqual({ note: 'test' });
    expect(decoded.manifest.tensors.map((t) => t.name)).toEqual(m.parameters().map((p) => p.name));
  });

  it('names the first mismatch: wrong shape, missing or extra parameter', () => {
    const saved = decodeModel(encodeModel(model(6, 1)));
    expect(() => loadWeights(model(7, 1), saved)).toThrow('model: base.dense1.kernel: expected [5, 7], file has [5, 6]');
    const other = new Siamese({ base: new Sequential([new Dense(6, { activation: 'relu' })]), merge: new Subtract(), head: new Sequential([new Dense(4), new Dense(1)]) });
    other.build(5, new Rng(0));
    expect(() => loadWeights(other, saved)).toThrow('the file has base.dense2.kernel, which this model does not');
    const bigger = new Siamese({ base: new Sequential([new Dense(6), new Dense(6), new Dense(6)]), merge: new Subtract(), head: new Sequential([new Dense(4), new Dense(1)]) });
    bigger.build(5, new Rng(0));
    expect(() => loadWeights(bigger, saved)).toThrow('base.dense3.kernel is missing from the file');
  });

  it('loading checks everything before writing anything', () => {
    const target = model(6, 5);
    const before = target.parameters().map((p) => [...p.param.value]);
    const wrong = decodeModel(encodeModel(model(6, 1)));
    wrong.manifest.tensors.at(-1)!.shape = [4, 2];
    expect(() => loadWeights(target, wrong)).toThrow(ModelFormatError);
    expect(target.parameters().map((p) => [...p.param.value])).toEqual(before);
  });

  it('rejects truncated, corrupted, foreign and future files with a clear error', () => {
    const bytes = encodeModel(model(6, 1));
    expect(() => decodeModel(bytes.subarray(0, bytes.length - 3), 'm.tsnn')).toThrow(/m\.tsnn: file is \d+ bytes, manifest says \d+ .*truncated/);
    const flipped = bytes.slice();
    flipped[flipped.length - 5] ^= 0x10;
    expect(() => decodeModel(flipped, 'm.tsnn')).toThrow('m.tsnn: checksum mismatch');
    expect(() => decodeModel(new TextEncoder().encode('{"hello": 1}'), 'x.json')).toThrow('x.json: not a tsnn model file');
    expect(() => decodeModel(new Uint8Array(0), 'empty')).toThrow('empty: file is 0 bytes');
    const future = bytes.slice();
    new DataView(future.buffer).setUint32(8, 9, true); // the header's version word
    expect(() => decodeModel(future, 'new.tsnn')).toThrow('new.tsnn: header: format version 9, this tsnn reads versions 1 and 2');
  });

  it('fuzz: truncations, bit flips and header edits never crash with anything but ModelFormatError, nor return wrong-sized data', () => {
    const bytes = encodeModel(model(3, 1));
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('byte' as const), at: fc.nat({ max: 200 }), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 9 }) }),
    );
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
      let b = bytes.slice();
      for (const e of edits) {
        if (e.kind === 'truncate') b = b.slice(0, e.at % (b.length + 1));
        else if (e.kind === 'flip' && b.length) b[e.at % b.length] ^= 1 << e.bit;
        else if (e.kind === 'byte' && b.length) b[e.at % b.length] = e.value;
        else if (e.kind === 'append') b = new Uint8Array([...b, ...e.extra]);
      }
      try {
        const d = decodeModel(b);
        for (const t of d.manifest.tensors) expect(d.tensors.get(t.name)!.length).toBe(sizeOf(t.shape));
        const m = model(3, 2);
        try {
          loadWeights(m, d);
        } catch (e) {
          if (!(e instanceof ModelFormatError)) throw e;
        }
      } catch (e) {
        if (!(e instanceof ModelFormatError)) throw new Error(`not a ModelFormatError: ${(e as Error).stack}`);
      }
    }), { numRuns: 500 });
  });
});
