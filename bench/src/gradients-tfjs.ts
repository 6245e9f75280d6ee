/**
 * `pnpm --filter @tsnn/bench gradients`: tsnn's hand-written gradients of the full reference model at full
 * size, on real MNIST pairs, against TensorFlow.js's autodiff of the same function written with plain tf ops
 * (matMul, add, relu, sub, sigmoid; inference mode, so no dropout). The finite-difference checks in the
 * tests run on small models; this one checks the real shapes against an independent implementation.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { Rng, Tensor, useBackend } from '@tsnn/tensor';
import { contrastiveLoss } from '@tsnn/layers';
import { siameseMlp } from '@tsnn/examples';
import { loadBenchData } from './data.js';

await tf.setBackend('cpu');
const batch = 128;
let worst = 0;
const { rng: afterPairs, train } = loadBenchData(0, batch, 1); // MNIST and the pairs, once
const weightsFrom = afterPairs.getState();
for (const backend of ['js', 'wasm'] as const) {
  useBackend(backend);
  const rng = new Rng(0);
  rng.setState(weightsFrom); // the same weights on both backends
  const model = siameseMlp(train.features, rng);
  const F = train.features;
  const xa = new Tensor([batch, F]), xb = new Tensor([batch, F]), y = new Float32Array(batch);
  train.gather(new Uint32Array(batch).map((_, i) => i), 0, batch, [xa.data, xb.data], y);

  // tsnn: forward and hand-written backward, inference mode.
  model.zeroGrad();
  const call = model.forward([xa, xb], { training: false });
  const { loss, dyPred } = contrastiveLoss(y, call.y);
  call.backward(dyPred);

  // tfjs: the same function from the same weights, differentiated by tf.
  const params = model.parameters();
  const vars = params.map(({ name, param }) => tf.variable(tf.tensor(param.value, [...param.shape]), true, name.replace(/\./g, '_')));
  const [W1, b1, W2, b2, W3, b3, H1, c1, H2, c2] = vars;
  const base = (x: tf.Tensor2D) => {
    const h1 = tf.relu(tf.add(tf.matMul(x, W1 as tf.Tensor2D), b1));
    const h2 = tf.relu(tf.add(tf.matMul(h1, W2 as tf.Tensor2D), b2));
    return tf.relu(tf.add(tf.matMul(h2, W3 as tf.Tensor2D), b3));
  };
  const ta = tf.tensor2d(xa.data, [batch, F]), tb = tf.tensor2d(xb.data, [batch, F]), ty = tf.tensor2d(y, [batch, 1]);
  const f = () => {
    const d = tf.sub(base(ta), base(tb));
    const z = tf.relu(tf.add(tf.matMul(d, H1 as tf.Tensor2D), c1));
    const p = tf.sigmoid(tf.add(tf.matMul(z, H2 as tf.Tensor2D), c2));
    const same = tf.mul(ty, tf.square(tf.relu(tf.sub(1, p))));
    return tf.mean(tf.add(tf.mul(tf.sub(1, ty), tf.square(p)), same)) as tf.Scalar;
  };
  const { value, grads } = tf.variableGrads(f);
  console.log(`${backend}: loss tsnn ${loss.toFixed(7)}, tfjs ${value.dataSync()[0].toFixed(7)}`);
  params.forEach(({ name, param }, i) => {
    const g = grads[vars[i].name].dataSync();
    let dd = 0, nn = 0;
    for (let j = 0; j < g.length; j++) {
      dd += (param.grad[j] - g[j]) ** 2;
      nn += g[j] ** 2;
    }
    const rel = Math.sqrt(dd / Math.max(nn, 1e-30));
    worst = Math.max(worst, rel);
    console.log(`  ${name.padEnd(20)} ${String(param.shape).padEnd(8)} ‖tsnn − tfjs‖ / ‖tfjs‖ = ${rel.toExponential(2)}`);
  });
  tf.dispose([...vars, ta, tb, ty, value, ...Object.values(grads)]);
}
console.log(`worst relative difference ${worst.toExponential(2)} (float32 rounding is ~1e-6)`);
process.exitCode = worst < 1e-4 ? 0 : 1;
