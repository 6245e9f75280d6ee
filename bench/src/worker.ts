/**
 * Runs one system in its own process (so each gets its own peak RSS and tfjs backends never share a
 * process): matmul, then training and validation. Progress goes to stderr; the result is the one line
 * of JSON on stdout.
 *   tsx worker.ts --system tsnn-wasm --steps 200 --warmup 10 --val-pairs 10000 --seed 0 [--quick] [--threads N]
 */
import { parseArgs } from 'node:util';
import { benchMatmul } from './matmul.js';
import { SYSTEMS, isTsnn, type MatmulCell, type SystemName, type SystemResult, type TrainFigures } from './systems.js';
import { FULL_TIMING, QUICK_TIMING } from './timing.js';
import type { TrainSettings } from './train-settings.js';

const { values } = parseArgs({
  options: {
    system: { type: 'string' },
    steps: { type: 'string' },
    warmup: { type: 'string' },
    'val-pairs': { type: 'string' },
    seed: { type: 'string' },
    batch: { type: 'string' },
    threads: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
  strict: true,
});

const system = values.system as SystemName;
if (!(SYSTEMS as readonly string[]).includes(system)) throw new Error(`worker: --system must be one of ${SYSTEMS.join(', ')}, got '${values.system}'`);
const int = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 0) throw new Error(`worker: --${name} must be a non-negative integer, got '${v}'`);
  return n;
};
const settings: TrainSettings = {
  seed: int('seed', values.seed),
  batchSize: int('batch', values.batch),
  warmupSteps: int('warmup', values.warmup),
  steps: int('steps', values.steps),
  valPairs: int('val-pairs', values['val-pairs']),
};
const timing = values.quick ? QUICK_TIMING : FULL_TIMING;
const log = (line: string) => process.stderr.write(`[${system}] ${line}\n`);
const notes: string[] = [];

let engine: string;
let matmul: MatmulCell[];
let train: TrainFigures | null;
if (isTsnn(system)) {
  const { setupTsnn, trainTsnn, tsnnGemm } = await import('./train-tsnn.js');
  const threads = values.threads === undefined ? null : int('threads', values.threads);
  const setup = await setupTsnn(system === 'tsnn-js' ? 'js' : 'wasm', threads, system === 'tsnn-wasm-strict' ? 'strict' : undefined, system !== 'tsnn-wasm-dense');
  engine = setup.engine;
  notes.push(...setup.notes);
  log(engine);
  matmul = benchMatmul(tsnnGemm, timing, log);
  train = trainTsnn(settings, log);
} else {
  const { setupTfjs, trainTfjs, tfjsGemm } = await import('./train-tfjs.js');
  engine = await setupTfjs(system === 'tfjs-cpu' ? 'cpu' : 'wasm');
  log(engine);
  matmul = benchMatmul(tfjsGemm, timing, log);
  const { tensorsLeaked, ...figures } = await trainTfjs(settings, log);
  if (tensorsLeaked !== 0) notes.push(`tfjs: ${tensorsLeaked} tensors more after the last training step than after the first`);
  train = figures;
}

const result: SystemResult = { system, engine, matmul, train, maxRssKB: process.resourceUsage().maxRSS, notes };
log(`peak RSS ${(result.maxRssKB / 1024).toFixed(0)} MB`);
process.stdout.write(JSON.stringify(result) + '\n');
