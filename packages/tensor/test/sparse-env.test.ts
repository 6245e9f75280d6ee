import { describe, expect, it } from 'vitest';
import { SPARSE_MAX_DENSITY, TsnnError, sparseInputDensity, useSparseInputs } from '@tsnn/tensor';
import { useSparseInputsFromEnv } from '@tsnn/tensor/backend.node';

describe('TSNN_SPARSE_DENSITY (useSparseInputsFromEnv)', () => {
  it('sets the density, 0 turns the path off, unset keeps it, anything else is a clear error', () => {
    const old = useSparseInputs(SPARSE_MAX_DENSITY);
    try {
      expect(useSparseInputsFromEnv(undefined)).toBe(SPARSE_MAX_DENSITY);
      expect(useSparseInputsFromEnv('0')).toBe(0);
      expect(sparseInputDensity()).toBe(0);
      expect(useSparseInputsFromEnv('0.5')).toBe(0.5);
      expect(sparseInputDensity()).toBe(0.5);
      expect(() => useSparseInputsFromEnv('off')).toThrow(TsnnError);
      expect(() => useSparseInputsFromEnv('1.5')).toThrow("TSNN_SPARSE_DENSITY must be a number in [0, 1] (0: off), got '1.5'");
      expect(sparseInputDensity()).toBe(0.5);
    } finally {
      useSparseInputs(old);
    }
  });
});
