/**
 * `pnpm --filter @tsnn/bench profile [--steps N] [--threads N] [--kernels strict|relaxed] [--quick] [--to97]`: where a tsnn training
 * step of the example's model spends its time, with the sparse-input path on and off, and on a dense input.
 *
 * Bench-only timing wrappers, nothing in the library changes: the active kernel set is replaced by one
 * whose every kernel adds its time to a category, the pairs' `gather` and `Rng.prototype.fillMask` are
 * wrapped the same way, and time inside a wrapped call is counted once (a gather's bytesToFloat counts
 * as gather, not element-wise). Categories:
 *   gemm            the dense products (kernels().gemm; split over threads with --threads)
 *   sparse gemm     sparseGemm: the first Dense layer's x·W and xᵀ·dz on the sparse path
 *   sparsify        listing the input's nonzeros (and, above the threshold, only counting them)
 *   element-wise    addBias, sumRows, relu, sigmoid and their backwards, sub, mul (dropout's product)
 *   dropout masks   Rng.fillMask (Kernels.fillMask): the uniform draws of the dropout masks
 *   batch gather    PairData.gather: copying a batch's pixel bytes and scaling them (bytesToFloat)
 *   optimizer       rmsprop
 *   other           the rest of the step: layer and loss code in TypeScript, workspace, fit's loop
 * Categories and validation are timed in this process's CPU time on 1 thread (all its threads: what V8's
 * GC and compiler threads spend meanwhile lands in the category that was running; the time spent descheduled
 * by other jobs on a shared machine is left out; wall time is printed beside it), in wall time with --threads.
 * and, per epoch, validation: evaluate() over 10,000 test pairs (its own kernels are not split up).
 *
 * Runs (each on the same pairs, seed 0, after 10 warm-up steps):
 *   sparse on    the default (SPARSE_MAX_DENSITY): MNIST's first-layer input (density ~0.19) takes the sparse path
 *   sparse off   useSparseInputs(0): every product dense, as before the sparse path existed
 *   dense input, sparse on / off: the same pairs with inverted pixels (1 − pixel, density ~0.99), so the
 *                density check turns the sparse path off by itself; shows what the check costs a dense input
 * Then the floor, which says how far the step could shrink if only its products were left: the products
 * each run of the step asked for (every gemm's shape and count; the sparse products' nonzeros × n), each
 * timed alone in a loop on data already in cache at its best of 15 rounds, and the seconds an epoch
 * would take with nothing but those products; and this core's arithmetic peak (`peakProbeBytes`: a
 * register-only loop of the variant's f32x4 multiply-adds), against which the kernels' best rates and
 * an epoch's multiply-adds are set.
 * --to97: instead, train the example (validation every epoch, seed 0) until val_binary_accuracy first
 * reaches 0.97, sparse on and then off, and print the epoch and the wall and CPU seconds (training and
 * validation) it took.
 */
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { Rng, SPARSE_MAX_DENSITY, kernelVariant, kernels, useBackend, useSparseInputs, type Kernels } from '@tsnn/tensor';
import { PEAK_CHAINS, peakProbeBytes, registerBackend, sparseCount, type SparseMatrix } from '@tsnn/tensor/internal';
import { threadCount, useThreads } from '@tsnn/tensor/pool.node';
import { contrastiveLoss, evaluate, fit, type PairData } from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';
import { siameseMlp } from '@tsnn/examples';
import { EPOCH_PAIRS, loadBenchData } from './data.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '200' }, threads: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false }, to97: { type: 'boolean', default: false },
    kernels: { type: 'string' },
  },
});
if (values.kernels !== undefined && values.kernels !== 'strict' && values.kernels !== 'relaxed') {
  throw new Error(`--kernels must be strict or relaxed, got '${values.kernels}'`);
}
/** The wasm kernel variant: as asked, else tsnn's default here. */
const variant = values.kernels === undefined ? {} : { kernels: values.kernels as 'strict' | 'relaxed' };
const threads = Number(values.threads);
const steps = values.quick ? 20 : Number(values.steps);
const WARMUP = 10, BATCH = 128, VAL_PAIRS = 10000;
const STEPS_PER_EPOCH = EPOCH_PAIRS / BATCH;

