/** tsnn: gemm through kernels() directly, and training with the library's own fit / evaluate. */
import { VERSION, backendName, kernelVariant, kernels, useBackend, useSparseInputs, type BackendName, type KernelVariant } from '@tsnn/tensor';
import { threadCount, useThreads } from '@tsnn/tensor/pool.node';
import { contrastiveLoss, evaluate, fit } from '@tsnn/layers';
import { RMSprop } from '@tsnn/optimizers';
import { siameseMlp } from '@tsnn/examples';
import { loadBenchData, stepFigures, trainFigures } from './data.js';
import { sum, type GemmEngine } from './matmul.js';
import type { TrainFigures } from './systems.js';
import type { TrainSettings } from './train-settings.js';

/**
 * Select the backend (and kernel variant, default: tsnn's choice) and, when asked for, the thread pool (wasm
 * gemm only). Returns what runs and notes.
 */
/** `sparse`: false turns the sparse-input path off (every product a dense gemm). */
export async function setupTsnn(backend: BackendName, threads: number | null, variant?: KernelVariant, sparse = true): Promise<{ engine: string; notes: string[] }> {
  useBackend(backend, variant === undefined ? {} : { kernels: variant });
  if (!sparse) useSparseInputs(0);
  const notes: string[] = [];
  if (threads !== null && threads > 1) {
    if (backend !== 'wasm') {
      notes.push(`--threads ${threads} ignored: tsnn's threads only split the wasm backend's gemm`);
    } else {
      await useThreads(threads);
      notes.push(`gemm split over ${threadCount()} threads by useThreads(${threads}) from @tsnn/tensor/pool.node; element-wise kernels stay on one thread`);
    }
  }
  const used = threadCount();
  return { engine: `tsnn ${VERSION} ${backendName()}, ${kernelVariant()} kernels, Node ${process.versions.node} (${used} thread${used > 1 ? 's' : ''})${sparse ? '' : ', sparse path off'}`, notes };
}

/** Buffers from kernels().alloc (so the wasm backend uses them in place), filled once. */
export const tsnnGemm: GemmEngine = (c, a, b) => {
  const k = kernels();
  const A = k.alloc(a.length);
  const B = k.alloc(b.length);
  const C = k.alloc(c.m * c.n);
  A.set(a);
  B.set(b);
  const run = () => k.gemm(c.transA, c.transB, c.m, c.n, c.k, A, B, c.beta, C);
  return {
    run,
    checksum: () => {
      C.fill(0);
      run();
      return sum(C);
    },
    dispose: () => {}, // alloc'd buffers live as long as the process
  };
};

export function trainTsnn(s: TrainSettings, log: (line: string) => void): TrainFigures {
  const total = s.warmupSteps + s.steps;
  const { rng, train, test } = loadBenchData(s.seed, total * s.batchSize, s.valPairs);
  const model = siameseMlp(train.features, rng);
  const optimizer = new RMSprop(model.parameters(), { learningRate: 1e-3, rho: 0.9, epsilon: 1e-7 });
  const stamps = [performance.now()];
  let firstLoss = NaN, meanLoss = NaN;
  fit(model, train, {
    epochs: 1,
    batchSize: s.batchSize,
    loss: contrastiveLoss,
    optimizer,
    rng,
    callbacks: [{
      onBatchEnd: (batch, logs) => {
        stamps.push(performance.now());
        if (batch === 0) firstLoss = logs.loss;
        meanLoss = logs.loss;
      },
    }],
  });
  const f = stepFigures(stamps, s.warmupSteps, s.batchSize);
  log(`  train ${f.steps} steps after ${s.warmupSteps} warm-up: ${f.pairsPerSec.toFixed(0)} pairs/s, median step ${f.medianStepMs.toFixed(1)} ms`);

  const t0 = performance.now();
  const v = evaluate(model, test, { batchSize: s.batchSize, loss: contrastiveLoss, metrics: ['binary_accuracy'] });
  const vSeconds = (performance.now() - t0) / 1000;
  return trainFigures(s, f, firstLoss, meanLoss, { pairs: test.size, seconds: vSeconds, loss: v.loss, accuracy: v.binary_accuracy }, log);
}
