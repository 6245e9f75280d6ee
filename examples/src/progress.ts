/** Keras-style training output: a live bar inside the epoch on a terminal, one plain line per epoch. */
import type { BatchLogs, EpochLogs } from '@tsnn/layers';

export interface Output {
  /** Write a whole line. */
  line(s: string): void;
  /** Overwrite the current terminal line (only called when tty is true). */
  status?(s: string): void;
  tty: boolean;
}

const f4 = (v: number | undefined) => (v === undefined ? 'n/a' : v.toFixed(4));

/** `469/469 - 4.1s - 8.7ms/step - binary_accuracy: 0.9240 - loss: 0.0598 - val_binary_accuracy: … - val_loss: …` */
export function epochLine(logs: EpochLogs, epochs: number, steps: number): string {
  const ms = (logs.seconds * 1000) / steps;
  let s = `Epoch ${logs.epoch}/${epochs}  ${steps}/${steps} - ${logs.seconds.toFixed(1)}s - ${ms.toFixed(1)}ms/step` +
    ` - binary_accuracy: ${f4(logs.binary_accuracy)} - loss: ${f4(logs.loss)}`;
  if (logs.val_loss !== undefined) s += ` - val_binary_accuracy: ${f4(logs.val_binary_accuracy)} - val_loss: ${f4(logs.val_loss)}`;
  return s;
}

export class EpochProgress {
  private t0 = 0;
  private lastDraw = 0;
  constructor(private out: Output, private epochs: number, private now: () => number = () => performance.now()) {}

  startEpoch(): void {
    this.t0 = this.now();
    this.lastDraw = 0;
  }

  batch(epoch: number, step: number, steps: number, logs: BatchLogs): void {
    if (!this.out.tty || !this.out.status) return;
    const t = this.now();
    if (step < steps && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    const width = 30, done = Math.round((width * step) / steps);
    const bar = '='.repeat(Math.max(0, done - 1)) + (done > 0 ? (step < steps ? '>' : '=') : '') + '.'.repeat(width - done);
    const eta = ((t - this.t0) / step) * (steps - step) / 1000;
    this.out.status(`Epoch ${epoch}/${this.epochs}  ${step}/${steps} [${bar}] - ETA: ${eta.toFixed(0)}s - binary_accuracy: ${f4(logs.binary_accuracy)} - loss: ${f4(logs.loss)}`);
  }

  endEpoch(logs: EpochLogs, steps: number): void {
    this.out.line(epochLine(logs, this.epochs, steps));
  }
}
