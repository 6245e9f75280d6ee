/**
 * `pnpm --filter @tsnn/bench sparse [--quick] [--backend wasm|js]`: where the sparse-input path pays.
 *
 * The products of the model's first Dense layer, x: [128, 784] against W: [784, 128], on real MNIST
 * inputs of rising density. Each row times, for the same x:
 *   dense:  gemm x·W, then gemm dW += xᵀ·dz                          (the dense path)
 *   sparse: sparsify(x), then sparseGemm x·W and dW += xᵀ·dz          (the sparse path, the list built once)
 *   check:  sparsify(x) against the capacity the default threshold gives, the only cost the sparse path
 *           adds to a batch above the threshold (it counts the nonzeros and gives up)
 * Inputs (pixel / 255, as the example feeds them): one MNIST digit per row (density ~0.19); overlays of
 * k digits per row (pixel-wise max of k real images: denser, with real strokes); and inverted digits
 * (1 − pixel: a dense input, ~0.9). The threshold SPARSE_MAX_DENSITY in packages/tensor/src/sparse-input.ts
 * comes from where sparse stops beating dense here.
 *
 * Times are this process's CPU time per call (process.cpuUsage, user + system), the best of interleaved
 * rounds: on a machine shared with other jobs, CPU time is what a call costs without the time spent
 * descheduled, which wall time would add (a neighbour still slows a call through shared caches).
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { useBackend, SPARSE_MAX_DENSITY, type BackendName } from '@tsnn/tensor';
import { sparseMatrix } from '@tsnn/tensor/internal';
import { loadMnist } from '@tsnn/examples';
import { FULL_TIMING, QUICK_TIMING } from './timing.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, backend: { type: 'string', default: 'wasm' } } });
const k = useBackend(values.backend as BackendName);
const timing = values.quick ? QUICK_TIMING : FULL_TIMING;
const [batch, inF, units] = [128, 784, 128];

const { train } = loadMnist();
/** Row r: pixel-wise max of images r, r + 128, …, (k − 1)·128 + r of the training set, / 255; inverted: 1 − that. */
function input(overlay: number, inverted: boolean): Float32Array {
  const x = k.alloc(batch * inF);
  for (let r = 0; r < batch; r++) {
    for (let p = 0; p < inF; p++) {
      let v = 0;
      for (let j = 0; j < overlay; j++) v = Math.max(v, train.images[(j * batch + r) * inF + p]);
      x[r * inF + p] = Math.fround(v / 255);
      if (inverted) x[r * inF + p] = 1 - x[r * inF + p];
    }
  }
  return x;
}

const W = k.alloc(inF * units), dz = k.alloc(batch * units), y = k.alloc(batch * units), dW = k.alloc(inF * units);
for (let i = 0; i < W.length; i++) W[i] = Math.sin(i) * 0.05;
for (let i = 0; i < dz.length; i++) dz[i] = Math.cos(i) * 0.01;
const full = sparseMatrix(batch, inF, batch * inF, k.alloc);
const atDefault = sparseMatrix(batch, inF, Math.floor(SPARSE_MAX_DENSITY * batch * inF), k.alloc);

console.log(`sparse-input bench, ${k.name} backend, 1 thread, x [${batch}, ${inF}] · W [${inF}, ${units}], load average ${loadavg()[0].toFixed(2)}`);
console.log(`default threshold SPARSE_MAX_DENSITY = ${SPARSE_MAX_DENSITY}\n`);
console.log('| input | density | dense µs (x·W + xᵀ·dz) | sparse µs (sparsify + both) | of which sparsify | sparse / dense | check above threshold µs |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
const rows: [string, number, boolean][] = [
  ['MNIST digits', 1, false], ['2 digits overlaid', 2, false], ['3 digits overlaid', 3, false], ['4 digits overlaid', 4, false],
  ['6 digits overlaid', 6, false], ['10 digits overlaid', 10, false], ['inverted digits (dense)', 1, true],
];
for (const [name, overlay, inverted] of rows) {
  const x = input(overlay, inverted);
  const nnz = k.sparsify(x, full);
  const dense = () => {
    k.gemm(false, false, batch, units, inF, x, W, 0, y);
    k.gemm(true, false, inF, units, batch, x, dz, 1, dW);
  };
  const build = () => k.sparsify(x, full);
  const sparse = () => {
    k.sparsify(x, full);
    k.sparseGemm(false, full, units, W, 0, y);
    k.sparseGemm(true, full, units, dz, 1, dW);
  };
  const check = () => k.sparsify(x, atDefault);
  const [d, s, b, c] = cpuMicroseconds([dense, sparse, build, check]);
  const density = nnz / (batch * inF);
  const checkCell = density > SPARSE_MAX_DENSITY ? c.toFixed(0) : '—';
  console.log(`| ${name} | ${density.toFixed(3)} | ${d.toFixed(0)} | ${s.toFixed(0)} | ${b.toFixed(0)} | ${(s / d).toFixed(2)} | ${checkCell} |`);
}
console.log(`\nCPU µs per call, best of ${timing.rounds} interleaved rounds of ≥ ${timing.roundSeconds} s CPU per cell; load average at the end ${loadavg()[0].toFixed(2)}`);

/** CPU µs per call of each function: warm-up, then the best of `timing.rounds` interleaved rounds. */
function cpuMicroseconds(fns: ReadonlyArray<() => void>): number[] {
  const cpu = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  for (const fn of fns) for (let i = 0; i < 20; i++) fn();
  const best = fns.map(() => Infinity);
  for (let r = 0; r < timing.rounds; r++) {
    fns.forEach((fn, i) => {
      const t0 = cpu();
      let n = 0, t = t0;
      do {
        fn();
        n++;
        t = cpu();
      } while (t - t0 < timing.roundSeconds * 1e6);
      best[i] = Math.min(best[i], (t - t0) / n);
    });
  }
  return best;
}

