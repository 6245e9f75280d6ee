/** The reference's network: a shared 3-layer MLP base, Subtract, and a small head. */
import type { Rng } from '@tsnn/tensor';
import { Dense, Dropout, Sequential, Siamese, Subtract } from '@tsnn/layers';

/**
 *   base: Dense(128, relu) → Dropout(0.1) → Dense(128, relu) → Dropout(0.1) → Dense(128, relu)   (one instance, two inputs)
 *   head: Subtract → Dropout(0.1) → Dense(16, relu) → Dense(1, sigmoid)
 */
export function siameseMlp(inFeatures: number, rng: Rng): Siamese {
  const model = new Siamese({
    base: new Sequential([
      new Dense(128, { activation: 'relu' }),
      new Dropout(0.1),
      new Dense(128, { activation: 'relu' }),
      new Dropout(0.1),
      new Dense(128, { activation: 'relu' }),
    ]),
    merge: new Subtract(),
    head: new Sequential([new Dropout(0.1), new Dense(16, { activation: 'relu' }), new Dense(1, { activation: 'sigmoid' })]),
  });
  model.build(inFeatures, rng);
  return model;
}