const CATEGORIES = ['gemm', 'sparse gemm', 'sparsify', 'element-wise', 'dropout masks', 'batch gather', 'optimizer'] as const;
type Category = (typeof CATEGORIES)[number];
const KERNEL_CATEGORY: Record<string, Category> = {
  gemm: 'gemm', sparseGemm: 'sparse gemm', sparsify: 'sparsify', rmsprop: 'optimizer', adam: 'optimizer',
  addBias: 'element-wise', sumRows: 'element-wise', relu: 'element-wise', reluBackward: 'element-wise', sigmoid: 'element-wise',
  sigmoidBackward: 'element-wise', sub: 'element-wise', mul: 'element-wise', bytesToFloat: 'element-wise', fillMask: 'dropout masks',
};

/**
 * The clock of the categories: this process's CPU time (process.cpuUsage: not the time spent descheduled,
 * which on a machine shared with other jobs can be most of the wall time), or, with --threads > 1 (where
 * the process's CPU time would include the workers'), wall time.
 */
const clock = threads > 1 ? () => performance.now() : cpuMs;
const clockName = threads > 1 ? 'wall' : 'CPU';

/** Exclusive milliseconds per category; a wrapped call inside another is taken out of the outer one. */
const spent = new Map<Category, number>();
let inner = 0; // ms spent in nested wrapped calls of the current outer call
function timed<A extends unknown[], R>(cat: Category, fn: (...a: A) => R): (...a: A) => R {
  return function (this: unknown, ...a: A): R {
    const outerInner = inner;
    inner = 0;
    const t0 = clock();
    try {
      return fn.apply(this, a);
    } finally {
      const total = clock() - t0;
      spent.set(cat, (spent.get(cat) ?? 0) + total - inner);
      inner = outerInner + total;
    }
  };
}

await setup();
const base = kernels();

/**
 * The products a step asks for, counted as the step runs: every gemm's shape (for the floor below),
 * and the sparse products' multiply-adds (nonzeros × n) with one real first-layer input kept to time them on.
 */
const products = { shapes: new Map<string, number>(), sparseMacs: 0, sample: null as SparseMatrix | null };
const counting: Kernels = {
  ...base,
  gemm(transA, transB, m, n, k, a, b, beta, c) {
    const key = `${+transA},${+transB},${m},${n},${k}`;
    products.shapes.set(key, (products.shapes.get(key) ?? 0) + 1);
    base.gemm(transA, transB, m, n, k, a, b, beta, c);
  },
  sparseGemm(transX, s, n, b, beta, c) {
    products.sparseMacs += sparseCount(s) * n;
    if (!products.sample && s.cols > s.rows) { // a first-layer input (x: [batch, 784]), copied for the floor
      products.sample = { ...s, data: base.alloc(s.data.length) };
      products.sample.data.set(s.data);
    }
    base.sparseGemm(transX, s, n, b, beta, c);
  },
};
const wrapped = Object.fromEntries(Object.entries(counting).map(([name, v]) =>
  [name, typeof v === 'function' && KERNEL_CATEGORY[name] ? timed(KERNEL_CATEGORY[name], v as (...a: unknown[]) => unknown) : v])) as unknown as Kernels;
registerBackend('wasm', () => wrapped);
useBackend('wasm', variant);
const fillMask = Rng.prototype.fillMask;
Rng.prototype.fillMask = timed('dropout masks', fillMask);

async function setup(): Promise<void> {
  useBackend('wasm', variant);
  if (threads > 1) await useThreads(threads);
}

/** The pairs with 1 − pixel on both sides (a dense input). */
function inverted(d: PairData): PairData {
  return {
    ...d,
    gather(idx, start, n, xs, y) {
      d.gather(idx, start, n, xs, y);
      for (const x of xs) for (let i = 0; i < n * d.features; i++) x[i] = 1 - x[i];
    },
  };
}

function withGatherTimed(d: PairData): PairData {
  return { ...d, gather: timed('batch gather', d.gather.bind(d)) };
}

interface Profile {
  name: string;
  stepMs: number;
  /** CPU time of the whole process (all threads) per step. */
  cpuStepMs: number;
  /** The step by the categories' clock (CPU on 1 thread, else wall): the total the categories add up to. */
  stepByClock: number;
  perCategory: Map<Category, number>;
  validationSeconds: number;
  validationByClock: number;
  density: number;
  /** The products of one training step and of one validation pass, with their floor (below). */
  stepFloor: Floor;
  validationFloor: Floor;
}

