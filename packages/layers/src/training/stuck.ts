/**
 * Runs that can no longer learn, noticed after an epoch instead of trained on for the remaining ones.
 *
 * - Dead ReLUs: when every ReLU unit of a layer outputs 0 for every sample (one step pushed every
 *   pre-activation below 0), no gradient reaches that layer or anything before it. Watched through the
 *   bias gradient of each Dense layer whose output goes through a ReLU, db = Σ_rows dy·[y > 0]: it is
 *   exactly 0 for every step of an epoch only when no unit let a gradient through for any sample.
 * - A saturated sigmoid output: when the final Dense(sigmoid) outputs exactly 0 or 1 in float32 for every
 *   sample (|logit| beyond ~17 and ~87: weights blown up), its slope y(1 − y) vanishes, so the outputs
 *   that are wrong cannot be corrected; an optimizer that normalises the step (RMSprop, Adam) then only
 *   throws the weights about. Flagged when the epoch's loss is still above 0.
 * Both are typical of a learning rate far too high (e.g. 1e6); fit throws a TsnnError naming the layer, the
 * epoch and the likely cause, as it does for a non-finite loss. The watch reads `units` floats per layer
 * and the batch's outputs per step: negligible next to the step.
 */
import { TsnnError, type Param } from '@tsnn/tensor';
import { Dense } from '../layers/dense.js';
import type { Layer } from '../layers/layer.js';

interface Node {
  layers?: readonly Layer[];
  names?: readonly string[];
  base?: unknown;
  head?: unknown;
}

/** Dense layers followed by a ReLU (fused or as the next layer), with path names, in any nesting of layers/base/head. */
function reluDenses(node: unknown, path: string, out: { name: string; dense: Dense }[]): void {
  const n = node as Node;
  if (n === null || typeof n !== 'object') return;
  if (Array.isArray(n.layers)) {
    n.layers.forEach((l, i) => {
      const name = `${path}${n.names?.[i] ?? `${l.kind}${i + 1}`}`;
      if (l instanceof Dense && (l.activation === 'relu' || n.layers![i + 1]?.kind === 'relu')) out.push({ name, dense: l });
      else reluDenses(l, `${name}.`, out);
    });
  }
  if (n.base) reluDenses(n.base, `${path}base.`, out);
  if (n.head) reluDenses(n.head, `${path}head.`, out);
}

/** Whether the model's output comes from a sigmoid: its last layer (of the head, for a Siamese) is Dense(sigmoid) or Sigmoid. */
function endsInSigmoid(model: unknown): boolean {
  const m = model as Node;
  const last = (m.head as Node | undefined)?.layers?.at(-1) ?? m.layers?.at(-1);
  return !!last && ((last instanceof Dense && last.activation === 'sigmoid') || last.kind === 'sigmoid');
}

/** A float32 sigmoid output whose slope y(1 − y) has vanished. */
const saturated = (p: number) => p * (1 - p) < 1e-30;

export class StuckWatch {
  private readonly relus: { name: string; bias: Param; alive: boolean }[];
  private readonly sigmoid: boolean;
  private allSaturated = true;

  constructor(private readonly model: { parameters(): { name: string; param: Param }[] }) {
    const found: { name: string; dense: Dense }[] = [];
    reluDenses(model, '', found);
    this.relus = found.filter((f) => f.dense.bias).map(({ name, dense }) => ({ name, bias: dense.bias!, alive: false }));
    this.sigmoid = endsInSigmoid(model);
  }

  /** After a step's backward, with the step's outputs y (n of them). */
  afterStep(y: Float32Array, n: number): void {
    for (const w of this.relus) {
      if (w.alive) continue;
      const g = w.bias.grad;
      for (let i = 0; i < g.length; i++) {
        if (g[i] !== 0) {
          w.alive = true;
          break;
        }
      }
    }
    if (this.sigmoid && this.allSaturated) {
      for (let i = 0; i < n; i++) {
        if (!saturated(y[i])) {
          this.allSaturated = false;
          break;
        }
      }
    }
  }

  /**
   * At an epoch's end: throws if the run is stuck; then starts watching the next epoch. `whole`: the watch
   * saw every step of the epoch (false for an epoch resumed midway: no verdict).
   */
  endEpoch(op: string, epoch: number, loss: number, whole: boolean): void {
    const dead = [...this.relus].reverse().find((w) => !w.alive); // the one nearest the output: everything before it is cut off too
    const saturatedAll = this.sigmoid && this.allSaturated && loss > 0;
    for (const w of this.relus) w.alive = false;
    this.allSaturated = true;
    if (!whole || (!dead && !saturatedAll)) return;
    const stuck = `${op}: training is stuck at loss ${loss.toFixed(4)} in epoch ${epoch}: `;
    const causes = 'Likely causes: a learning rate too high, or inputs not scaled to a small range (e.g. pixels not divided by 255)';
    if (dead) {
      throw new TsnnError(`${stuck}no gradient reached ${dead.name} for any sample (its ReLU units all output 0, or every ` +
        `layer after it does: dead ReLUs), so no weight before it can change again. ${causes}`);
    }
    throw new TsnnError(`${stuck}the final sigmoid output exactly 0 or 1 for every sample (saturated, so its gradient ` +
      `vanishes and the wrong outputs cannot be corrected); the largest weight is ${this.largestWeight().toExponential(1)}. ${causes}`);
  }

  private largestWeight(): number {
    let m = 0;
    for (const { param } of this.model.parameters()) for (const v of param.value) m = Math.max(m, Math.abs(v));
    return m;
  }
}
