/**
 * The tsnn model file, format version 2: one file holding a JSON manifest and the raw weights.
 *
 *   bytes 0..3     "TSNN" (magic)
 *   bytes 4..7     manifest length L, uint32 little-endian
 *   bytes 8..11    format version, uint32 little-endian (2)
 *   bytes 12..15   crc32 (IEEE) of the manifest's L bytes
 *   bytes 16..16+L manifest, UTF-8 JSON:
 *                  { format: 2, config, tensors: [{ name, shape, dtype: "float32", offset, length }],
 *                    dataBytes, crc32, meta }
 *   then           zero padding to a multiple of 4, and the data: each tensor's float32 values,
 *                  little-endian, stored back to back in the manifest's order (offset = the sum of the
 *                  lengths before it, in bytes from the start of the data)
 *
 * The header's crc32 covers the manifest, the manifest's crc32 covers the data: no byte goes unchecked.
 * Version 1 (no version word or manifest checksum; the manifest at byte 8, which is always "{") still
 * loads, with every manifest check below but the checksum. Decoding checks the manifest's fields, each
 * tensor's range (in the data, back to back, exactly shape-sized) and the config against its schema
 * (config-schema.ts); every failure is a ModelFormatError naming the file and the field. Encoding and
 * decoding are pure (bytes in, bytes out); file I/O and the atomic write live in the examples (Node only).
 */
import { TsnnError, fmtShape, sameShape, sizeOf, type NamedParam } from '@tsnn/tensor';
import type { LayerConfig } from '../layers/layer.js';
import { configProblem } from './config-schema.js';
import { utf8Decode, utf8Encode } from '../platform.js';

export const MODEL_FORMAT_VERSION = 2;
const HEADER_V2 = 16;
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
  const dataStart = align4(HEADER_V2 + json.length);
  const out = new Uint8Array(dataStart + data.length);
  out.set(MAGIC, 0);
  const header = new DataView(out.buffer);
  header.setUint32(4, json.length, true);
  header.setUint32(8, MODEL_FORMAT_VERSION, true);
  header.setUint32(12, crc32(json), true);
  out.set(json, HEADER_V2);
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

