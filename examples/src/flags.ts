/** Strict flag values shared by the example command lines: a wrong value is a UsageError (exit 2). */
import { UsageError } from './cli.js';

/** An integer flag ≥ min; `fallback` when absent. */
export function intFlag(flag: string, v: string | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  if (!/^-?\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) {
    throw new UsageError(`--${flag} must be an integer ≥ ${min}, got '${v}'`);
  }
  return Number(v);
}

/** A path flag: absent → fallback; empty → a usage error. */
export function pathFlag<T extends string | null>(flag: string, v: string | undefined, fallback: T): string | T {
  if (v === '') throw new UsageError(`--${flag} needs a path`);
  return v ?? fallback;
}