function profile(name: string, sparseDensity: number, dense: boolean): Profile {
  useSparseInputs(sparseDensity);
  const { rng, train, test } = loadBenchData(0, (WARMUP + steps) * BATCH, VAL_PAIRS);
  const trainData = withGatherTimed(dense ? inverted(train) : train);
  const testData = dense ? inverted(test) : test;
  const model = siameseMlp(train.features, rng);
  const optimizer = new RMSprop(model.parameters(), { learningRate: 1e-3, rho: 0.9, epsilon: 1e-7 });
  let density = NaN;
  const xa = new Float32Array(BATCH * train.features), xb = xa.slice(), yy = new Float32Array(BATCH);
  trainData.gather(new Uint32Array(BATCH).map((_, i) => i), 0, BATCH, [xa, xb], yy);
  density = xa.reduce((s, v) => s + (v !== 0 ? 1 : 0), 0) / xa.length;
  let t0 = performance.now(), cpu0 = cpuMs();
  fit(model, trainData, {
    epochs: 1, batchSize: BATCH, loss: contrastiveLoss, optimizer, rng,
    callbacks: [{
      onBatchEnd: (batch) => {
        if (batch + 1 !== WARMUP) return; // batches count from 0: this is the end of the warm-up
        spent.clear();
        resetProducts();
        t0 = performance.now();
        cpu0 = cpuMs();
      },
    }],
  });
  const totalMs = performance.now() - t0, cpuStepMs = (cpuMs() - cpu0) / steps;
  const stepByClock = threads > 1 ? totalMs / steps : cpuStepMs;
  const perCategory = new Map(spent);
  const stepFloor = floor(steps);
  resetProducts();
  const v0 = performance.now(), vc0 = clock();
  evaluate(model, testData, { batchSize: BATCH, loss: contrastiveLoss });
  const validationSeconds = (performance.now() - v0) / 1000, validationByClock = (clock() - vc0) / 1000;
  const validationFloor = floor(1);
  for (const [k, v] of perCategory) perCategory.set(k, v / steps);
  return { name, stepMs: totalMs / steps, stepByClock, perCategory, validationSeconds, validationByClock, density, cpuStepMs, stepFloor, validationFloor };
}

function resetProducts(): void {
  products.shapes.clear();
  products.sparseMacs = 0;
}

/**
 * The floor of the products counted since resetProducts(), per one of `per` (steps, or 1 for a whole
 * validation): each gemm shape and the sparse products timed alone, in a loop on data already in cache,
 * at the best of 15 rounds (`bestMs`), times how often they were asked for. It is what the products
 * would take if nothing else ran and every one ran at its best speed on this machine; the profile's
 * "gemm" and "sparse gemm" rows are what they took inside the step.
 */
interface Floor {
  gemmMs: number;
  sparseMs: number;
  denseMacs: number;
  sparseMacs: number;
}

const bestCache = new Map<string, number>();
function floor(per: number): Floor {
  let gemmMs = 0, denseMacs = 0;
  for (const [key, count] of products.shapes) {
    const [tA, tB, m, n, k] = key.split(',').map(Number);
    if (!bestCache.has(key)) {
      const a = base.alloc(m * k).fill(0.5), b = base.alloc(k * n).fill(0.25), c = base.alloc(m * n);
      bestCache.set(key, bestMs(() => base.gemm(tA === 1, tB === 1, m, n, k, a, b, 0, c)));
    }
    gemmMs += (count * bestCache.get(key)!) / per;
    denseMacs += (count * m * n * k) / per;
  }
  const sparseMacs = products.sparseMacs / per;
  return { gemmMs, sparseMs: sparseMacs / sparseMacsPerMs(), denseMacs, sparseMacs };
}

/** The sparse kernel's best rate: a real first-layer input (kept from the run), x·W and xᵀ·dz alternately. */
let sparseRate = 0;
function sparseMacsPerMs(): number {
  const s = products.sample;
  if (sparseRate || !s) return sparseRate || Infinity;
  const n = 128, w = base.alloc(s.cols * n).fill(0.25), y = base.alloc(s.rows * n), dw = base.alloc(s.cols * n);
  const ms = bestMs(() => {
    base.sparseGemm(false, s, n, w, 0, y);
    base.sparseGemm(true, s, n, y, 0, dw);
  });
  sparseRate = (2 * sparseCount(s) * n) / ms;
  return sparseRate;
}

