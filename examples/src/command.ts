/**
 * The shared shape of the example commands: parse strictly (a usage error prints the usage and exits 2),
 * run, and turn an error into one line on stderr (the stack only with --verbose) and exit status 1. A flag
 * found wrong only while running (it disagrees with a checkpoint) is one line and exit status 2; a run
 * ended by a signal prints what it kept and exits with the signal's status.
 */
import { UsageError } from './flags.js';

export interface Command<O extends { verbose: boolean }> {
  usage: string;
  /** Options, or null for --help. Throws UsageError. */
  parse(argv: string[]): O | null;
  /** Runs the command; resolves to its exit status. */
  run(opts: O): Promise<number>;
}

/** A run ended early by a signal: `message` says what was kept; `status` is 130 (SIGINT) or 143 (SIGTERM). */
export class Interrupted extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'Interrupted';
  }
}

/** The exit status for a run ended by `signal`: 128 + its number. */
export function signalStatus(signal: NodeJS.Signals | undefined): number {
  return signal === 'SIGTERM' ? 143 : 130;
}

export async function runCommand<O extends { verbose: boolean }>(cmd: Command<O>, argv: string[]): Promise<number> {
  let opts: O | null;
  try {
    opts = cmd.parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n\n${cmd.usage}`);
    return 2;
  }
  if (opts === null) {
    process.stdout.write(cmd.usage);
    return 0;
  }
  try {
    return await cmd.run(opts);
  } catch (e) {
    if (e instanceof Interrupted) {
      process.stdout.write(`${e.message}\n`);
      return e.status;
    }
    process.stderr.write(`\nerror: ${(e as Error).message}\n`);
    if (opts.verbose) process.stderr.write(`${(e as Error).stack}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}
