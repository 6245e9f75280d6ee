/** Every error tsnn throws on purpose is a `TsnnError` (or a subclass), so callers can tell ours from bugs. */
export class TsnnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TsnnError';
  }
}

/** `[128, 784]` */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export class ShapeError extends TsnnError {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}
