/** The markdown report: one main table, the speed-up ratios, and the details behind them. */
import { SYSTEMS, isTsnn, type RunFailure, type SystemName, type SystemResult } from './systems.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  memoryGB: number;
}

export interface BenchRun {
  date: string;
  machine: MachineInfo;
  mode: 'full' | 'quick';
  /** 1-minute load average of the machine when the run started and when it ended (other tenants included). */
  loadAverage: { start: number; end: number };
  seed: number;
  batchSize: number;
  /** Seconds of wall time for each system's worker process. */
  wallSeconds: Partial<Record<SystemName, number>>;
  results: SystemResult[];
  failures: RunFailure[];
  notes: string[];
}

const MATMUL_COLUMNS: ReadonlyArray<{ shape: string; variant: string; label: string }> = [
  { shape: '128×784×128', variant: 'A·B', label: '784: A·B' },
  { shape: '128×784×128', variant: 'Aᵀ·B', label: '784: Aᵀ·B' },
  { shape: '128×784×128', variant: 'A·Bᵀ', label: '784: A·Bᵀ' },
  { shape: '128×128×128', variant: 'A·B', label: '128: A·B' },
  { shape: '128×128×128', variant: 'Aᵀ·B', label: '128: Aᵀ·B' },
  { shape: '128×128×128', variant: 'A·Bᵀ', label: '128: A·Bᵀ' },
];

const gflops = (r: SystemResult, shape: string, variant: string): number =>
  r.matmul.find((c) => c.shape === shape && c.variant === variant)?.gflops ?? NaN;

function num(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '—';
}
const gf = (v: number) => num(v, v < 10 ? 2 : 1);
const ratio = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
const rssMB = (r: SystemResult) => r.maxRssKB / 1024;

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const align = header.map((_, i) => (i === 0 ? '---' : '---:'));
  return [line(header), line(align), ...rows.map(line)].join('\n');
}

export function mainTable(results: SystemResult[]): string {
  const header = ['system', ...MATMUL_COLUMNS.map((c) => c.label), 'train pairs/s', 's/epoch (train only)', 's/epoch (+ validation)', 'peak RSS MB'];
  const rows = results.map((r) => [
    `**${r.system}**`,
    ...MATMUL_COLUMNS.map((c) => gf(gflops(r, c.shape, c.variant))),
    num(r.train?.pairsPerSec ?? NaN, 0),
    num(r.train?.trainSecondsPerEpoch ?? NaN, 1),
    num(r.train?.secondsPerEpochWithVal ?? NaN, 1),
    num(rssMB(r), 0),
  ]);
  return table(header, rows);
}

/** tsnn ÷ peer for every tsnn system and every tfjs system that ran. */
export function ratioTable(results: SystemResult[]): string {
  const tsnn = results.filter((r) => isTsnn(r.system));
  const peers = results.filter((r) => !isTsnn(r.system));
  if (tsnn.length === 0 || peers.length === 0) return '';
  const header = ['tsnn ÷ peer', ...MATMUL_COLUMNS.map((c) => c.label), 'train pairs/s', 's/epoch (+ validation)', 'peak RSS'];
  const rows: string[][] = [];
  for (const t of tsnn) {
    for (const p of peers) {
      rows.push([
        `${t.system} ÷ ${p.system}`,
        ...MATMUL_COLUMNS.map((c) => ratio(gflops(t, c.shape, c.variant) / gflops(p, c.shape, c.variant))),
        ratio((t.train?.pairsPerSec ?? NaN) / (p.train?.pairsPerSec ?? NaN)),
        // A speed-up: the peer's seconds over tsnn's.
        ratio((p.train?.secondsPerEpochWithVal ?? NaN) / (t.train?.secondsPerEpochWithVal ?? NaN)),
        ratio(rssMB(t) / rssMB(p)),
      ]);
    }
  }
  return table(header, rows);
}

export function detailTable(results: SystemResult[]): string {
  const header = ['system', 'engine', 'steps (+ warm-up)', 'median step ms', 'validation s / 10k pairs', 'first → mean train loss', 'val loss', 'val accuracy'];
  const rows = results.map((r) => {
    const t = r.train;
    return [
      r.system,
      r.engine,
      t ? `${t.steps} (+ ${t.warmupSteps})` : '—',
      num(t?.medianStepMs ?? NaN, 1),
      num(t?.validation.secondsPer10k ?? NaN, 2),
      t ? `${num(t.firstLoss, 4)} → ${num(t.meanLoss, 4)}` : '—',
      num(t?.validation.loss ?? NaN, 4),
      t ? `${(100 * t.validation.accuracy).toFixed(1)}%` : '—',
    ];
  });
  return table(header, rows);
}

