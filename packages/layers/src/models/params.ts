/** Parameter walks: prefix names with the path and keep each Param once (by identity). */
import type { NamedParam } from '@tsnn/tensor';

export function uniqueParameters(groups: [prefix: string, params: NamedParam[]][]): NamedParam[] {
  const seen = new Set<unknown>();
  const out: NamedParam[] = [];
  for (const [prefix, params] of groups) {
    for (const { name, param } of params) {
      if (seen.has(param)) continue;
      seen.add(param);
      out.push({ name: `${prefix}.${name}`, param });
    }
  }
  return out;
}

export function zeroGrads(params: NamedParam[]): void {
  for (const { param } of params) param.zeroGrad();
}
