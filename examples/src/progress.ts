/** Keras-style training output: a live bar inside the epoch on a terminal, one plain line per epoch. */
import type { Callback, History, Logs, TrainingRun } from '@tsnn/layers';

/** One epoch's logs as fit gives them, with its number (from 1) and how long it took. */
export type EpochLogs = Logs & { epoch: number; seconds: number };

/** Epoch i's (from 0) logs from a history. */
export function epochOf(history: History, seconds: number[], i: number): EpochLogs {
  const logs: Logs = {};
  for (const [k, v] of Object.entries(history)) logs[k] = v[i];
  return { ...logs, epoch: i + 1, seconds: seconds[i] };
}

/** `accuracy: 0.9240 - loss: 0.0598`: training keys in Keras's (alphabetical) order, then the validation keys. */
function figures(logs: Logs): string {
  const keys = Object.keys(logs).filter((k) => k !== 'epoch' && k !== 'seconds').sort();
  const ordered = [...keys.filter((k) => !k.startsWith('val_')), ...keys.filter((k) => k.startsWith('val_'))];
  return ordered.map((k) => ` - ${k}: ${f4(logs[k])}`).join('');
}

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
  return `Epoch ${logs.epoch}/${epochs}  ${steps}/${steps} - ${logs.seconds.toFixed(1)}s - ${ms.toFixed(1)}ms/step${figures(logs)}`;
}

export class EpochProgress {
  private t0 = 0;
  private lastDraw = 0;
  constructor(private out: Output, private epochs: number, private now: () => number = () => performance.now()) {}

  startEpoch(): void {
    this.t0 = this.now();
    this.lastDraw = 0;
  }

  batch(epoch: number, step: number, steps: number, logs: Logs): void {
    if (!this.out.tty || !this.out.status) return;
    const t = this.now();
    if (step < steps && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    const width = 30, done = Math.round((width * step) / steps);
    const bar = '='.repeat(Math.max(0, done - 1)) + (done > 0 ? (step < steps ? '>' : '=') : '') + '.'.repeat(width - done);
    const eta = ((t - this.t0) / step) * (steps - step) / 1000;
    this.out.status(`Epoch ${epoch}/${this.epochs}  ${step}/${steps} [${bar}] - ETA: ${eta.toFixed(0)}s${figures(logs)}`);
  }

  endEpoch(logs: EpochLogs, steps: number): void {
    this.out.line(epochLine(logs, this.epochs, steps));
  }

  /** A fit callback drawing the bar and printing each epoch's line (and starting the next epoch's clock). */
  callback(steps: number): Callback {
    let run: TrainingRun;
    return {
      setRun: (r) => void (run = r),
      onBatchEnd: (batch, logs) => this.batch(run.state.epoch + 1, batch + 1, steps, logs),
      onEpochEnd: (epoch, logs) => {
        this.endEpoch({ ...logs, epoch: epoch + 1, seconds: run.state.epochSeconds[epoch] }, steps);
        this.startEpoch();
      },
    };
  }
}
