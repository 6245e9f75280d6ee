/**
 * One call to save a model and one to load it: the architecture and every weight, in the checked .tsnn
 * format of serialize.ts (encodeModel / decodeModel), rebuilt with modelFromConfig. Pure: bytes in, bytes
 * out; the file versions are in files.node.ts (`@tsnn/layers/files.node`).
 */
import { decodeModel, encodeModel, loadWeights, type Saveable } from './serialize.js';
import type { ConfiguredModel } from '../models/from-config.js';
import { rebuildFromConfig } from './rebuild.js';

/** The model's .tsnn bytes: its config and all its parameters by path name, plus optional metadata. */
export function saveModel(model: Saveable, meta?: Record<string, unknown>): Uint8Array {
  return encodeModel(model, meta);
}

/**
 * A built model with the weights of a .tsnn file (any model kind modelFromConfig knows: Sequential,
 * Siamese). `what` names the file in errors. Throws a ModelFormatError for anything wrong with the bytes.
 */
export function loadModel(bytes: Uint8Array, what = 'model'): ConfiguredModel {
  const decoded = decodeModel(bytes, what);
  const model = rebuildFromConfig(decoded.manifest.config, what);
  loadWeights(model, decoded, what);
  return model;
}
