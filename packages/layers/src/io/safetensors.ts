/**
 * safetensors (Hugging Face's tensor file, read by PyTorch, jax-js and the Hugging Face tools):
 *
 *   bytes 0..7    N, the header's length, unsigned 64-bit little-endian
 *   bytes 8..8+N  the header, UTF-8 JSON beginning with "{", possibly padded with spaces:
 *                 { "<name>": { "dtype": "F32", "shape": [...], "data_offsets": [begin, end] }, …,
 *                   "__metadata__": { "<key>": "<string>", … } }
 *   then          the data: each tensor's values, little-endian, row-major, at [begin, end) counted from
 *                 the byte after the header. The data must be covered exactly: no overlaps, no holes.
 *
 * tsnn writes every parameter as F32 under its path name (`base.dense1.kernel`) and keeps its own config
 * in `__metadata__.tsnn_config` (a JSON string), with `tsnn_config_crc32` (the decimal CRC-32 of that
 * string's UTF-8 bytes, zlib.crc32 in Python), so `modelFromSafetensors` can rebuild the model and a
 * corrupted config is refused rather than built. Like any safetensors file, the tensor data itself carries
 * no checksum. Reading checks everything above, plus a 100 MB cap on the header, and only then copies any value.
 */
import { fmtShape, sameShape, type Rng } from '@tsnn/tensor';
import type { LayerConfig } from '../layers/layer.js';
import type { ConfiguredModel } from '../models/from-config.js';
import { rebuildFromConfig } from './rebuild.js';
import { utf8Decode, utf8Encode } from '../platform.js';
import { ModelFormatError, crc32, type Saveable } from './serialize.js';

/** The header may be at most this long (the safetensors reference implementation's limit). */
export const SAFETENSORS_MAX_HEADER = 100_000_000;
/** The metadata key holding the model's config. */
export const TSNN_CONFIG_KEY = 'tsnn_config';
/** The metadata key holding the CRC-32 of the config string. */
export const TSNN_CONFIG_CRC_KEY = 'tsnn_config_crc32';

/** One tensor of a parsed file: its shape and its values. */
export interface SafetensorsEntry {
  shape: number[];
  value: Float32Array;
}

export interface ParsedSafetensors {
  tensors: Map<string, SafetensorsEntry>;
  metadata: Record<string, string>;
}

/** The model's parameters as safetensors bytes, with its config in the metadata (and format "pt"). */
export function toSafetensors(model: Saveable, metadata: Record<string, string> = {}): Uint8Array {
  const params = model.parameters();
  const config = JSON.stringify(model.config());
  const meta = { format: 'pt', ...metadata, [TSNN_CONFIG_KEY]: config, [TSNN_CONFIG_CRC_KEY]: String(crc32(utf8Encode(config))) };
  const header: Record<string, unknown> = { __metadata__: meta };
  let offset = 0;
  for (const { name, param } of params) {
    header[name] = { dtype: 'F32', shape: [...param.shape], data_offsets: [offset, offset + 4 * param.size] };
    offset += 4 * param.size;
  }
  let json = utf8Encode(JSON.stringify(header));
  const padded = (json.length + 7) & ~7; // spaces up to a multiple of 8, so the data starts 8-aligned
  if (padded !== json.length) json = utf8Encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true); // N < 2³², so the high word stays 0
  out.set(json, 8);
  let at = 8 + json.length;
  for (const { param } of params) {
    for (let j = 0; j < param.size; j++, at += 4) view.setFloat32(at, param.value[j], true);
  }
  return out;
}