/** The part of the WebAssembly API used here (this package compiles without the DOM's types). */
interface WasmApi {
  Memory: new (limits: { initial: number; maximum: number }) => unknown;
  Module: new (bytes: Uint8Array) => unknown;
  Instance: new (module: unknown, imports: object) => { exports: Record<string, unknown> };
}

/**
 * This core's arithmetic peak in G multiply-adds/s: the register-only loop of `peakProbeBytes` (the
 * variant's multiply-add, 12 independent f32x4 chains, no memory traffic), best of 15 rounds.
 */
function peakMacsPerMs(): number {
  const wa = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  const memory = new wa.Memory({ initial: 1, maximum: 1 });
  const { exports } = new wa.Instance(new wa.Module(peakProbeBytes(kernelVariant())), { env: { memory } });
  const peak = exports.peak as (p: number, turns: number) => void;
  const turns = 100_000;
  return (turns * PEAK_CHAINS * 4) / bestMs(() => peak(0, turns));
}

/** Best of 15 rounds of the mean time of `fn` over a round of ≥ 20 ms (by the categories' clock). */
function bestMs(fn: () => void): number {
  for (let i = 0; i < 20; i++) fn(); // warm-up: compiled and in cache
  let best = Infinity;
  for (let round = 0; round < 15; round++) {
    let calls = 0;
    const t0 = clock();
    do {
      fn();
      calls++;
    } while (clock() - t0 < 20);
    best = Math.min(best, (clock() - t0) / calls);
  }
  return best;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function timeTo97(sparseDensity: number): string {
  useSparseInputs(sparseDensity);
  const { rng, train, test } = loadBenchData(0, EPOCH_PAIRS, VAL_PAIRS);
  const model = siameseMlp(train.features, rng);
  const optimizer = new RMSprop(model.parameters(), { learningRate: 1e-3, rho: 0.9, epsilon: 1e-7 });
  let reached = '';
  const t0 = performance.now(), c0 = cpuMs();
  fit(model, train, {
    epochs: 20, batchSize: BATCH, loss: contrastiveLoss, optimizer, rng, validationData: test, metrics: ['binary_accuracy'],
    callbacks: [{
      onEpochEnd: (epoch, logs) => {
        const acc = logs.val_binary_accuracy;
        if (reached || acc === undefined || acc < 0.97) return;
        reached = `epoch ${epoch + 1}: val_binary_accuracy ${acc.toFixed(4)} after ${((performance.now() - t0) / 1000).toFixed(1)} s wall, ` +
          `${((cpuMs() - c0) / 1000).toFixed(1)} s CPU (training and validation)`;
      },
    }],
    shouldStop: () => reached !== '',
  });
  return reached || 'not reached in 20 epochs';
}

console.log(`tsnn step profile, wasm backend (${kernelVariant()} kernels, Node ${process.versions.node}), ${threadCount()} thread(s), ${steps} steps after ${WARMUP} warm-up, batch ${BATCH}, ` +
  `threshold ${SPARSE_MAX_DENSITY}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (values.to97) {
  for (const [name, d] of [['sparse on', SPARSE_MAX_DENSITY], ['sparse off', 0]] as const) console.log(`time to 97%, ${name}: ${timeTo97(d)}`);
} else {
  // A first, unreported run: the first profile in a process otherwise pays for the JIT's warm-up of the
  // TypeScript around the kernels (dropout masks, layer code) beyond the 10 warm-up steps.
  profile('warm-up', SPARSE_MAX_DENSITY, false);
  const runs = [
    profile('sparse on', SPARSE_MAX_DENSITY, false), profile('sparse off', 0, false),
    profile('dense input, sparse on', SPARSE_MAX_DENSITY, true), profile('dense input, sparse off', 0, true),
  ];
  const header = ['', ...runs.map((r) => `${r.name} (density ${r.density.toFixed(2)})`)];
  console.log(`\n| ${clockName} ms per step | ${header.slice(1).join(' | ')} |`);
  console.log(`|---|${runs.map(() => '---:').join('|')}|`);
  for (const c of CATEGORIES) console.log(`| ${c} | ${runs.map((r) => (r.perCategory.get(c) ?? 0).toFixed(3)).join(' | ')} |`);
  const known = (r: Profile) => [...r.perCategory.values()].reduce((s, v) => s + v, 0);
  console.log(`| other | ${runs.map((r) => (r.stepByClock - known(r)).toFixed(3)).join(' | ')} |`);
  console.log(`| **step, ${clockName}** | ${runs.map((r) => `**${r.stepByClock.toFixed(3)}**`).join(' | ')} |`);
  console.log(`| step, wall ms | ${runs.map((r) => r.stepMs.toFixed(3)).join(' | ')} |`);
  console.log(`| step, CPU ms (process, all threads) | ${runs.map((r) => r.cpuStepMs.toFixed(3)).join(' | ')} |`);
  console.log(`| validation, ${clockName} s per 10k pairs | ${runs.map((r) => r.validationByClock.toFixed(3)).join(' | ')} |`);
  console.log(`| s per epoch, wall (${STEPS_PER_EPOCH.toFixed(0)} steps + validation) | ${runs.map((r) => ((r.stepMs * STEPS_PER_EPOCH) / 1000 + r.validationSeconds).toFixed(2)).join(' | ')} |`);
  console.log(`| **s per epoch, ${clockName} (${STEPS_PER_EPOCH.toFixed(0)} steps + validation)** | ${runs.map((r) => `**${((r.stepByClock * STEPS_PER_EPOCH) / 1000 + r.validationByClock).toFixed(2)}**`).join(' | ')} |`);
  const epochFloor = (r: Profile) => (STEPS_PER_EPOCH * (r.stepFloor.gemmMs + r.stepFloor.sparseMs) + r.validationFloor.gemmMs + r.validationFloor.sparseMs) / 1000;
  console.log(`\nThe floor: each product of the step timed alone, in a loop on data in cache, at its best of 15 rounds (wasm, 1 thread), times how often the step asks for it.`);
  console.log(`| per step | ${runs.map((r) => r.name).join(' | ')} |`);
  console.log(`|---|${runs.map(() => '---:').join('|')}|`);
  console.log(`| dense multiply-adds (M) | ${runs.map((r) => (r.stepFloor.denseMacs / 1e6).toFixed(1)).join(' | ')} |`);
  console.log(`| sparse multiply-adds (M, nonzeros only) | ${runs.map((r) => (r.stepFloor.sparseMacs / 1e6).toFixed(1)).join(' | ')} |`);
  console.log(`| gemm floor, ms | ${runs.map((r) => r.stepFloor.gemmMs.toFixed(3)).join(' | ')} |`);
  console.log(`| sparse gemm floor, ms | ${runs.map((r) => r.stepFloor.sparseMs.toFixed(3)).join(' | ')} |`);
  console.log(`| everything else (step − the products as run), ms | ${runs.map((r) => (r.stepByClock - (r.perCategory.get('gemm') ?? 0) - (r.perCategory.get('sparse gemm') ?? 0)).toFixed(3)).join(' | ')} |`);
  console.log(`| **s per epoch from the products' floor alone** (${STEPS_PER_EPOCH.toFixed(0)} steps + validation) | ${runs.map((r) => `**${epochFloor(r).toFixed(2)}**`).join(' | ')} |`);
  const peak = peakMacsPerMs(), on = runs[0];
  const macsPerEpoch = STEPS_PER_EPOCH * (on.stepFloor.denseMacs + on.stepFloor.sparseMacs) + on.validationFloor.denseMacs + on.validationFloor.sparseMacs;
  const gemmRate = (on.stepFloor.denseMacs / on.stepFloor.gemmMs) / 1e6, sparseRateG = (on.stepFloor.sparseMacs / on.stepFloor.sparseMs) / 1e6;
  const split = threadCount() > 1 ? ` (the products run on ${threadCount()} threads here, so their rates are set against one core's peak and may pass it)` : '';
  console.log(`\nOne core's ${kernelVariant()} f32x4 peak (a loop of ${PEAK_CHAINS} independent multiply-add chains, no memory): ${(peak / 1e6).toFixed(1)} G multiply-adds/s ` +
    `(${(2 * peak / 1e6).toFixed(0)} GFLOP/s). The step's gemms at their best: ${gemmRate.toFixed(1)} G/s (${(100 * gemmRate * 1e6 / peak).toFixed(0)}% of it); ` +
    `the sparse products: ${sparseRateG.toFixed(1)} G/s (${(100 * sparseRateG * 1e6 / peak).toFixed(0)}%). ` +
    `With the sparse path on, an epoch asks for ${(macsPerEpoch / 1e9).toFixed(2)} G multiply-adds: ${(macsPerEpoch / peak / 1000).toFixed(2)} s at one core's peak, with nothing else running${split}.`);
  console.log(`\nload average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
Rng.prototype.fillMask = fillMask;
