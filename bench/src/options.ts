/** Command-line options of `pnpm bench` and the per-system settings they resolve to. */
import { parseArgs } from 'node:util';
import { SYSTEMS, parseSystems, type SystemName } from './systems.js';

export interface BenchOptions {
  quick: boolean;
  systems: SystemName[];
  /** Requested tsnn thread count, or null. */
  threads: number | null;
  /** Measured training steps for every system, or null for each system's default. */
  steps: number | null;
  seed: number;
}

export const USAGE = `pnpm bench [--quick] [--only ${SYSTEMS.join(',')}] [--steps N] [--threads N] [--seed N]
  --quick     smoke run: short matmul rounds, a few training steps, 1,280 validation pairs
  --only      the systems to run (comma-separated; default all, run one after the other)
  --steps N   measured training steps for every system (default: see STEPS in options.ts)
  --threads N split tsnn-wasm's gemm over N threads with useThreads from @tsnn/tensor/pool.node,
              where the installed @tsnn/tensor has it (else ignored, with a note); default 1
  --seed N    seed of the pairs and of tsnn's weights (default 0, as the example)`;

/** Measured steps and warm-up steps per system; tfjs-cpu takes ~0.25 s a step, so it gets fewer. */
const STEPS: Record<SystemName, { full: number; quick: number; warmup: number; quickWarmup: number }> = {
  'tsnn-js': { full: 300, quick: 10, warmup: 10, quickWarmup: 2 },
  'tsnn-wasm': { full: 400, quick: 10, warmup: 10, quickWarmup: 2 },
  'tsnn-wasm-strict': { full: 400, quick: 10, warmup: 10, quickWarmup: 2 },
  'tsnn-wasm-dense': { full: 400, quick: 10, warmup: 10, quickWarmup: 2 },
  'tfjs-wasm': { full: 200, quick: 10, warmup: 5, quickWarmup: 2 },
  'tfjs-cpu': { full: 60, quick: 3, warmup: 3, quickWarmup: 1 },
};

export const BATCH_SIZE = 128;
export const FULL_VAL_PAIRS = 10000;
export const QUICK_VAL_PAIRS = 1280;
/** Training pairs in one MNIST epoch / batch size, rounded down: the most steps the pairs allow. */
export const MAX_STEPS = Math.floor(60000 / BATCH_SIZE);

function positiveInt(name: string, v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got '${v}'`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      threads: { type: 'string' },
      steps: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const systems = values.only === undefined ? [...SYSTEMS] : parseSystems(values.only);
  if (systems.length === 0) throw new Error('--only: no system given');
  const seedText = values.seed ?? '0';
  const seed = Number(seedText);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer, got '${seedText}'`);
  return { quick: values.quick, systems, threads: positiveInt('threads', values.threads), steps: positiveInt('steps', values.steps), seed };
}

export function stepsFor(o: BenchOptions, s: SystemName): { steps: number; warmup: number } {
  const d = STEPS[s];
  const steps = o.steps ?? (o.quick ? d.quick : d.full);
  const warmup = o.quick ? d.quickWarmup : d.warmup;
  if (steps + warmup > MAX_STEPS) throw new Error(`--steps ${steps}: with ${warmup} warm-up steps that is more than the ${MAX_STEPS} batches in one epoch of pairs`);
  return { steps, warmup };
}
