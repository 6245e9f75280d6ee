/**
 * saveModel / loadModel and safetensors: round trips for both model kinds, a file built byte by byte from
 * the specification (https://github.com/huggingface/safetensors, README "Format": 8 bytes N, an unsigned
 * little-endian 64-bit header length; N bytes of UTF-8 JSON beginning with "{", possibly space-padded;
 * data_offsets [BEGIN, END) relative to the byte after the header; the byte buffer entirely indexed, no
 * holes; little-endian, row-major), every malformed-header case, and a fuzz of the header.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng, Tensor } from '@tsnn/tensor';
import {
  Dense, Dropout, ModelFormatError, Sequential, Siamese, Softmax, Subtract, Tanh, encodeBundle, fromSafetensors, loadModel, modelFromSafetensors,
  crc32, readSafetensors, saveModel, toSafetensors, type ConfiguredModel,
} from '@tsnn/layers';
import { randomTensor } from './helpers.js';

function mlp(seed = 1): Sequential {
  const m = new Sequential([new Dense(6, { activation: 'relu' }), new Dropout(0.2), new Dense(5, { activation: 'tanh' }), new Dense(3, { activation: 'softmax' })]);
  m.build(4, new Rng(seed));
  return m;
}

function siamese(seed = 1): Siamese {
  const m = new Siamese({
    base: new Sequential([new Dense(6, { activation: 'relu' }), new Dense(4, { activation: 'sigmoid' })]),
    merge: new Subtract(),
    head: new Sequential([new Dropout(0.1), new Dense(3), new Tanh(), new Dense(2), new Softmax()]),
  });
  m.build(5, new Rng(seed));
  return m;
}

const ctx = { training: false, rng: new Rng(0) };
function outputs(m: ConfiguredModel, seed = 2): number[] {
  if (m instanceof Siamese) return [...m.forward([randomTensor([3, 5], new Rng(seed)), randomTensor([3, 5], new Rng(seed + 1))], ctx).y.data];
  return [...m.forward(randomTensor([3, 4], new Rng(seed)), ctx).y.data];
}
const weights = (m: ConfiguredModel) => m.parameters().map(({ name, param }) => [name, [...param.value]]);

describe('saveModel / loadModel', () => {
  for (const [kind, make] of [['Sequential', mlp], ['Siamese', siamese]] as const) {
    it(`${kind}: round trip gives the same architecture, the same weights and bit-identical outputs`, () => {
      const m = make();
      const copy = loadModel(saveModel(m));
      expect(copy).toBeInstanceOf(kind === 'Sequential' ? Sequential : Siamese);
      expect(copy.config()).toEqual(m.config());
      expect(weights(copy)).toEqual(weights(m));
      expect(outputs(copy)).toEqual(outputs(m));
      expect(saveModel(copy)).toEqual(saveModel(m)); // and saves to the same bytes
    });
  }

  it('a corrupted file is a ModelFormatError naming the file', () => {
    const bytes = saveModel(mlp());
    bytes[bytes.length - 1] ^= 1;
    expect(() => loadModel(bytes, 'mlp.tsnn')).toThrow(ModelFormatError);
    expect(() => loadModel(bytes, 'mlp.tsnn')).toThrow(/^mlp\.tsnn: checksum mismatch/);
  });

  it('a file whose config cannot be rebuilt is a ModelFormatError', () => {
    // 100 stored floats, so that sizes up to 100 pass the schema's bound and the rest of the config is checked.
    const bad = (config: object) => encodeBundle(config as never, [{ name: 'x', shape: [100], value: new Float32Array(100) }]);
    expect(() => loadModel(bad({ kind: 'sequential', inFeatures: 4, layers: [{ kind: 'dense', units: 0, activation: 'relu' }] }))).toThrow(ModelFormatError);
    expect(() => loadModel(bad({ kind: 'sequential', inFeatures: 4, layers: [{ kind: 'dense', units: 0, activation: 'relu' }] }))).toThrow('model: manifest config.layers[0].units: must be an integer ≥ 1, got 0');
    expect(() => loadModel(bad({ kind: 'sequential', inFeatures: 4, layers: [null] }))).toThrow(ModelFormatError);
    expect(() => loadModel(bad({ kind: 'sequential', layers: [] }))).toThrow('model: manifest config.inFeatures: missing');
    expect(() => loadModel(bad({ kind: 'lstm' }))).toThrow('model: manifest config.kind: unknown kind "lstm" (known here: siamese, sequential)');
  });
});

/** A safetensors file assembled by hand: N as a u64 LE, the header text as given, then the data bytes. */
function assemble(header: string, data: Uint8Array, n = new TextEncoder().encode(header).length): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, n % 2 ** 32, true);
  v.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** Float32 values as little-endian bytes, written one byte at a time from their IEEE-754 bits. */
