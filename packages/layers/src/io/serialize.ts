/**
 * The tsnn model file, format version 1: one file holding a JSON manifest and the raw weights.
 *
 *   bytes 0..3   "TSNN" (magic)
 *   bytes 4..7   manifest length L, uint32 little-endian
 *   bytes 8..8+L manifest, UTF-8 JSON:
 *                { format: 1, config, tensors: [{ name, shape, dtype: "float32", offset, length }],
 *                  dataBytes, crc32, meta }
 *   then         zero padding to a multiple of 4, and the data: each tensor's float32 values,
 *                little-endian, at its byte offset from the start of the data
 *
 * crc32 (IEEE) covers the data. Encoding and decoding are pure (bytes in, bytes out); file I/O and the
 * atomic write live in the examples (Node only).
 */
import { TsnnError, fmtShape, sameShape, sizeOf, type NamedParam } from '@tsnn/tensor';
import type { LayerConfig } from '../layers/layer.js';
import { utf8Decode, utf8Encode } from '../platform.js';

export const MODEL_FORMAT_VERSION = 1;
const MAGIC = [0x54, 0x53, 0x4e, 0x4e]; // "TSNN"

export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  offset: number;
  length: number;
}

export interface ModelManifest {
  format: number;
  config: LayerConfig;
  tensors: TensorEntry[];
  dataBytes: number;
  crc32: number;
  meta?: Record<string, unknown>;
}

/** Anything with an architecture and named parameters: a Siamese model or a Sequential. */
export interface Saveable {
  config(): LayerConfig;
  parameters(): NamedParam[];
}

export class ModelFormatError extends TsnnError {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFormatError';
  }
}

let crcTable: Uint32Array | null = null;
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A named array to store: its values and shape. */
export interface NamedArray {
  name: string;
  shape: readonly number[];
  value: Float32Array;
}

/** Encode a configuration, named float32 arrays and free-form metadata into one file. */
export function encodeBundle(config: LayerConfig, arrays: NamedArray[], meta?: Record<string, unknown>): Uint8Array {
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const { name, shape, value } of arrays) {
    tensors.push({ name, shape: [...shape], dtype: 'float32', offset, length: value.length });
    offset += value.length * 4;
  }
  const data = new Uint8Array(offset);
  const view = new DataView(data.buffer);
  arrays.forEach(({ value }, i) => {
    const base = tensors[i].offset;
    for (let j = 0; j < value.length; j++) view.setFloat32(base + 4 * j, value[j], true);
  });
  const manifest: ModelManifest = { format: MODEL_FORMAT_VERSION, config, tensors, dataBytes: data.length, crc32: crc32(data), meta };
  const json = utf8Encode(JSON.stringify(manifest));
  const dataStart = align4(8 + json.length);
  const out = new Uint8Array(dataStart + data.length);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  out.set(data, dataStart);
  return out;
}

/** Every parameter of the model as a named array (what model files and checkpoints store). */
export function parameterArrays(model: Saveable): NamedArray[] {
  return model.parameters().map(({ name, param }) => ({ name, shape: param.shape, value: param.value }));
}

/** A model file: the architecture and every parameter by its path name. */
export function encodeModel(model: Saveable, meta?: Record<string, unknown>): Uint8Array {
  return encodeBundle(model.config(), parameterArrays(model), meta);
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

export interface DecodedModel {
  manifest: ModelManifest;
  /** Values by parameter name. */
  tensors: Map<string, Float32Array>;
}

/** Parse and verify a model file's bytes. `what` names the file in errors. */
export function decodeModel(bytes: Uint8Array, what = 'model'): DecodedModel {
  const fail = (msg: string): never => {
    throw new ModelFormatError(`${what}: ${msg}`);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short to be a tsnn model`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) fail('not a tsnn model file (bad magic bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(4, true);
  if (8 + jsonLength > bytes.length) fail(`manifest of ${jsonLength} bytes runs past the end of the ${bytes.length}-byte file (truncated?)`);
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(utf8Decode(bytes.subarray(8, 8 + jsonLength)));
  } catch (e) {
    return fail(`manifest is not valid JSON (${(e as Error).message})`);
  }
  if (typeof manifest !== 'object' || manifest === null) fail('manifest is not an object');
  if (manifest.format !== MODEL_FORMAT_VERSION) fail(`format version ${String(manifest.format)}, this tsnn reads version ${MODEL_FORMAT_VERSION}`);
  if (!Array.isArray(manifest.tensors) || !Number.isInteger(manifest.dataBytes) || !Number.isInteger(manifest.crc32)) fail('manifest lacks tensors, dataBytes or crc32');
  const dataStart = align4(8 + jsonLength);
  if (bytes.length !== dataStart + manifest.dataBytes) {
    fail(`file is ${bytes.length} bytes, manifest says ${dataStart + manifest.dataBytes} (${dataStart} header + ${manifest.dataBytes} data)${bytes.length < dataStart + manifest.dataBytes ? ': truncated' : ''}`);
  }
  const data = bytes.subarray(dataStart);
  const crc = crc32(data);
  if (crc !== manifest.crc32) fail(`checksum mismatch: data crc32 is ${crc}, manifest says ${manifest.crc32} (the file is corrupted)`);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tensors = new Map<string, Float32Array>();
  for (const t of manifest.tensors) {
    const ok = t && typeof t.name === 'string' && Array.isArray(t.shape) && t.dtype === 'float32' && Number.isInteger(t.offset) && Number.isInteger(t.length);
    if (!ok) fail(`bad tensor entry ${JSON.stringify(t)}`);
    let n = 0;
    try {
      n = sizeOf(t.shape);
    } catch {
      fail(`${t.name}: bad shape ${JSON.stringify(t.shape)}`);
    }
    if (n !== t.length || t.offset < 0 || t.offset % 4 !== 0 || t.offset + 4 * n > data.length) fail(`${t.name}: shape ${fmtShape(t.shape)} and offset ${t.offset} do not fit the data`);
    if (tensors.has(t.name)) fail(`${t.name} appears twice`);
    const v = new Float32Array(n);
    for (let j = 0; j < n; j++) v[j] = dv.getFloat32(t.offset + 4 * j, true);
    tensors.set(t.name, v);
  }
  return { manifest, tensors };
}

/**
 * Copy a decoded file's weights into a built model after checking that every parameter is present with
 * the same shape and nothing extra is in the file. Checks everything before writing anything.
 */
export function loadWeights(model: Saveable, decoded: DecodedModel, what = 'model'): void {
  const byName = new Map(decoded.manifest.tensors.map((t) => [t.name, t]));
  const params = model.parameters();
  for (const { name, param } of params) {
    const t = byName.get(name);
    if (!t) throw new ModelFormatError(`${what}: ${name} is missing from the file (was it saved from a different architecture?)`);
    if (!sameShape(t.shape, param.shape)) {
      throw new ModelFormatError(`${what}: ${name}: expected ${fmtShape(param.shape)}, file has ${fmtShape(t.shape)}`);
    }
  }
  const known = new Set(params.map((p) => p.name));
  const extra = decoded.manifest.tensors.find((t) => !known.has(t.name));
  if (extra) throw new ModelFormatError(`${what}: the file has ${extra.name}, which this model does not (a different architecture?)`);
  for (const { name, param } of params) param.value.set(decoded.tensors.get(name)!);
}
