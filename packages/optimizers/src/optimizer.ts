/** What every optimizer shares: the named parameters it steps, and state that can be saved and restored. */
import { TsnnError, type NamedParam } from '@tsnn/tensor';

/** Per-parameter state by parameter name (e.g. RMSprop's `v`), plus the step count. */
export interface OptimizerState {
  kind: string;
  iterations: number;
  slots: Record<string, Record<string, Float32Array>>;
}

export abstract class Optimizer {
  readonly params: readonly NamedParam[];
  iterations = 0;

  constructor(params: NamedParam[]) {
    const names = new Set<string>();
    for (const { name } of params) {
      if (names.has(name)) throw new TsnnError(`${this.constructor.name}: parameter name '${name}' appears twice`);
      names.add(name);
    }
    this.params = params;
  }

  /** Update every parameter from its gradient. Never clears gradients. */
  abstract step(): void;

  abstract getState(): OptimizerState;
  abstract setState(state: OptimizerState): void;

  protected restoreSlots(state: OptimizerState, kind: string, slotNames: string[], target: (p: NamedParam, slot: string) => Float32Array): void {
    if (state.kind !== kind) throw new TsnnError(`${kind}.setState: state is for '${state.kind}'`);
    for (const p of this.params) {
      const s = state.slots[p.name];
      if (!s) throw new TsnnError(`${kind}.setState: no state for parameter '${p.name}'`);
      for (const slot of slotNames) {
        const v = s[slot];
        const dst = target(p, slot);
        if (!v || v.length !== dst.length) {
          throw new TsnnError(`${kind}.setState: ${p.name}.${slot} has ${v ? v.length : 0} values, expected ${dst.length}`);
        }
        dst.set(v);
      }
    }
    this.iterations = state.iterations;
  }
}

export function checkHyper(op: string, name: string, v: number, ok: boolean, range: string): void {
  if (!ok || !Number.isFinite(v)) throw new TsnnError(`${op}: ${name} must be ${range}, got ${v}`);
}
