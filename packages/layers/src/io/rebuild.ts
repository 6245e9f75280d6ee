/** A model rebuilt from a file's config, any problem with that config reported as a ModelFormatError. */
import { Rng } from '@tsnn/tensor';
import type { LayerConfig } from '../layers/layer.js';
import { modelFromConfig, type ConfiguredModel } from '../models/from-config.js';
import { ModelFormatError } from './serialize.js';

/**
 * modelFromConfig(config, rng), with weights drawn from `rng` (default seeded 0: they are overwritten by
 * the file's). A layer's own check (Dense: units must be a positive integer) or a config of the wrong
 * shape altogether is still a problem with the file: a ModelFormatError naming `what`.
 */
export function rebuildFromConfig(config: LayerConfig, what: string, rng: Rng = new Rng(0)): ConfiguredModel {
  try {
    return modelFromConfig(config, rng);
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    throw new ModelFormatError(`${what}: ${e instanceof Error && e.name !== 'TypeError' ? e.message : `malformed config (${(e as Error).message})`}`);
  }
}
