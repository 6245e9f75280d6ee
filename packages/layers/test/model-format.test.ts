/**
 * Model file format 2: the manifest is checksummed, tensor ranges and the config are validated, and
 * version-1 files (made by the old encoder: fixtures/v1-*.tsnn, written by fixtures/make-v1.ts at git
 * 8eefadb) still load. Any damage to the manifest gives a ModelFormatError naming the file and the field,
 * never another error and never different weights.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '@tsnn/tensor';
import {
  Dense, Dropout, ModelFormatError, Sequential, Siamese, Subtract, crc32, decodeCheckpoint, decodeModel, encodeCheckpoint, encodeModel,
  initialFitState, loadWeights, siameseFromConfig, type FitState,
} from '@tsnn/layers';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));

function smallModel(seed: number): Siamese {
  const model = new Siamese({
    base: new Sequential([new Dense(4, { activation: 'relu' }), new Dropout(0.1), new Dense(3, { activation: 'relu' })]),
    merge: new Subtract(),
    head: new Sequential([new Dense(1, { activation: 'sigmoid' })]),
  });
  model.build(5, new Rng(seed));
  return model;
}

/** What an application does with a model file: decode, build from the config, load the weights. */
function load(bytes: Uint8Array, what = 'm.tsnn'): Siamese {
  const decoded = decodeModel(bytes, what);
  const model = siameseFromConfig(decoded.manifest.config, new Rng(0));
  loadWeights(model, decoded, what);
  return model;
}

const weightsOf = (m: Siamese) => m.parameters().map(({ name, param }) => [name, [...param.value]]);

/** The manifest's JSON and where it sits, for format 2. */
function manifestOf(bytes: Uint8Array): { json: Record<string, unknown>; start: number; length: number } {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  return { json: JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length))), start: 16, length };
}

/** A format-2 file with this manifest (checksums recomputed, as a writer that meant it would) and the same data. */
function withManifest(bytes: Uint8Array, json: unknown): Uint8Array {
  const { start, length } = manifestOf(bytes);
  const data = bytes.subarray((start + length + 3) & ~3);
  const m = new TextEncoder().encode(JSON.stringify(json));
  const out = new Uint8Array(((16 + m.length + 3) & ~3) + data.length);
  out.set(bytes.subarray(0, 16));
  const h = new DataView(out.buffer);
  h.setUint32(4, m.length, true);
  h.setUint32(12, crc32(m), true);
  out.set(m, 16);
  out.set(data, (16 + m.length + 3) & ~3);
  return out;
}