/** Cells whose Σ C differs between systems by more than a float32 rounding's worth: a wrong product. */
export function checksumMismatches(results: SystemResult[]): string[] {
  const out: string[] = [];
  if (results.length < 2) return out;
  const ref = results[0];
  for (const cell of ref.matmul) {
    for (const r of results.slice(1)) {
      const other = r.matmul.find((c) => c.shape === cell.shape && c.variant === cell.variant);
      if (!other) continue;
      const tol = 1e-3 * Math.max(1, Math.abs(cell.checksum));
      if (Math.abs(other.checksum - cell.checksum) > tol) {
        out.push(`matmul ${cell.shape} ${cell.variant}: Σ C is ${cell.checksum} on ${ref.system} but ${other.checksum} on ${r.system}`);
      }
    }
  }
  return out;
}

/** The largest best ÷ worst round ratio over all matmul cells, e.g. '1.9× (tfjs-wasm 784: A·B)'. */
function spread(results: SystemResult[]): string {
  let worst = 1, where = '';
  for (const r of results) {
    for (const c of r.matmul) {
      const q = Math.max(...c.rounds) / Math.min(...c.rounds);
      if (q > worst) {
        worst = q;
        where = ` (${r.system} ${c.shape} ${c.variant})`;
      }
    }
  }
  return `${worst.toFixed(1)}×${where}`;
}

export function markdownReport(run: BenchRun): string {
  const ordered = SYSTEMS.map((s) => run.results.find((r) => r.system === s)).filter((r): r is SystemResult => r !== undefined);
  const m = run.machine;
  const valPairs = ordered[0]?.train?.validation.pairs ?? 0;
  const rounds = ordered[0]?.matmul[0]?.rounds.length ?? 0;
  const parts = [
    `### tsnn vs TensorFlow.js — ${run.date}${run.mode === 'quick' ? ' (QUICK smoke run: figures not meaningful)' : ''}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGB.toFixed(0)} GB, ${m.platform}, Node ${m.node}; ` +
      `1-minute load average ${run.loadAverage.start.toFixed(2)} at the start, ${run.loadAverage.end.toFixed(2)} at the end (this bench itself keeps one core busy). ` +
      `A shared, noisy machine: in this run the widest spread between one matmul cell's best and worst round was ${spread(ordered)}. ` +
      'Each system ran alone in its own process, one after the other, on the threads its engine column lists.',
    '',
    mainTable(ordered),
    '',
    `matmul: GFLOP/s of one gemm, the best of ${rounds} interleaved timing rounds after warm-up (medians in the JSON). \`784:\` is the 128×784×128 gemm of the first Dense layer (batch 128, 784 → 128), ` +
      '`128:` the 128×128×128 gemm of the other two. A·B = forward x·W, Aᵀ·B = dW = xᵀ·dz, A·Bᵀ = dx = dz·Wᵀ. ' +
      `Training: pairs/s over the measured steps (batch ${run.batchSize}) after warm-up; s/epoch (train only) = 60,000 / (pairs/s), validation excluded; ` +
      `s/epoch (+ validation) adds a measured inference pass over ${valPairs === 10000 ? '10,000' : `${valPairs} (scaled to 10,000)`} test pairs. ` +
      'Peak RSS: the worker process\'s maxRSS (MNIST loaded, pairs made, matmul and training done).',
  ];
  const ratios = ratioTable(ordered);
  if (ratios) {
    parts.push('', 'Speed-ups, tsnn ÷ peer (> 1: tsnn faster); peak RSS as tsnn ÷ peer (< 1: tsnn uses less memory):', '', ratios);
  }
  parts.push('', detailTable(ordered));
  const notes = [...run.notes, ...ordered.flatMap((r) => r.notes.map((n) => `${r.system}: ${n}`)), ...run.failures.map((f) => `${f.system} FAILED: ${f.error}`)];
  if (notes.length) parts.push('', ...notes.map((n) => `- ${n}`));
  return parts.join('\n') + '\n';
}
