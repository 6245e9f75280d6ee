/**
 * Rebuild from the configuration stored in a model file (weights are loaded separately). One convention:
 * a model's config says its input width, so modelFromConfig (and siameseFromConfig) return the model
 * built, with fresh weights from `rng`; a layer's config does not, so layerFromConfig returns the layer
 * unbuilt, as its constructor would.
 */
import { Rng as RngClass, TsnnError, type Rng } from '@tsnn/tensor';
import { ACTIVATIONS, type Activation } from '../layers/activations.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { EuclideanDistance } from '../layers/euclidean.js';
import type { Layer, LayerConfig, MergeLayer } from '../layers/layer.js';
import { ReLU } from '../layers/relu.js';
import { Sequential } from './sequential.js';
import { Siamese } from './siamese.js';
import { Sigmoid } from '../layers/sigmoid.js';
import { Softmax } from '../layers/softmax.js';
import { Tanh } from '../layers/tanh.js';
import { Subtract } from '../layers/subtract.js';
import { ModelFormatError } from '../io/serialize.js';

function bad(config: unknown, why: string): never {
  throw new ModelFormatError(`model config: ${why} in ${JSON.stringify(config)}`);
}

export function layerFromConfig(c: LayerConfig): Layer {
  switch (c.kind) {
    case 'dense': {
      const act = c.activation as Activation;
      if (!ACTIVATIONS.includes(act)) bad(c, `unknown activation '${String(c.activation)}'`);
      return new Dense(Number(c.units), { activation: act });
    }
    case 'dropout': return new Dropout(Number(c.rate));
    case 'relu': return new ReLU();
    case 'sigmoid': return new Sigmoid();
    case 'tanh': return new Tanh();
    case 'softmax': return new Softmax();
    case 'sequential': {
      if (!Array.isArray(c.layers)) bad(c, 'no layers');
      return new Sequential((c.layers as LayerConfig[]).map(layerFromConfig));
    }
    default: return bad(c, `unknown layer kind '${String(c.kind)}'`);
  }
}

export function mergeFromConfig(c: LayerConfig): MergeLayer {
  if (c.kind === 'subtract') return new Subtract();
  if (c.kind === 'euclidean') return new EuclideanDistance();
  return bad(c, `unknown merge kind '${String(c.kind)}'`);
}

function checkRng(op: string, rng: unknown): void {
  if (!(rng instanceof RngClass)) throw new TsnnError(`${op}: expected a generator (new Rng(seed)) as the second argument, to build the model's weights; got ${rng === undefined ? 'none' : typeof rng}`);
}

/** A model a config can describe. */
export type ConfiguredModel = Sequential | Siamese;

/** A built model (Sequential or Siamese) with fresh weights, shaped as the config says. */
export function modelFromConfig(c: LayerConfig, rng: Rng): ConfiguredModel {
  if (!c || typeof c !== 'object') throw new TsnnError(`modelFromConfig: expected a model config object, got ${String(c)}`);
  if (c.kind === 'siamese') return siameseFromConfig(c, rng);
  checkRng('modelFromConfig', rng);
  if (c.kind !== 'sequential') bad(c, `expected a sequential or siamese model, got '${String(c.kind)}'`);
  const inFeatures = c.inFeatures;
  if (!Number.isInteger(inFeatures) || (inFeatures as number) < 1) bad(c, 'inFeatures is missing');
  const model = layerFromConfig(c) as Sequential;
  model.build(inFeatures as number, rng);
  return model;
}

/** A built Siamese model with fresh weights, shaped as the config says. */
export function siameseFromConfig(c: LayerConfig, rng: Rng): Siamese {
  if (!c || typeof c !== 'object') throw new TsnnError(`siameseFromConfig: expected a model config object, got ${String(c)}`);
  checkRng('siameseFromConfig', rng);
  if (c.kind !== 'siamese') bad(c, `expected a siamese model, got '${String(c.kind)}'`);
  const base = layerFromConfig(c.base as LayerConfig);
  const head = layerFromConfig(c.head as LayerConfig);
  if (!(base instanceof Sequential) || !(head instanceof Sequential)) bad(c, 'base and head must be sequential');
  const inFeatures = (c.base as LayerConfig).inFeatures;
  if (!Number.isInteger(inFeatures) || (inFeatures as number) < 1) bad(c, 'base.inFeatures is missing');
  const model = new Siamese({ base: base as Sequential, merge: mergeFromConfig(c.merge as LayerConfig), head: head as Sequential });
  model.build(inFeatures as number, rng);
  return model;
}