describe('format 2', () => {
  it('writes version 2 with the manifest checksummed, and round-trips', () => {
    const model = smallModel(1);
    const bytes = encodeModel(model);
    expect(new DataView(bytes.buffer).getUint32(8, true)).toBe(2);
    expect(decodeModel(bytes).manifest.format).toBe(2);
    expect(weightsOf(load(bytes))).toEqual(weightsOf(model));
  });

  it('version-1 files from the old encoder still load: the same weights and config', () => {
    const v1 = fixture('v1-model.tsnn');
    expect(new TextDecoder().decode(v1.subarray(8, 20))).toBe('{"format":1,');
    const want = JSON.parse(new TextDecoder().decode(fixture('v1-weights.json'))) as Record<string, number[]>;
    const model = load(v1, 'v1-model.tsnn');
    expect(Object.fromEntries(weightsOf(model))).toEqual(want);
  });

  it('version-1 checkpoints of the current training state still load, and resume', () => {
    const ckpt = decodeCheckpoint(fixture('v1-checkpoint-fit.tsnn'), 'v1-checkpoint-fit.tsnn');
    expect(ckpt.fit).toMatchObject({ epoch: 1, step: 2, lossSum: 1.5, seen: 4, history: { loss: [0.25] }, order: Uint32Array.from([3, 0, 2, 1, 4]) });
    expect(ckpt.optimizer).toMatchObject({ iterations: 7, learningRate: 0.001 });
    expect(ckpt.meta).toEqual({ settings: { seed: 7 } });
  });

  it("a checkpoint in tsnn 0.1's training-state layout is refused by name; its weights still load as a model", () => {
    const old = fixture('v1-checkpoint.tsnn');
    expect(() => decodeCheckpoint(old, 'old.tsnn')).toThrow(ModelFormatError);
    expect(() => decodeCheckpoint(old, 'old.tsnn')).toThrow("old.tsnn: meta.checkpoint.fit: training state in the layout of tsnn 0.1, which this version cannot resume; the weights still load as a model");
    const want = JSON.parse(new TextDecoder().decode(fixture('v1-weights.json'))) as Record<string, number[]>;
    const tensors = decodeModel(old, 'old.tsnn').tensors;
    for (const [name, values] of Object.entries(want)) expect([...tensors.get(name)!]).toEqual(values);
  });

  it('a bit flip in the manifest (e.g. a tensor offset, issue 11) is a checksum error, not a model with moved weights', () => {
    const bytes = encodeModel(smallModel(1));
    const text = new TextDecoder().decode(bytes);
    const at = text.indexOf('"offset":80') + '"offset":'.length; // base.dense1.bias, after the 5×4 kernel
    const flipped = bytes.slice();
    flipped[at] ^= 0x01; // '8' → '9'
    expect(() => load(flipped)).toThrow(ModelFormatError);
    expect(() => load(flipped)).toThrow('m.tsnn: header: manifest checksum mismatch');
  });

  it('in a version-1 file (no manifest checksum) a moved offset is caught by the range checks', () => {
    const v1 = fixture('v1-model.tsnn');
    const text = new TextDecoder().decode(v1);
    const at = text.indexOf('"offset":80') + '"offset":'.length;
    const flipped = v1.slice();
    flipped[at] ^= 0x01;
    expect(() => load(flipped, 'v1.tsnn')).toThrow('v1.tsnn: manifest tensors[1].offset: base.dense1.bias: 90, expected 80 (tensors are stored back to back, in order)');
  });

  it("a flipped config key names the field, not TypeError: Cannot read properties of undefined (reading 'kind')", () => {
    const bytes = encodeModel(smallModel(1));
    const { json } = manifestOf(bytes);
    const config = json.config as Record<string, unknown>;
    const { merge, ...rest } = config;
    const edited = withManifest(bytes, { ...json, config: { ...rest, mergd: merge } });
    expect(() => load(edited)).toThrow(ModelFormatError);
    expect(() => load(edited)).toThrow('m.tsnn: manifest config.mergd: unknown key (siamese takes kind, base, merge, head)');
    const badKind = withManifest(bytes, JSON.parse(JSON.stringify(json).replace('"kind":"dropout"', '"kind":"dropoot"')));
    expect(() => load(badKind)).toThrow("m.tsnn: manifest config.base.layers[1].kind: unknown kind \"dropoot\" (known here: dense, dropout, relu, sigmoid, tanh, softmax, sequential)");
    const badUnits = withManifest(bytes, JSON.parse(JSON.stringify(json).replace('"units":4', '"units":-4')));
    expect(() => load(badUnits)).toThrow('m.tsnn: manifest config.base.layers[0].units: must be an integer ≥ 1, got -4');
  });
});

describe('fuzz: damage to the manifest gives the same model or a ModelFormatError naming the file, never anything else', () => {
  const original = smallModel(3);
  const bytes = encodeModel(original, { note: 'x' });
  const want = weightsOf(original);
  const { length } = manifestOf(bytes);

  /** Loads or throws a ModelFormatError naming the file; a success must have the original weights. */
  function check(b: Uint8Array): 'same' | 'error' {
    try {
      const m = load(b, 'fuzz.tsnn');
      expect(weightsOf(m)).toEqual(want);
      return 'same';
    } catch (e) {
      if (!(e instanceof ModelFormatError)) throw new Error(`not a ModelFormatError: ${String(e)}`);
      expect((e as Error).message.startsWith('fuzz.tsnn: ')).toBe(true);
      return 'error';
    }
  }

  it('bit flips in the header and manifest region (format 2: the checksums catch every one)', () => {
    fc.assert(fc.property(fc.integer({ min: 4, max: 16 + length - 1 }), fc.integer({ min: 0, max: 7 }), (at, bit) => {
      const b = bytes.slice();
      b[at] ^= 1 << bit;
      expect(check(b)).toBe('error');
    }), { numRuns: 300 });
  });

  it('bit flips in a version-1 manifest (no checksum): the checks behind it still hold', () => {
    const v1 = fixture('v1-model.tsnn');
    const v1Length = new DataView(v1.buffer, v1.byteOffset).getUint32(4, true);
    const v1Want = Object.values(JSON.parse(new TextDecoder().decode(fixture('v1-weights.json'))) as Record<string, number[]>);
    fc.assert(fc.property(fc.integer({ min: 8, max: 8 + v1Length - 1 }), fc.integer({ min: 0, max: 7 }), (at, bit) => {
      const b = v1.slice();
      b[at] ^= 1 << bit;
      try {
        const m = load(b, 'fuzz.tsnn');
        expect(m.parameters().map(({ param }) => [...param.value])).toEqual(v1Want); // a flip in meta, or a key's case…
      } catch (e) {
        if (!(e instanceof ModelFormatError)) throw new Error(`not a ModelFormatError: ${String(e)}`);
        expect((e as Error).message.startsWith('fuzz.tsnn: ')).toBe(true);
      }
    }), { numRuns: 300 });
  });

  it('JSON field edits, re-checksummed (a writer that meant it): the checks name the field', () => {
    const { json } = manifestOf(bytes);
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]) => {
      if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) walk(x, [...path, Array.isArray(v) ? Number(k) : k]);
      }
      paths.push(path);
    };
    walk(json, []);
    const values = fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.double(), fc.string({ maxLength: 8 }), fc.constant(null), fc.boolean(),
      fc.constantFrom('dense', 'relu', 'sigmoid', 'linear', 'siamese', 'base.dense1.kernel', 'float32'), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }), fc.constant({}));
    fc.assert(fc.property(fc.constantFrom(...paths.filter((p) => p.length > 0)), values, fc.boolean(), (path, value, rename) => {
      const edited = JSON.parse(JSON.stringify(json));
      let parent = edited;
      for (const k of path.slice(0, -1)) parent = parent[k];
      const key = path.at(-1)!;
      if (rename && !Array.isArray(parent)) {
        parent[`${String(key)}x`] = parent[key];
        delete parent[key];
      } else {
        parent[key] = value;
      }
      check(withManifest(bytes, edited));
    }), { numRuns: 500 });
  });
});

