// @ts-check
/**
 * The same small job for Node and for a browser page, on the built packages (dist/): a weight-shared
 * Siamese net (smooth activations, so the finite differences need no kink avoidance) checked against
 * finite differences, then trained for 100 RMSprop steps with dropout. Returns what both sides compare.
 * Synthetic pairs (a unit-test stand-in): b = a − 0.2 for label 1, b = a + 0.2 for label 0, plus a little noise.
 *
 * @param {{ T: typeof import('@tsnn/tensor'), L: typeof import('@tsnn/layers'), O: typeof import('@tsnn/optimizers') }} libs
 */
export function workload({ T, L, O }) {
  const rng = new T.Rng(7);
  const model = new L.Siamese({
    base: new L.Sequential([new L.Dense(16, { activation: 'sigmoid' }), new L.Dropout(0.1), new L.Dense(8)]),
    merge: new L.Subtract(),
    head: new L.Sequential([new L.Dense(1, { activation: 'sigmoid' })]),
  });
  model.build(6, rng);
  const n = 64, f = 6;
  const xa = new T.Tensor([n, f]), xb = new T.Tensor([n, f]), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let j = 0; j < f; j++) {
      xa.data[i * f + j] = rng.uniform();
      xb.data[i * f + j] = xa.data[i * f + j] + (y[i] ? -0.2 : 0.2) + 0.05 * rng.uniform();
    }
  }
  // Every parameter's gradient against finite differences, in inference mode.
  const ctx = { training: false, rng };
  model.zeroGrad();
  const call = model.forward([xa, xb], ctx);
  call.backward(L.contrastiveLoss(y, call.y).dyPred);
  const report = L.checkGradients(() => L.contrastiveLoss(y, model.forward([xa, xb], ctx).y).loss,
    model.parameters().map(({ name, param }) => ({ name, value: param.value, grad: param.grad.slice() })));
  // Then train: dropout on, one batch, 100 steps.
  const optimizer = new O.RMSprop(model.parameters(), { learningRate: 0.01 });
  const losses = [];
  for (let step = 0; step < 100; step++) {
    model.zeroGrad();
    const c = model.forward([xa, xb], { training: true, rng });
    const r = L.contrastiveLoss(y, c.y);
    c.backward(r.dyPred);
    optimizer.step();
    losses.push(r.loss);
  }
  return { backend: T.backendName(), kernels: T.kernelVariant(), gradcheck: { ok: report.ok, checked: report.checked, relErrors: report.relErrors }, losses };
}
