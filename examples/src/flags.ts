/** Strict flag values shared by the example command lines: a wrong value is a UsageError (exit 2). */
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { KernelVariant } from '@tsnn/tensor';

/** A wrong or malformed flag: the command prints its usage and exits with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The largest seed: the generator is seeded from 32 bits, so a larger one would silently wrap around. */
export const MAX_SEED = 2 ** 32 - 1;

/** An integer flag in [min, max]; `fallback` (a number, or null for "not given") when absent. */
export function intFlag<T extends number | null>(flag: string, v: string | undefined, fallback: T, min: number, max = Number.MAX_SAFE_INTEGER): number | T {
  if (v === undefined) return fallback;
  if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`--${flag} must be an integer ${range}, got '${v}'`);
  }
  return Number(v);
}

/** A seed flag: 0 ≤ seed ≤ 2³² − 1. */
export function seedFlag(v: string | undefined): number {
  return intFlag('seed', v, 0, 0, MAX_SEED);
}

/**
 * A path flag: absent → fallback; empty → a usage error. A relative path is taken from the folder the
 * user ran pnpm in (INIT_CWD), not from examples/ where pnpm runs the script.
 */
export function pathFlag<T extends string | null>(flag: string, v: string | undefined, fallback: T): string | T {
  if (v === '') throw new UsageError(`--${flag} needs a path`);
  return v === undefined ? fallback : resolve(process.env.INIT_CWD ?? process.cwd(), v);
}

/** --kernels strict|relaxed; null when absent (then $TSNN_KERNELS, else the fastest here). */
export function kernelsFlag(v: string | undefined): KernelVariant | null {
  if (v === undefined) return null;
  if (v !== 'strict' && v !== 'relaxed') throw new UsageError(`--kernels must be strict or relaxed, got '${v}'`);
  return v;
}

/** The help line of --kernels, the same in every example. */
export const KERNELS_USAGE = `  --kernels NAME      strict (the same bits on every machine) or relaxed (fused
                      multiply-add, Node ≥ 22; default where supported; also $TSNN_KERNELS)`;

type FlagSpec = NonNullable<ParseArgsConfig['options']>;

/** The flags every example takes (spread into its own spec). */
export const COMMON_FLAGS = {
  seed: { type: 'string' },
  limit: { type: 'string' },
  'data-dir': { type: 'string' },
  out: { type: 'string' },
  kernels: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;
/** The flags every training example takes besides the common ones (siamese, mnist). */
export const TRAINING_FLAGS = {
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  resume: { type: 'string' },
  weights: { type: 'string' },
  'eval-only': { type: 'boolean' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  overwrite: { type: 'boolean' },
} as const;
/**
 * --resume continues the run in its folder with its own model: --weights, --eval-only and --overwrite
 * cannot go with it (the run's settings may be repeated; the run compares them with its checkpoint).
 */
export function checkResumeFlags(values: { resume?: string; weights?: string; 'eval-only'?: boolean; overwrite?: boolean }): void {
  if (values.resume === undefined) return;
  const clash = (['weights', 'eval-only', 'overwrite'] as const).find((f) => values[f] !== undefined);
  if (clash) throw new UsageError(`--resume continues the run in its folder from its checkpoint; --${clash} cannot be given with it`);
}
type StrictValues<T extends FlagSpec> = ReturnType<typeof parseArgs<{ args: string[]; strict: true; allowPositionals: false; options: T }>>['values'];

/**
 * Parse argv strictly (no positionals, no unknown flags) against `options`; any problem is a UsageError.
 * A value that starts with '-' followed by a digit (`--seed -1`) is taken as the value, so the flag's own
 * check reports it (Node's parseArgs would call it "ambiguous").
 */
export function strictFlags<T extends FlagSpec>(argv: string[], options: T): StrictValues<T> {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : null;
    const next = argv[i + 1];
    if (name !== null && options[name]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      args.push(`${argv[i]}=${next}`);
      i++;
    } else {
      args.push(argv[i]);
    }
  }
  try {
    return parseArgs({ args, strict: true, allowPositionals: false, options }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The options every training example takes (its own add to them); `Setting`: the flags a checkpoint pins. */
export interface TrainingOptions<Setting extends string> {
  /** null: 20 for a new run, the checkpoint's total for --resume. */
  epochs: number | null;
  batchSize: number;
  seed: number;
  /** Train on the first N training samples only. */
  limit: number | null;
  dataDir: string | null;
  out: string;
  weights: string | null;
  evalOnly: boolean;
  backend: 'js' | 'wasm' | null;
  /** Kernel variant; null: $TSNN_KERNELS, else the fastest here. */
  kernels: KernelVariant | null;
  /** Threads for the wasm gemm (1: no worker pool). */
  threads: number;
  /** Continue the run whose checkpoint is in this folder. */
  resume: string | null;
  /** Replace a finished or resumable run in --out instead of refusing. */
  overwrite: boolean;
  /** The run-setting flags given on the command line (checked against the checkpoint on --resume). */
  given: Setting[];
  verbose: boolean;
}

/** The values of COMMON_FLAGS and TRAINING_FLAGS as strictFlags returns them. */
type TrainingFlagValues = Partial<Record<'seed' | 'limit' | 'data-dir' | 'out' | 'kernels' | 'epochs' | 'batch-size' | 'resume' | 'weights' | 'backend' | 'threads', string>> &
  Partial<Record<'verbose' | 'eval-only' | 'overwrite', boolean>> & Record<string, unknown>;

/**
 * The TrainingOptions of parsed flags, checked: --resume's companions, --backend, --eval-only's --weights.
 * `settingFlags`: the flags a checkpoint pins (recorded as given when present); `defaultOut`: --out's default.
 */
export function trainingOptions<S extends string>(values: TrainingFlagValues, settingFlags: readonly S[], defaultOut: string): TrainingOptions<S> {
  checkResumeFlags(values);
  const backend = values.backend ?? null;
  if (backend !== null && backend !== 'js' && backend !== 'wasm') throw new UsageError(`--backend must be js or wasm, got '${backend}'`);
  const evalOnly = values['eval-only'] ?? false;
  if (evalOnly && !values.weights) throw new UsageError('--eval-only needs --weights FILE');
  return {
    epochs: intFlag('epochs', values.epochs, null, 1),
    batchSize: intFlag('batch-size', values['batch-size'], 128, 1),
    seed: seedFlag(values.seed),
    limit: intFlag('limit', values.limit, null, 1),
    dataDir: pathFlag('data-dir', values['data-dir'], null),
    out: pathFlag('out', values.out ?? values.resume, defaultOut),
    weights: pathFlag('weights', values.weights, null),
    evalOnly,
    backend,
    kernels: kernelsFlag(values.kernels),
    threads: intFlag('threads', values.threads, 1, 1),
    resume: pathFlag('resume', values.resume, null),
    overwrite: values.overwrite ?? false,
    given: settingFlags.filter((f) => values[f] !== undefined),
    verbose: values.verbose ?? false,
  };
}
