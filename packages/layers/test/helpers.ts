/** Shared test helpers: random tensors and a scalar "probe" loss L = Σ rᵢ·yᵢ with fixed random weights r. */
import { Rng, Tensor, matmul } from '@tsnn/tensor';
import { Dense, type Context, type Sequential } from '@tsnn/layers';

export function randomTensor(shape: number[], rng: Rng, lo = -1, hi = 1): Tensor {
  const t = new Tensor(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniformIn(lo, hi);
  return t;
}

/** Values in ±[margin, 1]: away from ReLU's kink at 0. */
export function awayFromZero(shape: number[], rng: Rng, margin = 0.05): Tensor {
  const t = new Tensor(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = (rng.uniform() < 0.5 ? -1 : 1) * rng.uniformIn(margin, 1);
  return t;
}

/** L = Σ rᵢ·yᵢ in double precision; dL/dy = r. `scale(y)` = Σ |rᵢ·yᵢ|, the size of the terms (for the noise floor). */
export function probe(shape: number[], rng: Rng): { r: Tensor; loss: (y: Tensor) => number; scale: (y: Tensor) => number } {
  const r = randomTensor(shape, rng);
  const sum = (y: Tensor, f: (v: number) => number) => {
    let s = 0;
    for (let i = 0; i < y.size; i++) s += f(r.data[i] * y.data[i]);
    return s;
  };
  return { r, loss: (y) => sum(y, (v) => v), scale: (y) => sum(y, Math.abs) };
}

/**
 * Runs a Sequential layer by layer and returns its output and the smallest |z| over the pre-activations
 * z = x·W + b of its ReLU Dense layers: how far this forward pass is from a ReLU kink. Consumes the
 * context's generator exactly as model.forward does, so dropout masks match.
 */
export function reluMargin(model: Sequential, x: Tensor, ctx: Context): { y: Tensor; margin: number } {
  let h = x, margin = Infinity;
  for (const layer of model.layers) {
    if (layer instanceof Dense && layer.activation === 'relu') {
      const z = matmul(h, new Tensor(layer.kernel!.shape, layer.kernel!.value));
      for (let i = 0; i < z.size; i++) margin = Math.min(margin, Math.abs(z.data[i] + layer.bias!.value[i % layer.units]));
    }
    h = layer.forward(h, ctx).y;
  }
  return { y: h, margin };
}
