/**
 * `pnpm bench`: tsnn (js and wasm backends) against TensorFlow.js (cpu and wasm backends) on the
 * Siamese MNIST model. Each system runs in its own child process (worker.ts), one after the other;
 * this file collects their JSON, prints the markdown report and writes bench/out/.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BATCH_SIZE, FULL_VAL_PAIRS, QUICK_VAL_PAIRS, USAGE, parseOptions, stepsFor, type BenchOptions } from './options.js';
import { checksumMismatches, markdownReport, type BenchRun, type MachineInfo } from './report.js';
import type { RunFailure, SystemName, SystemResult } from './systems.js';

const here = import.meta.url;
const workerPath = fileURLToPath(new URL(here.endsWith('.ts') ? './worker.ts' : './worker.js', here));
const outDir = fileURLToPath(new URL('../out/', here));

function machine(): MachineInfo {
  const c = cpus();
  return {
    cpu: c[0]?.model.trim() ?? 'unknown CPU',
    cores: c.length,
    node: process.version,
    platform: `${platform()} ${release()}`,
    memoryGB: totalmem() / 2 ** 30,
  };
}

function workerArgs(o: BenchOptions, s: SystemName): string[] {
  const { steps, warmup } = stepsFor(o, s);
  const args = ['--system', s, '--steps', String(steps), '--warmup', String(warmup), '--seed', String(o.seed),
    '--batch', String(BATCH_SIZE), '--val-pairs', String(o.quick ? QUICK_VAL_PAIRS : FULL_VAL_PAIRS)];
  if (o.quick) args.push('--quick');
  if (o.threads !== null && s.startsWith('tsnn-')) args.push('--threads', String(o.threads));
  return args;
}

/** Run one worker with the same Node flags as this process (tsx's loader, --conditions=source). */
function runWorker(args: string[]): Promise<SystemResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, workerPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) return reject(new Error(`worker exited with ${signal ?? `code ${code}`}`));
      const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
      if (!line) return reject(new Error('worker printed no JSON result'));
      try {
        resolve(JSON.parse(line) as SystemResult);
      } catch (e) {
        reject(new Error(`worker's JSON does not parse: ${(e as Error).message}`));
      }
    });
  });
}

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  if (o === 'help') {
    console.log(USAGE);
    return 0;
  }
  const m = machine();
  const date = new Date();
  const loadStart = loadavg()[0];
  console.error(`tsnn bench (${o.quick ? 'quick' : 'full'}) on ${m.cpu}, ${m.cores} cores, Node ${m.node}: ${o.systems.join(', ')}`);
  mkdirSync(outDir, { recursive: true });

  const results: SystemResult[] = [];
  const failures: RunFailure[] = [];
  const wallSeconds: BenchRun['wallSeconds'] = {};
  for (const s of o.systems) {
    const t0 = performance.now();
    try {
      results.push(await runWorker(workerArgs(o, s)));
    } catch (e) {
      failures.push({ system: s, error: (e as Error).message });
      console.error(`[${s}] FAILED: ${(e as Error).message}`);
    }
    wallSeconds[s] = (performance.now() - t0) / 1000;
  }

  const notes: string[] = [];
  if (o.threads !== null) notes.push(`--threads ${o.threads}: passed to the tsnn systems only (see their notes); the tfjs systems ran as they chose.`);
  notes.push(...checksumMismatches(results));
  const run: BenchRun = {
    date: date.toISOString(), machine: m, mode: o.quick ? 'quick' : 'full',
    loadAverage: { start: loadStart, end: loadavg()[0] }, seed: o.seed, batchSize: BATCH_SIZE,
    wallSeconds, results, failures, notes,
  };
  const md = markdownReport(run);
  console.log(`\n${md}`);
  const stamp = run.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const jsonPath = `${outDir}bench-${stamp}.json`;
  writeFileSync(jsonPath, JSON.stringify({ ...run, markdown: md }, null, 2) + '\n');
  writeFileSync(`${outDir}latest.md`, md);
  console.error(`Wrote ${jsonPath} and ${outDir}latest.md`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e: Error) => {
    console.error(`bench: ${e.message}`);
    process.exitCode = 2;
  },
);
