/**
 * summary(model): Keras's `model.summary()` for a built model — one row per layer with its path, what it
 * is, its output shape and its parameter count, then the totals. Output widths come from one
 * inference-mode forward pass of a single zero row, so every layer kind is covered without each one
 * having to report its width.
 */
import { Tensor, TsnnError, type NamedParam } from '@tsnn/tensor';
import type { Layer, LayerConfig } from '../layers/layer.js';
import { Sequential } from './sequential.js';
import { Siamese } from './siamese.js';

interface Row {
  path: string;
  what: string;
  out: string;
  params: number;
}

const count = (ps: NamedParam[]) => ps.reduce((s, p) => s + p.param.size, 0);
const thousands = (n: number) => n.toLocaleString('en-US');

/** `dense(128, relu)`, `dropout(0.1)`, `relu`, `subtract`: the kind and the config's other values. */
function describe({ kind, ...rest }: LayerConfig): string {
  const args = Object.values(rest).filter((v) => typeof v === 'number' || typeof v === 'string');
  return args.length ? `${kind}(${args.join(', ')})` : kind;
}

/** The rows of a Sequential's layers, fed x: [1, features]; returns the output. */
function sequentialRows(seq: Sequential, prefix: string, x: Tensor, rows: Row[]): Tensor {
  const ctx = { training: false }; // inference: no draws
  seq.layers.forEach((layer: Layer, i) => {
    x = layer.forward(x, ctx).y;
    rows.push({ path: `${prefix}${seq.names[i]}`, what: describe(layer.config()), out: `[batch, ${x.shape[1]}]`, params: count(layer.parameters()) });
  });
  return x;
}

export function summary(model: Siamese | Sequential): string {
  const rows: Row[] = [];
  let total: number;
  let note = '';
  if (model instanceof Siamese) {
    const inFeatures = model.inFeatures;
    if (inFeatures === null) throw new TsnnError('summary: model is not built yet (call build(inFeatures, rng))');
    const e = sequentialRows(model.base, 'base.', new Tensor([1, inFeatures]), rows);
    const ctx = { training: false };
    const m = model.merge.forward(e, e, ctx).y;
    rows.push({ path: 'merge', what: describe(model.merge.config()), out: `[batch, ${m.shape[1]}]`, params: 0 });
    sequentialRows(model.head, 'head.', m, rows);
    total = count(model.parameters());
    note = `Inputs: two of [batch, ${inFeatures}]; the base is applied to both (one set of weights).\n`;
  } else {
    if (model.inFeatures === null) throw new TsnnError('summary: model is not built yet (call build(inFeatures, rng))');
    sequentialRows(model, '', new Tensor([1, model.inFeatures]), rows);
    total = count(model.parameters());
    note = `Input: [batch, ${model.inFeatures}].\n`;
  }
  const header: Row = { path: 'Layer', what: 'Kind', out: 'Output shape', params: NaN };
  const cells = (r: Row) => [r.path, r.what, r.out, Number.isNaN(r.params) ? 'Params' : thousands(r.params)];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...[header, ...rows].map((r) => cells(r)[c].length)));
  const line = (r: Row) => cells(r).map((s, c) => (c === 3 ? s.padStart(widths[c]) : s.padEnd(widths[c]))).join('  ');
  const rule = '─'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  return [note + line(header), rule, ...rows.map(line), rule,
    `Total params: ${thousands(total)} (${(total * 4 / 1024).toFixed(1)} KB as float32), all trainable`].join('\n');
}