function f32le(values: number[]): Uint8Array {
  const out = new Uint8Array(4 * values.length);
  const bits = new Uint32Array(new Float32Array(values).buffer);
  bits.forEach((b, i) => {
    for (let k = 0; k < 4; k++) out[4 * i + k] = (b >>> (8 * k)) & 0xff;
  });
  return out;
}

describe('safetensors', () => {
  for (const [kind, make] of [['Sequential', mlp], ['Siamese', siamese]] as const) {
    it(`${kind}: toSafetensors → modelFromSafetensors and → fromSafetensors round trip exactly`, () => {
      const m = make();
      const bytes = toSafetensors(m);
      const rebuilt = modelFromSafetensors(bytes);
      expect(rebuilt.config()).toEqual(m.config());
      expect(weights(rebuilt)).toEqual(weights(m));
      expect(outputs(rebuilt)).toEqual(outputs(m));
      const other = make(7); // same architecture, other weights
      fromSafetensors(bytes, other);
      expect(weights(other)).toEqual(weights(m));
    });
  }

  it('writes the layout of the specification: u64 LE length, "{", space padding to 8, F32 entries by path name, metadata', () => {
    const m = mlp();
    const bytes = toSafetensors(m, { note: 'hi' });
    const v = new DataView(bytes.buffer);
    const n = v.getUint32(0, true);
    expect(v.getUint32(4, true)).toBe(0);
    expect((8 + n) % 8).toBe(0);
    expect(bytes[8]).toBe(0x7b);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    const header = JSON.parse(text);
    const config = JSON.stringify(m.config());
    expect(header.__metadata__).toEqual({ format: 'pt', note: 'hi', tsnn_config: config, tsnn_config_crc32: String(crc32(new TextEncoder().encode(config))) });
    let at = 0;
    for (const { name, param } of m.parameters()) {
      expect(header[name]).toEqual({ dtype: 'F32', shape: [...param.shape], data_offsets: [at, at + 4 * param.size] });
      const raw = bytes.subarray(8 + n + at, 8 + n + at + 4 * param.size);
      expect([...raw]).toEqual([...f32le([...param.value])]);
      at += 4 * param.size;
    }
    expect(8 + n + at).toBe(bytes.length);
    expect(Object.keys(header).sort()).toEqual(['__metadata__', ...m.parameters().map((p) => p.name)].sort());
  });

  it('reads a file built byte by byte from the specification (padding, offsets out of order, a scalar, an empty tensor)', () => {
    const kernel = [1.5, -2, 0.25, 3, 1e-3, -7]; // [2, 3]
    const bias = [0.5, -0.5, 4];
    const header = '{"dense1.bias":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},' +
      '"dense1.kernel":{"dtype":"F32","shape":[2,3],"data_offsets":[12,36]},' +
      '"s":{"dtype":"F32","shape":[],"data_offsets":[36,40]},"e":{"dtype":"F32","shape":[0,4],"data_offsets":[40,40]},' +
      '"__metadata__":{"format":"pt"}}   ';
    const file = assemble(header, new Uint8Array([...f32le(bias), ...f32le(kernel), ...f32le([9])]));
    const parsed = readSafetensors(file);
    expect(parsed.metadata).toEqual({ format: 'pt' });
    expect(parsed.tensors.get('dense1.kernel')).toEqual({ shape: [2, 3], value: new Float32Array(kernel) });
    expect(parsed.tensors.get('dense1.bias')).toEqual({ shape: [3], value: new Float32Array(bias) });
    expect(parsed.tensors.get('s')).toEqual({ shape: [], value: new Float32Array([9]) });
    expect(parsed.tensors.get('e')).toEqual({ shape: [0, 4], value: new Float32Array(0) });

    // The same weights into a Dense(3) on 2 inputs: kernel W: [2, 3], bias b: [3].
    const m = new Sequential([new Dense(3)]);
    m.build(2, new Rng(0));
    const file2 = assemble(header.replace(/,"s":.*"data_offsets":\[40,40\]\}/, ''), new Uint8Array([...f32le(bias), ...f32le(kernel)]));
    fromSafetensors(file2, m);
    expect([...m.forward(new Tensor([1, 2], new Float32Array([1, 1])), ctx).y.data]).toEqual([1.5 + 3 + 0.5, -2 + 1e-3 - 0.5, 0.25 - 7 + 4].map(Math.fround));
  });

  describe('malformed files: a ModelFormatError naming the problem, never a load', () => {
    const t = (dtype: string, shape: number[], offsets: unknown) => `{"dtype":"${dtype}","shape":${JSON.stringify(shape)},"data_offsets":${JSON.stringify(offsets)}}`;
    const data8 = f32le([1, 2]);
    const good = `{"a":${t('F32', [1], [0, 4])},"b":${t('F32', [1], [4, 8])}}`;
    const cases: [string, Uint8Array, string | RegExp][] = [
      ['shorter than 8 bytes', new Uint8Array(5), 'file is 5 bytes, too short to hold the 8-byte header length'],
      ['N past the end of the file', assemble(good, data8, 1000), 'header of 1000 bytes runs past the end of the'],
      ['N = 0', assemble('', new Uint8Array(0), 0), 'header length 0 is too short for a JSON object'],
      ['N = 1', assemble('{', new Uint8Array(0), 1), 'header length 1 is too short'],
      ['N over 100 MB (claimed)', assemble(good, data8, 100_000_001), 'header length 100000001 is over the 100 MB limit'],
      ['N with the high word set', assemble(good, data8, 2 ** 40), 'header length 1099511627776 is over the 100 MB limit'],
      ['not starting with {', assemble(` ${good}`, data8), 'header does not begin with "{"'],
      ['invalid JSON', assemble('{"a":', data8), 'header is not valid JSON'],
      ['invalid UTF-8', (() => { const f = assemble(`{"a\u00e9":${t('F32', [2], [0, 8])}}`, data8); f[11] = 0xff; return f; })(), 'header is not valid UTF-8'],
      ['an array, not an object', assemble('{}', data8).fill(0x5b, 8, 9).fill(0x5d, 9, 10), 'header does not begin with "{"'],
      ['a tensor entry that is not an object', assemble('{"a":3}', new Uint8Array(0)), 'a: entry is not an object'],
      ['dtype F16', assemble(`{"a":${t('F16', [2], [0, 4])}}`, f32le([1])), 'a: dtype "F16", tsnn reads F32 only'],
      ['dtype I64', assemble(`{"a":${t('I64', [1], [0, 8])}}`, data8), 'a: dtype "I64", tsnn reads F32 only'],
      ['dtype F64', assemble(`{"a":${t('F64', [1], [0, 8])}}`, data8), 'a: dtype "F64"'],
      ['no dtype', assemble(`{"a":{"shape":[2],"data_offsets":[0,8]}}`, data8), 'a: dtype undefined'],
      ['negative dimension', assemble(`{"a":${t('F32', [-2], [0, 8])}}`, data8), 'a: shape [-2] is not a list of non-negative integers'],
      ['fractional dimension', assemble(`{"a":${t('F32', [1.5], [0, 8])}}`, data8), 'a: shape [1.5]'],
      ['offsets of three numbers', assemble(`{"a":${t('F32', [2], [0, 4, 8])}}`, data8), 'a: data_offsets [0,4,8] is not [begin, end]'],
      ['offsets as strings', assemble(`{"a":${t('F32', [2], ['0', '8'])}}`, data8), 'a: data_offsets ["0","8"] is not [begin, end]'],
      ['end before begin', assemble(`{"a":${t('F32', [0], [8, 4])}}`, data8), 'a: data_offsets [8, 4] end before they begin'],
      ['offsets out of range', assemble(`{"a":${t('F32', [3], [0, 12])}}`, data8), 'a: data_offsets [0, 12] run past the end of the 8-byte data'],
      ['offsets not matching shape × 4', assemble(`{"a":${t('F32', [3], [0, 8])}}`, data8), 'a: data_offsets [0, 8] hold 8 bytes, shape [3] of F32 needs 12'],
      ['overlapping offsets', assemble(`{"a":${t('F32', [2], [0, 8])},"b":${t('F32', [1], [4, 8])}}`, data8), "b: data_offsets [4, 8] overlap a's (which ends at 8)"],
      ['a hole between tensors', assemble(`{"a":${t('F32', [1], [0, 4])},"b":${t('F32', [0], [8, 8])}}`, data8), 'bytes [4, 8) of the data belong to no tensor (a hole before b)'],
      ['a hole at the start', assemble(`{"b":${t('F32', [1], [4, 8])}}`, data8), 'bytes [0, 4) of the data belong to no tensor (a hole before b)'],
      ['trailing bytes', assemble(`{"a":${t('F32', [1], [0, 4])}}`, data8), 'bytes [4, 8) of the data belong to no tensor (a hole at the end)'],
      ['metadata not strings', assemble(`{"__metadata__":{"x":1},"a":${t('F32', [2], [0, 8])}}`, data8), '__metadata__.x is not a string'],
      ['metadata an array', assemble(`{"__metadata__":[],"a":${t('F32', [2], [0, 8])}}`, data8), '__metadata__ is not an object of strings'],
    ];
    for (const [name, bytes, message] of cases) {
      it(name, () => {
        expect(() => readSafetensors(bytes, 'w.safetensors')).toThrow(ModelFormatError);
        expect(() => readSafetensors(bytes, 'w.safetensors')).toThrow(message);
      });
    }

    it('a real header over 100 MB (spaces after the JSON) is refused before it is parsed', () => {
      const n = 100_000_001;
      const file = new Uint8Array(8 + n).fill(0x20, 8);
      new DataView(file.buffer).setUint32(0, n, true);
      file.set(new TextEncoder().encode('{}'), 8);
      expect(() => readSafetensors(file)).toThrow('header length 100000001 is over the 100 MB limit');
    });

    it('missing, extra or differently shaped tensors against the model', () => {
      const m = mlp();
      const names = m.parameters().map((p) => p.name);
      const header = JSON.parse(new TextDecoder().decode(toSafetensors(m).subarray(8, 8 + new DataView(toSafetensors(m).buffer).getUint32(0, true))));
      const rebuild = (h: Record<string, unknown>) => {
        let at = 0;
        const parts: number[] = [];
        for (const [k, e] of Object.entries(h)) {
          if (k === '__metadata__') continue;
          const size = (e as { shape: number[] }).shape.reduce((p, d) => p * d, 1);
          (e as { data_offsets: number[] }).data_offsets = [at, at + 4 * size];
          at += 4 * size;
          parts.push(...new Array(size).fill(0.5));
        }
        return assemble(JSON.stringify(h), f32le(parts));
      };
      const missing = { ...header };
      delete missing[names[1]];
      expect(() => fromSafetensors(rebuild(missing), mlp(3))).toThrow(`safetensors: ${names[1]} is missing from the file`);
      expect(() => fromSafetensors(rebuild({ ...header, extra: { dtype: 'F32', shape: [1] } }), mlp(3))).toThrow('the file has extra, which the model does not');
      const reshaped = { ...header, [names[0]]: { ...header[names[0]], shape: [6, 4] } };
      expect(() => fromSafetensors(rebuild(reshaped), mlp(3))).toThrow(`${names[0]}: the model has [4, 6], the file [6, 4]`);
      // Nothing was written: the target keeps its own weights after each refusal.
      const target = mlp(3), before = weights(target);
      expect(() => fromSafetensors(rebuild(missing), target)).toThrow(ModelFormatError);
      expect(weights(target)).toEqual(before);
      // A config that does not match its CRC-32 is refused (here: Dropout's rate edited, the weights still fit).
      const edited = { ...header, __metadata__: { ...header.__metadata__, tsnn_config: header.__metadata__.tsnn_config.replace('"rate":0.2', '"rate":0.3') } };
      expect(edited.__metadata__.tsnn_config).not.toBe(header.__metadata__.tsnn_config);
      expect(() => modelFromSafetensors(rebuild(edited))).toThrow(/tsnn_config_crc32 is "\d+", the config's CRC-32 is \d+/);
      expect(modelFromSafetensors(rebuild(header)).config()).toEqual(m.config());
      // Without a config, modelFromSafetensors says what to do instead.
      delete header.__metadata__;
      expect(() => modelFromSafetensors(rebuild(header))).toThrow('no tsnn_config in __metadata__');
    });
  });

  it('fuzz: bit flips and truncations of the length and header give a ModelFormatError or an identical load', () => {
    const m = siamese();
    const bytes = toSafetensors(m);
    const headerEnd = 8 + new DataView(bytes.buffer).getUint32(0, true);
    const reference = weights(m), config = m.config();
    fc.assert(fc.property(
      fc.oneof(
        fc.array(fc.tuple(fc.integer({ min: 0, max: headerEnd - 1 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 3 }).map((flips) => ({ flips, cut: bytes.length })),
        fc.integer({ min: 0, max: bytes.length - 1 }).map((cut) => ({ flips: [] as [number, number][], cut })),
      ),
      ({ flips, cut }) => {
        const f = bytes.slice(0, cut);
        for (const [i, bit] of flips) f[i] ^= 1 << bit;
        let loaded: ConfiguredModel;
        try {
          loaded = modelFromSafetensors(f);
        } catch (e) {
          expect(e).toBeInstanceOf(ModelFormatError);
          return;
        }
        expect(loaded.config()).toEqual(config);
        expect(weights(loaded)).toEqual(reference);
      },
    ), { numRuns: 400 });
  });
});