/** Parse and verify a model file's bytes (format 2, or 1). `what` names the file in errors. */
export function decodeModel(bytes: Uint8Array, what = 'model'): DecodedModel {
  const fail = (msg: string): never => {
    throw new ModelFormatError(`${what}: ${msg}`);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short to be a tsnn model`);
  if (!MAGIC.every((b, i) => bytes[i] === b)) fail('not a tsnn model file (bad magic bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(4, true);
  // Version 1 has the manifest's "{" at byte 8; version 2 its version word there (a small number).
  const version = bytes[8] === 0x7b ? 1 : bytes.length >= HEADER_V2 ? view.getUint32(8, true) : -1;
  if (version !== 1 && version !== MODEL_FORMAT_VERSION) fail(`header: format version ${version}, this tsnn reads versions 1 and ${MODEL_FORMAT_VERSION}`);
  const jsonStart = version === 1 ? 8 : HEADER_V2;
  if (jsonStart + jsonLength > bytes.length) fail(`header: manifest of ${jsonLength} bytes runs past the end of the ${bytes.length}-byte file (truncated?)`);
  const json = bytes.subarray(jsonStart, jsonStart + jsonLength);
  if (version !== 1) {
    const crc = crc32(json), want = view.getUint32(12, true);
    if (crc !== want) fail(`header: manifest checksum mismatch: its crc32 is ${crc}, the header says ${want} (the file is corrupted)`);
  }
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(utf8Decode(json));
  } catch (e) {
    return fail(`manifest is not valid JSON (${(e as Error).message})`);
  }
  const why = manifestProblem(manifest, version);
  if (why) fail(`manifest ${why}`);
  const dataStart = align4(jsonStart + jsonLength);
  if (bytes.length !== dataStart + manifest.dataBytes) {
    fail(`file is ${bytes.length} bytes, manifest says ${dataStart + manifest.dataBytes} (${dataStart} header + ${manifest.dataBytes} data)${bytes.length < dataStart + manifest.dataBytes ? ': truncated' : ''}`);
  }
  const data = bytes.subarray(dataStart);
  const crc = crc32(data);
  if (crc !== manifest.crc32) fail(`checksum mismatch: data crc32 is ${crc}, manifest says ${manifest.crc32} (the file is corrupted)`);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tensors = new Map<string, Float32Array>();
  for (const t of manifest.tensors) {
    const v = new Float32Array(t.length);
    for (let j = 0; j < t.length; j++) v[j] = dv.getFloat32(t.offset + 4 * j, true);
    tensors.set(t.name, v);
  }
  return { manifest, tensors };
}

const MANIFEST_KEYS = ['format', 'config', 'tensors', 'dataBytes', 'crc32', 'meta'];
const TENSOR_KEYS = ['name', 'shape', 'dtype', 'offset', 'length'];

/**
 * The first problem with a parsed manifest, as `field: why`, or null: known keys only, the format, the
 * config against its schema, and every tensor entry — a unique name, a shape, float32, its length the
 * shape's size, its offset right after the previous tensor's end — with the tensors filling dataBytes.
 */
function manifestProblem(m: ModelManifest, version: number): string | null {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return 'is not an object';
  const unknown = Object.keys(m).find((k) => !MANIFEST_KEYS.includes(k));
  if (unknown !== undefined) return `${unknown}: unknown key (a manifest has ${MANIFEST_KEYS.join(', ')})`;
  if (m.format !== version) return `format: ${JSON.stringify(m.format)}, but the header says version ${version}`;
  if (!Number.isSafeInteger(m.dataBytes) || m.dataBytes < 0) return `dataBytes: ${JSON.stringify(m.dataBytes)} is not a byte count`;
  const config = configProblem(m.config, 'config', undefined, Math.max(1, Math.floor(m.dataBytes / 4)));
  if (config) return config;
  if (!Number.isInteger(m.crc32) || m.crc32 < 0 || m.crc32 > 0xffffffff) return `crc32: ${JSON.stringify(m.crc32)} is not a crc32`;
  if (m.meta !== undefined && (typeof m.meta !== 'object' || m.meta === null || Array.isArray(m.meta))) return 'meta: must be an object';
  if (!Array.isArray(m.tensors)) return 'tensors: must be a list';
  const names = new Set<string>();
  let end = 0;
  for (let i = 0; i < m.tensors.length; i++) {
    const t = m.tensors[i], at = `tensors[${i}]`;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) return `${at}: must be an object`;
    const extra = Object.keys(t).find((k) => !TENSOR_KEYS.includes(k));
    if (extra !== undefined) return `${at}.${extra}: unknown key (a tensor entry has ${TENSOR_KEYS.join(', ')})`;
    if (typeof t.name !== 'string' || t.name === '') return `${at}.name: must be a non-empty string`;
    if (names.has(t.name)) return `${at}.name: ${t.name} appears twice`;
    names.add(t.name);
    let n = -1;
    try {
      n = Array.isArray(t.shape) ? sizeOf(t.shape) : -1;
    } catch {
      n = -1;
    }
    if (n < 0) return `${at}.shape: ${t.name}: bad shape ${JSON.stringify(t.shape)}`;
    if (t.dtype !== 'float32') return `${at}.dtype: ${t.name}: ${JSON.stringify(t.dtype)}, only float32 is stored`;
    if (t.length !== n) return `${at}.length: ${t.name}: ${JSON.stringify(t.length)}, but shape ${fmtShape(t.shape)} holds ${n}`;
    if (t.offset !== end) {
      return `${at}.offset: ${t.name}: ${JSON.stringify(t.offset)}, expected ${end} (tensors are stored back to back, in order)`;
    }
    end += 4 * n;
  }
  if (end !== m.dataBytes) return `dataBytes: ${m.dataBytes}, but the tensors hold ${end} bytes`;
  return null;
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
