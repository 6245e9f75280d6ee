/** What every optimizer shares: the named parameters it steps, and state that can be saved and restored. */
import { TsnnError, type NamedParam } from '@tsnn/tensor';

/** Per-parameter state by parameter name (e.g. RMSprop's `v`), plus the step count. */
export interface OptimizerState {
  kind: string;
  iterations: number;
  /** The learning rate at the time (callbacks may have changed it); absent in states from before it could change. */
  learningRate?: number;
  slots: Record<string, Record<string, Float32Array>>;
}

export abstract class Optimizer {
  readonly params: readonly NamedParam[];
  iterations = 0;
  private lr = NaN;

  constructor(params: NamedParam[]) {
    const names = new Set<string>();
    for (const { name } of params) {
      if (names.has(name)) throw new TsnnError(`${this.constructor.name}: parameter name '${name}' appears twice`);
      names.add(name);
    }
    this.params = params;
  }

  /** The learning rate of the next step; settable (LearningRateScheduler, ReduceLROnPlateau), must be > 0. */
  get learningRate(): number {
    return this.lr;
  }

  set learningRate(v: number) {
    checkHyper(this.constructor.name, 'learningRate', v, typeof v === 'number' && v > 0, '> 0');
    this.lr = v;
  }

  /** Update every parameter from its gradient. Never clears gradients. */
  abstract step(): void;

  /** The name a saved state carries ('rmsprop', …). */
  abstract readonly kind: string;

  /** Per-parameter state by slot name, each array indexed like `params` (e.g. `{ v: this.v }`). */
  protected abstract slotArrays(): Record<string, Float32Array[]>;

  /** A copy of the step count and every slot, by parameter name. */
  getState(): OptimizerState {
    const arrays = Object.entries(this.slotArrays());
    const slots: OptimizerState['slots'] = {};
    this.params.forEach((p, i) => (slots[p.name] = Object.fromEntries(arrays.map(([slot, a]) => [slot, a[i].slice()]))));
    return { kind: this.kind, iterations: this.iterations, learningRate: this.learningRate, slots };
  }

  /** Restore a state from getState (checked: kind, every parameter, every slot's length). */
  setState(state: OptimizerState): void {
    const kind = this.kind;
    if (state.kind !== kind) throw new TsnnError(`${kind}.setState: state is for '${state.kind}'`);
    const arrays = Object.entries(this.slotArrays());
    this.params.forEach((p, i) => {
      const s = state.slots[p.name];
      if (!s) throw new TsnnError(`${kind}.setState: no state for parameter '${p.name}'`);
      for (const [slot, a] of arrays) {
        const v = s[slot], dst = a[i];
        if (!v || v.length !== dst.length) {
          throw new TsnnError(`${kind}.setState: ${p.name}.${slot} has ${v ? v.length : 0} values, expected ${dst.length}`);
        }
        dst.set(v);
      }
    });
    if (state.learningRate !== undefined) this.learningRate = state.learningRate;
    this.iterations = state.iterations;
  }
}

export function checkHyper(op: string, name: string, v: number, ok: boolean, range: string): void {
  if (!ok || !Number.isFinite(v)) throw new TsnnError(`${op}: ${name} must be ${range}, got ${v}`);
}
