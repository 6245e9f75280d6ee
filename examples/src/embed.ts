/** Embed a whole image set with a Siamese model's shared base (inference mode), in batches. */
import { Tensor } from '@tsnn/tensor';
import type { Siamese } from '@tsnn/layers';
import type { IdxImages } from './idx-parse.js';

/** The base's output for every image (pixels scaled to [0, 1] as in training): [count, embed]. */
export function embedImages(model: Siamese, data: IdxImages, batch = 1000): { e: Float32Array; dim: number } {
  const d = data.rows * data.cols;
  if (model.inFeatures !== d) throw new Error(`embedImages: the model takes ${model.inFeatures} features, the images have ${d}`);
  const dim = model.base.outFeatures!;
  const e = new Float32Array(data.count * dim); // [count, embed]
  const x = new Float32Array(batch * d); // x: [batch, features]
  for (let start = 0; start < data.count; start += batch) {
    const n = Math.min(batch, data.count - start);
    for (let i = 0; i < n * d; i++) x[i] = data.images[start * d + i] / 255;
    const y = model.embed(new Tensor([n, d], x.subarray(0, n * d)));
    e.set(y.data.subarray(0, n * dim), start * dim);
  }
  return { e, dim };
}
