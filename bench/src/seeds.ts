/**
 * `pnpm --filter @tsnn/bench seeds -- [--from 0] [--to 19] [--jobs 2] [--out DIR]`: the example's default run
 * (`pnpm example:siamese --seed N`, 20 epochs) for a range of seeds, then one table: final and best validation
 * binary accuracy, training accuracy after epoch 1, and how much of the output unit's initial weights is
 * negative — the head's starting capacity to say "different" (see the README: seeds that start with little of
 * it train slowly, in TensorFlow.js too). A seed whose summary.json is already in DIR is not run again.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Rng } from '@tsnn/tensor';
import type { Dense } from '@tsnn/layers';
import { loadMnist, makePairs, siameseMlp } from '@tsnn/examples';
import { median } from './timing.js';

const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, jobs: { type: 'string' }, out: { type: 'string' } } });
const int = (name: string, v: string | undefined, dflt: number, min: number): number => {
  const n = Number(v ?? dflt);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got '${v}'`);
  return n;
};
const from = int('from', values.from, 0, 0), to = int('to', values.to, 19, from), jobs = int('jobs', values.jobs, 1, 1);
const out = values.out ?? '/tmp/tsnn-seeds';
const examples = fileURLToPath(new URL('../../examples', import.meta.url));
mkdirSync(out, { recursive: true });
const seeds = Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Run the example for one seed unless its summary is already there; its output goes to DIR/seed-N.log. */
function run(seed: number): Promise<void> {
  const dir = join(out, `seed-${seed}`);
  if (existsSync(join(dir, 'summary.json'))) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const child = spawn(`tsx --conditions=source src/siamese.ts --seed ${seed} --out '${dir}' > '${dir}.log' 2>&1`, { cwd: examples, shell: true, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed ${seed}: the example exited with ${code}; see ${dir}.log`))));
  });
}

const queue = [...seeds];
await Promise.all(Array.from({ length: jobs }, async () => {
  for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
    console.error(`seed ${s} …`);
    await run(s);
  }
}));

/** Σ max(−w, 0) over the output unit's initial weights, drawn as the example draws them (pairs first). */
const { train, test } = loadMnist();
function negativeOutputWeight(seed: number): number {
  const rng = new Rng(seed);
  makePairs(train.labels, train.numClasses, rng);
  makePairs(test.labels, test.numClasses, rng);
  const w = (siameseMlp(train.rows * train.cols, rng).head.layers[2] as Dense).kernel!.value;
  return w.reduce((s, x) => s + Math.max(-x, 0), 0);
}

interface Row { seed: number; final: number; best: number; epoch1: number; negative: number }
const rows: Row[] = seeds.map((seed) => {
  const summary = JSON.parse(readFileSync(join(out, `seed-${seed}`, 'summary.json'), 'utf8'));
  const history = JSON.parse(readFileSync(join(out, `seed-${seed}`, 'history.json'), 'utf8'));
  return { seed, final: summary.finalValAccuracy, best: summary.bestValAccuracy, epoch1: history.binary_accuracy[0], negative: negativeOutputWeight(seed) };
});

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[], m = mean(xs)) => Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
/** Spearman's rank correlation (no ties expected in these real-valued figures). */
function spearman(a: number[], b: number[]): number {
  const rank = (xs: number[]) => {
    const r = new Array<number>(xs.length);
    xs.map((x, i) => [x, i]).sort((p, q) => p[0] - q[0]).forEach(([, i], k) => (r[i] = k));
    return r;
  };
  const ra = rank(a), rb = rank(b), n = a.length;
  return 1 - (6 * ra.reduce((s, r, i) => s + (r - rb[i]) ** 2, 0)) / (n * (n * n - 1));
}

console.log('| seed | final val accuracy | best | train accuracy, epoch 1 | Σ max(−w₂, 0) at init |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(`| ${r.seed} | ${pct(r.final)} | ${pct(r.best)} | ${r.epoch1.toFixed(4)} | ${r.negative.toFixed(2)} |`);
const finals = rows.map((r) => r.final);
console.log(`\n${rows.length} seeds: final ${pct(mean(finals))} ± ${pct(sd(finals))} (mean ± sd), median ${pct(median(finals))}, ` +
  `min ${pct(Math.min(...finals))}, max ${pct(Math.max(...finals))}, below 96.8%: ${finals.filter((f) => f < 0.968).length}`);
if (rows.length >= 5) { // fewer ranks say nothing
  console.log(`Spearman correlation of the final accuracy with Σ max(−w₂, 0) at init: ${spearman(rows.map((r) => r.negative), finals).toFixed(2)}; ` +
    `with epoch-1 training accuracy: ${spearman(rows.map((r) => r.epoch1), finals).toFixed(2)}`);
}