/** Parse and check a safetensors file holding F32 tensors. `what` names the file in errors. */
export function readSafetensors(bytes: Uint8Array, what = 'safetensors'): ParsedSafetensors {
  const fail = (msg: string): never => {
    throw new ModelFormatError(`${what}: ${msg}`);
  };
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short to hold the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true), hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo; // exact below 2⁵³; anything that large is over the limit anyway
  if (n > SAFETENSORS_MAX_HEADER) fail(`header length ${n} is over the 100 MB limit (${SAFETENSORS_MAX_HEADER} bytes)`);
  if (n < 2) fail(`header length ${n} is too short for a JSON object`);
  if (8 + n > bytes.length) fail(`header of ${n} bytes runs past the end of the ${bytes.length}-byte file (truncated?)`);
  const headerBytes = bytes.subarray(8, 8 + n);
  if (headerBytes[0] !== 0x7b) fail('header does not begin with "{"');
  let text = '';
  try {
    text = utf8Decode(headerBytes);
  } catch {
    fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataLength = bytes.length - 8 - n;
  const data = new DataView(bytes.buffer, bytes.byteOffset + 8 + n, dataLength);

  const metadata: Record<string, string> = {};
  const entries: { name: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail('__metadata__ is not an object of strings');
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    entries.push(checkEntry(name, entry, dataLength, fail));
  }
  // The data must be covered exactly once: sorted by begin, each tensor starts where the last one ended.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0, last = '';
  for (const e of sorted) {
    if (e.begin < covered) fail(`${e.name}: data_offsets [${e.begin}, ${e.end}] overlap ${last}'s (which ends at ${covered})`);
    if (e.begin > covered) fail(`bytes [${covered}, ${e.begin}) of the data belong to no tensor (a hole before ${e.name})`);
    covered = e.end;
    last = e.name;
  }
  if (covered !== dataLength) fail(`bytes [${covered}, ${dataLength}) of the data belong to no tensor (a hole at the end)`);

  const tensors = new Map<string, SafetensorsEntry>();
  for (const { name, shape, begin, end } of entries) {
    const value = new Float32Array((end - begin) / 4);
    for (let j = 0; j < value.length; j++) value[j] = data.getFloat32(begin + 4 * j, true);
    tensors.set(name, { shape, value });
  }
  return { tensors, metadata };
}

function checkEntry(name: string, entry: unknown, dataLength: number, fail: (msg: string) => never): { name: string; shape: number[]; begin: number; end: number } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(`${name}: entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (dtype !== 'F32') fail(`${name}: dtype ${JSON.stringify(dtype)}, tsnn reads F32 only`);
  const count = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (!Array.isArray(shape) || !shape.every(count)) fail(`${name}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(count)) fail(`${name}: data_offsets ${JSON.stringify(offsets)} is not [begin, end]`);
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(`${name}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) fail(`${name}: data_offsets [${begin}, ${end}] run past the end of the ${dataLength}-byte data`);
  const size = (shape as number[]).reduce((p, d) => p * d, 1);
  if (end - begin !== 4 * size) fail(`${name}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, shape ${fmtShape(shape as number[])} of F32 needs ${4 * size}`);
  return { name, shape: shape as number[], begin, end };
}

/**
 * Load a safetensors file's weights into a built model: every parameter must be present under its path
 * name with the same shape, and nothing else may be in the file. Checks everything before writing anything.
 */
export function fromSafetensors(bytes: Uint8Array, model: Saveable, what = 'safetensors'): void {
  loadInto(model, readSafetensors(bytes, what), what);
}

/** The model a safetensors file written by toSafetensors describes (its config in the metadata), with its weights. */
export function modelFromSafetensors(bytes: Uint8Array, what = 'safetensors', rng?: Rng): ConfiguredModel {
  const parsed = readSafetensors(bytes, what);
  const text = parsed.metadata[TSNN_CONFIG_KEY];
  if (text === undefined) {
    throw new ModelFormatError(`${what}: no ${TSNN_CONFIG_KEY} in __metadata__, so the architecture is unknown; build the model yourself and call fromSafetensors(bytes, model)`);
  }
  const crc = String(crc32(utf8Encode(text)));
  if (parsed.metadata[TSNN_CONFIG_CRC_KEY] !== crc) {
    throw new ModelFormatError(`${what}: __metadata__.${TSNN_CONFIG_CRC_KEY} is ${JSON.stringify(parsed.metadata[TSNN_CONFIG_CRC_KEY])}, the config's CRC-32 is ${crc} (a corrupted or hand-edited config)`);
  }
  let config: LayerConfig;
  try {
    config = JSON.parse(text) as LayerConfig;
  } catch (e) {
    throw new ModelFormatError(`${what}: __metadata__.${TSNN_CONFIG_KEY} is not valid JSON (${(e as Error).message})`);
  }
  const model = rebuildFromConfig(config, `${what}: ${TSNN_CONFIG_KEY}`, rng);
  loadInto(model, parsed, what);
  return model;
}

function loadInto(model: Saveable, { tensors }: ParsedSafetensors, what: string): void {
  const params = model.parameters();
  for (const { name, param } of params) {
    const t = tensors.get(name);
    if (!t) throw new ModelFormatError(`${what}: ${name} is missing from the file (saved from a different architecture?)`);
    if (!sameShape(t.shape, param.shape)) throw new ModelFormatError(`${what}: ${name}: the model has ${fmtShape(param.shape)}, the file ${fmtShape(t.shape)}`);
  }
  const known = new Set(params.map((p) => p.name));
  for (const name of tensors.keys()) {
    if (!known.has(name)) throw new ModelFormatError(`${what}: the file has ${name}, which the model does not (a different architecture?)`);
  }
  for (const { name, param } of params) param.value.set(tensors.get(name)!.value);
}
