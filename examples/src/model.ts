/** The reference's network, and the original Euclidean-distance form of it. */
import { TsnnError, type Rng } from '@tsnn/tensor';
import {
  Dense, Dropout, EuclideanDistance, Sequential, Siamese, Subtract, loadWeights, siameseFromConfig, type DecodedModel, type LayerConfig,
} from '@tsnn/layers';

export type HeadKind = 'subtract' | 'euclidean';

/** Dense(128, relu) → Dropout(0.1) → Dense(128, relu) → Dropout(0.1) → Dense(units, activation). */
export function mlpBase(units = 128, activation: 'relu' | 'linear' = 'relu'): Sequential {
  return new Sequential([
    new Dense(128, { activation: 'relu' }),
    new Dropout(0.1),
    new Dense(128, { activation: 'relu' }),
    new Dropout(0.1),
    new Dense(units, { activation }),
  ]);
}

/**
 *   base (one instance, two inputs): Dense(128, relu) → Dropout(0.1) → Dense(128, relu) → Dropout(0.1) → Dense(128, relu)
 *   head 'subtract' (the reference):  Subtract → Dropout(0.1) → Dense(16, relu) → Dense(1, sigmoid)   → a probability of "same"
 *   head 'euclidean' (Hadsell et al. 2006, the original Keras mnist_siamese): EuclideanDistance   → a distance
 */
export function siameseMlp(inFeatures: number, rng: Rng, head: HeadKind = 'subtract'): Siamese {
  const model = head === 'subtract'
    ? new Siamese({
      base: mlpBase(),
      merge: new Subtract(),
      head: new Sequential([new Dropout(0.1), new Dense(16, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]),
    })
    : new Siamese({ base: mlpBase(), merge: new EuclideanDistance(), head: new Sequential([]) });
  model.build(inFeatures, rng);
  return model;
}

/** What the model's output means: a probability of "same" (higher = alike) or a distance (lower = alike). */
export type ScoreKind = 'probability' | 'distance';

/** A EuclideanDistance merge with no head outputs a distance; anything else is read as a "same" score. */
export function scoreKind(config: LayerConfig): ScoreKind {
  const merge = config.merge as LayerConfig | undefined, head = config.head as LayerConfig | undefined;
  const headLayers = Array.isArray(head?.layers) ? head.layers.length : 0;
  return merge?.kind === 'euclidean' && headLayers === 0 ? 'distance' : 'probability';
}

/** A model shaped as the file says, with its weights, checked against the data's features. */
export function modelFrom(decoded: DecodedModel, file: string, features: number, rng: Rng): Siamese {
  const model = siameseFromFile(decoded, file, rng);
  if (model.inFeatures !== features) throw new Error(`${file}: the model takes ${model.inFeatures} features, the data has ${features}`);
  return model;
}

/**
 * The model a decoded file describes, with its weights. Every error names the file: a config that cannot
 * be rebuilt (an unknown kind, a missing key) too, whether or not the decoder already said which file.
 */
export function siameseFromFile(decoded: DecodedModel, file: string, rng: Rng): Siamese {
  return fromModelFile(file, () => {
    const model = siameseFromConfig(decoded.manifest.config, rng);
    loadWeights(model, decoded, file);
    return model;
  });
}

/** `build()` (a model from a file's config, with its weights), with any error it throws naming `file`. */
export function fromModelFile<T>(file: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    const msg = (e as Error).message;
    if (msg.includes(file)) throw e;
    // A TsnnError says what is wrong; anything else (a TypeError on a missing key) is a malformed config.
    const what = e instanceof TsnnError ? msg : `malformed model config (${msg})`;
    throw new Error(`${file}: ${what}`, { cause: e });
  }
}
