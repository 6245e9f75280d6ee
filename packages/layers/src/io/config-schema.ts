/**
 * The schema of a model file's config: which layer kinds exist, which keys each takes and what values
 * they allow. decodeModel checks a file's config against it before anything is built, so an edited or
 * corrupted config is a ModelFormatError naming the field (`config.base.layers[0].units`), never a
 * TypeError from deep inside a constructor. A new layer kind adds its entry here.
 */
import { ACTIVATIONS } from '../layers/activations.js';

/**
 * Why v is not allowed (a phrase), or null. `at` is the field's path, for nested checks; `limit` bounds
 * sizes (a layer of n units stores at least n values, so no size exceeds the values in the file).
 */
type Check = (v: unknown, at: string, limit: number) => string | null;

const size = (v: unknown, limit: number): string | null => {
  if (!Number.isInteger(v) || (v as number) < 1) return `must be an integer ≥ 1, got ${show(v)}`;
  return (v as number) > limit ? `${v} is more than the ${limit} values stored in the file could hold` : null;
};
const positiveInt: Check = (v, _, limit) => size(v, limit);
const featuresOrNull: Check = (v, _, limit) => (v === null ? null : size(v, limit)?.replace('integer ≥ 1', 'integer ≥ 1 or null') ?? null);
const rate: Check = (v) => (typeof v === 'number' && v >= 0 && v < 1 ? null : `must be a number in [0, 1), got ${show(v)}`);
const activation: Check = (v) => (ACTIVATIONS.includes(v as never) ? null : `must be one of ${ACTIVATIONS.join(', ')}, got ${show(v)}`);
const layers: Check = (v, at, limit) => {
  if (!Array.isArray(v)) return `must be a list of layer configs, got ${show(v)}`;
  for (let i = 0; i < v.length; i++) {
    const why = configProblem(v[i], `${at}[${i}]`, LAYER_KINDS, limit);
    if (why) return why;
  }
  return null;
};
const merge: Check = (v, at, limit) => configProblem(v, at, MERGE_KINDS, limit);

/** Layer kinds (inside a Sequential) and the keys each takes besides `kind`. */
export const LAYER_KINDS: Record<string, Record<string, Check>> = {
  dense: { units: positiveInt, activation },
  dropout: { rate },
  relu: {},
  sigmoid: {},
  tanh: {},
  softmax: {},
  sequential: { inFeatures: featuresOrNull, layers },
};

/** Merge layers of a Siamese model. */
export const MERGE_KINDS: Record<string, Record<string, Check>> = { subtract: {}, euclidean: {} };

/** A Siamese model's base and head: Sequentials; the base also knows its input features. */
const tower = (needsInputs: boolean): Check => (v, at, limit) => {
  const why = configProblem(v, at, { sequential: LAYER_KINDS.sequential }, limit);
  if (why || !needsInputs || (v as { inFeatures: unknown }).inFeatures !== null) return why;
  return `${at}.inFeatures: must be an integer ≥ 1 (the model's input features), got null`;
};

/** Whole models: what a model file's config may be. */
export const MODEL_KINDS: Record<string, Record<string, Check>> = {
  siamese: { base: tower(true), merge, head: tower(false) },
  sequential: LAYER_KINDS.sequential,
};

/**
 * The first problem of config c at path `at` against `kinds`, as `at.key: why`, or null. Every key of the
 * kind must be present, and no other.
 */
export function configProblem(c: unknown, at: string, kinds: Record<string, Record<string, Check>> = MODEL_KINDS, limit = Infinity): string | null {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return `${at}: must be a layer config object, got ${show(c)}`;
  const o = c as Record<string, unknown>;
  const spec = typeof o.kind === 'string' && Object.hasOwn(kinds, o.kind) ? kinds[o.kind] : undefined;
  if (!spec) return `${at}.kind: unknown kind ${show(o.kind)} (known here: ${Object.keys(kinds).join(', ')})`;
  const takes = `${o.kind} takes ${['kind', ...Object.keys(spec)].join(', ')}`;
  for (const key of Object.keys(o)) {
    if (key !== 'kind' && !Object.hasOwn(spec, key)) return `${at}.${key}: unknown key (${takes})`;
  }
  for (const [key, check] of Object.entries(spec)) {
    if (!Object.hasOwn(o, key)) return `${at}.${key}: missing (${takes})`;
    const why = check(o[key], `${at}.${key}`, limit);
    if (why) return why.startsWith(`${at}.${key}`) ? why : `${at}.${key}: ${why}`;
  }
  return null;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}