describe('checkpoint training state is validated', () => {
  const model = smallModel(1);
  const slots = Object.fromEntries(model.parameters().map(({ name, param }) => [name, { v: new Float32Array(param.size) }]));
  const state = (over: Partial<FitState>): FitState => ({ ...initialFitState(), order: Uint32Array.from([2, 0, 1, 3]), step: 1, seen: 2, metrics: { binary_accuracy: [1, 0, 1, 0] }, lossSum: 0.5, ...over });
  const encode = (fit: FitState, rng = new Rng(0).getState()) => encodeCheckpoint(model, { kind: 'rmsprop', iterations: 3, slots }, rng, fit);

  it('accepts a well-formed state', () => {
    expect(decodeCheckpoint(encode(state({})), 'c.tsnn').fit.step).toBe(1);
  });

  it.each([
    ['fit.epoch −3', state({ epoch: -3 }), 'c.tsnn: meta.checkpoint.fit.epoch: must be an integer ≥ 0, got -3'],
    ['fit.epoch without its history', state({ epoch: 2, epochSeconds: [1, 1] }), 'c.tsnn: meta.checkpoint.fit.history.loss: 0 values, but fit.epoch says 2 epochs are done'],
    ['a history longer than the epochs', state({ epoch: 1, epochSeconds: [1], history: { loss: [0.3, 0.2] } }), 'c.tsnn: meta.checkpoint.fit.history.loss: must be at most 1 numbers'],
    ['epoch times missing', state({ epoch: 1, history: { loss: [0.3] } }), 'c.tsnn: meta.checkpoint.fit.epochSeconds: must be 1 finite numbers'],
    ['fit.step 999', state({ step: 999 }), 'c.tsnn: meta.checkpoint.fit.step: must be the steps done in the epoch, an integer from 0 to at most the 4 samples, got 999'],
    ['an order that is not a permutation', state({ order: Uint32Array.from([0, 1, 1, 3]) }), 'c.tsnn: meta.checkpoint.fit:order: not a permutation of 0..3 (1 at position 2)'],
    ['more samples seen than exist', state({ seen: 9 }), 'c.tsnn: meta.checkpoint.fit.seen: must be the samples of the 1 steps done (at most 4'],
    ['samples seen at an epoch start', state({ step: 0, seen: 2 }), 'c.tsnn: meta.checkpoint.fit.seen:'],
    ['a NaN metric count', state({ metrics: { binary_accuracy: [1, NaN, 0, 0] } }), 'c.tsnn: meta.checkpoint.fit.metrics.binary_accuracy: must be a list of finite numbers, got [1,null,0,0]'],
    ['a NaN loss sum', state({ lossSum: NaN }), 'c.tsnn: meta.checkpoint.fit.lossSum: must be a finite number, got null'],
  ])('%s', (_, fit, message) => {
    expect(() => decodeCheckpoint(encode(fit), 'c.tsnn')).toThrow(ModelFormatError);
    expect(() => decodeCheckpoint(encode(fit), 'c.tsnn')).toThrow(message);
  });

  it('a malformed generator state', () => {
    const rng = { s: [1, 2, 3, 2 ** 33] as [number, number, number, number], spare: NaN };
    expect(() => decodeCheckpoint(encode(state({}), rng), 'c.tsnn')).toThrow('c.tsnn: meta.checkpoint.rng: bad state word 8589934592');
  });
});
